"""Mode-collapse metrics and 1-D distances: known answers, invariances, and the estimators' bias."""

from __future__ import annotations

import math

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygan
from tinygan.data import toy
from tinygan.metrics.distances import jensen_shannon, jensen_shannon_histograms, wasserstein_1d
from tinygan.metrics.mixtures import mode_coverage

SQUARE = numpy.array([[0.0, 0.0], [4.0, 0.0], [0.0, 4.0], [4.0, 4.0]])  # K = 4, std 0.25 below

# --- mode_coverage ---------------------------------------------------------------------------


def test_samples_at_the_centres_are_all_high_quality_cover_every_mode_and_have_kl_0():
    samples = numpy.repeat(SQUARE, 5, axis=0)
    result = mode_coverage(samples, SQUARE, 0.25)
    assert result == {"high_quality": 1.0, "modes": 4, "kl": 0.0, "counts": [5, 5, 5, 5]}


def test_samples_all_in_one_mode_cover_one_mode_with_kl_log_k():
    samples = SQUARE[2] + numpy.array([[0.1, 0.0], [0.0, -0.2], [0.0, 0.0]])
    result = mode_coverage(samples, SQUARE, 0.25)
    assert result["high_quality"] == 1.0 and result["modes"] == 1
    assert result["counts"] == [0, 0, 3, 0]
    assert result["kl"] == pytest.approx(math.log(4), rel=1e-12)


def test_samples_far_from_every_centre_are_not_high_quality_and_kl_is_infinite():
    samples = numpy.array([[2.0, 2.0], [-3.0, 1.0], [10.0, 10.0]])
    result = mode_coverage(samples, SQUARE, 0.25)
    assert result["high_quality"] == 0.0 and result["modes"] == 0
    assert result["kl"] == math.inf and result["counts"] == [0, 0, 0, 0]


def test_half_the_modes_equally_gives_kl_log_2():
    data = toy.grid(4, spacing=2.0, std=0.05)  # 16 modes
    samples = numpy.repeat(data.centres[::2], 3, axis=0)
    result = mode_coverage(samples, data.centres, data.std)
    assert result["modes"] == 8 and result["high_quality"] == 1.0
    assert result["kl"] == pytest.approx(math.log(2), rel=1e-12)


def test_kl_of_an_uneven_histogram_matches_log_k_minus_entropy():
    samples = numpy.concatenate([numpy.repeat(SQUARE[:1], 3, axis=0), SQUARE[1:2]])
    result = mode_coverage(samples, SQUARE, 0.25)
    p = numpy.array([0.75, 0.25])
    assert result["counts"] == [3, 1, 0, 0]
    assert result["kl"] == pytest.approx(math.log(4) + float((p * numpy.log(p)).sum()))


def test_the_threshold_boundary_counts_as_high_quality_and_just_past_it_does_not():
    # threshold * std = 4 * 0.25 = 1 exactly; the centre (4, 0) is at distance 1 from (3, 0).
    at_boundary = numpy.array([[5.0, 0.0], [4.0, 1.0], [3.0, 0.0]])
    past = numpy.array([[numpy.nextafter(5.0, 6.0), 0.0], [4.0, numpy.nextafter(-1.0, -2.0)]])
    assert mode_coverage(at_boundary, SQUARE, 0.25, threshold=4.0)["high_quality"] == 1.0
    assert mode_coverage(past, SQUARE, 0.25, threshold=4.0)["high_quality"] == 0.0
    assert mode_coverage(at_boundary, SQUARE, 0.25, threshold=3.9)["high_quality"] == 0.0


def test_threshold_is_in_units_of_std_and_distance_is_euclidean():
    # (0.3, 0.4) is 0.5 from the origin: 2 stds of 0.25, although each coordinate is under 2.
    sample = numpy.array([[0.3, 0.4]])
    assert mode_coverage(sample, SQUARE, 0.25, threshold=2.0)["high_quality"] == 1.0
    assert mode_coverage(sample, SQUARE, 0.25, threshold=1.99)["high_quality"] == 0.0
    assert mode_coverage(sample, SQUARE, 0.5, threshold=1.0)["high_quality"] == 1.0


