# %% [markdown]
# # Mode collapse on the ring and the grid, and its remedies
#
#     python demos/mixture_2d.py                              # PacGAN2 + EMA, a minute on a CPU
#     python demos/mixture_2d.py --remedy plain --iters 4000  # no remedy: it collapses
#     python demos/mixture_2d.py --data grid --remedy selfcond
#
# The benchmarks of the mode-collapse tables (VEEGAN, Srivastava et al. 2017; PacGAN, Lin et al.
# 2018): 8 Gaussians on a ring, or 25 on a grid, where a generator that covers only some of the
# modes is easy to see and to count. Each `--remedy` is a recipe of settings (`RECIPES` below):
#
# - `plain`: no remedy, Adam at the literature's 2e-4. G hops from mode to mode.
# - `pacgan-ema` (the default): packing (PacGAN), D judges 2 samples at once, so a G that puts
#   both on one mode gives itself away; and a moving average of G's weights, which jitter.
# - `info`: InfoGAN (Chen et al. 2016). A continuous G of one Gaussian z must stretch across the
#   gaps between modes ("bridges"); given a code with one value per mode, which D must guess
#   from the sample, G jumps between codes instead. It is told the number of modes.
# - `selfcond`: the self-conditioned GAN (Liu et al. 2020): G and D are told which of 50 k-means
#   clusters of the data a sample is in (each inside one mode), as in a conditional GAN.
#
# Every setting is a keyword of `main()`; `experiments/mode_collapse.py` runs each remedy and
# loss over 5 seeds. Written into `--out`: samples.png (samples over training), final.png (D(x)
# in blue, samples, arrows of G's gradient), curves.png, training.gif and metrics.json (modes
# captured, high-quality fraction and KL over modes on 2,500 samples, and the data's own).

# %%
import argparse
import json
import sys
import time
from functools import partial
from pathlib import Path

from mixture_pictures import save_pictures, snapshot  # beside this file

import tinygan
from tinygan import gan, nn
from tinygan.data import toy
from tinygan.data.kmeans import kmeans
from tinygan.metrics.mixtures import mode_coverage

# %% Every setting with its default, and the recipes that change a few of them.
DEFAULTS = {
    **{"data": "ring", "iters": 12000, "seed": 0, "out": None, "device": "cpu", "frames": 24},
    **{"objective": "non_saturating", "batch_size": 512, "lr_g": 5e-4, "lr_d": 5e-4},
    **{"d_steps": 1, "lr_schedule": "constant", "width": 128},  # width: hidden units per layer
    "pack": None,  # samples D judges together: 2, or 1 with info or clusters
    **{"r1": 0.0, "gp": 0.0, "clip": 0.0, "ema": 0.999},  # penalties, D's weight clip, G's EMA
    **{"info": False, "info_weight": 1.0, "clusters": 0},  # InfoGAN; self-conditioning's K
}
RECIPES = {
    "plain": {"pack": 1, "ema": 0.0, "lr_g": 2e-4, "lr_d": 2e-4},
    "pacgan-ema": {},  # the defaults: pack 2, EMA 0.999, lr 5e-4
    "info": {"info": True, "lr_schedule": "linear"},
    "selfcond": {"clusters": 50, "lr_schedule": "linear"},
}
DATA = {"ring": (toy.ring, 1.5), "grid": (toy.grid, 5.5)}  # the data, the square pictures show


# %% The players: MLPs with 3 hidden ReLU layers; a label goes in one-hot, beside the input.
def mlp(inputs, outputs, width):
    hidden = [nn.Linear(inputs, width), nn.ReLU(), nn.Linear(width, width), nn.ReLU()]
    return nn.Sequential(*hidden, nn.Linear(width, width), nn.ReLU(), nn.Linear(width, outputs))


class Labelled(nn.Module):
    """G(z, code or cluster) or D(x, cluster): an MLP fed its input beside a one-hot label."""

    def __init__(self, inputs, outputs, labels, width):
        super().__init__()
        self.labels, self.body = labels, mlp(inputs + labels, outputs, width)

    def forward(self, x, label):
        one_hot = label.reshape(-1, 1) == tinygan.arange(self.labels, device=x.device)
        return self.body(tinygan.cat([x, one_hot.float()], dim=1))


