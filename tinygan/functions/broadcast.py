"""Broadcasting and its adjoint.

When an op broadcasts an input of shape (3, 1) to (2, 3, 4), each input element was used
several times, so its gradient is the sum of the gradients of all its copies: ``sum_to``
undoes ``broadcast_to``, and each is the other's backward.
"""

from __future__ import annotations

from ..backend import get_array_module
from ..function import Function
from .operands import require_tensors


class BroadcastTo(Function):
    returns_view = True

    backward_reads_inputs = False  # only shapes

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        return get_array_module(x).broadcast_to(x, self.shape)

    def backward(self, gy):
        # d/dx broadcast(x) . gy = sum of gy over the broadcast copies
        return sum_to(gy, self.inputs[0].shape)


class SumTo(Function):
    backward_reads_inputs = False  # only shapes

    def __init__(self, shape):
        self.shape = tuple(shape)

    def forward(self, x):
        lead = x.ndim - len(self.shape)
        axes = tuple(range(lead)) + tuple(
            lead + i for i, size in enumerate(self.shape) if size == 1 and x.shape[lead + i] != 1
        )
        y = x.sum(axis=axes, keepdims=True) if axes else x
        return y.reshape(self.shape)

    def backward(self, gy):
        # each output element is a sum of inputs, so each input gets that output's gradient
        return broadcast_to(gy, self.inputs[0].shape)


def broadcast_to(x, shape):
    """``x`` broadcast to ``shape`` (a read-only view, no copy)."""
    require_tensors("broadcast_to", x=x)
    return x if x.data.shape == shape else BroadcastTo(shape)(x)


def sum_to(x, shape):
    """Sum ``x`` down to ``shape``, the adjoint of ``broadcast_to``."""
    require_tensors("sum_to", x=x)
    return x if x.data.shape == shape else SumTo(shape)(x)
