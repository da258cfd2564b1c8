# %% [markdown]
# # Figure 1 of the GAN paper, trained for real: a generator learns a 1-D Gaussian
#
#     python demos/gaussian_1d.py                    # CPU, about 15 seconds
#     python demos/gaussian_1d.py --device cuda
#     python demos/gaussian_1d.py --iters 150 --out /tmp/g1   # a smoke run
#
# Goodfellow et al. (2014) explain adversarial training with one picture: the data density
# (black, dotted), the discriminator D(x) (blue, dashed), the generator's density p_g (green)
# and, below, the map z -> x = G(z) that pushes noise onto the data line. As the game is played,
# p_g travels to p_data and D flattens to 1/2: at the optimum D*(x) = p_data / (p_data + p_g),
# and p_g = p_data. This demo plays that game with GANTrainer and writes into --out:
# figure1.png (four moments of training, drawn as in the paper), training.gif (40 moments),
# curves.png (losses, D's outputs and the distances over training) and metrics.json (the final
# distances beside their floor, mean |D(x) - 1/2|, the settings and timings).

# %%
import argparse
import json
import sys
import time
from pathlib import Path
from statistics import NormalDist

import numpy as np
from gaussian_pictures import (  # beside this file
    EDGES,
    X_HIGH,
    X_LOW,
    Z_LINES,
    normal_quantiles,
    save_curves,
    save_figure1,
    save_movie,
)

import tinygan
import tinygan.nn.functional as F
from tinygan import gan, nn
from tinygan.data import toy
from tinygan.metrics import jensen_shannon_histograms, wasserstein_1d

M = 20_000  # G is measured at M equal-probability points of p_z, each carrying mass 1/M
JSD_BINS = 100  # histograms over the data's mean +- 4 std, plus one bin below and one above
N = 100_000  # the final numbers: fresh random samples of G and of the data
HISTORY = ("step", "wasserstein_1", "jensen_shannon", "mean_abs_d_minus_half")  # per snapshot


# %% The players. G's activation is softplus: smooth, so p_g is smooth, and unbounded, so z's
# tails can become x's tails (tanh would pile the upper tail onto a ceiling; ReLU's kinks make
# p_g jump). D sees standardized x: a fresh Linear(1, k) bends at |x| < 1, and the data is at 4.
class Softplus(nn.Module):
    """softplus(u) = log(1 + exp(u)), elementwise. (tinygan.nn has the function, not a layer.)"""

    def forward(self, u):
        return F.softplus(u)


class Standardize(nn.Module):
    """x -> (x - mean) / std, with constants measured once on the data."""

    def __init__(self, mean: float, std: float):
        super().__init__()
        self.mean, self.std = mean, std  # plain floats: they work on any device

    def forward(self, x):
        return (x - self.mean) / self.std

    def extra_repr(self) -> str:
        return f"mean={self.mean:.3f}, std={self.std:.3f}"


