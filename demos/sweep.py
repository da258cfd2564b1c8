# %% [markdown]
# # How sensitive a plain GAN is to its hyperparameters
#
#     python demos/sweep.py                    # 3 x 3 runs of 3,000 steps, a few minutes on a CPU
#     python demos/sweep.py --lrs 1e-4 1e-3 --ks 1 5 --iters 2000
#
# Modes captured on the ring of 8 Gaussians over a grid of learning rates and of discriminator
# steps per generator step (k). Every cell is one run of the non-saturating GAN without remedies
# (no packing, no averaging), the same for all but the two settings, each from its own seed.
# Written into --out: sweep.png (the heatmap, each cell annotated with modes and high-quality %)
# and metrics.json.

# %%
import argparse
import json
import sys
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


# %% One cell: a plain GAN of two 2 x 128 ReLU MLPs at one learning rate and one k.
def mlp(inputs, outputs, device, width=128):
    return nn.Sequential(
        nn.Linear(inputs, width),
        nn.ReLU(),
        nn.Linear(width, width),
        nn.ReLU(),
        nn.Linear(width, outputs),
    ).to(device)


def run(lr, k, iters, seed, device):
    """Train one plain GAN; return its mode coverage on 2,500 samples."""
    tinygan.manual_seed(seed)
    data = toy.ring()
    trainer = gan.GANTrainer(
        mlp(2, 2, device),
        mlp(2, 1, device),
        lambda n: data.sample(n, device=device),
        lambda n: tinygan.randn(n, 2, device=device),
        gan.TrainingConfig(batch_size=512, d_steps=k, lr_g=lr, lr_d=lr),
    )
    trainer.fit(iters, progress=False)
    with tinygan.no_grad():
        samples = trainer.generator(tinygan.randn(2500, 2, device=device))
    return mode_coverage(samples, data.centres, data.std)


# %% Every cell, then the heatmap.
def main(
    device="cpu", seed=0, iters=3000, lrs=(1e-4, 5e-4, 2e-3), ks=(1, 2, 5), out="runs/sweep"
) -> dict:
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    lrs, ks = list(lrs), list(ks)
    started = time.perf_counter()
    results = {}
    for lr in lrs:
        for k in ks:
            coverage = run(lr, k, iters, seed, device)
            results[f"lr={lr:g},k={k}"] = {"lr": lr, "k": k, **coverage}
            print(
                f"lr {lr:g}, k {k}: {coverage['modes']}/8 modes, "
                f"{100 * coverage['high_quality']:.0f} % high quality"
            )
    settings = {"device": device, "seed": seed, "iters": iters, "lrs": lrs, "ks": ks}
    metrics = {
        "runs": results,
        "seconds": time.perf_counter() - started,
        "settings": settings | {"out": str(out)},
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2))

    modes = np.array([[results[f"lr={lr:g},k={k}"]["modes"] for k in ks] for lr in lrs])
    quality = np.array([[results[f"lr={lr:g},k={k}"]["high_quality"] for k in ks] for lr in lrs])
    figure, axis = plt.subplots(figsize=(1.6 * len(ks) + 2, 1.2 * len(lrs) + 1.5))
    image = axis.imshow(modes, cmap="viridis", vmin=0, vmax=8, origin="lower")
    for i in range(len(lrs)):
        for j in range(len(ks)):
            axis.text(
                j,
                i,
                f"{modes[i, j]}/8\n{100 * quality[i, j]:.0f} %",
                ha="center",
                va="center",
                color="white" if modes[i, j] < 5 else "black",
            )
    axis.set(
        xticks=range(len(ks)),
        xticklabels=ks,
        xlabel="k: D steps per G step",
        yticks=range(len(lrs)),
        yticklabels=[f"{lr:g}" for lr in lrs],
        ylabel="learning rate (both players)",
        title=f"plain GAN on the ring: modes captured ({iters} steps, seed {seed})",
    )
    figure.colorbar(image, label="modes captured")
    figure.savefig(out / "sweep.png", dpi=90, bbox_inches="tight")
    plt.close(figure)
    print(f"sweep.png and metrics.json in {out}/ ({metrics['seconds']:.0f} s)")
    return metrics


# %%
def cli(argv=None) -> dict:
    parser = argparse.ArgumentParser(description="A plain GAN over learning rates and k.")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--iters", type=int, default=3000, help="generator steps per run")
    parser.add_argument("--lrs", type=float, nargs="+", default=[1e-4, 5e-4, 2e-3])
    parser.add_argument("--ks", type=int, nargs="+", default=[1, 2, 5])
    parser.add_argument("--out", default="runs/sweep")
    return vars(parser.parse_args(argv))


if __name__ == "__main__":  # in Jupyter, sys.argv holds the kernel's flags, not the demo's
    main(**cli([] if "ipykernel" in sys.modules else None))
