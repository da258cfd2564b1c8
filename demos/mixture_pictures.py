"""What demos/mixture_2d.py shows: snapshots of training (G's samples, D(x) on a grid, arrows of
G's gradient) and the pictures drawn from them. Nothing here changes what is trained."""

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402

import tinygan  # noqa: E402
from tinygan import gan, plots  # noqa: E402


def snapshot(trainer, noise, judge, pack, extent, cluster_of=None) -> dict:
    """The samples of G (its moving average, if any) for the fixed `noise` (a tuple of G's
    arguments), D(x) on an 80 x 80 grid of the square `extent` wide, and -d(G's loss)/d(sample)
    at 120 samples: where D pushes them. `judge(points, labels)` gives D's real/fake logits;
    `cluster_of` (the self-conditioned GAN's) labels the grid's points and G's samples."""
    model = trainer.ema if trainer.ema is not None else trainer.generator
    with tinygan.no_grad():
        samples = model(*noise).numpy()
    side = np.linspace(-extent, extent, 80)
    grid = np.stack(np.meshgrid(side, side), -1).reshape(-1, 2)
    # For PacGAN, D judges `pack` copies of the same point.
    points = tinygan.tensor(np.tile(grid, pack), dtype=tinygan.float32, device=noise[0].device)
    with tinygan.no_grad():
        logits = judge(points, cluster_of(points) if cluster_of else None)
    values = trainer.objective.discriminator_output(logits)  # a probability, or a critic's score
    arguments = [part[:120] for part in noise]
    pushed = trainer.generator(*arguments).detach().requires_grad_()
    labels = arguments[1] if cluster_of else None
    loss = trainer.objective.generator_loss(judge(gan.pack(pushed, pack), labels))
    (push,) = tinygan.grad(loss, pushed)
    return {
        "step": trainer.step,
        "samples": samples,
        "map": values.numpy().reshape(len(side), len(side)),
        "arrow_points": pushed.numpy(),
        "arrows": -push.numpy(),
    }


def draw(axis, shot, data, extent):
    """D(x) as a heatmap, real (black) and generated (orange) samples, G's gradient (red)."""
    axis.imshow(
        shot["map"],
        extent=(-extent, extent, -extent, extent),
        origin="lower",
        cmap="Blues",
        vmin=0 if shot["map"].min() >= 0 else None,
        alpha=0.8,
    )
    real = data.sample(500).numpy()
    axis.scatter(real[:, 0], real[:, 1], s=2, c="black", label="real")
    axis.scatter(
        shot["samples"][:500, 0], shot["samples"][:500, 1], s=2, c="tab:orange", label="generated"
    )
    scale = np.abs(shot["arrows"]).max() or 1.0
    axis.quiver(
        shot["arrow_points"][:, 0],
        shot["arrow_points"][:, 1],
        shot["arrows"][:, 0] / scale,
        shot["arrows"][:, 1] / scale,
        color="tab:red",
        width=0.003,
        scale=12,
    )
    axis.set(
        xlim=(-extent, extent), ylim=(-extent, extent), aspect="equal", title=f"step {shot['step']}"
    )
    axis.set_xticks([]), axis.set_yticks([])


def save_pictures(snapshots, data, extent, title, history, out: Path):
    """final.png (the last snapshot, drawn), samples.png (6 snapshots' samples), curves.png (the
    losses and D's outputs) and training.gif (every snapshot, drawn) into `out`."""
    figure, axis = plt.subplots(figsize=(6, 6))
    draw(axis, snapshots[-1], data, extent)
    axis.legend(loc="upper right", markerscale=4)
    axis.set_title(title)
    figure.savefig(out / "final.png", dpi=100, bbox_inches="tight")
    plt.close(figure)

    shown = [snapshots[i] for i in np.linspace(0, len(snapshots) - 1, 6).astype(int)]
    figure, axes = plt.subplots(1, len(shown), figsize=(3 * len(shown), 3))
    for axis, shot in zip(axes, shown):
        axis.scatter(shot["samples"][:, 0], shot["samples"][:, 1], s=1, c="tab:orange")
        axis.scatter(data.centres[:, 0], data.centres[:, 1], s=12, c="black", marker="x")
        limits = (-extent, extent)
        axis.set(xlim=limits, ylim=limits, aspect="equal", title=f"step {shot['step']}")
        axis.set_xticks([]), axis.set_yticks([])
    figure.savefig(out / "samples.png", dpi=90, bbox_inches="tight")
    plt.close(figure)

    plots.save_training_curves(history, out / "curves.png")

    figure, axis = plt.subplots(figsize=(4, 4))
    animation = FuncAnimation(
        figure,
        lambda i: (axis.clear(), draw(axis, snapshots[i], data, extent)),
        frames=len(snapshots),
    )
    animation.save(out / "training.gif", writer=PillowWriter(fps=4), dpi=60)
    plt.close(figure)
