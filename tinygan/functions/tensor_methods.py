"""Tensor's operators and methods: ``a + b``, ``t.sum()``, ``t.backward()``, ``t.to('cuda')``.

``tensor.py`` defines what a tensor is; the ops that compute with tensors are written after it,
since each of them makes Tensors. This module comes after both: it gives Tensor one method for
each op, so that ``tensor.py`` never imports the layers above it (DeZero attaches its operators
the same way). Every method only forwards to the op, where forward and backward live.
"""

from __future__ import annotations

import inspect

import numpy

from .. import backend, dtypes, engine
from ..grad_mode import state
from ..tensor import Tensor
from . import activations, arithmetic, elementwise, indexing, reductions, shape
from .matmul import matmul  # (the package exports the function under the module's name)
from .operands import _operand_array, cast, compare


class TensorMethods:
    """Not a class of its own: its methods become Tensor's (see the end of this file)."""

    # ---- autograd ----------------------------------------------------------------------------

    def backward(self, gradient=None, retain_graph=False, create_graph=False, inputs=None):
        """Sum d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        ``gradient`` is d(loss)/d(self) for non-scalar tensors. The graph's buffers are freed
        afterwards unless ``retain_graph``; ``create_graph`` records the backward pass too, so
        the gradients can be differentiated again.
        """
        engine.backward(self, gradient, retain_graph, create_graph, inputs)

    # ---- conversions ----------------------------------------------------------------------

    def to(self, *args, device=None, dtype=None) -> Tensor:
        """``t.to('cuda')``, ``t.to(tinygan.float64)`` or both; returns ``self`` if nothing changes.

        Differentiable: the gradient goes back to the original device and dtype.
        """
        device, dtype = to_arguments("to", args, device, dtype)
        result = self
        if dtype is not None and dtype != self.dtype:
            result = cast(result, dtype)
        if device is not None and device != self.device:
            result = elementwise.to_device(result, device)
        return result

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self) -> Tensor:
        return self.to("cuda")

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

    # ---- in-place changes (for optimizers and initialization, under no_grad) -----------------

    def _check_inplace(self, name: str) -> None:
        if self._requires_grad and state.grad_enabled:
            raise RuntimeError(
                f"{name}: in-place change of a tensor that requires grad while grad mode is on. "
                "Wrap it in `with tinygan.no_grad():` (as optimizers do), or change a copy."
            )

    def _set_data_inplace(self, name: str, new_values) -> Tensor:
        self._check_inplace(name)
        try:
            self.data[...] = _operand_array(new_values, self, name)
        except ValueError as error:
            raise ValueError(
                f"{name}: cannot change this tensor in place ({error}); an expanded tensor "
                "shares one element among many positions: change a copy, e.g. t * 1"
            ) from None
        self._version_counter[0] += 1
        return self

    def zero_(self) -> Tensor:
        return self._set_data_inplace("zero_", 0)

    def fill_(self, value) -> Tensor:
        return self._set_data_inplace("fill_", value)

    def copy_(self, source) -> Tensor:
        if isinstance(source, Tensor) and source.shape != self.shape:
            source_shape = numpy.broadcast_shapes(source.shape, self.shape)
            if source_shape != self.shape:
                raise RuntimeError(
                    f"copy_: cannot copy shape {source.shape} into shape {self.shape}"
                )
        return self._set_data_inplace("copy_", source)

    def add_(self, other, alpha=1) -> Tensor:
        other = _operand_array(other, self, "add_")
        return self._set_data_inplace("add_", self.data + alpha * other)

    def sub_(self, other, alpha=1) -> Tensor:
        return self.add_(_operand_array(other, self, "sub_") * -alpha)

    def mul_(self, other) -> Tensor:
        return self._set_data_inplace("mul_", self.data * _operand_array(other, self, "mul_"))

    def div_(self, other) -> Tensor:
        return self._set_data_inplace("div_", self.data / _operand_array(other, self, "div_"))

    def clamp_(self, min=None, max=None) -> Tensor:
        return self._set_data_inplace("clamp_", self._xp().clip(self.data, min, max))

    # ---- operators ---------------------------------------------------------------------------

    def __add__(self, other):
        return arithmetic.add(self, other)

    def __radd__(self, other):
        return arithmetic.add(other, self)

    def __sub__(self, other):
        return arithmetic.sub(self, other)

    def __rsub__(self, other):
        return arithmetic.sub(other, self)

    def __mul__(self, other):
        return arithmetic.mul(self, other)

    def __rmul__(self, other):
        return arithmetic.mul(other, self)

    def __truediv__(self, other):
        return arithmetic.div(self, other)

    def __rtruediv__(self, other):
        return arithmetic.div(other, self)

    def __pow__(self, exponent):
        return arithmetic.pow(self, exponent)

    def __rpow__(self, base):
        return arithmetic.pow(base, self)

    def __matmul__(self, other):
        return matmul(self, other)

    def __rmatmul__(self, other):
        return matmul(other, self)

    def __neg__(self):
        return arithmetic.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return elementwise.abs(self)

    def __getitem__(self, index):
        return indexing.getitem(self, index)

    # Comparisons give bool tensors, outside the graph.
    def __eq__(self, other):
        return compare("eq", self, other)

    def __ne__(self, other):
        return compare("ne", self, other)

    def __lt__(self, other):
        return compare("lt", self, other)

    def __le__(self, other):
        return compare("le", self, other)

    def __gt__(self, other):
        return compare("gt", self, other)

    def __ge__(self, other):
        return compare("ge", self, other)

    # ---- math, as methods --------------------------------------------------------------------

    def exp(self):
        return elementwise.exp(self)

    def log(self):
        return elementwise.log(self)

    def sqrt(self):
        return elementwise.sqrt(self)

    def abs(self):
        return elementwise.abs(self)

    def pow(self, exponent):
        return arithmetic.pow(self, exponent)

    def matmul(self, other):
        return matmul(self, other)

    def clamp(self, min=None, max=None):
        return elementwise.clamp(self, min, max)

    def maximum(self, other):
        return elementwise.maximum(self, other)

    def minimum(self, other):
        return elementwise.minimum(self, other)

    def relu(self):
        return activations.relu(self)

    def sigmoid(self):
        return activations.sigmoid(self)

    def tanh(self):
        return activations.tanh(self)

    def sum(self, dim=None, keepdim=False):
        return reductions.sum(self, dim, keepdim)

    def mean(self, dim=None, keepdim=False):
        return reductions.mean(self, dim, keepdim)

    def var(self, dim=None, *, correction=1, keepdim=False):
        return reductions.var(self, dim, correction=correction, keepdim=keepdim)

    def std(self, dim=None, *, correction=1, keepdim=False):
        return reductions.std(self, dim, correction=correction, keepdim=keepdim)

    def amax(self, dim=None, keepdim=False):
        return reductions.amax(self, dim, keepdim)

    def amin(self, dim=None, keepdim=False):
        return reductions.amin(self, dim, keepdim)

    def max(self, dim=None, keepdim=False):
        return reductions.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return reductions.min(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return reductions.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return reductions.argmin(self, dim, keepdim)

    def logsumexp(self, dim, keepdim=False):
        return reductions.logsumexp(self, dim, keepdim)

    def softmax(self, dim):
        return reductions.softmax(self, dim)

    def log_softmax(self, dim):
        return reductions.log_softmax(self, dim)

    def any(self):
        return Tensor._from_array(self.data.any())

    def all(self):
        return Tensor._from_array(self.data.all())

    # ---- shape, as methods -------------------------------------------------------------------

    def reshape(self, *sizes):
        return shape.reshape(self, _shape_args(sizes))

    def view(self, *sizes):
        return shape.reshape(self, _shape_args(sizes))

    def permute(self, *dims):
        return shape.permute(self, _shape_args(dims))

    def transpose(self, dim0, dim1):
        return shape.transpose(self, dim0, dim1)

    @property
    def T(self):
        """All dimensions reversed (the usual transpose for a matrix)."""
        return shape.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self):
        """The last two dimensions swapped: a batch of transposed matrices."""
        return shape.matrix_transpose(self)

    def flatten(self, start_dim=0, end_dim=-1):
        return shape.flatten(self, start_dim, end_dim)

    def squeeze(self, dim=None):
        return shape.squeeze(self, dim)

    def unsqueeze(self, dim):
        return shape.unsqueeze(self, dim)

    def expand(self, *sizes):
        return shape.expand(self, _shape_args(sizes))

    def expand_as(self, other):
        return shape.expand(self, other.shape)

    def split(self, split_size_or_sections, dim=0):
        return shape.split(self, split_size_or_sections, dim)


def to_arguments(op_name: str, args: tuple, device, dtype) -> tuple:
    """The (device, dtype) that ``.to(...)`` of a tensor or a module asks for, each checked or
    None. Positional arguments may be either, in any order: ``t.to('cuda', tinygan.float64)``."""
    for arg in args:
        if isinstance(arg, str) and (arg in backend.DEVICES or arg.startswith("cuda")):
            device = arg  # check_device explains that tinygan says 'cuda', not 'cuda:0'
        else:
            dtype = arg
    if dtype is not None:
        try:
            dtype = dtypes.as_dtype(dtype)
        except TypeError:
            raise TypeError(
                f"{op_name}: {dtype!r} is neither a device {backend.DEVICES} nor a dtype (such "
                "as tinygan.float32 or 'float64')"
            ) from None
    return (None if device is None else backend.check_device(device)), dtype


def _shape_args(args) -> tuple:
    """Accept both f(2, 3) and f((2, 3)), as PyTorch does."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


for _name, _method in vars(TensorMethods).items():
    if inspect.isfunction(_method) or isinstance(_method, property):
        setattr(Tensor, _name, _method)
