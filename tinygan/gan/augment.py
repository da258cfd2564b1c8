"""Differentiable augmentation (DiffAugment, Zhao et al. 2020) for GANs trained on few images.

With a few thousand training images, D soon memorizes them: it calls the training digits real
and new digits of the same kind fake, and G, chasing D, loses variety. Showing D every image,
real and fake, in both players' steps, at a random shift and with a random square cut out makes
memorizing much harder. The transformations are differentiable, so G's gradient flows through
them, and they are applied to G's images too, so G is still pushed toward the un-augmented
digits: D compares augmented real with augmented fake.

A caution the MNIST demo shows: the two augmented sets can match while G's images lack variety,
because the random shift supplies it. With a shift of up to 2 pixels each cluster of the
self-conditioned DCGAN collapsed to nearly one drawing (docs/mnist_experiments.md).
"""

from __future__ import annotations

from ..creation import arange, randint
from .remedy import Remedy

__all__ = ["Augmentation", "DiffAugment", "cutout", "translate"]


def translate(images, max_shift: int, fill: float = 0.0):
    """Each image of [N, C, H, W] shifted by its own random (dy, dx), each drawn from
    [-max_shift, max_shift] pixels; the pixels uncovered at the edges become ``fill``."""
    _check_images("translate", images)
    _check_count("translate", "max_shift", max_shift)
    if max_shift == 0:
        return images
    n, _, height, width = images.shape
    device = images.device
    dy = randint(-max_shift, max_shift + 1, (n,), device=device)
    dx = randint(-max_shift, max_shift + 1, (n,), device=device)
    # out[i, j] = x[i - dy, j - dx]: a shifted identity matrix on each side moves the rows
    # (rows[i, k] = 1 where k = i - dy) and the columns (columns[k, j] = 1 where k = j - dx).
    # Rows and columns that fall off the edge are dropped, so the uncovered pixels are 0,
    # and subtracting fill first and adding it back after makes them fill.
    rows = _shift_matrices(height, dy, images.dtype)  # [N, H, H]
    columns = _shift_matrices(width, dx, images.dtype).transpose(1, 2)  # [N, W, W]
    # Backward is the matrix products' own: d x = rows^T @ d out @ columns^T, the shift undone.
    return rows[:, None] @ (images - fill) @ columns[:, None] + fill


def cutout(images, size: int, fill: float = 0.0):
    """Each image of [N, C, H, W] with a random ``size`` x ``size`` square set to ``fill``
    (DeVries and Taylor 2017). The square may hang over the edge, so that border pixels are
    cut as often as central ones."""
    _check_images("cutout", images)
    _check_count("cutout", "size", size)
    if size == 0:
        return images
    n, _, height, width = images.shape
    device = images.device
    top = randint(1 - size, height, (n,), device=device)
    left = randint(1 - size, width, (n,), device=device)
    rows = _inside(arange(height, device=device), top, size, images.dtype)  # [N, H]
    columns = _inside(arange(width, device=device), left, size, images.dtype)  # [N, W]
    keep = 1 - rows[:, None, :, None] * columns[:, None, None, :]  # [N, 1, H, W]: 0 in the square
    # d out / d x = keep: the gradient passes where the image is kept, and is 0 in the square
    return images * keep + fill * (1 - keep)


class DiffAugment:
    """The augmentation D sees every batch through: a random shift of up to ``max_shift``
    pixels, then a random ``cutout`` x ``cutout`` square set to ``fill`` (0 turns either off).
    ``fill`` is the background's value: -1 for images scaled to [-1, 1] with a black
    background, like MNIST's. Pass it as ``TrainingConfig(augment=DiffAugment(...))``."""

    def __init__(self, max_shift: int = 0, cutout: int = 0, fill: float = 0.0):
        _check_count("DiffAugment", "max_shift", max_shift)
        _check_count("DiffAugment", "cutout", cutout)
        self.max_shift, self.cutout, self.fill = max_shift, cutout, float(fill)

    def __call__(self, images):
        images = translate(images, self.max_shift, self.fill)
        return cutout(images, self.cutout, self.fill)

    def __repr__(self) -> str:
        return f"DiffAugment(max_shift={self.max_shift}, cutout={self.cutout}, fill={self.fill})"


class Augmentation(Remedy):
    """Every batch D sees in training, real and fake, in both players' steps, passed through
    ``augment`` (a function of a batch, such as a ``DiffAugment``); ``judge`` sees none of it."""

    def __init__(self, augment):
        if not callable(augment):
            raise ValueError(
                f"Augmentation: augment must be a function of a batch, got {augment!r}"
            )
        self.augment = augment

    def transform_input(self, trainer, samples):
        return self.augment(samples)


def _shift_matrices(length, shifts, dtype):
    """[N, L, L]: matrix n has a 1 at [i, i - shifts[n]] wherever both lie in [0, L), else 0,
    so multiplying a vector by it moves the entries down by shifts[n]."""
    out_index = arange(length, device=shifts.device)[:, None]
    in_index = arange(length, device=shifts.device)
    return (out_index - shifts[:, None, None] == in_index).to(dtype)


def _inside(positions, starts, size, dtype):
    """[N, L]: 1 where starts[n] <= positions[l] < starts[n] + size, else 0."""
    after_start = positions[None, :] >= starts[:, None]
    before_end = positions[None, :] < starts[:, None] + size
    return after_start.to(dtype) * before_end.to(dtype)


def _check_count(op, name, value):
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{op}: {name} must be an integer >= 0 (pixels), got {value!r}")


def _check_images(op, images):
    if images.ndim != 4:
        raise ValueError(
            f"{op}: expected images of shape [N, C, H, W], got shape {tuple(images.shape)}; "
            "augment image batches only (D's other inputs, such as labels, pass untouched)"
        )
