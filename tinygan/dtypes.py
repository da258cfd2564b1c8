"""Data types: float32 by default, float64 on request, and promotion rules that never drift.

NumPy's rules are mostly right, but two of them silently widen a float32 computation to
float64: an integer array meets a float32 one (NumPy picks float64, PyTorch float32), and,
under NumPy 1.x, a 0-d float64 array or Python float meets a 0-d float32 one. tinygan follows
PyTorch instead: a float tensor keeps its dtype against integers and Python scalars.
"""

from __future__ import annotations

import numpy

float16 = numpy.dtype("float16")
float32 = numpy.dtype("float32")
float64 = numpy.dtype("float64")
int32 = numpy.dtype("int32")
int64 = numpy.dtype("int64")
uint8 = numpy.dtype("uint8")
bool_ = numpy.dtype("bool")

_default_dtype = float32


def set_default_dtype(dtype) -> None:
    """The dtype of new float tensors (float32 unless changed)."""
    global _default_dtype
    dtype = as_dtype(dtype)
    if not is_floating(dtype):
        raise TypeError(f"the default dtype must be a floating type, got {dtype}")
    _default_dtype = dtype


def get_default_dtype() -> numpy.dtype:
    return _default_dtype


def as_dtype(dtype) -> numpy.dtype:
    """Accept numpy dtypes, their names ('float32') and Python types (float -> default float)."""
    if dtype is float:
        return _default_dtype
    if dtype is int:
        return int64
    if dtype is bool:
        return bool_
    try:
        return numpy.dtype(dtype)
    except TypeError:
        raise TypeError(f"not a dtype: {dtype!r}") from None


def is_floating(dtype) -> bool:
    return numpy.issubdtype(dtype, numpy.floating)


def promote(a: numpy.dtype, b: numpy.dtype, a_is_0d=False, b_is_0d=False) -> numpy.dtype:
    """Result dtype of an op on two tensors, as in PyTorch: a float beats an integer or bool;
    between two of the same kind, a 0-d tensor yields to one with dimensions (float32 weights
    times a float64 scalar tensor stay float32); otherwise the wider dtype wins."""
    if a == b:
        return a
    if is_floating(a) != is_floating(b):
        return a if is_floating(a) else b
    if a_is_0d != b_is_0d:
        return b if a_is_0d else a
    return numpy.result_type(a, b)


def scalar_dtype(value, tensor_dtype: numpy.dtype) -> numpy.dtype:
    """The dtype a Python scalar takes next to a tensor: the tensor's own, unless that would
    truncate it (a float next to an integer tensor becomes the default float dtype)."""
    if isinstance(value, float) and not is_floating(tensor_dtype):
        return _default_dtype
    if isinstance(value, int) and not isinstance(value, bool) and tensor_dtype == bool_:
        return int64
    return tensor_dtype


def infer_dtype(data) -> numpy.dtype:
    """The dtype ``tinygan.tensor(data)`` picks: NumPy arrays keep theirs, Python floats become
    the default float dtype, Python ints int64, bools bool."""
    if hasattr(data, "dtype"):
        return numpy.dtype(data.dtype)
    dtype = numpy.asarray(data).dtype
    if is_floating(dtype):
        return _default_dtype
    if numpy.issubdtype(dtype, numpy.integer):
        return int64
    return dtype