# %% Data, players and GANTrainer from the settings; training with snapshots; the numbers.
def main(remedy="pacgan-ema", **settings) -> dict:
    if remedy not in RECIPES:
        raise ValueError(f"remedy {remedy!r}: choose one of {', '.join(RECIPES)}")
    if unknown := sorted(settings.keys() - DEFAULTS.keys()):
        raise TypeError(f"main() has no setting {unknown[0]!r}")
    args = argparse.Namespace(**DEFAULTS | RECIPES[remedy] | settings)
    if args.data not in DATA:
        raise ValueError(f"data {args.data!r}: choose one of {', '.join(DATA)}")
    if args.info and args.clusters:
        raise ValueError("choose one of info and clusters")
    labelled = args.info or args.clusters
    if args.pack is None:
        args.pack = 1 if labelled else 2
    if labelled and args.pack != 1:
        raise ValueError("info and clusters judge one sample at a time: use them with pack 1")
    out = Path(args.out or f"runs/{args.data}")
    out.mkdir(parents=True, exist_ok=True)
    tinygan.manual_seed(args.seed)
    device, width = args.device, args.width
    data, extent = DATA[args.data][0](), DATA[args.data][1]

    if args.clusters:  # the self-conditioned GAN: k-means on a large data sample, once
        centroids, _ = kmeans(data.sample(10_000).numpy(), args.clusters, seed=args.seed)
        centroids = tinygan.tensor(centroids, dtype=tinygan.float32, device=device)

    def cluster_of(x):  # the label of each point: its nearest centroid
        return ((x.unsqueeze(1) - centroids) ** 2).sum(2).argmin(1)

    def sample_real(n):
        x = data.sample(n, device=device)
        return (x, cluster_of(x)) if args.clusters else x

    labels = data.num_modes if args.info else args.clusters  # G's second input, if any

    def sample_noise(n):
        z = tinygan.randn(n, 2, device=device)
        if args.info:  # (z, code), the code uniform over its values
            return z, tinygan.randint(0, labels, (n,), device=device)
        if args.clusters:  # the labels of a fresh real batch: each as often as in the data
            return z, sample_real(n)[1]
        return z

    if args.info:  # D's outputs: the real/fake logit, then one logit per code value (its guess)
        generator, discriminator = Labelled(2, 2, labels, width), mlp(2, 1 + labels, width)
    elif args.clusters:  # a conditional GAN: both players are told the cluster
        generator, discriminator = Labelled(2, 2, labels, width), Labelled(2, 1, labels, width)
    else:  # D sees `pack` samples at once
        generator, discriminator = mlp(2, 2, width), mlp(2 * args.pack, 1, width)
    same = ("objective", "batch_size", "d_steps", "lr_g", "lr_d", "pack", "r1", "lr_schedule")
    config = gan.TrainingConfig(
        **{key: getattr(args, key) for key in same},
        **{"gradient_penalty": args.gp, "weight_clip": args.clip, "ema_decay": args.ema},
        info_weight=args.info_weight if args.info else 0.0,
    )
    players = generator.to(device), discriminator.to(device)
    trainer = gan.GANTrainer(*players, sample_real, sample_noise, config)

    def judge(points, labels):  # D's real/fake logits (InfoGAN's D: without its guesses)
        logits = discriminator(points, labels) if args.clusters else discriminator(points)
        return logits[:, :1]

    # The same z (and codes or labels) at every snapshot, as a tuple of G's arguments.
    noise = sample_noise(2500) if labels else (sample_noise(2500),)
    labelled_by = cluster_of if args.clusters else None  # labels D's grid and G's samples
    shoot = partial(snapshot, trainer, noise, judge, args.pack, extent, labelled_by)
    started = time.perf_counter()
    snapshots, every = [shoot()], max(1, args.iters // args.frames)

    def take_snapshot(trainer):
        if trainer.step % every == 0 or trainer.step == args.iters:
            snapshots.append(shoot())

    trainer.fit(args.iters, out=out, callback=take_snapshot)
    seconds = time.perf_counter() - started

    ours = mode_coverage(snapshots[-1]["samples"], data.centres, data.std)
    reference = mode_coverage(data.sample(2500).numpy(), data.centres, data.std)
    metrics = {
        "data": args.data,
        "modes": ours["modes"],
        "num_modes": data.num_modes,
        "high_quality": ours["high_quality"],
        "kl": ours["kl"],
        "counts": ours["counts"],
        "reference": {k: reference[k] for k in ("modes", "high_quality", "kl")},
        "seconds": seconds,
        "steps": trainer.step,
        "settings": vars(args) | {"remedy": remedy},
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))
    summary = f"{ours['modes']}/{data.num_modes} modes, {100 * ours['high_quality']:.1f} %"
    title = f"{args.data}: {summary} high quality, KL {ours['kl']:.3f}"
    save_pictures(snapshots, data, extent, title, trainer.history, out)
    print(
        f"{args.data}: {summary} high-quality samples, KL {ours['kl']:.3f} (the data itself: "
        f"{100 * reference['high_quality']:.1f} %, KL {reference['kl']:.3f}); {seconds:.0f} s"
    )
    print(f"pictures and metrics.json in {out}/")
    return metrics


# %% The command line reaches the recipes; main() reaches every setting.
def cli(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="Mode collapse on 2-D mixtures, and remedies.")
    parser.add_argument("--data", default="ring", choices=list(DATA))
    parser.add_argument("--remedy", default="pacgan-ema", choices=list(RECIPES))
    parser.add_argument("--iters", type=int, default=DEFAULTS["iters"], help="generator steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="output folder (default runs/<data>)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    return vars(parser.parse_args(argv))


if __name__ == "__main__":  # in Jupyter, sys.argv holds the kernel's flags, not the demo's
    main(**cli([] if "ipykernel" in sys.modules else None))
