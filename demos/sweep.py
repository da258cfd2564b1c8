"""How sensitive a plain GAN is to its hyperparameters: modes captured on the ring of 8
Gaussians, over a grid of learning rates and of discriminator steps per generator step (k).

    python demos/sweep.py                    # 3 x 3 runs of 3,000 steps, a few minutes on a CPU
    python demos/sweep.py --lrs 1e-4 1e-3 --ks 1 5 --iters 2000

Every cell is one run of the non-saturating GAN without remedies (no packing, no averaging),
the same for all but the two settings. Written into --out: sweep.png (the heatmap, each cell
annotated with modes and high-quality %) and metrics.json.
"""

import argparse
import json
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import tinygan  # noqa: E402
from tinygan import gan, nn  # noqa: E402
from tinygan.data import toy  # noqa: E402
from tinygan.metrics.mixtures import mode_coverage  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--iters", type=int, default=3000, help="generator steps per run")
parser.add_argument("--lrs", type=float, nargs="+", default=[1e-4, 5e-4, 2e-3])
parser.add_argument("--ks", type=int, nargs="+", default=[1, 2, 5])
parser.add_argument("--out", default="runs/sweep")
args = parser.parse_args()
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
device = args.device
data = toy.ring()


def mlp(inputs, outputs, width=128):
    return nn.Sequential(
        nn.Linear(inputs, width),
        nn.ReLU(),
        nn.Linear(width, width),
        nn.ReLU(),
        nn.Linear(width, outputs),
    ).to(device)


def run(lr, k):
    """Train one plain GAN; return its mode coverage on 2,500 samples."""
    tinygan.manual_seed(args.seed)
    trainer = gan.GANTrainer(
        mlp(2, 2),
        mlp(2, 1),
        lambda n: data.sample(n, device=device),
        lambda n: tinygan.randn(n, 2, device=device),
        gan.TrainingConfig(batch_size=512, d_steps=k, lr_g=lr, lr_d=lr),
    )
    trainer.fit(args.iters, progress=False)
    with tinygan.no_grad():
        samples = trainer.generator(tinygan.randn(2500, 2, device=device))
    return mode_coverage(samples, data.centres, data.std)


started = time.perf_counter()
results = {}
for lr in args.lrs:
    for k in args.ks:
        coverage = run(lr, k)
        results[f"lr={lr:g},k={k}"] = {"lr": lr, "k": k, **coverage}
        print(
            f"lr {lr:g}, k {k}: {coverage['modes']}/8 modes, "
            f"{100 * coverage['high_quality']:.0f} % high quality"
        )
metrics = {"runs": results, "seconds": time.perf_counter() - started, "settings": vars(args)}
(out / "metrics.json").write_text(json.dumps(metrics, indent=2))

modes = np.array([[results[f"lr={lr:g},k={k}"]["modes"] for k in args.ks] for lr in args.lrs])
quality = np.array(
    [[results[f"lr={lr:g},k={k}"]["high_quality"] for k in args.ks] for lr in args.lrs]
)
figure, axis = plt.subplots(figsize=(1.6 * len(args.ks) + 2, 1.2 * len(args.lrs) + 1.5))
image = axis.imshow(modes, cmap="viridis", vmin=0, vmax=8, origin="lower")
for i in range(len(args.lrs)):
    for j in range(len(args.ks)):
        axis.text(
            j,
            i,
            f"{modes[i, j]}/8\n{100 * quality[i, j]:.0f} %",
            ha="center",
            va="center",
            color="white" if modes[i, j] < 5 else "black",
        )
axis.set(
    xticks=range(len(args.ks)),
    xticklabels=args.ks,
    xlabel="k: D steps per G step",
    yticks=range(len(args.lrs)),
    yticklabels=[f"{lr:g}" for lr in args.lrs],
    ylabel="learning rate (both players)",
    title=f"plain GAN on the ring: modes captured ({args.iters} steps, seed {args.seed})",
)
figure.colorbar(image, label="modes captured")
figure.savefig(out / "sweep.png", dpi=90, bbox_inches="tight")
plt.close(figure)
print(f"sweep.png and metrics.json in {out}/ ({metrics['seconds']:.0f} s)")
