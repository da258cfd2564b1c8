"""Goodfellow et al. (2014)'s theory of the GAN game, checked numerically in one dimension.

The data are Gaussian, and so is the generator's distribution p_g, so the value of the game

    V(D, G) = E_{x ~ p_data}[log D(x)] + E_{x ~ p_g}[log(1 - D(x))]

is an integral over the real line: here the trapezoid rule on [-16, 16] with 32,001 points
(every density used has mass below 1e-15 outside it, and the rule is near exact for Gaussians).
A discriminator is written by its logit l(x), D = sigmoid(l), so log D = -softplus(-l) and
log(1 - D) = -softplus(l) stay exact where D is within rounding of 0 or 1.

What is proved:

- Proposition 1: D*(x) = p_data(x) / (p_data(x) + p_g(x)) maximizes V(., G). It beats local
  bumps, scalings of its logit, the constant 1/2 and random smooth discriminators; the first
  variation of V vanishes at D* and the second is -(p_data + p_g) D* (1 - D*).
- Theorem 1: V(D*, G) = -log 4 + 2 JSD(p_data || p_g), the Jensen-Shannon divergence computed
  from its definition; so V(D*, G) = -log 4 exactly when p_g = p_data and only then.
- The library plays this game: ``objective('minimax').discriminator_loss`` fed the logits of a
  discriminator at Monte-Carlo samples is -V(D, G) up to the Monte-Carlo error; and a logistic
  tinygan discriminator trained with that loss and Adam recovers D* (for two Gaussians of equal
  variance D* is exactly logistic in x, with a known slope and intercept).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygan
from tinygan import nn, optim
from tinygan.gan import objective

F64 = tinygan.float64
GRID = np.linspace(-16.0, 16.0, 32_001)
LOG4 = math.log(4.0)
DATA = (0.0, 1.0)  # p_data = N(0, 1): (mean, standard deviation)

# Generators p_g = N(mean, std^2): near and far, narrower and wider than the data.
GENERATORS = [(1.5, 0.8), (-0.7, 1.3), (0.3, 1.0), (2.5, 0.5), (-1.0, 1.7)]


def integrate(values: np.ndarray) -> float:
    """The trapezoid rule on GRID (written out: np.trapz is gone from NumPy 2)."""
    return float(np.sum((values[1:] + values[:-1]) / 2 * np.diff(GRID)))


def log_gaussian(x, mean, std):
    return -((x - mean) ** 2) / (2 * std**2) - math.log(std) - 0.5 * math.log(2 * math.pi)


def softplus(x):
    return np.logaddexp(0.0, x)


def value(logit, data=DATA, generator=GENERATORS[0]) -> float:
    """V(D, G) for D = sigmoid(logit(x)), by quadrature."""
    p = np.exp(log_gaussian(GRID, *data))
    q = np.exp(log_gaussian(GRID, *generator))
    logits = logit(GRID)
    return integrate(p * -softplus(-logits)) + integrate(q * -softplus(logits))


def optimal_logit(data=DATA, generator=GENERATORS[0]):
    """The logit of D* = p_data / (p_data + p_g): log p_data(x) - log p_g(x)."""
    return lambda x: log_gaussian(x, *data) - log_gaussian(x, *generator)


def value_gap(logit, data=DATA, generator=GENERATORS[0]) -> float:
    """V(D*, G) - V(D, G), integrated from its pointwise form: resolved even where D* is within
    rounding of 0 or 1, where V itself cannot show a change."""
    p = np.exp(log_gaussian(GRID, *data))
    q = np.exp(log_gaussian(GRID, *generator))
    best, logits = optimal_logit(data, generator)(GRID), logit(GRID)
    return integrate(
        p * (softplus(-logits) - softplus(-best)) + q * (softplus(logits) - softplus(best))
    )


def jensen_shannon(data, generator) -> float:
    """JSD(p || q) = KL(p || m) / 2 + KL(q || m) / 2 with the mixture m = (p + q) / 2."""
    log_p = log_gaussian(GRID, *data)
    log_q = log_gaussian(GRID, *generator)
    log_m = np.log((np.exp(log_p) + np.exp(log_q)) / 2)
    kl_pm = integrate(np.exp(log_p) * (log_p - log_m))
    kl_qm = integrate(np.exp(log_q) * (log_q - log_m))
    return kl_pm / 2 + kl_qm / 2


def bump(amplitude, center, width):
    return lambda x: amplitude * np.exp(-((x - center) ** 2) / (2 * width**2))


def test_quadrature_integrates_every_density_used_to_one():
    for mean, std in [DATA, *GENERATORS]:
        assert integrate(np.exp(log_gaussian(GRID, mean, std))) == pytest.approx(1.0, abs=1e-12)


# ----------------------------------------------------------------------------------------------
# Proposition 1: D* maximizes V(., G)


@given(
    a=st.floats(1e-3, 10.0),
    b=st.floats(1e-3, 10.0),
    y=st.floats(1e-6, 1 - 1e-6),
)
def test_at_each_point_a_log_y_plus_b_log_one_minus_y_peaks_at_y_equal_a_over_a_plus_b(a, b, y):
    # the heart of the proof: V's integrand at x is this with a = p_data(x), b = p_g(x), y = D(x)
    best = a / (a + b)
    at_best = a * np.log(best) + b * np.log1p(-best)
    assert a * np.log(y) + b * np.log1p(-y) <= at_best + 1e-12 * (a + b)


@pytest.mark.parametrize("generator", GENERATORS)
def test_optimal_discriminator_beats_bumps_logit_scalings_and_a_coin_flip(generator):
    best = optimal_logit(DATA, generator)
    v_best = value(best, DATA, generator)
    alternatives = {"constant 1/2": lambda x: np.zeros_like(x)}
    for scale in (0.0, 0.5, 0.9, 0.99, 1.01, 1.1, 2.0):
        alternatives[f"logit x {scale}"] = lambda x, s=scale: s * best(x)
    for shift in (-0.5, -0.01, 0.01, 0.5):
        alternatives[f"logit + {shift}"] = lambda x, s=shift: best(x) + s
    for amplitude in (-1.0, -0.05, 0.05, 1.0):
        for center in (-2.0, 0.0, 1.0, 3.0):
            b = bump(amplitude, center, 0.5)
            alternatives[f"bump {amplitude} at {center}"] = lambda x, b=b: best(x) + b(x)
    for name, logit in alternatives.items():
        assert value(logit, DATA, generator) < v_best, name
        assert value_gap(logit, DATA, generator) > 0, name


@given(
    amplitude=st.floats(-3.0, 3.0).filter(lambda a: abs(a) > 1e-3),
    center=st.floats(-4.0, 4.0),
    width=st.floats(0.1, 3.0),
    generator=st.sampled_from(GENERATORS),
)
def test_any_bump_on_the_optimal_logit_lowers_the_value(amplitude, center, width, generator):
    best = optimal_logit(DATA, generator)
    b = bump(amplitude, center, width)
    assert value_gap(lambda x: best(x) + b(x), DATA, generator) > 0


@given(
    coefficients=st.lists(st.floats(-3.0, 3.0), min_size=4, max_size=4),
    frequency=st.floats(0.1, 3.0),
    generator=st.sampled_from([g for g in GENERATORS if g[1] != DATA[1]]),
)
def test_random_smooth_discriminators_never_beat_the_optimal_one(
    coefficients, frequency, generator
):
    # a + b x + c sin(f x) + d tanh(x): never D* itself, whose logit is a quadratic (the
    # generators drawn here have another variance than the data)
    a, b, c, d = coefficients

    def logit(x):
        return a + b * x + c * np.sin(frequency * x) + d * np.tanh(x)

    assert value(logit, DATA, generator) < value(optimal_logit(DATA, generator), DATA, generator)
    assert value_gap(logit, DATA, generator) > 1e-9


@pytest.mark.parametrize("generator", GENERATORS)
def test_value_is_stationary_at_the_optimum_with_curvature_minus_p_plus_q_times_d_one_minus_d(
    generator,
):
    # For a small change h of the logit,
    #     V(l* + h) = V(l*) - 1/2 int (p + q) D* (1 - D*) h^2 + O(h^3):
    # no first-order term (D* is a stationary point) and a negative definite second one.
    best = optimal_logit(DATA, generator)
    p = np.exp(log_gaussian(GRID, *DATA))
    q = np.exp(log_gaussian(GRID, *generator))
    d_best = 1 / (1 + np.exp(-best(GRID)))
    for h in (bump(1.0, 0.5, 0.7), bump(1.0, -1.5, 0.3), lambda x: np.cos(x)):
        curvature = integrate((p + q) * d_best * (1 - d_best) * h(GRID) ** 2)
        for epsilon in (1e-2, -1e-2, 3e-3):
            drop = value_gap(lambda x, e=epsilon, h=h: best(x) + e * h(x), DATA, generator)
            assert drop == pytest.approx(epsilon**2 / 2 * curvature, rel=3e-2)


# ----------------------------------------------------------------------------------------------
# Theorem 1: V(D*, G) = -log 4 + 2 JSD(p_data || p_g)


@pytest.mark.parametrize("generator", [*GENERATORS, DATA])
def test_value_at_the_optimum_is_minus_log_4_plus_twice_the_jensen_shannon_divergence(generator):
    v_best = value(optimal_logit(DATA, generator), DATA, generator)
    assert v_best == pytest.approx(-LOG4 + 2 * jensen_shannon(DATA, generator), abs=1e-9)


def test_value_at_the_optimum_is_minus_log_4_exactly_when_the_generator_matches_the_data():
    # D* is the constant 1/2 then, and V = log(1/2) + log(1/2).
    best = optimal_logit(DATA, DATA)
    assert np.all(best(GRID) == 0.0)
    assert value(best, DATA, DATA) == pytest.approx(-LOG4, abs=1e-12)
    assert jensen_shannon(DATA, DATA) == pytest.approx(0.0, abs=1e-12)
    for generator in GENERATORS:
        assert value(optimal_logit(DATA, generator), DATA, generator) > -LOG4 + 1e-4


def test_the_optimal_value_grows_with_the_generators_distance_to_the_data_up_to_zero():
    # C(G) = V(D*, G) rises from -log 4 (p_g = p_data) toward 0 (disjoint supports: D* is a
    # perfect classifier, JSD = log 2).
    values = [value(optimal_logit(DATA, (m, 1.0)), DATA, (m, 1.0)) for m in (0.0, 0.5, 1, 2, 4)]
    assert values[0] == pytest.approx(-LOG4, abs=1e-12)
    assert all(a < b for a, b in zip(values, values[1:]))
    far_data, far_generator = (-4.0, 0.5), (4.0, 0.5)
    assert jensen_shannon(far_data, far_generator) == pytest.approx(math.log(2), abs=1e-12)
    far = value(optimal_logit(far_data, far_generator), far_data, far_generator)
    assert far == pytest.approx(0.0, abs=1e-12)


# ----------------------------------------------------------------------------------------------
# The library plays this game


@pytest.mark.parametrize("name", ["minimax", "non_saturating"])
@pytest.mark.parametrize(
    "discriminator",
    ["optimal", "optimal plus a bump", "constant 1/2", "linear"],
)
def test_discriminator_loss_on_samples_is_minus_the_value(name, discriminator):
    generator = GENERATORS[0]
    best = optimal_logit(DATA, generator)
    logit = {
        "optimal": best,
        "optimal plus a bump": lambda x: best(x) + bump(1.0, 0.5, 1.0)(x),
        "constant 1/2": lambda x: np.zeros_like(x),
        "linear": lambda x: 0.3 - 1.2 * x,
    }[discriminator]
    rng = np.random.default_rng(1234)
    n = 200_000
    real = rng.normal(DATA[0], DATA[1], n)
    fake = rng.normal(generator[0], generator[1], n)
    real_logits = tinygan.tensor(logit(real), dtype=F64)
    fake_logits = tinygan.tensor(logit(fake), dtype=F64)
    loss = objective(name).discriminator_loss(real_logits, fake_logits).item()
    # the loss is a mean of independent terms softplus(-l(x)) and softplus(l(G(z))): its
    # standard error follows from their sample variances (1e-12 more for rounding: a coin flip
    # has no variance)
    standard_error = math.sqrt((softplus(-logit(real)).var() + softplus(logit(fake)).var()) / n)
    assert abs(loss - -value(logit, DATA, generator)) < 5 * standard_error + 1e-12


def test_discriminator_loss_of_a_coin_flip_is_log_4_exactly():
    zeros = tinygan.zeros(7, dtype=F64)
    loss = objective("minimax").discriminator_loss(zeros, tinygan.zeros(3, dtype=F64))
    assert loss.item() == pytest.approx(LOG4, rel=1e-15)


def gaussian_quantile_samples(mean, std, n):
    """n points x_i with P(X <= x_i) = (i + 1/2) / n: a Gaussian sample without sampling noise.
    The inverse CDF is interpolated from the trapezoid CDF on GRID."""
    pdf = np.exp(log_gaussian(GRID, 0.0, 1.0))
    cdf = np.concatenate([[0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2 * np.diff(GRID))])
    return mean + std * np.interp((np.arange(n) + 0.5) / n, cdf, GRID)


@pytest.mark.parametrize(
    "data, generator",
    [((0.0, 1.0), (1.5, 1.0)), ((-1.0, 0.7), (0.5, 0.7)), ((2.0, 1.5), (1.0, 1.5))],
)
def test_logistic_discriminator_trained_with_the_library_loss_recovers_the_optimal_one(
    data, generator
):
    # With equal variances s^2, log p_data - log p_g = a x + b with
    # a = (m_data - m_g) / s^2 and b = (m_g^2 - m_data^2) / (2 s^2): D* is a logistic unit.
    (m_data, s), (m_g, _) = data, generator
    slope, intercept = (m_data - m_g) / s**2, (m_g**2 - m_data**2) / (2 * s**2)
    np.testing.assert_allclose(
        optimal_logit(data, generator)(GRID), slope * GRID + intercept, atol=1e-9
    )

    n = 2000
    real = tinygan.tensor(gaussian_quantile_samples(*data, n)[:, None], dtype=F64)
    fake = tinygan.tensor(gaussian_quantile_samples(*generator, n)[:, None], dtype=F64)
    discriminator = nn.Linear(1, 1, dtype=F64)
    optimizer = optim.Adam(discriminator.parameters(), lr=0.05)
    loss_fn = objective("minimax").discriminator_loss
    for _ in range(500):
        loss = loss_fn(discriminator(real), discriminator(fake))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    # what is left is the quadrature error of n quantile points (about 1e-3), not training
    scale = max(1.0, abs(slope), abs(intercept))
    assert discriminator.weight.item() == pytest.approx(slope, abs=5e-3 * scale)
    assert discriminator.bias.item() == pytest.approx(intercept, abs=5e-3 * scale)
    assert loss.item() == pytest.approx(
        -value(optimal_logit(data, generator), data, generator), abs=1e-3
    )
