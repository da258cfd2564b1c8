"""Gradient clipping: the total norm it reports, when and how it scales, and clamping by value."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygan
from tinygan.nn.utils.clip_grad import clip_grad_norm_, clip_grad_value_

SHAPES = [(3, 4), (5,), ()]


def params_with_grads(seed=0, scale=1.0, dtype=tinygan.float64, device="cpu"):
    """Parameters whose .grad holds random values (the parameters' values do not matter)."""
    rng = np.random.default_rng(seed)
    params = []
    for shape in SHAPES:
        p = tinygan.zeros(*shape, dtype=dtype, device=device, requires_grad=True)
        p.grad = tinygan.tensor(scale * rng.normal(size=shape), dtype=dtype, device=device)
        params.append(p)
    return params


def all_entries(params):
    return np.concatenate([p.grad.numpy().astype(np.float64).ravel() for p in params])


def reference_norm(entries, norm_type):
    if norm_type == math.inf:
        return np.abs(entries).max()
    return (np.abs(entries) ** norm_type).sum() ** (1 / norm_type)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
def test_the_total_norm_is_the_norm_of_all_gradient_entries_together(norm_type):
    params = params_with_grads()
    total = clip_grad_norm_(params, max_norm=1e9, norm_type=norm_type)
    assert isinstance(total, tinygan.Tensor) and total.shape == ()
    np.testing.assert_allclose(total.item(), reference_norm(all_entries(params), norm_type))


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_gradients_with_a_norm_below_max_norm_are_left_unchanged_bit_for_bit(norm_type):
    params = params_with_grads()
    before = all_entries(params)
    total = clip_grad_norm_(
        params, max_norm=reference_norm(before, norm_type) * 1.01, norm_type=norm_type
    )
    np.testing.assert_array_equal(all_entries(params), before)
    np.testing.assert_allclose(total.item(), reference_norm(before, norm_type))


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_gradients_above_max_norm_are_scaled_by_max_norm_over_the_norm_plus_1e_6(norm_type):
    params = params_with_grads(scale=10.0)
    before = all_entries(params)
    total = reference_norm(before, norm_type)
    returned = clip_grad_norm_(params, max_norm=0.5, norm_type=norm_type)

    np.testing.assert_allclose(returned.item(), total)  # the norm before clipping
    np.testing.assert_allclose(all_entries(params), before * 0.5 / (total + 1e-6), rtol=1e-12)
    np.testing.assert_allclose(reference_norm(all_entries(params), norm_type), 0.5, rtol=1e-6)


@given(
    scale=st.floats(1e-3, 1e3),
    max_norm=st.floats(1e-2, 1e2),
    norm_type=st.sampled_from([1.0, 2.0, 2.5, math.inf]),
    seed=st.integers(0, 2**32 - 1),
)
def test_after_clipping_the_norm_is_at_most_max_norm_and_the_direction_is_kept(
    scale, max_norm, norm_type, seed
):
    params = params_with_grads(seed, scale)
    before = all_entries(params)
    clip_grad_norm_(params, max_norm, norm_type)
    after = all_entries(params)
    assert reference_norm(after, norm_type) <= max_norm * (1 + 1e-9)
    factor = min(1.0, max_norm / (reference_norm(before, norm_type) + 1e-6))
    np.testing.assert_allclose(after, factor * before, rtol=1e-9)


def test_the_gradients_are_changed_in_place():
    params = params_with_grads(scale=10.0)
    before = [(p.grad, p.grad.data, p.grad._version) for p in params]
    clip_grad_norm_(params, max_norm=1.0)
    for p, (grad, array, version) in zip(params, before):
        assert p.grad is grad and p.grad.data is array
        assert p.grad._version == version + 1


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_a_non_finite_norm_raises_with_error_if_nonfinite(bad):
    params = params_with_grads()
    params[1].grad.data[2] = bad
    with pytest.raises(RuntimeError, match="non-finite"):
        clip_grad_norm_(params, max_norm=1.0, error_if_nonfinite=True)


def test_a_nan_norm_without_error_if_nonfinite_is_returned_and_spreads_as_in_pytorch():
    params = params_with_grads()
    params[1].grad.data[2] = math.nan
    total = clip_grad_norm_(params, max_norm=1.0)
    assert math.isnan(total.item())
    assert np.isnan(all_entries(params)).all()


def test_one_tensor_is_accepted_and_gradients_that_are_none_are_skipped():
    params = params_with_grads(scale=10.0)
    params[0].grad = None
    clip_grad_norm_(params, max_norm=1.0)
    np.testing.assert_allclose(np.linalg.norm(all_entries(params[1:])), 1.0, rtol=1e-5)

    w = params[1]
    norm = np.linalg.norm(w.grad.numpy())
    total = clip_grad_norm_(w, max_norm=0.5)
    np.testing.assert_allclose(total.item(), norm)
    np.testing.assert_allclose(np.linalg.norm(w.grad.numpy()), 0.5, rtol=1e-5)


def test_no_gradients_at_all_give_a_norm_of_zero():
    assert clip_grad_norm_([tinygan.zeros(2, requires_grad=True)], max_norm=1.0).item() == 0.0


def test_a_norm_type_that_is_not_positive_raises():
    with pytest.raises(ValueError, match="norm_type must be positive"):
        clip_grad_norm_(params_with_grads(), max_norm=1.0, norm_type=0)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf])
def test_float32_gradients_and_their_norm_stay_float32_on_their_device(device, norm_type):
    params = params_with_grads(scale=10.0, dtype=tinygan.float32, device=device)
    before = all_entries(params)
    total = clip_grad_norm_(params, max_norm=1.0, norm_type=norm_type)
    assert total.dtype == tinygan.float32 and total.device == device and total.shape == ()
    for p in params:
        assert p.grad.dtype == tinygan.float32 and p.grad.device == device
    expected = reference_norm(before, norm_type)
    np.testing.assert_allclose(total.item(), expected, rtol=1e-5)
    np.testing.assert_allclose(all_entries(params), before / (expected + 1e-6), rtol=1e-5)


def test_clip_grad_value_clamps_every_entry_in_place():
    params = params_with_grads(scale=3.0)
    before = all_entries(params)
    arrays = [p.grad.data for p in params]
    assert clip_grad_value_(params, clip_value=1.5) is None
    np.testing.assert_array_equal(all_entries(params), np.clip(before, -1.5, 1.5))
    assert all(p.grad.data is array for p, array in zip(params, arrays))


def test_clip_grad_value_takes_one_tensor_and_skips_gradients_that_are_none(device):
    params = params_with_grads(scale=3.0, dtype=tinygan.float32, device=device)
    params[0].grad = None
    before = params[1].grad.numpy().copy()
    clip_grad_value_(params[1], 0.5)
    np.testing.assert_array_equal(params[1].grad.numpy(), np.clip(before, -0.5, 0.5))
    assert params[1].grad.dtype == tinygan.float32 and params[1].grad.device == device
    clip_grad_value_(params, 0.5)  # params[0] has no gradient: nothing to do
    assert params[0].grad is None


def test_a_negative_clip_value_raises():
    with pytest.raises(ValueError, match="clip_value must be >= 0"):
        clip_grad_value_(params_with_grads(), -1.0)
