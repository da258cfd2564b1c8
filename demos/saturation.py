# %% [markdown]
# # Why nobody trains G with the loss of the original minimax game: its gradient vanishes
#
#     python demos/saturation.py
#
# Early in training the generator's samples are nowhere near the data, the discriminator tells
# them apart easily, and D(G(z)) -> 0. The minimax generator minimizes log(1 - D(G(z))), whose
# slope in the logit l is -sigmoid(l): about D(G(z)) itself, so it fades as D wins. The
# non-saturating generator minimizes -log D(G(z)), whose slope is -(1 - sigmoid(l)): close to 1
# exactly then. Goodfellow et al. (2014) suggest the second for this reason.
#
# Both runs below start from the same weights, on 1-D data N(4, 0.5^2) with a generator whose
# first samples sit near 0, and a discriminator that takes 10 steps per generator step with a
# larger learning rate (so it wins early). Written into --out: gradients.png (G's gradient
# norm, D(G(z)) and where G's samples are, over training) and metrics.json.

# %%
import argparse
import copy
import json
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import tinygan  # noqa: E402
from tinygan import gan, nn  # noqa: E402
from tinygan.data import toy  # noqa: E402
from tinygan.metrics.distances import wasserstein_1d  # noqa: E402


def mlp(device, width=32):
    return nn.Sequential(nn.Linear(1, width), nn.Tanh(), nn.Linear(width, 1)).to(device)


# %% Two runs from one starting point: the only difference is the generator's loss.
def main(device="cpu", seed=0, iters=1500, d_steps=10, lr_d=5e-3, out="runs/saturation") -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    tinygan.manual_seed(seed)
    data = toy.gaussian_1d(mean=4.0, std=0.5)
    start_generator, start_discriminator = mlp(device), mlp(device)
    probe_noise = tinygan.randn(512, 1, device=device)
    runs = {}
    for name in ("minimax", "non_saturating"):
        tinygan.manual_seed(seed)
        trainer = gan.GANTrainer(
            copy.deepcopy(start_generator),
            copy.deepcopy(start_discriminator),
            lambda n: data.sample(n, device=device),
            lambda n: tinygan.randn(n, 1, device=device),
            gan.TrainingConfig(
                objective=name, batch_size=256, d_steps=d_steps, lr_g=1e-3, lr_d=lr_d
            ),
        )
        means = []  # the mean of G's samples, every 10 steps

        def record_mean(trainer, means=means):  # bound now: each run keeps its own list
            if trainer.step % 10 == 0:
                with tinygan.no_grad():
                    means.append(trainer.generator(probe_noise).mean().item())

        trainer.fit(iters, progress=False, callback=record_mean)
        with tinygan.no_grad():
            samples = trainer.generator(tinygan.randn(5000, 1, device=device)).numpy().ravel()
        runs[name] = {"history": trainer.history, "means": means, "samples": samples}

    # %% The numbers: G's gradient and D(G(z)) early on, and where the samples end.
    reference = data.sample(5000).numpy().ravel()
    metrics = {}
    for name, run in runs.items():
        norms = np.array([r["g_grad_norm"] for r in run["history"]])
        metrics[name] = {
            "median_g_grad_norm_first_200_steps": float(np.median(norms[:200])),
            "median_d_of_g_first_200_steps": float(
                np.median([r["d_fake"] for r in run["history"][:200]])
            ),
            "final_wasserstein_to_data": wasserstein_1d(run["samples"], reference),
            "final_mean_of_samples": float(run["samples"].mean()),
        }
    settings = {"device": device, "seed": seed, "iters": iters, "out": str(out)}
    metrics["settings"] = settings | {"d_steps": d_steps, "lr_d": lr_d}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))

    # %% The picture.
    figure, axes = plt.subplots(1, 3, figsize=(15, 4))
    for name, run in runs.items():
        steps = [r["step"] for r in run["history"]]
        axes[0].semilogy(steps, [r["g_grad_norm"] for r in run["history"]], lw=0.7, label=name)
        axes[1].plot(steps, [r["d_fake"] for r in run["history"]], lw=0.7, label=name)
        axes[2].plot(np.arange(1, len(run["means"]) + 1) * 10, run["means"], label=name)
    axes[0].set(title="the generator's gradient norm", xlabel="step")
    axes[1].set(title="D(G(z)): how real D finds the samples", xlabel="step")
    axes[2].axhline(4.0, color="black", ls=":", label="the data's mean")
    axes[2].set(title="the mean of G's samples", xlabel="step")
    for axis in axes:
        axis.legend()
    figure.savefig(out / "gradients.png", dpi=90, bbox_inches="tight")
    plt.close(figure)

    for name in runs:
        m = metrics[name]
        print(
            f"{name:15s} G's gradient norm (median, first 200 steps) "
            f"{m['median_g_grad_norm_first_200_steps']:.2e}; samples end at mean "
            f"{m['final_mean_of_samples']:.2f} (data 4.00), Wasserstein "
            f"{m['final_wasserstein_to_data']:.3f}"
        )
    print(f"gradients.png and metrics.json in {out}/")
    return metrics


# %%
def cli(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="The minimax generator's gradient vanishes.")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iters", type=int, default=1500, help="generator steps")
    parser.add_argument("--out", default="runs/saturation")
    parser.add_argument("--d-steps", type=int, default=10, help="D steps per G step")
    parser.add_argument("--lr-d", type=float, default=5e-3)
    return vars(parser.parse_args(argv))


if __name__ == "__main__":  # in Jupyter, sys.argv holds the kernel's flags, not the demo's
    main(**cli([] if "ipykernel" in sys.modules else None))
