"""Every differentiable op, on every device: its gradients and second derivatives match finite
differences, its forward matches an independent NumPy computation, it keeps float32 as
float32 on the input's device (outputs and gradients), and it never changes its inputs."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from op_specs import SPECS

import tinygan

IDS = [spec.name for spec in SPECS]


def make_inputs(arrays, device, dtype=tinygan.float64):
    """Tensors (requiring grad) for the drawn arrays; non-array arguments pass through."""
    return [
        tinygan.tensor(a, dtype=dtype, device=device, requires_grad=True)
        if isinstance(a, np.ndarray)
        else a
        for a in arrays
    ]


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@given(data=st.data())
def test_gradients_match_finite_differences(spec, device, data):
    inputs = make_inputs(spec.draw_inputs(data), device)
    assert tinygan.gradcheck(spec.fn, inputs, atol=spec.atol)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@given(data=st.data())
def test_second_derivatives_match_finite_differences(spec, device, data):
    inputs = make_inputs(spec.draw_inputs(data), device)
    assert tinygan.gradgradcheck(spec.fn, inputs, atol=spec.atol)


@pytest.mark.parametrize(
    "spec",
    [s for s in SPECS if s.reference is not None],
    ids=[s.name for s in SPECS if s.reference is not None],
)
@given(data=st.data())
def test_forward_matches_numpy(spec, device, data):
    arrays = spec.draw_inputs(data)
    inputs = make_inputs(arrays, device)
    expected = spec.reference(*arrays)
    np.testing.assert_allclose(spec.fn(*inputs).numpy(), expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@settings(max_examples=3)
@given(data=st.data())
def test_float32_stays_float32_on_its_device(spec, device, data):
    inputs = make_inputs(spec.draw_inputs(data), device, dtype=tinygan.float32)
    output = spec.fn(*inputs)
    assert output.dtype == tinygan.float32 and output.device == device
    upstream = tinygan.randn(*output.shape, device=device)
    output.backward(upstream)
    for x in inputs:
        if isinstance(x, tinygan.Tensor) and x.grad is not None:
            assert x.grad.dtype == tinygan.float32, f"gradient of {spec.name} is {x.grad.dtype}"
            assert x.grad.device == device


@pytest.mark.parametrize("spec", SPECS, ids=IDS)
@settings(max_examples=3)
@given(data=st.data())
def test_inputs_are_not_mutated(spec, device, data):
    inputs = make_inputs(spec.draw_inputs(data), device)
    before = [x.numpy().copy() for x in inputs if isinstance(x, tinygan.Tensor)]
    output = spec.fn(*inputs)
    output.backward(tinygan.ones_like(output))
    after = [x.numpy() for x in inputs if isinstance(x, tinygan.Tensor)]
    for b, a in zip(before, after):
        np.testing.assert_array_equal(a, b)
