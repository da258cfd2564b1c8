"""Distances between 1-D distributions, for the 1-D demo: how far the generator is from the data.

- :func:`wasserstein_1d`: the exact earth mover's distance between two empirical samples.
- :func:`jensen_shannon`: the Jensen-Shannon divergence between two discrete distributions, the
  quantity the original GAN's minimax game minimizes (at the optimal discriminator).
- :func:`jensen_shannon_histograms`: that divergence between the histograms of two samples.

Inputs may be tensors on any device or array-likes; the work is done on the host in float64.

Example::

    >>> import numpy
    >>> wasserstein_1d(numpy.array([0.0, 1.0]), numpy.array([0.0, 0.0, 3.0]))  # = 5/6
    0.8333333333333333
"""

from __future__ import annotations

import math

import numpy

from ..tensor import Tensor


def _host_float64(values) -> numpy.ndarray:
    """A float64 NumPy copy of a tensor (from any device) or an array-like."""
    array = values.numpy() if isinstance(values, Tensor) else numpy.asarray(values)
    return array.astype(numpy.float64)


def _sample_1d(values, function: str, name: str) -> numpy.ndarray:
    """A 1-D sample as a flat float64 array; [N] and [N, 1] (a generator's output) are accepted."""
    array = _host_float64(values)
    if array.ndim == 2 and array.shape[1] == 1:
        array = array[:, 0]
    if array.ndim != 1 or array.shape[0] == 0:
        raise ValueError(
            f"{function}: {name} must be a non-empty 1-D sample of shape [N] or [N, 1], "
            f"got shape {array.shape}"
        )
    if not numpy.all(numpy.isfinite(array)):
        raise ValueError(f"{function}: {name} contains NaN or infinite values")
    return array


def wasserstein_1d(a, b) -> float:
    """The 1-Wasserstein distance between the empirical distributions of samples ``a`` and ``b``.

    In 1-D it is the area between the quantile functions: W1 = ∫₀¹ |F_a⁻¹(t) - F_b⁻¹(t)| dt.
    The quantile function of n samples is a staircase, sort(a)[i] on (i/n, (i+1)/n], so the
    integral is exact: cut [0, 1] at every i/n and j/m, and on each piece both staircases are
    flat. For n = m this is mean |sort(a) - sort(b)|. Sizes may differ.
    """
    a = numpy.sort(_sample_1d(a, "wasserstein_1d", "a"))
    b = numpy.sort(_sample_1d(b, "wasserstein_1d", "b"))
    n, m = len(a), len(b)
    # Work in units of 1/(n m), so the cuts i/n = i m/(n m) and j/m = j n/(n m) are integers
    # and coinciding cuts merge exactly.
    cuts = numpy.union1d(numpy.arange(1, n + 1) * m, numpy.arange(1, m + 1) * n)
    widths = numpy.diff(cuts, prepend=0) / (n * m)
    # On the piece (previous cut, cut], a's staircase is on step ceil(cut / m) - 1.
    steps_a = (cuts - 1) // m
    steps_b = (cuts - 1) // n
    return float(numpy.sum(widths * numpy.abs(a[steps_a] - b[steps_b])))


def _as_distribution(weights, name: str) -> numpy.ndarray:
    weights = _host_float64(weights)
    if not numpy.all(numpy.isfinite(weights)) or numpy.any(weights < 0):
        raise ValueError(f"jensen_shannon: {name} must be finite and non-negative")
    total = weights.sum()
    if not total > 0:
        raise ValueError(f"jensen_shannon: {name} sums to 0, so it is not a distribution")
    return weights / total


def jensen_shannon(p, q) -> float:
    """JSD(p, q) = ½ KL(p || m) + ½ KL(q || m), m = (p + q) / 2, in nats, between two discrete
    distributions given as non-negative weights of the same shape (normalized here).

    It lies in [0, log 2]: 0 for equal distributions, log 2 for disjoint supports. Terms with
    p = 0 count 0 (0 log 0 = 0). Note that SciPy's ``jensenshannon`` returns the square root
    of this (a distance); this is the divergence itself.
    """
    p = _as_distribution(p, "p")
    q = _as_distribution(q, "q")
    if p.shape != q.shape:
        raise ValueError(f"jensen_shannon: p and q differ in shape: {p.shape} and {q.shape}")
    m = (p + q) / 2

    def kl_to_m(r):
        support = r > 0  # there m >= r / 2 > 0 too
        return numpy.sum(r[support] * numpy.log(r[support] / m[support]))

    value = 0.5 * kl_to_m(p) + 0.5 * kl_to_m(q)
    return float(min(max(value, 0.0), math.log(2)))  # clip rounding just outside [0, log 2]


def jensen_shannon_histograms(a, b, bins: int = 100, range: tuple | None = None) -> float:
    """JSD between the histograms of samples ``a`` and ``b`` on one common binning.

    ``bins`` equal bins span ``range`` (default: from the smallest to the largest value of
    both samples). Values outside a given ``range`` are not dropped: they go to two extra
    bins, below and above, so mass a generator puts far away still counts.

    This is a plug-in estimate, biased upwards: two finite samples of the *same* distribution
    have histograms that differ by chance, so their JSD is > 0, roughly (bins - 1) / (4 N) nats
    for N samples each when no bin is nearly empty. More bins resolve more shape and add more
    bias; compare numbers only at the same ``bins`` and sample sizes, and read the value for two
    samples of the data itself as the floor.
    """
    if not isinstance(bins, (int, numpy.integer)) or isinstance(bins, bool) or bins < 1:
        raise ValueError(f"jensen_shannon_histograms: bins must be a positive int, got {bins!r}")
    a = _sample_1d(a, "jensen_shannon_histograms", "a")
    b = _sample_1d(b, "jensen_shannon_histograms", "b")
    if range is None:
        low, high = min(a.min(), b.min()), max(a.max(), b.max())
        if low == high:  # every value equal: one bin holds everything
            low, high = low - 0.5, high + 0.5
    else:
        low, high = float(range[0]), float(range[1])
        if not (math.isfinite(low) and math.isfinite(high) and low < high):
            raise ValueError(
                f"jensen_shannon_histograms: range must be (low, high) with low < high, "
                f"got {range!r}"
            )
    edges = numpy.linspace(low, high, int(bins) + 1)
    return jensen_shannon(_histogram(a, edges), _histogram(b, edges))


def _histogram(values: numpy.ndarray, edges: numpy.ndarray) -> numpy.ndarray:
    """Counts in [below, bin 0, ..., bin B-1, above]; the last bin includes its right edge."""
    inside, _ = numpy.histogram(values, bins=edges)
    below = numpy.count_nonzero(values < edges[0])
    above = numpy.count_nonzero(values > edges[-1])
    return numpy.concatenate([[below], inside, [above]])
