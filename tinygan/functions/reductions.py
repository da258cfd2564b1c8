"""Reductions over ``dim`` (an int, a tuple of ints, or None for all), keeping it with ``keepdim``.

The backward of a reduction spreads each output gradient back over the elements that were
reduced into it: ``_expand_back`` reshapes the gradient to the kept-dims shape and broadcasts.
"""

from __future__ import annotations

import builtins
from collections import namedtuple

import numpy

from ..backend import get_array_module, keep_dtype
from ..function import Function
from ..tensor import Tensor
from .broadcast import broadcast_to
from .elementwise import exp, sqrt
from .operands import require_tensors
from .shape import reshape

MaxResult = namedtuple("MaxResult", ["values", "indices"])


def normalize_dims(dim, ndim: int, op_name: str) -> tuple:
    """``dim`` as a sorted tuple of non-negative axes; None means every axis."""
    if dim is None:
        return tuple(range(ndim))
    dims = (dim,) if isinstance(dim, (int, numpy.integer)) else tuple(dim)
    result = []
    for d in dims:
        if not -builtins.max(ndim, 1) <= d < builtins.max(ndim, 1):
            raise IndexError(
                f"{op_name}: dim {d} is out of range for a tensor with {ndim} dimensions"
            )
        if ndim:  # a 0-d tensor accepts dim 0 or -1, as in PyTorch, and reduces nothing
            result.append(int(d) % ndim)
    if len(set(result)) != len(result):
        raise ValueError(f"{op_name}: dim {dim} repeats a dimension")
    return tuple(sorted(result))


def _kept_shape(shape, dims):
    return tuple(1 if i in dims else size for i, size in enumerate(shape))


def _expand_back(gy, x_shape, dims):
    """Undo a reduction over ``dims`` of a tensor of ``x_shape``: copy gy to every element."""
    return broadcast_to(reshape(gy, _kept_shape(x_shape, dims)), x_shape)


class Sum(Function):
    backward_reads_inputs = False  # only shapes

    def __init__(self, dims, keepdim):
        self.dims, self.keepdim = dims, keepdim

    def forward(self, x):
        return x.sum(axis=self.dims, keepdims=self.keepdim)

    def backward(self, gy):
        # d/dx_i sum(x) = 1 for every reduced element
        return _expand_back(gy, self.inputs[0].shape, self.dims)


class AMax(Function):
    """Largest value; tied maxima share the gradient equally (PyTorch's ``amax`` does the same)."""

    def __init__(self, dims, keepdim, smallest=False):
        self.dims, self.keepdim, self.smallest = dims, keepdim, smallest

    def forward(self, x):
        reduce = x.min if self.smallest else x.max
        return reduce(axis=self.dims, keepdims=self.keepdim)

    def backward(self, gy):
        x = self.inputs[0]
        y = self.saved_output().data.reshape(_kept_shape(x.shape, self.dims))
        is_extreme = (x.data == y).astype(gy.dtype)
        share = is_extreme / is_extreme.sum(axis=self.dims, keepdims=True)
        # d/dx_i max(x) = 1/k for each of the k elements equal to the max, else 0
        return _expand_back(gy, x.shape, self.dims) * Tensor._from_array(share)


class MaxAlongDim(Function):
    """Values of ``max(dim)``; the gradient goes to the element ``argmax`` chose (the first)."""

    backward_reads_inputs = False  # only the indices it chose

    def __init__(self, dim, keepdim, smallest):
        self.dim, self.keepdim, self.smallest = dim, keepdim, smallest

    def forward(self, x):
        xp = get_array_module(x)
        pick = xp.argmin if self.smallest else xp.argmax
        self.indices = xp.expand_dims(pick(x, axis=self.dim), self.dim)
        y = xp.take_along_axis(x, self.indices, axis=self.dim)
        return y if self.keepdim else y.squeeze(self.dim)

    def backward(self, gy):
        x = self.inputs[0]
        xp = get_array_module(x.data)
        positions = xp.arange(x.shape[self.dim]).reshape(
            [-1 if i == self.dim else 1 for i in range(x.ndim)]
        )
        chosen = (positions == self.indices).astype(gy.dtype)
        # d/dx_i max(x) = 1 at the chosen index, else 0
        return _expand_back(gy, x.shape, (self.dim,)) * Tensor._from_array(chosen)


