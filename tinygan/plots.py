"""Pictures of generated images: a grid of samples, a row of grids over training, an animated
GIF, and loss curves. Images arrive as tensors or NumPy arrays of shape (N, 1, H, W) or (N, H, W)
with pixels in [-1, 1] (what a tanh generator gives); everything is drawn with matplotlib
into files."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.animation import FuncAnimation, PillowWriter
from matplotlib.figure import Figure  # not pyplot: no display and no global state needed

from .tensor import Tensor


def image_grid(images, rows: int | None = None, padding: int = 2) -> np.ndarray:
    """One 2-D array in [0, 1] (ink 1, background 0) that tiles the images in ``rows`` rows
    (default: a square), separated by ``padding`` pixels of background."""
    array = images.numpy() if isinstance(images, Tensor) else np.asarray(images)
    array = array.reshape(len(array), *array.shape[-2:]).astype(np.float64)
    count, height, width = array.shape
    rows = rows or int(np.ceil(np.sqrt(count)))
    columns = int(np.ceil(count / rows))
    grid = np.zeros((rows * (height + padding) + padding, columns * (width + padding) + padding))
    for i, image in enumerate(np.clip((array + 1) / 2, 0, 1)):
        top = padding + (i // columns) * (height + padding)
        left = padding + (i % columns) * (width + padding)
        grid[top : top + height, left : left + width] = image
    return grid


def save_image_grid(images, path, rows: int | None = None, title: str | None = None) -> None:
    """Write ``image_grid(images, rows)`` to ``path`` (PNG), with an optional title."""
    grid = image_grid(images, rows)
    figure = Figure(figsize=(grid.shape[1] / 40, grid.shape[0] / 40 + 0.4))
    axis = figure.subplots()
    axis.imshow(grid, cmap="gray_r", vmin=0, vmax=1, interpolation="nearest")
    axis.set_axis_off()
    if title:
        axis.set_title(title, fontsize=9)
    figure.savefig(path, dpi=100, bbox_inches="tight")


def save_grids_over_training(
    grids: list[tuple[int, np.ndarray]], path, shown: int = 6, rows: int | None = None
) -> None:
    """The "samples over iterations" figure: ``shown`` of the (step, images) pairs, side by side."""
    picks = [grids[i] for i in np.linspace(0, len(grids) - 1, min(shown, len(grids))).astype(int)]
    figure = Figure(figsize=(2.6 * len(picks), 2.9))
    axes = figure.subplots(1, len(picks), squeeze=False)
    for axis, (step, images) in zip(axes[0], picks):
        axis.imshow(
            image_grid(images, rows), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"
        )
        axis.set_axis_off()
        axis.set_title(f"step {step}", fontsize=9)
    figure.savefig(path, dpi=100, bbox_inches="tight")


def save_gif(grids: list[tuple[int, np.ndarray]], path, fps: int = 4, rows: int | None = None):
    """An animated GIF of the (step, images) grids, one frame each."""
    figure = Figure(figsize=(3.2, 3.4))
    axis = figure.subplots()

    def frame(i):
        axis.clear()
        step, images = grids[i]
        axis.imshow(
            image_grid(images, rows), cmap="gray_r", vmin=0, vmax=1, interpolation="nearest"
        )
        axis.set_axis_off()
        axis.set_title(f"step {step}", fontsize=9)

    FuncAnimation(figure, frame, frames=len(grids)).save(path, writer=PillowWriter(fps=fps), dpi=70)


def save_training_curves(history: list[dict], path, every: int = 1) -> None:
    """Both players' losses, and D(x) on real and generated samples, from ``trainer.history``."""
    records = history[::every]
    steps = [r["step"] for r in records]
    figure = Figure(figsize=(11, 3.5))
    left, right = figure.subplots(1, 2)
    left.plot(steps, [r["d_loss"] for r in records], label="D loss", lw=0.7)
    left.plot(steps, [r["g_loss"] for r in records], label="G loss", lw=0.7)
    left.set(xlabel="step", title="losses")
    left.legend()
    right.plot(steps, [r["d_real"] for r in records], label="D(x), real", lw=0.7)
    right.plot(steps, [r["d_fake"] for r in records], label="D(G(z)), generated", lw=0.7)
    right.set(xlabel="step", title="the discriminator's outputs")
    right.legend()
    figure.savefig(Path(path), dpi=90, bbox_inches="tight")
