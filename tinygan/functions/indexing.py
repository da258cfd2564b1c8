"""Indexing ``x[index]`` with slices, integers, integer arrays and boolean masks.

The backward writes the gradient back into a zero tensor of x's shape. An integer array may
pick one element several times (``x[[0, 0, 1]]``); its gradients must then add up, so that
case uses a scatter-add rather than an assignment.
"""

from __future__ import annotations

from .. import backend
from ..backend import get_array_module
from ..function import Function
from ..tensor import Tensor
from .operands import require_tensors


class GetItem(Function):
    backward_reads_inputs = False  # only shapes

    def __init__(self, index):
        self.index = index
        self.returns_view = _is_basic(index)  # slicing gives a view; integer arrays a copy

    def forward(self, x):
        return x[self.index]

    def backward(self, gy):
        # d x[index] / dx puts each gradient back where its element came from
        return IndexAdd(self.index, self.inputs[0].shape)(gy)


class IndexAdd(Function):
    """zeros(shape), then ``[index] += gy``: the adjoint of ``GetItem``."""

    backward_reads_inputs = False  # only shapes

    def __init__(self, index, shape):
        self.index, self.shape = index, shape

    def forward(self, gy):
        out = get_array_module(gy).zeros(self.shape, dtype=gy.dtype)
        if _is_basic(self.index):
            out[self.index] = gy  # each element is picked at most once
        else:
            backend.scatter_add(out, self.index, gy)
        return out

    def backward(self, ggx):
        # the adjoint of a scatter is the gather
        return GetItem(self.index)(ggx)


def _is_basic(index) -> bool:
    """Slices, integers, None and Ellipsis only: no element can be picked twice."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(p is None or p is Ellipsis or isinstance(p, (int, slice)) for p in parts)


def normalize_index(index, x: Tensor):
    """Tensors and lists in an index become arrays on x's device (bool or integer only)."""
    parts = index if isinstance(index, tuple) else (index,)
    converted = []
    for part in parts:
        if isinstance(part, Tensor):
            part = part.data
        elif isinstance(part, list):
            part = x._xp().asarray(part)
        if hasattr(part, "dtype"):
            if backend.device_of(part) != x.device:
                raise RuntimeError(
                    f"getitem: an index on {backend.device_of(part)} cannot index a tensor on "
                    f"{x.device}; move the index with .to('{x.device}')"
                )
            if part.dtype.kind not in "biu":
                raise IndexError(f"getitem: index arrays must be integer or bool, not {part.dtype}")
        converted.append(part)
    return tuple(converted) if isinstance(index, tuple) else converted[0]


def getitem(x, index):
    require_tensors("getitem", x=x)
    return GetItem(normalize_index(index, x))(x)


def embedding(input, weight):
    """Rows of ``weight`` picked by the integer tensor ``input`` (a lookup table)."""
    require_tensors("embedding", input=input, weight=weight)
    if input.dtype.kind not in "iu":
        raise TypeError(f"embedding: indices must be an integer tensor, got {input.dtype}")
    # checked here because CuPy, unlike NumPy, wraps out-of-range indices around silently
    if input.numel() and bool((input.data.min() < 0) | (input.data.max() >= weight.shape[0])):
        raise IndexError(
            f"embedding: indices must be in [0, {weight.shape[0]}), got values from "
            f"{input.data.min().item()} to {input.data.max().item()}"
        )
    return getitem(weight, input)
