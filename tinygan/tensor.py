"""Tensor: an array (NumPy or CuPy) plus what backward needs to know about it.

A tensor made by the user is a *leaf*. A tensor made by an op that recorded the graph knows
its ``grad_fn``, the Function that made it; following ``grad_fn.inputs`` back from a loss
reaches every tensor it depends on.

This file says what a tensor *is*. What it can *do* (``a + b``, ``t.sum()``, ``t.backward()``,
``t.to('cuda')``) are the ops, each written after Tensor with its forward and backward side by
side in ``tinygan.functions``; ``functions/tensor_methods.py`` gives Tensor a method for each.
"""

from __future__ import annotations

import numpy

from . import backend, dtypes


class Tensor:
    __slots__ = (
        "data",  # the NumPy or CuPy array
        "grad_fn",  # the Function that made this tensor, or None for a leaf
        "_grad",
        "_requires_grad",
        # [number of in-place changes so far], one list shared by all the tensors that share
        # memory (a tensor, its detach(), views of it): changing one in place changes them all.
        "_version_counter",
        "_retains_grad",
        "__weakref__",
    )
    # NumPy must not try to treat a Tensor as an array: `ndarray * tensor` calls __rmul__ instead.
    __array_ufunc__ = None

    def __init__(self, data, requires_grad: bool = False):
        """Wrap an existing NumPy or CuPy array (shared, not copied). Prefer ``tinygan.tensor``."""
        backend.get_array_module(data)  # a clear TypeError for anything but an array
        self.data = _as_array(data)
        self.grad_fn = None
        self._grad = None
        self._requires_grad = False
        self._version_counter = [0]
        self._retains_grad = False
        self.requires_grad = requires_grad

    @classmethod
    def _from_array(cls, array) -> Tensor:
        """Fast path for ops: wrap an array they computed."""
        tensor = object.__new__(cls)
        tensor.data = _as_array(array)
        tensor.grad_fn = None
        tensor._grad = None
        tensor._requires_grad = False
        tensor._version_counter = [0]
        tensor._retains_grad = False
        return tensor

    # ---- what the tensor is -----------------------------------------------------------------

    @property
    def shape(self) -> tuple:
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def dtype(self) -> numpy.dtype:
        return self.data.dtype

    @property
    def device(self) -> str:
        return backend.device_of(self.data)

    def _xp(self):
        return backend.get_array_module(self.data)

    def size(self, dim: int | None = None):
        return self.shape if dim is None else self.shape[dim]

    def dim(self) -> int:
        return self.ndim

    def numel(self) -> int:
        return int(self.data.size)

    def __iter__(self):
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return (self[i] for i in range(self.shape[0]))

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.shape[0]

    @property
    def _version(self) -> int:
        """How many in-place changes the memory of this tensor has seen."""
        return self._version_counter[0]

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def requires_grad(self) -> bool:
        return self._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        if self.grad_fn is not None and not value:
            raise RuntimeError(
                "requires_grad can only be changed on leaf tensors; use .detach() to get a "
                "tensor outside the graph."
            )
        if value and not dtypes.is_floating(self.dtype):
            raise TypeError(f"only floating point tensors can require gradients, not {self.dtype}")
        self._requires_grad = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        """The gradient summed into this leaf by backward (None until then)."""
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(f"grad must be a Tensor or None, got {type(value).__name__}")
            if value.shape != self.shape or value.dtype != self.dtype:
                raise RuntimeError(
                    f"grad of shape {value.shape} and dtype {value.dtype} assigned to a tensor "
                    f"of shape {self.shape} and dtype {self.dtype}"
                )
            if value.device != self.device:
                raise RuntimeError(f"grad on {value.device} assigned to a tensor on {self.device}")
        self._grad = value

    def _accumulate_grad(self, g: Tensor) -> None:
        """Add ``g`` into ``.grad``. The first gradient is copied: the one backward produced
        may be a read-only broadcast view, or shared with another tensor's gradient, and
        optimizers change ``.grad`` in place."""
        if self._grad is not None:
            self._grad = self._grad + g
        elif g.requires_grad:  # create_graph: keep the graph of the gradient
            self._grad = g * 1
        else:
            self._grad = Tensor._from_array(g.data.copy())

    def retain_grad(self) -> None:
        """Keep this non-leaf tensor's gradient in ``.grad`` after backward."""
        if self.grad_fn is None:
            return  # leaves keep theirs anyway
        self._retains_grad = True

    def detach(self) -> Tensor:
        """The same data, cut from the graph (shares memory, like PyTorch)."""
        tensor = Tensor._from_array(self.data)
        tensor._version_counter = self._version_counter  # same memory, same in-place history
        return tensor

    # ---- conversions -------------------------------------------------------------------------

    def numpy(self) -> numpy.ndarray:
        """A read-only NumPy array of the values: a view on the CPU, a copy from a GPU.

        PyTorch hands out a writeable view, but tinygan cannot see writes into a NumPy array,
        so they would change values that backward reads behind the version counter's back and
        make gradients silently wrong. Writing raises instead; ``t.numpy().copy()`` is yours.
        """
        return backend.read_only_numpy(self.data)

    def item(self):
        if self.numel() != 1:
            raise ValueError(
                f"item(): only one-element tensors can be converted to a Python number, "
                f"this one has shape {self.shape}"
            )
        return self.data.item()

    def tolist(self):
        return self.numpy().tolist()

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __bool__(self) -> bool:
        if self.numel() != 1:
            raise RuntimeError(
                f"the truth value of a tensor with {self.numel()} elements is ambiguous; "
                "use .any() or .all()"
            )
        return bool(self.item())

    def __repr__(self) -> str:
        values = numpy.array2string(
            self.numpy(), separator=", ", prefix="tensor(", precision=4, threshold=200
        )
        extras = []
        if self.device != "cpu":
            extras.append(f"device='{self.device}'")
        if self.dtype not in (dtypes.get_default_dtype(), dtypes.int64, dtypes.bool_):
            extras.append(f"dtype={self.dtype}")
        if self.grad_fn is not None:
            extras.append(f"grad_fn={self.grad_fn!r}")
        elif self._requires_grad:
            extras.append("requires_grad=True")
        return "tensor(" + ", ".join([values, *extras]) + ")"

    __hash__ = object.__hash__  # == is elementwise, so hash by identity


def _as_array(array):
    """Ops may return NumPy scalars (ufuncs on 0-d arrays do); keep everything an ndarray."""
    if isinstance(array, numpy.generic):
        return numpy.asarray(array)
    return array