def test_only_high_quality_samples_count_towards_modes_and_kl():
    samples = numpy.array([[0.0, 0.0], [4.0, 0.0], [2.1, 0.0], [1.9, 0.0]])  # two between modes
    result = mode_coverage(samples, SQUARE, 0.25)
    assert result["high_quality"] == 0.5 and result["modes"] == 2
    assert result["counts"] == [1, 1, 0, 0]
    assert result["kl"] == pytest.approx(math.log(2))


@pytest.mark.parametrize("factory", [toy.ring, toy.grid])
def test_real_samples_score_as_a_perfect_generator(factory):
    data = factory()
    result = mode_coverage(data.sample(20_000), data.centres, data.std)
    # In 2-D, |noise|² / std² is chi-square with 2 degrees of freedom, so a true sample lies
    # within 3 stds with probability 1 - exp(-9/2) = 0.98889 (the binomial std is 0.0007).
    assert result["high_quality"] == pytest.approx(1 - math.exp(-4.5), abs=0.004)
    assert result["modes"] == data.num_modes
    assert result["kl"] < 0.01


def test_a_collapsed_generator_scores_few_modes_even_with_perfect_quality():
    data = toy.ring()
    collapsed = toy.GaussianMixture(data.centres[:3], data.std).sample(5_000)
    result = mode_coverage(collapsed, data.centres, data.std)
    assert result["modes"] == 3
    assert result["kl"] == pytest.approx(math.log(8 / 3), abs=0.01)


def test_tensors_on_any_device_score_like_their_numpy_values(device):
    data = toy.grid()
    samples = data.sample(500, device=device)
    expected = mode_coverage(samples.numpy(), data.centres, data.std)
    assert mode_coverage(samples, data.centres, data.std) == expected
    centres = tinygan.tensor(data.centres, device=device)
    assert mode_coverage(samples, centres, data.std) == expected


@given(
    samples=hnp.arrays(
        numpy.float64, st.tuples(st.integers(1, 30), st.just(2)), elements=st.floats(-1.0, 5.0)
    ),
    threshold=st.floats(0.0, 10.0),
)
def test_scores_stay_in_range_and_ignore_sample_order(samples, threshold):
    result = mode_coverage(samples, SQUARE, 0.25, threshold=threshold)
    assert 0.0 <= result["high_quality"] <= 1.0
    assert 0 <= result["modes"] <= 4
    assert sum(result["counts"]) == round(result["high_quality"] * len(samples))
    if result["modes"]:
        assert 0.0 <= result["kl"] <= math.log(4) + 1e-12
    else:
        assert result["kl"] == math.inf
    assert mode_coverage(samples[::-1], SQUARE, 0.25, threshold=threshold) == result


@pytest.mark.parametrize(
    "samples, centres, message",
    [
        (numpy.zeros((5, 3)), SQUARE, r"samples must have shape \[N, 2\]"),
        (numpy.zeros(5), SQUARE, r"samples must have shape \[N, 2\]"),
        (numpy.zeros((0, 2)), SQUARE, "N > 0"),
        (numpy.zeros((5, 2)), numpy.zeros(2), r"centres must be a non-empty \[K, D\]"),
        (numpy.zeros((5, 2)), numpy.zeros((0, 2)), r"centres must be a non-empty \[K, D\]"),
    ],
)
def test_mismatched_shapes_are_refused_with_the_shapes_named(samples, centres, message):
    with pytest.raises(ValueError, match=message):
        mode_coverage(samples, centres, 0.1)


@pytest.mark.parametrize("std, threshold", [(0.0, 3.0), (-1.0, 3.0), (math.nan, 3.0), (1.0, -1)])
def test_invalid_std_or_threshold_is_refused(std, threshold):
    with pytest.raises(ValueError, match="std|threshold"):
        mode_coverage(SQUARE, SQUARE, std, threshold=threshold)