class LogSumExp(Function):
    def __init__(self, dims, keepdim):
        self.dims, self.keepdim = dims, keepdim

    def forward(self, x):
        xp = get_array_module(x)
        shift = x.max(axis=self.dims, keepdims=True)
        shift = xp.where(xp.isfinite(shift), shift, 0)  # all -inf rows stay -inf, not NaN
        y = keep_dtype(xp.log(xp.exp(x - shift).sum(axis=self.dims, keepdims=True)) + shift, x)
        return y if self.keepdim else y.squeeze(self.dims)

    def backward(self, gy):
        x = self.inputs[0]
        y = reshape(self.saved_output(), _kept_shape(x.shape, self.dims))
        # d/dx_i log sum_j exp(x_j) = exp(x_i - logsumexp(x)) = softmax(x)_i
        return _expand_back(gy, x.shape, self.dims) * exp(x - y)


def sum(x, dim=None, keepdim=False):
    require_tensors("sum", x=x)
    return Sum(normalize_dims(dim, x.ndim, "sum"), keepdim)(x)


def mean(x, dim=None, keepdim=False):
    require_tensors("mean", x=x)
    dims = normalize_dims(dim, x.ndim, "mean")
    count = 1
    for d in dims:
        count *= x.shape[d]
    return sum(x, dims, keepdim) / count


def var(x, dim=None, *, correction=1, keepdim=False):
    """Variance with Bessel's ``correction`` (1: unbiased, 0: the population variance)."""
    require_tensors("var", x=x)
    dims = normalize_dims(dim, x.ndim, "var")
    count = 1
    for d in dims:
        count *= x.shape[d]
    centered = x - mean(x, dims, keepdim=True)
    return sum(centered * centered, dims, keepdim) / builtins.max(count - correction, 0)


def std(x, dim=None, *, correction=1, keepdim=False):
    require_tensors("std", x=x)
    return sqrt(var(x, dim, correction=correction, keepdim=keepdim))


def amax(x, dim=None, keepdim=False):
    require_tensors("amax", x=x)
    return AMax(normalize_dims(dim, x.ndim, "amax"), keepdim)(x)


def amin(x, dim=None, keepdim=False):
    require_tensors("amin", x=x)
    return AMax(normalize_dims(dim, x.ndim, "amin"), keepdim, smallest=True)(x)


def _max_or_min(x, dim, keepdim, smallest):
    name = "min" if smallest else "max"
    if dim is None:
        if keepdim:
            raise TypeError(f"{name}(): keepdim needs a dim; use amax/amin to keep all dims")
        return AMax(normalize_dims(None, x.ndim, name), False, smallest)(x)
    normalize_dims(dim, x.ndim, name)  # validates dim
    if x.ndim == 0:
        values, indices = _max_or_min(reshape(x, (1,)), 0, False, smallest)
        return MaxResult(values, indices)
    (axis,) = normalize_dims(dim, x.ndim, name)
    function = MaxAlongDim(axis, keepdim, smallest)
    values = function(x)
    indices = function.indices if keepdim else function.indices.squeeze(axis)
    return MaxResult(values, Tensor._from_array(indices))


def max(x, dim=None, keepdim=False):
    """``max(x)``: the largest value (ties share the gradient). ``max(x, dim)``: a pair
    ``(values, indices)``, the gradient going to the first maximal element, as ``argmax``."""
    require_tensors("max", x=x)
    return _max_or_min(x, dim, keepdim, smallest=False)


def min(x, dim=None, keepdim=False):
    """Like ``max``, for the smallest values."""
    require_tensors("min", x=x)
    return _max_or_min(x, dim, keepdim, smallest=True)


def argmax(x, dim=None, keepdim=False):
    require_tensors("argmax", x=x)
    return _arg_extreme(x, dim, keepdim, "argmax")


def argmin(x, dim=None, keepdim=False):
    require_tensors("argmin", x=x)
    return _arg_extreme(x, dim, keepdim, "argmin")


def _arg_extreme(x, dim, keepdim, name):
    xp = x._xp()
    pick = getattr(xp, name)
    if dim is None:
        index = pick(x.data.reshape(-1))
        return Tensor._from_array(index.reshape((1,) * x.ndim) if keepdim else index)
    (axis,) = normalize_dims(dim, x.ndim, name)
    index = pick(x.data, axis=axis)
    return Tensor._from_array(xp.expand_dims(index, axis) if keepdim else index)


def logsumexp(x, dim, keepdim=False):
    """log(sum(exp(x))) over ``dim``, computed without overflow."""
    require_tensors("logsumexp", x=x)
    return LogSumExp(normalize_dims(dim, x.ndim, "logsumexp"), keepdim)(x)


def log_softmax(x, dim):
    require_tensors("log_softmax", x=x)
    return x - logsumexp(x, dim, keepdim=True)


def softmax(x, dim):
    require_tensors("softmax", x=x)
    return exp(log_softmax(x, dim))
