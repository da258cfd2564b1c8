"""Devices and array modules: 'cpu' arrays are NumPy arrays, 'cuda' arrays are CuPy arrays.

The library never picks NumPy or CuPy with a module-level import. Each op asks the data
which module it belongs to (``xp = get_array_module(array)``) and calls that module, so the
same source runs on either device. CuPy is imported lazily, the first time 'cuda' is asked for.
"""

from __future__ import annotations

import os

import numpy

DEVICES = ("cpu", "cuda")

_CUPY_INSTALL_HINT = (
    "Install CuPy for your CUDA version, e.g. `pip install cupy-cuda12x` "
    "(or `pip install tinygan[cuda]`); see the README's CUDA section."
)


class CudaBackend:
    """What tinygan needs from CuPy: the array module and its scatter-add.

    Tests swap in a stand-in with the same two attributes, so CPU-only CI exercises every
    code path a GPU would take.
    """

    def __init__(self, xp, scatter_add):
        self.xp = xp
        self.scatter_add = scatter_add


_cuda: CudaBackend | None = None
_default_device = None  # resolved on first use, from TINYGAN_DEVICE


def _load_cupy() -> CudaBackend:
    """Import CuPy and check that a GPU answers; say which of the two is missing."""
    try:
        import cupy
        import cupyx
    except ImportError as error:
        raise RuntimeError(
            f"device 'cuda' needs CuPy, which is not installed ({error}). {_CUPY_INSTALL_HINT}"
        ) from None
    try:
        count = cupy.cuda.runtime.getDeviceCount()
    except Exception as error:  # CuPy raises its own CUDARuntimeError types
        count, reason = 0, f": {error}"
    else:
        reason = ""
    if count == 0:
        raise RuntimeError(
            f"device 'cuda' needs a CUDA GPU, but CuPy {cupy.__version__} found none{reason}. "
            "Check `nvidia-smi`, or use device='cpu'."
        )
    return CudaBackend(cupy, cupyx.scatter_add)


def cuda_backend() -> CudaBackend:
    """The CuPy backend, loaded on first use."""
    global _cuda
    if _cuda is None:
        _cuda = _load_cupy()
    return _cuda


def cuda_is_available() -> bool:
    """True when CuPy imports and sees at least one GPU."""
    try:
        cuda_backend()
    except RuntimeError:
        return False
    return True


def check_device(device) -> str:
    """Validate a device name and return it ('cpu' or 'cuda')."""
    if device not in DEVICES:
        hint = " (tinygan uses one GPU, named 'cuda')" if str(device).startswith("cuda") else ""
        raise ValueError(f"unknown device {device!r}: expected one of {DEVICES}{hint}")
    if device == "cuda":
        cuda_backend()
    return device


def array_module_for(device: str):
    """NumPy for 'cpu', CuPy for 'cuda'."""
    return numpy if device == "cpu" else cuda_backend().xp


def get_array_module(array):
    """The module (NumPy or CuPy) that owns ``array``."""
    if isinstance(array, (numpy.ndarray, numpy.generic)):
        return numpy
    if _cuda is not None and isinstance(array, _cuda.xp.ndarray):
        return _cuda.xp
    if type(array).__module__.startswith("cupy") and cuda_backend():
        return get_array_module(array)  # a CuPy array met before 'cuda' was first asked for
    raise TypeError(f"expected a NumPy or CuPy array, got {type(array).__name__}")


def device_of(array) -> str:
    """'cpu' for NumPy arrays, 'cuda' for CuPy arrays."""
    return "cpu" if isinstance(array, (numpy.ndarray, numpy.generic)) else "cuda"


def to_numpy(array) -> numpy.ndarray:
    """A NumPy array with the values of ``array``; copies from the GPU when needed."""
    if isinstance(array, numpy.ndarray):
        return array
    return cuda_backend().xp.asnumpy(array)


def read_only_numpy(array) -> numpy.ndarray:
    """The values of ``array`` as a NumPy array that refuses writes ("assignment destination
    is read-only"): a view of the same memory on the CPU, a copy from the GPU.

    A write through a plain view would bypass the tensor's version counter, and backward would
    then use the new values without a word (a silently wrong gradient). Copy it
    (``t.numpy().copy()``) to get an array of one's own.
    """
    view = to_numpy(array).view()
    view.flags.writeable = False
    return view


def move(array, device: str):
    """``array`` on ``device``: the same array if it is there already, else a copy."""
    if device_of(array) == device:
        return array
    if device == "cpu":
        return to_numpy(array)
    return cuda_backend().xp.asarray(array)


def scatter_add(target, index, values) -> None:
    """``target[index] += values`` in place, where repeated indices accumulate."""
    if isinstance(target, numpy.ndarray):
        numpy.add.at(target, index, values)
    else:
        cuda_backend().scatter_add(target, index, values)


def keep_dtype(result, like):
    """``result`` in the dtype of the array ``like``.

    Under NumPy 1.x a 0-d float32 array combined with a Python number computes in float64
    (NumPy 2 keeps float32); ops that mix arrays with Python constants use this to keep
    float32 float32 on both. When the dtype already matches it returns ``result`` itself.
    """
    return result.astype(like.dtype, copy=False)


def set_default_device(device: str) -> None:
    """Where factories put new tensors when no device is given.

    Initially $TINYGAN_DEVICE, or 'cpu' when it is unset.
    """
    global _default_device
    _default_device = check_device(device)


def get_default_device() -> str:
    global _default_device
    if _default_device is None:
        _default_device = check_device(os.environ.get("TINYGAN_DEVICE", "cpu"))
    return _default_device