# --- wasserstein_1d --------------------------------------------------------------------------


def test_wasserstein_of_identical_samples_is_0():
    a = numpy.random.default_rng(0).normal(size=100)
    assert wasserstein_1d(a, a) == 0.0
    assert wasserstein_1d(a, a[::-1]) == 0.0


def test_wasserstein_between_normals_3_apart_is_about_3():
    rng = numpy.random.default_rng(1)
    a, b = rng.normal(0.0, 1.0, 20_000), rng.normal(3.0, 1.0, 20_000)
    assert wasserstein_1d(a, b) == pytest.approx(3.0, abs=0.05)


def test_wasserstein_hand_example_of_different_sizes():
    # Quantiles: a = 0 on (0, 1/2], 1 on (1/2, 1]; b = 0 on (0, 2/3], 3 on (2/3, 1].
    # |difference|: 1 on (1/2, 2/3] and 2 on (2/3, 1], so W1 = 1/6 + 2/3 = 5/6.
    assert wasserstein_1d([0.0, 1.0], [0.0, 0.0, 3.0]) == pytest.approx(5 / 6, rel=1e-15)
    assert wasserstein_1d([2.0], [0.0, 1.0, 5.0]) == pytest.approx((2 + 1 + 3) / 3)


def cdf_formula(a, b):
    """W1 = ∫ |F_a(x) - F_b(x)| dx: the CDF form, independent of the quantile form."""
    points = numpy.sort(numpy.concatenate([a, b]))
    cdf_a = numpy.searchsorted(numpy.sort(a), points[:-1], side="right") / len(a)
    cdf_b = numpy.searchsorted(numpy.sort(b), points[:-1], side="right") / len(b)
    return float(numpy.sum(numpy.abs(cdf_a - cdf_b) * numpy.diff(points)))


small_samples = hnp.arrays(numpy.float64, st.integers(1, 40), elements=st.floats(-100, 100))


@given(a=small_samples, b=small_samples)
def test_wasserstein_equals_the_cdf_formula_and_is_symmetric(a, b):
    value = wasserstein_1d(a, b)
    assert value == pytest.approx(cdf_formula(a, b), rel=1e-9, abs=1e-9)
    assert value == pytest.approx(wasserstein_1d(b, a), rel=1e-12, abs=1e-12)


@given(a=small_samples, shift=st.floats(-50, 50))
def test_wasserstein_to_a_shifted_copy_is_the_shift(a, shift):
    assert wasserstein_1d(a, a + shift) == pytest.approx(abs(shift), rel=1e-9, abs=1e-9)


@given(n=st.integers(1, 30), data=st.data())
def test_wasserstein_of_equal_sizes_is_the_mean_gap_between_sorted_samples(n, data):
    floats = st.floats(-10, 10)
    a = data.draw(hnp.arrays(numpy.float64, n, elements=floats))
    b = data.draw(hnp.arrays(numpy.float64, n, elements=floats))
    expected = numpy.mean(numpy.abs(numpy.sort(a) - numpy.sort(b)))
    assert wasserstein_1d(a, b) == pytest.approx(expected, rel=1e-12, abs=1e-12)


def test_wasserstein_takes_generator_shaped_tensors_on_any_device(device):
    a = toy.gaussian_1d(0.0, 1.0).sample(300, device=device, dtype=tinygan.float64)
    b = tinygan.tensor(a.numpy()[:, 0] + 2.0, device=device)
    assert a.shape == (300, 1)
    assert wasserstein_1d(a, b) == pytest.approx(2.0, rel=1e-12)


@pytest.mark.parametrize(
    "a, message",
    [([], "non-empty"), (numpy.zeros((3, 2)), r"\[N, 1\]"), ([0.0, math.nan], "NaN")],
)
def test_wasserstein_refuses_what_is_not_a_1d_sample(a, message):
    with pytest.raises(ValueError, match=message):
        wasserstein_1d(a, [0.0])


