"""PacGAN (Lin et al. 2018): D judges m samples at once, so a G that collapses gives itself away.

One sample from a collapsed G can look perfectly real; m of them, all alike, do not look like m
independent draws from the data. D's first layer is m times as wide; nothing else changes.
"""

from __future__ import annotations

from .remedy import Remedy

__all__ = ["Packing", "pack"]


def pack(samples, m: int):
    """m consecutive samples joined into one input of D: [N, C, ...] -> [N / m, m * C, ...]."""
    if m == 1:
        return samples
    n = samples.shape[0]
    if n % m:
        raise ValueError(f"pack: a batch of {n} cannot be split into groups of {m}")
    return samples.reshape(n // m, m * samples.shape[1], *samples.shape[2:])


class Packing(Remedy):
    """Every batch D sees, in training and in ``judge``, packed into groups of ``m``."""

    def __init__(self, m: int):
        if isinstance(m, bool) or not isinstance(m, int) or m < 1:
            raise ValueError(f"Packing: m must be an integer >= 1, got {m!r}")
        self.m = m

    def shape_input(self, samples, condition: tuple):
        if condition:
            raise ValueError(
                f"Packing: pack={self.m} cannot be used with a conditional GAN or InfoGAN "
                "(packing would join samples of different labels); use pack=1"
            )
        return pack(samples, self.m)
