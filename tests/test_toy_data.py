"""The toy distributions of the GAN demos: where their modes are, and how they sample."""

from __future__ import annotations

import math

import numpy
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygan
from tinygan.data import toy

FACTORIES = {"ring": toy.ring, "grid": toy.grid, "gaussian_1d": toy.gaussian_1d}


def angles_of(centres):
    """Angles in [0, 2π) of 2-D points."""
    return numpy.mod(numpy.arctan2(centres[:, 1], centres[:, 0]), 2 * math.pi)


def nearest_centre(points, centres):
    return numpy.argmin(((points[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)


# --- where the modes are ---------------------------------------------------------------------


def test_ring_has_eight_distinct_centres_at_angles_2pi_k_over_8():
    data = toy.ring()
    assert data.centres.shape == (8, 2) and data.num_modes == 8 and data.std == 0.01
    assert len(numpy.unique(numpy.round(data.centres, 9), axis=0)) == 8
    numpy.testing.assert_allclose(numpy.linalg.norm(data.centres, axis=1), 1.0, atol=1e-15)
    numpy.testing.assert_allclose(angles_of(data.centres), 2 * math.pi * numpy.arange(8) / 8)


def test_ring_includes_angle_pi_and_seven_quarter_pi_which_linspace_would_miss():
    centres = toy.ring().centres
    for angle in (math.pi, 7 * math.pi / 4):
        target = numpy.array([math.cos(angle), math.sin(angle)])
        assert numpy.min(numpy.linalg.norm(centres - target, axis=1)) < 1e-12, angle


def test_ring_modes_are_far_apart_in_units_of_their_std():
    data = toy.ring()
    gaps = numpy.linalg.norm(data.centres[:, None] - data.centres[None], axis=-1)
    smallest = gaps[~numpy.eye(8, dtype=bool)].min()
    assert smallest == pytest.approx(2 * math.sin(math.pi / 8))  # 0.765: 76 stds
    assert smallest > 50 * data.std


@given(
    num_modes=st.integers(1, 64),
    radius=st.floats(0.1, 10.0),
    std=st.floats(1e-3, 1.0),
)
def test_ring_centres_are_distinct_points_of_the_circle_at_equal_angles(num_modes, radius, std):
    data = toy.ring(num_modes, radius=radius, std=std)
    assert data.centres.shape == (num_modes, 2) and data.std == std
    numpy.testing.assert_allclose(numpy.linalg.norm(data.centres, axis=1), radius, rtol=1e-12)
    expected = 2 * math.pi * numpy.arange(num_modes) / num_modes
    numpy.testing.assert_allclose(numpy.sort(angles_of(data.centres)), expected, atol=1e-9)


def test_grid_has_25_distinct_centres_at_minus_4_to_4_step_2_squared():
    data = toy.grid()
    assert data.centres.shape == (25, 2) and data.num_modes == 25 and data.std == 0.05
    expected = {(x, y) for x in (-4.0, -2.0, 0.0, 2.0, 4.0) for y in (-4.0, -2.0, 0.0, 2.0, 4.0)}
    assert {tuple(c) for c in data.centres.tolist()} == expected


def test_grid_of_other_sizes_is_centred_on_the_origin():
    data = toy.grid(4, spacing=1.0, std=0.1)
    assert data.num_modes == 16
    assert sorted(set(data.centres[:, 0].tolist())) == [-1.5, -0.5, 0.5, 1.5]
    numpy.testing.assert_array_equal(data.centres.mean(axis=0), [0.0, 0.0])


def test_gaussian_1d_is_one_mode_in_one_dimension():
    data = toy.gaussian_1d()
    assert data.centres.tolist() == [[4.0]] and data.std == 0.5 and data.dim == 1
    assert toy.gaussian_1d(-1.0, 2.0).centres.tolist() == [[-1.0]]


def test_centres_cannot_be_changed_in_place():
    data = toy.ring()
    with pytest.raises(ValueError):
        data.centres[0, 0] = 5.0


def test_mixture_keeps_its_own_copy_of_the_centres():
    centres = numpy.array([[0.0, 0.0], [1.0, 1.0]])
    data = toy.GaussianMixture(centres, 0.1)
    centres[0, 0] = 7.0
    assert data.centres[0, 0] == 0.0


def test_repr_names_modes_dimension_and_std():
    assert repr(toy.grid()) == "GaussianMixture(num_modes=25, dim=2, std=0.05)"


@pytest.mark.parametrize(
    "centres, std",
    [
        ([0.0, 1.0], 0.1),  # not [K, D]
        (numpy.zeros((0, 2)), 0.1),  # no modes
        ([[0.0, math.nan]], 0.1),
        ([[0.0, 0.0]], 0.0),
        ([[0.0, 0.0]], -1.0),
        ([[0.0, 0.0]], math.inf),
    ],
)
def test_invalid_mixtures_are_refused(centres, std):
    with pytest.raises(ValueError, match="GaussianMixture"):
        toy.GaussianMixture(centres, std)


def test_invalid_factory_sizes_are_refused():
    with pytest.raises(ValueError, match="num_modes"):
        toy.ring(0)
    with pytest.raises(ValueError, match="side"):
        toy.grid(2.5)


# --- sampling --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FACTORIES)
def test_sample_is_float32_n_by_d_on_the_requested_device(name, device):
    data = FACTORIES[name]()
    x = data.sample(100, device=device)
    assert x.shape == (100, data.dim)
    assert x.dtype == tinygan.float32 and x.data.dtype == numpy.float32
    assert x.device == device and not x.requires_grad


def test_sample_gives_float64_when_asked(device):
    x = toy.ring().sample(10, device=device, dtype=tinygan.float64)
    assert x.dtype == tinygan.float64 and x.device == device


def test_sample_follows_the_default_dtype():
    tinygan.set_default_dtype(tinygan.float64)
    assert toy.grid().sample(3).dtype == tinygan.float64


def test_sample_of_zero_is_empty(device):
    assert toy.ring().sample(0, device=device).shape == (0, 2)


def test_sample_repeats_under_manual_seed_and_changes_with_the_seed(device):
    data = toy.grid()
    tinygan.manual_seed(7)
    first = data.sample(50, device=device).numpy()
    tinygan.manual_seed(7)
    again = data.sample(50, device=device).numpy()
    tinygan.manual_seed(8)
    other = data.sample(50, device=device).numpy()
    numpy.testing.assert_array_equal(first, again)
    assert not numpy.array_equal(first, other)


def test_sample_refuses_bad_sizes_and_integer_dtypes():
    with pytest.raises(ValueError, match="non-negative int"):
        toy.ring().sample(-1)
    with pytest.raises(ValueError, match="non-negative int"):
        toy.ring().sample(2.0)
    with pytest.raises(TypeError, match="floating dtype"):
        toy.ring().sample(2, dtype=tinygan.int64)


@pytest.mark.parametrize("name", ["ring", "grid"])
def test_modes_are_drawn_with_equal_frequency(name, device):
    data = FACTORIES[name]()
    n = 400 * data.num_modes
    points = data.sample(n, device=device, dtype=tinygan.float64).numpy()
    counts = numpy.bincount(nearest_centre(points, data.centres), minlength=data.num_modes)
    expected = n / data.num_modes
    chi_square = float(((counts - expected) ** 2 / expected).sum())
    # With K - 1 = 7 (24) degrees of freedom, chi-square exceeds 3 (K - 1) + 15 with
    # probability below 1e-4.
    assert chi_square < 3 * (data.num_modes - 1) + 15, counts


@pytest.mark.parametrize("name", FACTORIES)
def test_samples_spread_around_their_mode_with_the_mixture_std(name, device):
    data = FACTORIES[name]()
    points = data.sample(20_000, device=device, dtype=tinygan.float64).numpy()
    offsets = points - data.centres[nearest_centre(points, data.centres)]
    assert abs(offsets.mean()) < 5 * data.std / math.sqrt(offsets.size)
    assert offsets.std() == pytest.approx(data.std, rel=0.03)


# --- density ---------------------------------------------------------------------------------


def test_density_at_a_ring_centre_is_one_eighth_of_a_gaussian_peak():
    data = toy.ring()
    peak = 1 / (2 * math.pi * data.std**2)
    numpy.testing.assert_allclose(data.density(data.centres), peak / 8, rtol=1e-12)
    assert data.density(numpy.zeros((1, 2)))[0] == 0.0  # 100 stds from every mode


def test_density_of_gaussian_1d_is_the_normal_pdf():
    data = toy.gaussian_1d(mean=1.0, std=2.0)
    x = numpy.array([-3.0, 0.0, 1.0, 2.5])
    expected = numpy.exp(-((x - 1.0) ** 2) / 8) / math.sqrt(2 * math.pi * 4)
    numpy.testing.assert_allclose(data.density(x), expected, rtol=1e-12)
    numpy.testing.assert_allclose(data.density(x[:, None]), expected, rtol=1e-12)


def test_density_integrates_to_one():
    data = toy.grid(3, spacing=1.0, std=0.2)
    step = 0.01
    axis = numpy.arange(-2.5, 2.5, step) + step / 2
    xs, ys = numpy.meshgrid(axis, axis)
    total = data.density(numpy.stack([xs.ravel(), ys.ravel()], axis=1)).sum() * step**2
    assert total == pytest.approx(1.0, abs=1e-6)


def test_density_takes_a_tensor_and_refuses_the_wrong_dimension(device):
    data = toy.ring()
    on_device = tinygan.tensor(data.centres, device=device)
    numpy.testing.assert_allclose(data.density(on_device), data.density(data.centres))
    with pytest.raises(ValueError, match=r"\[M, 2\]"):
        data.density(numpy.zeros((3, 3)))
