"""Mode-collapse metrics for samples of a Gaussian mixture, as in the VEEGAN and PacGAN tables.

Each sample is assigned to its nearest centre. It counts as *high quality* when it lies within
``threshold`` standard deviations of that centre (three in those papers); a mode is *captured*
when at least one high-quality sample is assigned to it; and the KL divergence from the
high-quality samples' histogram over the modes to the uniform one says how evenly the captured
mass is spread. A collapsed generator scores few modes and a large KL even when every one of
its samples is high quality.

Example::

    >>> from tinygan.data import toy
    >>> data = toy.ring()
    >>> mode_coverage(data.sample(10_000), data.centres, data.std)["modes"]
    8
"""

from __future__ import annotations

import math

import numpy

from ..tensor import Tensor


def _host_float64(values) -> numpy.ndarray:
    """A float64 NumPy copy of a tensor (from any device) or an array-like."""
    array = values.numpy() if isinstance(values, Tensor) else numpy.asarray(values)
    return array.astype(numpy.float64)


def mode_coverage(samples, centres, std: float, threshold: float = 3.0) -> dict:
    """Score ``samples`` ([N, D]) against a mixture with ``centres`` ([K, D]) and ``std``.

    Returns a dict:

    - ``high_quality``: the fraction of samples within ``threshold * std`` (Euclidean distance,
      boundary included) of their nearest centre;
    - ``modes``: how many centres are the nearest centre of at least one high-quality sample;
    - ``kl``: KL(p || uniform) in nats, where p is the histogram of the high-quality samples
      over their nearest centres and the uniform puts 1/K on each of the K modes; it is
      log K - H(p), from 0 (evenly spread) to log K (all in one mode). When no sample is
      high quality, p does not exist and ``kl`` is ``float('inf')``;
    - ``counts``: the list of K ints behind p (high-quality samples per mode).

    Even the data itself does not score ``high_quality`` 1: in D dimensions |noise|² / std² is
    chi-square with D degrees of freedom, so with ``threshold=3`` a true sample counts with
    probability 0.997 in 1-D but 1 - exp(-9/2) = 0.989 in 2-D. Compare a generator with that.

    ``samples`` may be a tensor on any device or a NumPy array; the work is done on the host in
    float64. Ties between equidistant centres go to the lower index.
    """
    points = _host_float64(samples)
    centres = _host_float64(centres)
    if centres.ndim != 2 or centres.shape[0] == 0 or centres.shape[1] == 0:
        raise ValueError(
            f"mode_coverage: centres must be a non-empty [K, D] array, got shape {centres.shape}"
        )
    num_modes, dim = centres.shape
    if points.ndim != 2 or points.shape[1] != dim or points.shape[0] == 0:
        raise ValueError(
            f"mode_coverage: samples must have shape [N, {dim}] with N > 0 to match centres of "
            f"shape {centres.shape}, got {points.shape}"
        )
    if not (std > 0 and math.isfinite(std)):
        raise ValueError(f"mode_coverage: std must be a positive number, got {std!r}")
    if not (threshold >= 0 and math.isfinite(threshold)):
        raise ValueError(
            f"mode_coverage: threshold must be a non-negative number, got {threshold!r}"
        )

    squared = numpy.zeros((points.shape[0], num_modes))
    for d in range(dim):  # one dimension at a time: memory N x K, not N x K x D
        squared += (points[:, d, None] - centres[None, :, d]) ** 2
    nearest = numpy.argmin(squared, axis=1)
    distance = numpy.sqrt(squared[numpy.arange(points.shape[0]), nearest])
    good = distance <= threshold * std

    counts = numpy.bincount(nearest[good], minlength=num_modes)
    total = int(counts.sum())
    if total == 0:
        kl = math.inf
    else:
        p = counts[counts > 0] / total  # 0 log 0 = 0: empty modes add nothing
        kl = max(0.0, float(numpy.sum(p * numpy.log(p * num_modes))))  # no -1e-17 for a 0
    return {
        "high_quality": total / points.shape[0],
        "modes": int(numpy.count_nonzero(counts)),
        "kl": kl,
        "counts": [int(c) for c in counts],
    }
