"""The gradient checker must catch wrong gradients: a checker that passes everything would make
every other gradient test worthless."""

from __future__ import annotations

import pytest

import tinygan
from tinygan.function import Function


class SquareWithWrongGradient(Function):
    def forward(self, x):
        return x * x

    def backward(self, gy):
        x = self.inputs[0]
        return gy * (2 * x + (x > 1.0).to(x.dtype) * 0.1)  # wrong only where x > 1


class SquareWithWrongSecondDerivative(Function):
    def forward(self, x):
        return x * x

    def backward(self, gy):
        # the first derivative is right, but x is treated as a constant: d2/dx2 comes out 0
        return gy * 2 * self.inputs[0].detach()


def leaf(values, dtype=tinygan.float64):
    return tinygan.tensor(values, dtype=dtype, requires_grad=True)


def test_full_mode_names_the_input_element_and_both_values():
    x = leaf([0.5, 2.0, -1.0])
    with pytest.raises(tinygan.GradcheckError) as failure:
        tinygan.gradcheck(lambda t: SquareWithWrongGradient()(t), [x])
    message = str(failure.value)
    assert "input 0 (shape (3,)) element (1,)" in message
    assert "analytic 4.1 vs numeric 4" in message


def test_fast_mode_catches_the_same_error():
    x = leaf([0.5, 2.0, -1.0])
    with pytest.raises(tinygan.GradcheckError, match="directional derivative"):
        tinygan.gradcheck(lambda t: SquareWithWrongGradient()(t), [x], fast=True)


def test_gradgradcheck_catches_a_wrong_second_derivative():
    x = leaf([0.5, 2.0])
    assert tinygan.gradcheck(lambda t: SquareWithWrongSecondDerivative()(t), [x])
    with pytest.raises(tinygan.GradcheckError):
        tinygan.gradgradcheck(lambda t: SquareWithWrongSecondDerivative()(t), [x])


def test_correct_gradients_pass_in_both_modes():
    x, w = leaf([[0.5, -2.0]]), leaf([[1.0], [3.0]])
    for fast in (False, True):
        assert tinygan.gradcheck(lambda a, b: tinygan.tanh(a @ b), [x, w], fast=fast)
        assert tinygan.gradgradcheck(lambda a, b: tinygan.tanh(a @ b), [x, w], fast=fast)


def test_raise_exception_false_returns_false():
    x = leaf([2.0])
    assert not tinygan.gradcheck(lambda t: SquareWithWrongGradient()(t), [x], raise_exception=False)


def test_float32_inputs_give_a_warning():
    with pytest.warns(UserWarning, match="float32.*float64"):
        tinygan.gradcheck(lambda t: t * 2.0, [leaf([1.0], tinygan.float32)], eps=1e-2, atol=1e-2)


def test_gradcheck_needs_an_input_that_requires_grad():
    with pytest.raises(ValueError, match="no input has requires_grad"):
        tinygan.gradcheck(lambda t: t * 2.0, [tinygan.ones(2, dtype=tinygan.float64)])


class DoubleWithNaNGradient(Function):
    def forward(self, x):
        return x * 2

    def backward(self, gy):
        return gy * float("nan")


def test_a_nan_gradient_fails_in_both_modes():
    x = leaf([1.0, 2.0])
    for fast in (False, True):
        with pytest.raises(tinygan.GradcheckError):
            tinygan.gradcheck(lambda t: DoubleWithNaNGradient()(t), [x], fast=fast)
