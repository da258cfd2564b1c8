"""Turning the operands of an op into tensors of one device and one dtype.

Python scalars are *weak*: ``x * 2.0`` keeps x's dtype (float32 stays float32), as in
PyTorch. Arrays and tensors are *strong*: mixing float32 and float64 tensors gives float64,
and a float tensor beats an integer one. Arrays must already be on the tensor's device:
tinygan never copies between host and GPU behind the user's back.
"""

from __future__ import annotations

import numpy

from .. import backend, dtypes
from ..function import Function
from ..grad_mode import no_grad
from ..tensor import Tensor


def binary_operands(op_name: str, a, b) -> tuple[Tensor, Tensor]:
    """``a`` and ``b`` as tensors of a common dtype; at least one of them must be a tensor."""
    if not isinstance(a, Tensor):
        if not isinstance(b, Tensor):
            raise TypeError(
                f"{op_name}: expected a Tensor operand, got {type(a).__name__} "
                f"and {type(b).__name__}"
            )
        a = constant(a, b, op_name)
    elif not isinstance(b, Tensor):
        b = constant(b, a, op_name)
    if a.data.dtype != b.data.dtype:
        common = dtypes.promote(a.dtype, b.dtype, a.ndim == 0, b.ndim == 0)
        a, b = cast(a, common), cast(b, common)
    return a, b


def require_tensors(op_name: str, /, none_ok: bool = False, **arguments) -> None:
    """Ops take tensors, as in PyTorch (where ``torch.sigmoid(array)`` is a TypeError too).

    ``require_tensors("linear", input=input, weight=weight)`` refuses a list, None or array in
    a tensor argument here, naming the op and the argument, instead of letting it fail later
    for a reason that points elsewhere; ``none_ok`` lets optional arguments be None.
    Arithmetic is the exception: beside a tensor, a number or an array is a constant (see
    ``binary_operands``).
    """
    for argument, value in arguments.items():
        if not isinstance(value, Tensor) and not (none_ok and value is None):
            raise TypeError(
                f"{op_name}: argument {argument!r} must be a Tensor, not {type_name(value)}; "
                "make one with tinygan.tensor(value), which copies the data to the default "
                "device"
            )


def type_name(value) -> str:
    """How errors name a value's type: 'list', 'None', 'numpy.ndarray', 'cupy.ndarray'."""
    if value is None:
        return "None"
    kind = type(value)
    if kind.__module__ == "builtins":
        return kind.__name__
    return f"{kind.__module__.split('.')[0]}.{kind.__name__}"


def constant(value, like: Tensor, op_name: str) -> Tensor:
    """A scalar or array as a tensor on ``like``'s device, outside the graph."""
    return Tensor._from_array(_operand_array(value, like, op_name))


_SCALARS = (int, float, bool, numpy.generic)
_scalar_cache = {}  # (type, value, dtype, array module) -> 0-d array; never written to


def _operand_array(value, like: Tensor, op_name: str):
    """A scalar, array or tensor as an array on ``like``'s device (scalars in ``like``'s dtype)."""
    if isinstance(value, Tensor):
        value = value.data
    elif isinstance(value, _SCALARS):
        return _scalar_array(value.item() if isinstance(value, numpy.generic) else value, like)
    try:
        backend.get_array_module(value)
    except TypeError:
        raise TypeError(
            f"{op_name}: unsupported operand of type {type(value).__name__}; expected a Tensor, "
            "an array or a Python number"
        ) from None
    device = backend.device_of(value)
    if device != like.device:
        raise RuntimeError(
            f"{op_name}: an array on {device} cannot be combined with a tensor on {like.device}. "
            f"tinygan never copies implicitly: use tinygan.tensor(array, device='{like.device}')."
        )
    return value


def _scalar_array(value, like: Tensor):
    """A Python number as a 0-d array of ``like``'s dtype on its device.

    Models multiply by the same few constants (1, 0.5, the learning rate) over and over, so
    the arrays are cached: on a GPU each new one would cost a copy from the host.
    """
    dtype = dtypes.scalar_dtype(value, like.dtype)
    xp = like._xp()
    # float.hex tells -0.0 from 0.0 (which compare equal) and keys every NaN alike
    key = (type(value), value.hex() if isinstance(value, float) else value, dtype, xp)
    array = _scalar_cache.get(key)
    if array is None:
        array = xp.asarray(value, dtype=dtype)
        if len(_scalar_cache) >= 4096:
            _scalar_cache.clear()
        _scalar_cache[key] = array
    return array


class Cast(Function):
    backward_reads_inputs = False  # only shapes

    def __init__(self, dtype):
        self.dtype = dtype

    def forward(self, x):
        return x.astype(self.dtype)

    def backward(self, gy):
        # the identity, back in the input's dtype
        x = self.inputs[0]
        return Cast(x.dtype)(gy) if dtypes.is_floating(x.dtype) else None


def cast(x: Tensor, dtype) -> Tensor:
    """``x`` in ``dtype``; differentiable (the gradient is cast back)."""
    if x.dtype == dtype:
        return x
    if not dtypes.is_floating(dtype):  # integers carry no gradient
        return Tensor._from_array(x.data.astype(dtype))
    return Cast(dtype)(x)


def compare(name: str, a, b) -> Tensor:
    """Elementwise comparison giving a bool tensor (comparisons have no gradient)."""
    with no_grad():
        a, b = binary_operands(name, a, b)
    if a.device != b.device:
        raise RuntimeError(f"{name}: tensors on different devices ({a.device}, {b.device})")
    xp = a._xp()
    ufunc = {
        "eq": xp.equal,
        "ne": xp.not_equal,
        "lt": xp.less,
        "le": xp.less_equal,
        "gt": xp.greater,
        "ge": xp.greater_equal,
    }[name]
    return Tensor._from_array(ufunc(a.data, b.data))


def mask(condition, dtype) -> Tensor:
    """A constant 0/1 tensor from a bool array, for gradients that pass or stop elementwise."""
    return Tensor._from_array(condition.astype(dtype))
