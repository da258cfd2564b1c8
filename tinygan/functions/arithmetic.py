"""+ - * / ** and negation, with NumPy broadcasting; gradients are summed back to each
input's shape with ``sum_to``."""

from __future__ import annotations

from .. import dtypes
from ..function import Function
from .broadcast import sum_to
from .elementwise import log, where
from .operands import binary_operands, cast


class Add(Function):
    backward_reads_inputs = False  # only shapes

    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        a, b = self.inputs
        # d(a+b)/da = 1, d(a+b)/db = 1
        return sum_to(gy, a.shape), sum_to(gy, b.shape)


class Sub(Function):
    backward_reads_inputs = False  # only shapes

    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        # d(a-b)/da = 1, d(a-b)/db = -1
        return (
            sum_to(gy, a.shape) if need_a else None,
            sum_to(-gy, b.shape) if need_b else None,
        )


class Mul(Function):
    def forward(self, a, b):
        return a * b

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        # d(ab)/da = b, d(ab)/db = a
        return (
            sum_to(gy * b, a.shape) if need_a else None,
            sum_to(gy * a, b.shape) if need_b else None,
        )


class Div(Function):
    def forward(self, a, b):
        return a / b

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        # d(a/b)/da = 1/b, d(a/b)/db = -a/b^2
        return (
            sum_to(gy / b, a.shape) if need_a else None,
            sum_to(-gy * a / (b * b), b.shape) if need_b else None,
        )


class Neg(Function):
    backward_reads_inputs = False  # only shapes

    def forward(self, x):
        return -x

    def backward(self, gy):
        # d(-x)/dx = -1
        return -gy


class Pow(Function):
    def forward(self, base, exponent):
        return base**exponent

    def backward(self, gy):
        base, exponent = self.inputs
        need_base, need_exponent = self.needs_input_grad
        # d(b^e)/db = e b^(e-1). At b = 0 with e = 0 that is 0 * 0^-1: the power is replaced
        # by b^1 there, so the factor e makes it exactly 0 (b^0 is constant), as in PyTorch
        grad_base = grad_exponent = None
        if need_base:
            power = where((exponent.data == 0) & (base.data == 0), 1.0, exponent - 1)
            grad_base = sum_to(gy * exponent * base**power, base.shape)
        # d(b^e)/de = b^e log(b); where b = 0 and e >= 0, b^e is flat in e: log(b) is replaced
        # by log(1) = 0
        if need_exponent:
            flat = (base.data == 0) & (exponent.data >= 0)
            grad_exponent = gy * self.saved_output() * log(where(flat, 1.0, base))
            grad_exponent = sum_to(grad_exponent, exponent.shape)
        return grad_base, grad_exponent


def add(a, b):
    return Add()(*binary_operands("add", a, b))


def sub(a, b):
    return Sub()(*binary_operands("sub", a, b))


def mul(a, b):
    return Mul()(*binary_operands("mul", a, b))


def div(a, b):
    """True division; integer tensors are divided as the default float dtype, as in PyTorch."""
    a, b = binary_operands("div", a, b)
    if not dtypes.is_floating(a.dtype):
        a, b = cast(a, dtypes.get_default_dtype()), cast(b, dtypes.get_default_dtype())
    return Div()(a, b)


def neg(x):
    return Neg()(x)


def pow(base, exponent):
    return Pow()(*binary_operands("pow", base, exponent))
