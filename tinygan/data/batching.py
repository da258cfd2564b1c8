"""Mini-batches for an epoch of training, in an order drawn from tinygan's seeded generator."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from .. import random as tg_random


def batches(
    *arrays: np.ndarray, batch_size: int, shuffle: bool = True, drop_last: bool = False
) -> Iterator[tuple[np.ndarray, ...]]:
    """One pass over the arrays (which share their first dimension), as tuples of matching
    slices of ``batch_size`` rows: ``for images, labels in batches(x, y, batch_size=64)``.
    ``shuffle`` draws the order from ``tinygan.manual_seed``'s generator, so a seeded run
    sees the same batches; ``drop_last`` skips a final batch smaller than the others."""
    if not arrays:
        raise ValueError("batches: give at least one array")
    lengths = {len(a) for a in arrays}
    if len(lengths) != 1:
        shapes = ", ".join(str(np.shape(a)) for a in arrays)
        raise ValueError(f"batches: the arrays differ in their first dimension ({shapes})")
    if batch_size < 1:
        raise ValueError(f"batches: batch_size must be at least 1, not {batch_size}")
    n = lengths.pop()
    order = tg_random.permutation(n, "cpu") if shuffle else np.arange(n)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        chosen = order[start : start + batch_size]
        yield tuple(a[chosen] for a in arrays)
