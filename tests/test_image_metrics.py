"""The MNIST metrics on cases whose answers are known: identical sets, disjoint classes,
one-class generators, Gaussians with known statistics, and a brute-force Parzen window."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pytest

import tinygan
from tinygan.data import load_mnist, scale
from tinygan.metrics import (
    MnistClassifier,
    choose_parzen_sigma,
    class_histogram,
    classifier_outputs,
    classifier_score,
    code_purity,
    conditional_accuracy,
    frechet_distance,
    load_classifier,
    mnist_report,
    parzen_log_likelihood,
)
from tinygan.metrics.mnist_classifier import WEIGHTS

ROOT = Path(__file__).resolve().parents[1]


def one_hot(labels, confidence=1.0):
    p = np.full((len(labels), 10), (1 - confidence) / 9)
    p[np.arange(len(labels)), labels] = confidence
    return p


def test_classifier_score_is_10_for_confident_balanced_digits_and_1_for_one_digit():
    assert classifier_score(one_hot(np.arange(1000) % 10)) == pytest.approx(10, rel=1e-6)
    assert classifier_score(one_hot(np.full(1000, 3))) == pytest.approx(1, rel=1e-6)
    assert classifier_score(np.full((100, 10), 0.1)) == pytest.approx(1, rel=1e-9)
    # Five digits, each certain: the score counts the digits, exp(log 5).
    assert classifier_score(one_hot(np.arange(1000) % 5)) == pytest.approx(5, rel=1e-6)


def test_frechet_distance_is_zero_for_identical_sets_and_the_mean_shift_for_moved_ones():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(500, 8)) @ rng.normal(size=(8, 8))
    assert frechet_distance(a, a) == pytest.approx(0, abs=1e-8)
    shift = rng.normal(size=8)
    assert frechet_distance(a, a + shift) == pytest.approx((shift**2).sum(), rel=1e-8)


def test_frechet_distance_of_isotropic_gaussians_matches_the_closed_form():
    # N(0, a^2 I) against N(0, b^2 I) in d dimensions: d (a - b)^2, from whitened samples.
    rng = np.random.default_rng(1)
    z = rng.normal(size=(4000, 5))
    z = (z - z.mean(0)) @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    assert frechet_distance(2 * z, 0.5 * z) == pytest.approx(5 * 1.5**2, rel=1e-8)


def test_class_histogram_counts_coverage_and_kl():
    balanced = class_histogram(one_hot(np.arange(1000) % 10))
    assert balanced["covered"] == 10 and balanced["kl_from_uniform"] == pytest.approx(0)
    single = class_histogram(one_hot(np.full(1000, 7)))
    assert single["counts"][7] == 1000 and single["covered"] == 1
    assert single["kl_from_uniform"] == pytest.approx(math.log(10))
    # 2 of 1000 images as a 4: below a tenth of its fair share (10), so not covered.
    stray = class_histogram(one_hot(np.r_[np.full(998, 1), 4, 4]))
    assert stray["covered"] == 1 and stray["counts"][4] == 2


def test_code_purity_names_each_code_after_its_most_common_digit():
    codes = np.repeat(np.arange(3), 4)  # three codes, four images each
    read_as = np.array([7, 7, 7, 7, 2, 2, 2, 5, 2, 2, 9, 9])  # code 2: half 2s, half 9s
    purity, digits = code_purity(one_hot(read_as), codes)
    assert digits[:2] == [7, 2] and digits[2] in (2, 9)
    assert purity == pytest.approx((4 + 3 + 2) / 12)
    assert code_purity(one_hot(codes + 4), codes) == (1.0, [4, 5, 6])  # any naming of codes


def test_conditional_accuracy_is_the_fraction_read_as_asked():
    asked = np.arange(100) % 10
    assert conditional_accuracy(one_hot(asked), asked) == 1.0
    assert conditional_accuracy(one_hot((asked + 1) % 10), asked) == 0.0  # disjoint classes
    assert conditional_accuracy(one_hot(np.r_[asked[:30], (asked[30:] + 1) % 10]), asked) == 0.3


def test_parzen_matches_a_brute_force_mixture_density():
    rng = np.random.default_rng(2)
    samples, test, sigma = rng.random((7, 3)), rng.random((5, 3)), 0.3
    densities = [
        np.mean(
            [
                np.exp(-((x - s) ** 2).sum() / (2 * sigma**2)) / (2 * np.pi * sigma**2) ** 1.5
                for s in samples
            ]
        )
        for x in test
    ]
    logs = np.log(densities)
    mean, error = parzen_log_likelihood(samples, test, sigma, chunk=2)
    assert mean == pytest.approx(logs.mean(), rel=1e-10)
    assert error == pytest.approx(logs.std(ddof=1) / math.sqrt(5), rel=1e-10)


def test_parzen_does_not_overflow_for_far_points_in_many_dimensions():
    samples, test = np.zeros((3, 784)), np.ones((2, 784))
    mean, _ = parzen_log_likelihood(samples, test, sigma=0.05)
    expected = -784 / (2 * 0.05**2) - 784 / 2 * math.log(2 * math.pi * 0.05**2)
    assert mean == pytest.approx(expected, rel=1e-12)


def test_the_chosen_window_is_the_best_one_on_the_validation_digits():
    rng = np.random.default_rng(3)
    samples = rng.normal(0, 0.2, (200, 4))
    validation = rng.normal(0, 0.2, (100, 4))
    sigmas = [0.01, 0.1, 0.2, 10.0]
    best = choose_parzen_sigma(samples, validation, sigmas)
    scores = {s: parzen_log_likelihood(samples, validation, s)[0] for s in sigmas}
    assert best == max(scores, key=scores.get) and best not in (0.01, 10.0)


def test_classifier_outputs_accept_arrays_and_tensors_in_both_shapes(device):
    tinygan.manual_seed(0)
    classifier = MnistClassifier().to(device).eval()
    images = np.random.default_rng(0).uniform(-1, 1, (7, 784)).astype(np.float32)
    p_array, f_array = classifier_outputs(classifier, images, batch_size=3)
    as_tensor = tinygan.tensor(images.reshape(7, 1, 28, 28), device=device)
    p_tensor, f_tensor = classifier_outputs(classifier, as_tensor, batch_size=4)
    assert p_array.shape == (7, 10) and f_array.shape == (7, 64)
    np.testing.assert_allclose(p_array.sum(1), 1, rtol=1e-6)
    np.testing.assert_allclose(p_array, p_tensor, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(f_array, f_tensor, rtol=1e-5, atol=1e-6)


def test_the_committed_evaluator_loads_without_training():
    classifier = load_classifier()
    assert not classifier.training
    recorded = tinygan.load(WEIGHTS)
    assert recorded["held_out_accuracy"] >= 0.985
    images = np.random.default_rng(0).uniform(-1, 1, (4, 1, 28, 28)).astype(np.float32)
    probabilities, features = classifier_outputs(classifier, images)
    assert probabilities.shape == (4, 10) and features.shape == (4, 64)


def find_real_digits():
    for folder in [os.environ.get("TINYGAN_DATA"), ROOT.parent / "shared" / "data" / "mnist-10k"]:
        if folder:
            try:
                return load_mnist(folder, download=False)
            except FileNotFoundError:
                continue
    return None


def test_the_committed_evaluator_is_accurate_on_the_held_out_digits():
    """Re-measures the recorded accuracy when the real digits are at hand (skips otherwise)."""
    digits = find_real_digits()
    if digits is None:
        pytest.skip("no MNIST files here (set TINYGAN_DATA to run this check)")
    images, labels = digits
    probabilities, _ = classifier_outputs(load_classifier(), scale(images[-2000:]))
    accuracy = conditional_accuracy(probabilities, labels[-2000:])
    assert accuracy >= 0.985 and accuracy == pytest.approx(
        tinygan.load(WEIGHTS)["held_out_accuracy"]
    )


def test_mnist_report_with_codes_names_them_and_needs_the_real_labels():
    rng = np.random.default_rng(0)
    generated, real = rng.uniform(-1, 1, (60, 1, 28, 28)), rng.uniform(-1, 1, (40, 1, 28, 28))
    codes, labels = np.arange(60) % 10, np.arange(40) % 10
    classifier = load_classifier()
    report = mnist_report(
        generated,
        real,
        real,
        classifier,
        asked=codes,
        held_out_labels=labels,
        parzen=False,
        codes=codes,
    )
    for side in ("generated", "real"):  # naming each code after its commonest digit can only
        purity, accuracy = report["code_purity"][side], report["conditional_accuracy"][side]
        assert accuracy <= purity <= 1  # match more images than naming code k digit k does
        assert len(report["code_digits"][side]) == 10
    with pytest.raises(ValueError, match="with `codes`, give `held_out_labels`"):
        mnist_report(generated, real, real, classifier, parzen=False, codes=codes)
