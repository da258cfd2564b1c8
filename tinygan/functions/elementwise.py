"""Elementwise math: exp, log, sqrt, abs, clamp, maximum, minimum, where, and dtype/device moves.

Where a derivative has a kink (abs at 0, clamp at its bounds, maximum at ties), the choice
made is the one PyTorch makes, written in the op's comment.
"""

from __future__ import annotations

import numpy

from .. import backend, dtypes
from ..backend import get_array_module, keep_dtype
from ..function import Function
from ..tensor import Tensor
from .broadcast import sum_to
from .operands import _operand_array, binary_operands, mask, require_tensors


class Exp(Function):
    def forward(self, x):
        return get_array_module(x).exp(x)

    def backward(self, gy):
        # d/dx exp(x) = exp(x)
        return gy * self.saved_output()


class Log(Function):
    def forward(self, x):
        return get_array_module(x).log(x)

    def backward(self, gy):
        # d/dx log(x) = 1/x
        return gy / self.inputs[0]


class Sqrt(Function):
    def forward(self, x):
        return get_array_module(x).sqrt(x)

    def backward(self, gy):
        # d/dx sqrt(x) = 1 / (2 sqrt(x))
        return gy / (2 * self.saved_output())


class Abs(Function):
    def forward(self, x):
        return get_array_module(x).abs(x)

    def backward(self, gy):
        x = self.inputs[0].data
        # d/dx |x| = sign(x), taken as 0 at x = 0
        return gy * Tensor._from_array(get_array_module(x).sign(x))


class Clamp(Function):
    def __init__(self, min, max):
        self.min, self.max = min, max

    def forward(self, x):
        return keep_dtype(get_array_module(x).clip(x, self.min, self.max), x)

    def backward(self, gy):
        x = self.inputs[0].data
        inside = x == x  # True everywhere but at NaN, which gets no gradient
        if self.min is not None:
            inside &= x >= self.min
        if self.max is not None:
            inside &= x <= self.max
        # d/dx clamp(x) = 1 where min <= x <= max (bounds included), else 0
        return gy * mask(inside, gy.dtype)


class Maximum(Function):
    def forward(self, a, b):
        return get_array_module(a).maximum(a, b)

    def backward(self, gy):
        a, b = self.inputs
        return _split_by_winner(gy, a, b, a.data > b.data, self.needs_input_grad)


class Minimum(Function):
    def forward(self, a, b):
        return get_array_module(a).minimum(a, b)

    def backward(self, gy):
        a, b = self.inputs
        return _split_by_winner(gy, a, b, a.data < b.data, self.needs_input_grad)


def _split_by_winner(gy, a, b, a_wins, needs_input_grad):
    # d max(a,b)/da = 1 where a wins, 0 where b wins, 1/2 at ties (likewise for b and for min)
    share_a = keep_dtype(a_wins + (a.data == b.data) * 0.5, gy.data)
    need_a, need_b = needs_input_grad
    return (
        sum_to(gy * Tensor._from_array(share_a), a.shape) if need_a else None,
        sum_to(gy * Tensor._from_array(keep_dtype(1 - share_a, gy.data)), b.shape)
        if need_b
        else None,
    )


class Where(Function):
    backward_reads_inputs = False  # only the condition

    def __init__(self, condition):
        self.condition = condition

    def forward(self, a, b):
        return get_array_module(a).where(self.condition, a, b)

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        # the gradient goes to a where the condition holds, to b elsewhere
        return (
            sum_to(gy * mask(self.condition, gy.dtype), a.shape) if need_a else None,
            sum_to(gy * mask(~self.condition, gy.dtype), b.shape) if need_b else None,
        )


class ToDevice(Function):
    backward_reads_inputs = False  # only shapes

    def __init__(self, device):
        self.device = device

    def forward(self, x):
        return backend.move(x, self.device)

    def backward(self, gy):
        # the identity, back on the input's device
        return ToDevice(self.inputs[0].device)(gy)


def exp(x):
    require_tensors("exp", x=x)
    return Exp()(x)


def log(x):
    require_tensors("log", x=x)
    return Log()(x)


def sqrt(x):
    require_tensors("sqrt", x=x)
    return Sqrt()(x)


def abs(x):
    require_tensors("abs", x=x)
    return Abs()(x)


def clamp(x, min=None, max=None):
    """Limit values to [min, max]; either bound may be None."""
    require_tensors("clamp", x=x)
    if min is None and max is None:
        raise ValueError("clamp: at least one of min and max must be given")
    for bound in (min, max):
        if bound is not None and not isinstance(bound, (int, float)):
            raise TypeError(f"clamp: bounds must be Python numbers, got {type(bound).__name__}")
    return Clamp(min, max)(x)


def maximum(a, b):
    return Maximum()(*binary_operands("maximum", a, b))


def minimum(a, b):
    return Minimum()(*binary_operands("minimum", a, b))


def where(condition, a, b):
    """Elementwise ``a`` where ``condition`` holds, else ``b`` (all three broadcast)."""
    if isinstance(a, Tensor):
        like = a
    elif isinstance(b, Tensor):
        like = b
    elif isinstance(condition, Tensor):
        like = condition
        a = Tensor._from_array(_operand_array(a, like, "where").astype(dtypes.get_default_dtype()))
    else:
        raise TypeError("where: expected at least one Tensor argument")
    if isinstance(condition, (bool, numpy.bool_)):
        condition = like._xp().asarray(condition)
    condition = _operand_array(condition, like, "where")
    if condition.dtype != dtypes.bool_:
        raise TypeError(f"where: the condition must be a bool tensor, got {condition.dtype}")
    a, b = binary_operands("where", a, b)
    return Where(condition)(a, b)


def to_device(x, device):
    require_tensors("to_device", x=x)
    return ToDevice(device)(x)
