"""Making tensors: from data, filled with a value, or random (from the seeded generators)."""

from __future__ import annotations

import reprlib

import numpy

from . import backend, dtypes, random
from .functions.operands import type_name
from .tensor import Tensor


def tensor(data, dtype=None, device=None, requires_grad=False) -> Tensor:
    """A new leaf tensor holding a copy of ``data`` (numbers, nested lists, arrays, a tensor).

    Python floats become the default float dtype (float32), ints int64; NumPy and CuPy arrays
    keep their dtype unless ``dtype`` is given. The data goes to ``device`` (by default: where
    it already is for CuPy arrays and tensors, else the default device). Data that holds no
    numbers (None, strings, other objects) is a TypeError here, not somewhere later.
    """
    if isinstance(data, Tensor):
        data = data.data
    if _holds_device_arrays(data):
        raise TypeError(
            "tensor: data is a list of tensors or GPU arrays; join them with tinygan.stack instead"
        )
    dtype = _dtype_of_numbers(data, dtype)
    if _is_array(data):  # a NumPy or CuPy array: copy it, to another device if asked
        if device is None:
            device = "cuda" if backend.device_of(data) == "cuda" else backend.get_default_device()
        array = backend.move(data, backend.check_device(device)).astype(dtype, copy=True)
    else:
        device = backend.check_device(backend.get_default_device() if device is None else device)
        array = backend.array_module_for(device).array(data, dtype=dtype)
    return Tensor(array, requires_grad=requires_grad)


_NUMBER_KINDS = "biufc"  # NumPy's kinds of bool, signed and unsigned int, float and complex


def _dtype_of_numbers(data, dtype) -> numpy.dtype:
    """The dtype the new tensor gets; a TypeError, raised here where the mistake is made, for
    data that holds no numbers (None, strings, objects). NumPy would wrap those in an array of
    dtype object or str (and even parse '1.5' as a float) and the tensor fail later elsewhere."""
    natural = dtypes.infer_dtype(data)
    if natural.kind not in _NUMBER_KINDS:
        raise TypeError(
            f"tensor: cannot make a tensor from {type_name(data)} ({reprlib.repr(data)}): it "
            f"holds dtype {natural}, not numbers. Give a number, nested lists of numbers or an "
            "array of numbers"
        )
    dtype = natural if dtype is None else dtypes.as_dtype(dtype)
    if dtype.kind not in _NUMBER_KINDS:
        raise TypeError(
            f"tensor: cannot make a tensor of dtype {dtype}; tensors hold numbers (bool, "
            "integer or floating dtypes such as tinygan.float32)"
        )
    return dtype


def _is_array(data) -> bool:
    try:
        backend.get_array_module(data)
    except TypeError:
        return False
    return True


def _holds_device_arrays(data) -> bool:
    return isinstance(data, (list, tuple)) and any(
        isinstance(item, Tensor) or (_is_array(item) and backend.device_of(item) == "cuda")
        for item in data
    )


def _size(args) -> tuple:
    """Accept f(2, 3), f((2, 3)) and f([2, 3])."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    for s in args:
        if not isinstance(s, (int, numpy.integer)) or s < 0:
            raise ValueError(f"sizes must be non-negative ints, got {args}")
    return tuple(int(s) for s in args)


def _new(array, requires_grad):
    return Tensor(array, requires_grad=requires_grad)


def _resolve(dtype, device, default_dtype=None):
    if dtype is None:
        dtype = default_dtype or dtypes.get_default_dtype()
    dtype = dtypes.as_dtype(dtype)
    device = backend.check_device(device) if device is not None else backend.get_default_device()
    return dtype, device


def full(size, fill_value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    if dtype is None:
        dtype = dtypes.infer_dtype(fill_value)
    dtype, device = _resolve(dtype, device)
    xp = backend.array_module_for(device)
    return _new(xp.full(_size((size,)), fill_value, dtype=dtype), requires_grad)


def zeros(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    dtype, device = _resolve(dtype, device)
    return _new(backend.array_module_for(device).zeros(_size(size), dtype=dtype), requires_grad)


def ones(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    dtype, device = _resolve(dtype, device)
    return _new(backend.array_module_for(device).ones(_size(size), dtype=dtype), requires_grad)


def randn(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Samples from the standard normal distribution."""
    dtype, device = _resolve(dtype, device)
    _require_float("randn", dtype)
    return _new(random.normal(_size(size), dtype, device), requires_grad)


def rand(*size, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Samples uniform on [0, 1)."""
    dtype, device = _resolve(dtype, device)
    _require_float("rand", dtype)
    return _new(random.uniform(_size(size), dtype, device), requires_grad)


def randint(low, high, size, *, device=None) -> Tensor:
    """int64 samples uniform on [low, high)."""
    if high <= low:
        raise ValueError(f"randint: high ({high}) must be greater than low ({low})")
    _, device = _resolve(None, device)
    return _new(random.integers(low, high, _size((size,)), device), False)


def randperm(n, *, device=None) -> Tensor:
    """A random permutation of 0 .. n-1 (int64)."""
    _, device = _resolve(None, device)
    return _new(random.permutation(n, device), False)


def arange(start, end=None, step=1, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """Evenly spaced values in [start, end); int64 if all arguments are ints, else float."""
    if end is None:
        start, end = 0, start
    if step == 0:
        raise ValueError("arange: step must not be zero")
    all_ints = all(isinstance(v, (int, numpy.integer)) for v in (start, end, step))
    dtype, device = _resolve(dtype, device, dtypes.int64 if all_ints else None)
    xp = backend.array_module_for(device)
    return _new(xp.arange(start, end, step).astype(dtype), requires_grad)


def linspace(start, end, steps, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    """``steps`` evenly spaced values from start to end, both included."""
    dtype, device = _resolve(dtype, device)
    xp = backend.array_module_for(device)
    return _new(xp.linspace(start, end, steps).astype(dtype), requires_grad)


def _like(t, dtype, device):
    return (
        dtypes.as_dtype(dtype) if dtype is not None else t.dtype,
        backend.check_device(device) if device is not None else t.device,
    )


def zeros_like(t, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    dtype, device = _like(t, dtype, device)
    return zeros(t.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def ones_like(t, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    dtype, device = _like(t, dtype, device)
    return ones(t.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def full_like(t, fill_value, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    dtype, device = _like(t, dtype, device)
    return full(t.shape, fill_value, dtype=dtype, device=device, requires_grad=requires_grad)


def randn_like(t, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    dtype, device = _like(t, dtype, device)
    return randn(t.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def rand_like(t, *, dtype=None, device=None, requires_grad=False) -> Tensor:
    dtype, device = _like(t, dtype, device)
    return rand(t.shape, dtype=dtype, device=device, requires_grad=requires_grad)


def _require_float(name, dtype):
    if not dtypes.is_floating(dtype):
        raise TypeError(f"{name}: random samples need a floating dtype, got {dtype}")
