"""k-means (the self-conditioned GAN's clusters): it finds well-separated clusters, each
centroid ends as the mean of its points, it repeats with a seed, and bad input is refused."""

from __future__ import annotations

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygan.data import toy
from tinygan.data.kmeans import kmeans, squared_distances


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_finds_every_mode_of_the_benchmark_mixtures(name):
    data = toy.ring() if name == "ring" else toy.grid()
    points = data.sample(5000).numpy()
    centroids, labels = kmeans(points, data.num_modes)
    # each true centre has exactly one centroid within a few standard deviations of it
    distance = numpy.sqrt(squared_distances(data.centres, centroids))
    assert (distance.min(1) < 3 * data.std).all()
    assert sorted(distance.argmin(1).tolist()) == list(range(data.num_modes))
    # and a point's label is the centroid of the mode it was drawn from
    true_mode = squared_distances(points, data.centres).argmin(1)
    assert (labels == distance.argmin(1)[true_mode]).all()


def test_each_centroid_is_the_mean_of_its_points_and_each_point_has_the_nearest():
    points = numpy.random.default_rng(3).normal(size=(300, 3))
    centroids, labels = kmeans(points, 6)
    assert (labels == squared_distances(points, centroids).argmin(1)).all()
    for k in range(6):
        numpy.testing.assert_allclose(centroids[k], points[labels == k].mean(0), atol=1e-12)


def test_one_cluster_is_the_mean_and_k_equal_n_puts_each_point_alone():
    points = numpy.random.default_rng(0).normal(size=(20, 2))
    centroids, labels = kmeans(points, 1)
    numpy.testing.assert_allclose(centroids[0], points.mean(0))
    assert (labels == 0).all()
    _, labels = kmeans(points, 20)
    assert sorted(labels.tolist()) == list(range(20))


def test_the_seed_makes_it_repeat_and_restarts_keep_the_best():
    points = numpy.random.default_rng(1).normal(size=(400, 2))
    first, second = kmeans(points, 7, seed=5), kmeans(points, 7, seed=5)
    numpy.testing.assert_array_equal(first[0], second[0])

    def inertia(result):
        centroids, labels = result
        return ((points - centroids[labels]) ** 2).sum()

    one_try = [inertia(kmeans(points, 7, restarts=1, seed=s)) for s in range(5)]
    assert inertia(kmeans(points, 7, restarts=20, seed=0)) <= min(one_try) + 1e-9


@given(
    hnp.arrays(
        numpy.float64,
        st.tuples(st.integers(1, 8), st.integers(1, 4)),
        elements=st.floats(-100, 100),
    ),
    st.data(),
)
def test_squared_distances_match_the_definition(points, data):
    centroids = data.draw(
        hnp.arrays(
            numpy.float64,
            (data.draw(st.integers(1, 5)), points.shape[1]),
            elements=st.floats(-100, 100),
        )
    )
    direct = ((points[:, None, :] - centroids[None]) ** 2).sum(-1)
    numpy.testing.assert_allclose(
        squared_distances(points, centroids), direct, atol=1e-8 * (1 + direct.max())
    )
    assert (squared_distances(points, centroids) >= 0).all()


@pytest.mark.parametrize(
    "points, k, match",
    [
        (numpy.zeros(5), 1, r"\[N, D\]"),
        (numpy.array([[0.0, numpy.nan]]), 1, "finite"),
        (numpy.zeros((3, 2)), 0, "k must be an int from 1 to the 3 points"),
        (numpy.zeros((3, 2)), 4, "k must be an int from 1 to the 3 points"),
        (numpy.zeros((3, 2)), 2.0, "k must be an int"),
    ],
)
def test_bad_input_is_refused_with_a_clear_error(points, k, match):
    with pytest.raises(ValueError, match=match):
        kmeans(points, k)


def test_identical_points_give_a_clustering_without_errors():
    centroids, labels = kmeans(numpy.ones((10, 2)), 3)
    assert (centroids == 1).all() and labels.shape == (10,)