# %% Data N(4, 0.5^2), far from where a fresh G puts its mass; noise N(0, 1), from which the
# ideal G is a straight line, x = 4 + 0.5 z. (The paper's uniform z leaves a small MLP to bend a
# bounded interval into unbounded tails.) The non-saturating loss, because the minimax G barely
# moves while D rejects its samples (demos/saturation.py); TTUR (Heusel et al. 2017), D 4x
# faster than G, so D stays near D*; rates falling linearly to 0, so that the players' circling
# around the equilibrium shrinks (at a constant rate G's mean kept wandering 0.05-0.1 off 4).
def main(device="cpu", seed=0, iters=5000, out="runs/gaussian_1d") -> dict:
    if iters < 1:
        raise ValueError(f"iters must be at least 1, not {iters}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tinygan.manual_seed(seed)
    started = time.perf_counter()
    data = toy.gaussian_1d()
    mean, std = float(data.centres[0, 0]), data.std

    def sample_real(n):
        return data.sample(n, device=device)

    def sample_noise(n):
        return tinygan.randn(n, 1, device=device)

    layers = [nn.Linear(1, 32), Softplus(), nn.Linear(32, 32), Softplus(), nn.Linear(32, 1)]
    generator = nn.Sequential(*layers).to(device)
    measured = sample_real(10_000).numpy()
    discriminator = nn.Sequential(
        Standardize(float(measured.mean()), float(measured.std())),
        nn.Linear(1, 64),
        nn.LeakyReLU(0.2),  # leaky: a unit never dies, so D cannot go blind in some region
        nn.Linear(64, 64),
        nn.LeakyReLU(0.2),
        nn.Linear(64, 1),  # a logit: D(x) = sigmoid(logit)
    ).to(device)
    print(generator)
    print(discriminator)
    lr_g, lr_d = 5e-4, 2e-3
    config = gan.TrainingConfig(
        objective="non_saturating", batch_size=256, lr_g=lr_g, lr_d=lr_d, lr_schedule="linear"
    )
    trainer = gan.GANTrainer(generator, discriminator, sample_real, sample_noise, config)

    # What is measured. |D(x) - 1/2| on the central 99 % of p_data (weighted by p_data, and
    # at worst): off the support D* = 0/0 and D is free. p_g is a histogram of G at M quantiles
    # of p_z: mass 1/M each, like samples, but without their noise from frame to frame.
    xs = np.linspace(X_LOW, X_HIGH, 801)
    xs_device = tinygan.tensor(xs[:, None], dtype=tinygan.float32, device=device)
    p_data = data.density(xs)
    q = NormalDist().inv_cdf(0.995)
    support = (mean - q * std, mean + q * std)
    on_support = (xs > support[0]) & (xs < support[1])
    z_quantiles = tinygan.tensor(normal_quantiles(M)[:, None], dtype=tinygan.float32, device=device)
    z_lines = tinygan.tensor(Z_LINES[:, None], dtype=tinygan.float32, device=device)
    jsd_range = (mean - 4 * std, mean + 4 * std)
    reference = sample_real(M).numpy()[:, 0]

    def distances(a, b):
        jensen_shannon = jensen_shannon_histograms(a, b, bins=JSD_BINS, range=jsd_range)
        return {"wasserstein_1": wasserstein_1d(a, b), "jensen_shannon": jensen_shannon}

    def snapshot(step):
        with tinygan.no_grad():
            d = tinygan.sigmoid(discriminator(xs_device)).numpy()[:, 0]
            fake = generator(z_quantiles).numpy()[:, 0]
            mapped = generator(z_lines).numpy()[:, 0]
        gap, weights = np.abs(d[on_support] - 0.5), p_data[on_support]
        return {
            "step": step,
            "d": d,
            "mapped": mapped,
            **distances(fake, reference),
            "p_g": np.histogram(fake, bins=EDGES)[0] / (M * np.diff(EDGES)),  # a density
            "mean_abs_d_minus_half": float((gap * weights).sum() / weights.sum()),
            "max_abs_d_minus_half": float(gap.max()),
        }

    # Training: 40 snapshots, spaced quadratically (the travelling is early, settling slow).
    steps = sorted({round(iters * (k / 39) ** 2) for k in range(40)})
    snapshots, snapshot_seconds = [snapshot(0)], 0.0

    def take_snapshot(trainer):  # fit() calls this after every step (one D step, one G step)
        nonlocal snapshot_seconds
        if trainer.step not in steps:
            return
        taken = time.perf_counter()
        snapshots.append(snapshot(trainer.step))
        snapshot_seconds += time.perf_counter() - taken
        if len(snapshots) % 5 == 0 or trainer.step == iters:
            record, last = trainer.history[-1], snapshots[-1]
            print(
                f"step {trainer.step:5d}  D(x) {record['d_real']:.3f}  D(G(z)) "
                f"{record['d_fake']:.3f}  W1 {last['wasserstein_1']:.4f}  JSD "
                f"{last['jensen_shannon']:.4f}  mean |D - 1/2| {last['mean_abs_d_minus_half']:.4f}"
            )

    loop_started = time.perf_counter()
    if trainer.fit(iters, progress=False, callback=take_snapshot) != "done":
        raise RuntimeError("training stopped early (see the message above); lower the rates")
    train_seconds = time.perf_counter() - loop_started - snapshot_seconds

    # The numbers: on fresh samples, beside the floor, the same distances between two data
    # samples of the same size (finite samples differ by chance; no G scores much below it).
    floors = distances(sample_real(M).numpy()[:, 0], reference)  # at M, for curves.png
    with tinygan.no_grad():
        fake = generator(sample_noise(N)).numpy()[:, 0]
    real, real_again = sample_real(N).numpy()[:, 0], sample_real(N).numpy()[:, 0]
    final, start = snapshots[-1], snapshots[0]
    metrics = {
        **distances(fake, real),
        "mean_abs_d_minus_half": final["mean_abs_d_minus_half"],
        "max_abs_d_minus_half": final["max_abs_d_minus_half"],
        "reference": distances(real_again, real),
        "start": {key: start[key] for key in ("wasserstein_1", "jensen_shannon")},
        "how": {
            "samples": f"{N} random samples each of G(z) and of p_data (the start: {M} points)",
            "jensen_shannon": f"nats, between histograms of {JSD_BINS} bins on "
            f"[{jsd_range[0]}, {jsd_range[1]}] plus one bin below and one above",
            "wasserstein_1": "exact, between the two empirical distributions",
            "mean_abs_d_minus_half": f"weighted by p_data on [{support[0]:.3f}, "
            f"{support[1]:.3f}], the central 99 % of p_data",
            "max_abs_d_minus_half": "the largest on a grid of that interval",
        },
        "settings": {
            **{"seed": seed, "iters": iters, "device": device, "objective": config.objective},
            **{"lr_g": lr_g, "lr_d": lr_d, "lr_schedule": "linear to 0"},
            **{"betas": list(config.betas), "batch_size": config.batch_size},
            **{"noise": "z ~ N(0, 1)", "data": f"N({mean}, {std}^2)"},
            "generator": "MLP 1-32-32-1, softplus",
            "discriminator": "standardize, MLP 1-64-64-1, LeakyReLU(0.2)",
        },
        "train_seconds": train_seconds,
        "history": [{key: s[key] for key in HISTORY} for s in snapshots],
    }

    # The pictures, then the wall time, which includes them.
    save_figure1(xs, p_data, snapshots, iters, out)
    save_movie(xs, p_data, snapshots, iters, out)
    save_curves(trainer.history, snapshots, floors, M, out)
    metrics["wall_seconds"] = time.perf_counter() - started
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    floor = metrics["reference"]
    print(f"\nafter {iters} steps, on {N} samples each (data vs data in brackets):")
    print(f"  1-Wasserstein   {metrics['wasserstein_1']:.4f}  ({floor['wasserstein_1']:.4f})")
    print(f"  Jensen-Shannon  {metrics['jensen_shannon']:.4f}  ({floor['jensen_shannon']:.4f})")
    print(
        f"  |D(x) - 1/2|    {metrics['mean_abs_d_minus_half']:.4f} on average over the data's "
        f"central 99 %, {metrics['max_abs_d_minus_half']:.4f} at worst"
    )
    print(f"trained in {train_seconds:.1f} s; {metrics['wall_seconds']:.1f} s with the pictures")
    for name in ("figure1.png", "training.gif", "curves.png", "metrics.json"):
        print(f"wrote {out / name}")
    return metrics


# %%
def cli(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="Figure 1 of the GAN paper, trained for real.")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iters", type=int, default=5000, help="training steps (one D, one G)")
    parser.add_argument("--out", default="runs/gaussian_1d", help="folder for pictures, metrics")
    return vars(parser.parse_args(argv))


if __name__ == "__main__":  # in Jupyter, sys.argv holds the kernel's flags, not the demo's
    main(**cli([] if "ipykernel" in sys.modules else None))
