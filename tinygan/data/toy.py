"""Toy distributions of the GAN demos: Gaussian mixtures whose modes can be counted.

Real images hide mode collapse: a generator that forgets a few kinds of faces still looks fine.
On a mixture of well-separated Gaussians it is plain to see and to measure, which is why VEEGAN
(Srivastava et al., 2017) and PacGAN (Lin et al., 2018) report their mode-collapse numbers on
two such benchmarks, built here by :func:`ring` and :func:`grid`:

- **ring**: 8 Gaussians centred on the unit circle at angles 2πk/8, k = 0..7, std 0.01.
  (``linspace(0, 2π, 8)`` would put the last centre on top of the first: seven modes.)
- **grid**: 25 Gaussians centred on {-4, -2, 0, 2, 4}², std 0.05.

The modes are tiny and far apart (on the ring they are 0.77 apart, 77 standard deviations), so
a generator must split its mass into separate islands, and every sample can be assigned to the
mode it belongs to; :func:`tinygan.metrics.mixtures.mode_coverage` does that. For the 1-D
picture of the original GAN paper's Figure 1 there is :func:`gaussian_1d`.

Example::

    >>> import tinygan
    >>> from tinygan.data import toy
    >>> data = toy.ring()
    >>> data
    GaussianMixture(num_modes=8, dim=2, std=0.01)
    >>> data.sample(512).shape
    (512, 2)
"""

from __future__ import annotations

import math

import numpy

from .. import backend, dtypes, random
from ..tensor import Tensor


class GaussianMixture:
    """An equal-weight mixture of isotropic Gaussians N(centre_k, std² I), k = 0..K-1.

    ``centres`` is a [K, D] array (kept as float64 NumPy on the host); ``std`` is shared by all
    components. :meth:`sample` draws on any device from tinygan's seeded generators;
    :meth:`density` evaluates the pdf on the host, for plots and tests.
    """

    def __init__(self, centres, std: float):
        centres = numpy.array(centres, dtype=numpy.float64)  # a private copy
        if centres.ndim != 2 or centres.shape[0] == 0 or centres.shape[1] == 0:
            raise ValueError(
                f"GaussianMixture: centres must be a non-empty [K, D] array, "
                f"got shape {centres.shape}"
            )
        if not numpy.all(numpy.isfinite(centres)):
            raise ValueError("GaussianMixture: centres must be finite")
        if not (isinstance(std, (int, float, numpy.floating)) and 0 < std < math.inf):
            raise ValueError(f"GaussianMixture: std must be a positive number, got {std!r}")
        centres.flags.writeable = False  # so that no caller can move the modes of a benchmark
        self.centres = centres
        self.std = float(std)

    @property
    def num_modes(self) -> int:
        return self.centres.shape[0]

    @property
    def dim(self) -> int:
        return self.centres.shape[1]

    def __repr__(self) -> str:
        return f"GaussianMixture(num_modes={self.num_modes}, dim={self.dim}, std={self.std:g})"

    def sample(self, n: int, device: str | None = None, dtype=None) -> Tensor:
        """``n`` samples as a [n, D] tensor (default dtype and device unless given).

        Each sample picks its component uniformly (``random.integers``), then adds
        ``std * N(0, I)`` noise (``random.normal``); both are drawn on ``device``, in that
        order, so ``tinygan.manual_seed`` makes the samples repeat.
        """
        if not isinstance(n, (int, numpy.integer)) or isinstance(n, bool) or n < 0:
            raise ValueError(f"sample: n must be a non-negative int, got {n!r}")
        dtype = dtypes.get_default_dtype() if dtype is None else dtypes.as_dtype(dtype)
        if not dtypes.is_floating(dtype):
            raise TypeError(f"sample: samples need a floating dtype, got {dtype}")
        device = backend.get_default_device() if device is None else backend.check_device(device)
        n = int(n)
        component = random.integers(0, self.num_modes, (n,), device)
        noise = random.normal((n, self.dim), dtype, device)
        centres = backend.move(self.centres.astype(dtype), device)  # explicit host-to-device copy
        values = centres[component] + noise * self.std
        return Tensor(values.astype(dtype, copy=False))

    def density(self, points) -> numpy.ndarray:
        """The mixture's pdf at ``points`` ([M, D], or [M] when D = 1), as float64 NumPy.

        pdf(x) = (1/K) Σ_k (2π std²)^(-D/2) exp(-|x - centre_k|² / (2 std²)).
        """
        points = points.numpy() if isinstance(points, Tensor) else numpy.asarray(points)
        points = points.astype(numpy.float64, copy=False)
        if points.ndim == 1 and self.dim == 1:
            points = points[:, None]
        if points.ndim != 2 or points.shape[1] != self.dim:
            raise ValueError(f"density: points must have shape [M, {self.dim}], got {points.shape}")
        squared = numpy.zeros((points.shape[0], self.num_modes))
        for d in range(self.dim):  # one dimension at a time: memory M x K, not M x K x D
            squared += (points[:, d, None] - self.centres[None, :, d]) ** 2
        norm = (2 * math.pi * self.std**2) ** (-self.dim / 2)
        return norm * numpy.exp(-squared / (2 * self.std**2)).mean(axis=1)


def ring(num_modes: int = 8, radius: float = 1.0, std: float = 0.01) -> GaussianMixture:
    """``num_modes`` Gaussians on a circle, at angles 2πk/num_modes for k = 0 .. num_modes-1.

    The defaults are the 2-D ring of VEEGAN and PacGAN: 8 modes on the unit circle, std 0.01.
    """
    if not isinstance(num_modes, (int, numpy.integer)) or num_modes < 1:
        raise ValueError(f"ring: num_modes must be a positive int, got {num_modes!r}")
    angles = 2 * math.pi * numpy.arange(num_modes) / num_modes  # endpoint excluded: no repeat
    centres = radius * numpy.stack([numpy.cos(angles), numpy.sin(angles)], axis=1)
    return GaussianMixture(centres, std)


def grid(side: int = 5, spacing: float = 2.0, std: float = 0.05) -> GaussianMixture:
    """``side``² Gaussians on a square grid centred on the origin, ``spacing`` apart.

    The defaults are the 2-D grid of VEEGAN and PacGAN: 25 modes at {-4, -2, 0, 2, 4}², std 0.05.
    """
    if not isinstance(side, (int, numpy.integer)) or side < 1:
        raise ValueError(f"grid: side must be a positive int, got {side!r}")
    coords = spacing * (numpy.arange(side) - (side - 1) / 2)
    xs, ys = numpy.meshgrid(coords, coords, indexing="ij")
    return GaussianMixture(numpy.stack([xs.ravel(), ys.ravel()], axis=1), std)


def gaussian_1d(mean: float = 4.0, std: float = 0.5) -> GaussianMixture:
    """A single 1-D Gaussian N(mean, std²): the data of the 1-D demo (the GAN paper's Figure 1).

    The defaults put a narrow bump well away from 0, where a freshly initialized generator puts
    its mass, so the picture shows the generator's distribution travelling to the data and
    narrowing onto it, and the discriminator's output falling to 1/2 as it arrives.
    """
    return GaussianMixture([[mean]], std)
