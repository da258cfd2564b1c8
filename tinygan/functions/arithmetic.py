"""+ - * / ** and negation, with NumPy broadcasting; gradients are summed back to each
input's shape with ``sum_to``."""

from __future__ import annotations

from .. import dtypes
from ..function import Function
from .broadcast import sum_to
from .operands import binary_operands, cast


class Add(Function):
    def forward(self, a, b):
        return a + b

    def backward(self, gy):
        a, b = self.inputs
        # d(a+b)/da = 1, d(a+b)/db = 1
        return sum_to(gy, a.shape), sum_to(gy, b.shape)


class Sub(Function):
    def forward(self, a, b):
        return a - b

    def backward(self, gy):
        a, b = self.inputs
        # d(a-b)/da = 1, d(a-b)/db = -1
        return sum_to(gy, a.shape), sum_to(-gy, b.shape) if self.needs_input_grad[1] else None


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
        # d(b^e)/db = e b^(e-1), d(b^e)/de = b^e log(b)
        return (
            sum_to(gy * exponent * base ** (exponent - 1), base.shape) if need_base else None,
            sum_to(gy * self.saved_output() * log(base), exponent.shape) if need_exponent else None,
        )


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


from .elementwise import log  # noqa: E402  (elementwise imports this module)