# --- Jensen-Shannon --------------------------------------------------------------------------


def test_jsd_of_identical_distributions_is_0():
    p = numpy.array([0.1, 0.0, 0.6, 0.3])
    assert jensen_shannon(p, p) == 0.0
    assert jensen_shannon(p, 7 * p) == pytest.approx(0.0, abs=1e-15)  # weights are normalized


def test_jsd_of_disjoint_supports_is_log_2():
    assert jensen_shannon([1.0, 2.0, 0.0, 0.0], [0.0, 0.0, 5.0, 1.0]) == pytest.approx(
        math.log(2), rel=1e-15
    )


def test_jsd_hand_example():
    # m = (3/4, 1/4); KL(p || m) = log(4/3); KL(q || m) = ½ log(2/3) + ½ log 2 = ½ log(4/3).
    assert jensen_shannon([1.0, 0.0], [0.5, 0.5]) == pytest.approx(0.75 * math.log(4 / 3))


distributions = hnp.arrays(numpy.float64, 6, elements=st.floats(0.0, 10.0)).filter(
    lambda w: w.sum() > 1e-3
)


@given(p=distributions, q=distributions)
def test_jsd_is_symmetric_and_between_0_and_log_2(p, q):
    value = jensen_shannon(p, q)
    assert 0.0 <= value <= math.log(2)
    assert value == pytest.approx(jensen_shannon(q, p), abs=1e-12)


@pytest.mark.parametrize(
    "p, q, message",
    [
        ([1.0, -0.5], [1.0, 1.0], "non-negative"),
        ([0.0, 0.0], [1.0, 1.0], "sums to 0"),
        ([1.0, 1.0], [1.0, 1.0, 1.0], "differ in shape"),
    ],
)
def test_jsd_refuses_what_is_not_a_distribution(p, q, message):
    with pytest.raises(ValueError, match=message):
        jensen_shannon(p, q)


def test_histogram_jsd_of_a_sample_with_itself_is_0_and_of_far_apart_samples_log_2():
    a = numpy.random.default_rng(2).normal(size=1000)
    assert jensen_shannon_histograms(a, a) == 0.0
    assert jensen_shannon_histograms(a, a + 100.0, bins=50) == pytest.approx(math.log(2))


def test_histogram_jsd_of_two_samples_of_one_distribution_is_positive_bias():
    rng = numpy.random.default_rng(3)
    n, bins = 2000, 40
    values = [
        jensen_shannon_histograms(rng.normal(size=n), rng.normal(size=n), bins, range=(-4, 4))
        for _ in range(50)
    ]
    assert min(values) > 0.0
    # The documented size of the bias, (bins - 1) / (4 n), up to the nearly empty tail bins.
    assert numpy.mean(values) == pytest.approx((bins - 1) / (4 * n), rel=0.25)


def test_histogram_jsd_counts_mass_outside_the_range():
    inside = numpy.zeros(100)
    half_outside = numpy.concatenate([numpy.zeros(50), numpy.full(50, 9.0)])
    # Half of b's mass is beyond the range: JSD([1, 0], [½, ½]) = ¾ log(4/3), not 0.
    value = jensen_shannon_histograms(inside, half_outside, bins=10, range=(-1.0, 1.0))
    assert value == pytest.approx(0.75 * math.log(4 / 3))


def test_histogram_jsd_takes_tensors_on_any_device(device):
    a = toy.gaussian_1d().sample(200, device=device)
    assert jensen_shannon_histograms(a, a.numpy()[:, 0], bins=20) == 0.0
    assert jensen_shannon_histograms(a, tinygan.tensor([100.0], device=device)) == pytest.approx(
        math.log(2)
    )


def test_histogram_jsd_refuses_bad_bins_and_ranges():
    with pytest.raises(ValueError, match="bins"):
        jensen_shannon_histograms([0.0], [1.0], bins=0)
    with pytest.raises(ValueError, match="range"):
        jensen_shannon_histograms([0.0], [1.0], range=(1.0, 1.0))
