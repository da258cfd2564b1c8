"""k-means clustering: Lloyd's algorithm from k-means++ seeds, on the host in NumPy.

The self-conditioned GAN (Liu et al. 2020) clusters the real data and trains a conditional GAN
on the cluster labels, so that the generator is told which cluster to draw instead of having
to discover the clusters itself. This module gives it the clusters.

Lloyd's algorithm alternates two steps that each lower the sum of squared distances from the
points to their centroids: give every point the label of its nearest centroid, then move every
centroid to the mean of its points. It stops at a local minimum, which depends on the seeds;
k-means++ (Arthur and Vassilvitskii 2007) picks each seed at random with probability
proportional to its squared distance to the nearest seed already chosen, so that seeds land in
different clusters. The best of a few restarts is kept.

Example::

    >>> import numpy
    >>> points = numpy.concatenate([numpy.zeros((5, 2)), numpy.ones((5, 2))])
    >>> centroids, labels = kmeans(points, 2)
    >>> sorted(centroids.tolist())
    [[0.0, 0.0], [1.0, 1.0]]
"""

from __future__ import annotations

import numpy


def squared_distances(points: numpy.ndarray, centroids: numpy.ndarray) -> numpy.ndarray:
    """[N, K]: |point_n - centroid_k|², as |p|² - 2 p.c + |c|² (one matrix product)."""
    squared = (points**2).sum(1)[:, None] - 2 * points @ centroids.T + (centroids**2).sum(1)
    return numpy.maximum(squared, 0)  # rounding can make a tiny distance negative


def nearest_centroid(points: numpy.ndarray, centroids: numpy.ndarray) -> numpy.ndarray:
    """[N]: the index of each point's nearest centroid (its cluster)."""
    return squared_distances(points, centroids).argmin(1)


def kmeans(points, k: int, *, restarts: int = 5, iterations: int = 100, seed: int = 0):
    """Cluster ``points`` ([N, D]) into ``k`` groups; returns (centroids [k, D], labels [N]).

    Runs ``restarts`` times from different k-means++ seeds (drawn from NumPy's generator with
    ``seed``, so the result repeats) and keeps the clustering with the smallest sum of squared
    distances. Works in float64 on the host: pass NumPy arrays (``tensor.numpy()``).
    """
    points = numpy.asarray(points, dtype=numpy.float64)
    if points.ndim != 2 or not numpy.all(numpy.isfinite(points)):
        raise ValueError(f"kmeans: points must be a finite [N, D] array, got shape {points.shape}")
    if not isinstance(k, (int, numpy.integer)) or not 1 <= k <= len(points):
        raise ValueError(f"kmeans: k must be an int from 1 to the {len(points)} points, got {k!r}")
    if restarts < 1 or iterations < 1:
        raise ValueError(
            f"kmeans: restarts and iterations must be >= 1, got {restarts}, {iterations}"
        )
    rng = numpy.random.default_rng(seed)
    best = None
    for _ in range(restarts):
        centroids = _lloyd(points, _kmeans_plus_plus(points, k, rng), iterations)
        labels = nearest_centroid(points, centroids)
        inertia = ((points - centroids[labels]) ** 2).sum()
        if best is None or inertia < best[0]:
            best = (inertia, centroids, labels)
    return best[1], best[2]


def _kmeans_plus_plus(points, k, rng):
    chosen = [points[rng.integers(len(points))]]
    closest = ((points - chosen[0]) ** 2).sum(1)  # squared distance to the nearest seed so far
    for _ in range(1, k):
        if closest.sum() == 0:  # every point sits on a seed: any point will do
            index = rng.integers(len(points))
        else:
            index = rng.choice(len(points), p=closest / closest.sum())
        chosen.append(points[index])
        closest = numpy.minimum(closest, ((points - points[index]) ** 2).sum(1))
    return numpy.stack(chosen)


def _lloyd(points, centroids, iterations):
    for _ in range(iterations):
        labels = nearest_centroid(points, centroids)
        counts = numpy.bincount(labels, minlength=len(centroids))
        sums = numpy.zeros_like(centroids)
        numpy.add.at(sums, labels, points)
        # a centroid that lost all its points stays where it is
        moved = numpy.where(
            counts[:, None] > 0, sums / numpy.maximum(counts, 1)[:, None], centroids
        )
        if numpy.array_equal(moved, centroids):
            break
        centroids = moved
    return centroids
