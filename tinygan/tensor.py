"""Tensor: an array (NumPy or CuPy) plus what backward needs to know about it.

A tensor made by the user is a *leaf*. A tensor made by an op that recorded the graph knows
its ``grad_fn``, the Function that made it; following ``grad_fn.inputs`` back from a loss
reaches every tensor it depends on. The methods here only forward to the ops in
``tinygan.functions``, where each op's forward and backward live side by side.
"""

from __future__ import annotations

import numpy

from . import backend, dtypes, engine
from .grad_mode import state


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
        tensor.data = numpy.asarray(array) if isinstance(array, numpy.generic) else array
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

    # ---- autograd ----------------------------------------------------------------------------

    def backward(self, gradient=None, retain_graph=False, create_graph=False, inputs=None):
        """Sum d(self)/d(leaf) into the ``.grad`` of every leaf that requires grad.

        ``gradient`` is d(loss)/d(self) for non-scalar tensors. The graph's buffers are freed
        afterwards unless ``retain_graph``; ``create_graph`` records the backward pass too, so
        the gradients can be differentiated again.
        """
        engine.backward(self, gradient, retain_graph, create_graph, inputs)

    def detach(self) -> Tensor:
        """The same data, cut from the graph (shares memory, like PyTorch)."""
        tensor = Tensor._from_array(self.data)
        tensor._version_counter = self._version_counter  # same memory, same in-place history
        return tensor

    # ---- conversions -------------------------------------------------------------------------

    def numpy(self) -> numpy.ndarray:
        """A NumPy array of the values (shares memory on the CPU, copied from a GPU)."""
        return backend.to_numpy(self.data)

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

    def to(self, *args, device=None, dtype=None) -> Tensor:
        """``t.to('cuda')``, ``t.to(tinygan.float64)`` or both; returns ``self`` if nothing changes.

        Differentiable: the gradient goes back to the original device and dtype.
        """
        for arg in args:
            if isinstance(arg, str) and (arg in backend.DEVICES or arg.startswith("cuda")):
                device = arg  # check_device explains that tinygan says 'cuda', not 'cuda:0'
            else:
                dtype = arg
        result = self
        if dtype is not None and dtypes.as_dtype(dtype) != self.dtype:
            result = F.cast(result, dtypes.as_dtype(dtype))
        if device is not None and device != self.device:
            result = F.to_device(result, backend.check_device(device))
        return result

    def cpu(self) -> Tensor:
        return self.to("cpu")

    def cuda(self) -> Tensor:
        return self.to("cuda")

    def float(self) -> Tensor:
        return self.to(dtypes.float32)

    def double(self) -> Tensor:
        return self.to(dtypes.float64)

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
            self.data[...] = F._operand_array(new_values, self, name)
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
        other = F._operand_array(other, self, "add_")
        return self._set_data_inplace("add_", self.data + alpha * other)

    def sub_(self, other, alpha=1) -> Tensor:
        return self.add_(F._operand_array(other, self, "sub_") * -alpha)

    def mul_(self, other) -> Tensor:
        return self._set_data_inplace("mul_", self.data * F._operand_array(other, self, "mul_"))

    def div_(self, other) -> Tensor:
        return self._set_data_inplace("div_", self.data / F._operand_array(other, self, "div_"))

    def clamp_(self, min=None, max=None) -> Tensor:
        return self._set_data_inplace("clamp_", self._xp().clip(self.data, min, max))

    # ---- operators ---------------------------------------------------------------------------

    def __add__(self, other):
        return F.add(self, other)

    def __radd__(self, other):
        return F.add(other, self)

    def __sub__(self, other):
        return F.sub(self, other)

    def __rsub__(self, other):
        return F.sub(other, self)

    def __mul__(self, other):
        return F.mul(self, other)

    def __rmul__(self, other):
        return F.mul(other, self)

    def __truediv__(self, other):
        return F.div(self, other)

    def __rtruediv__(self, other):
        return F.div(other, self)

    def __pow__(self, exponent):
        return F.pow(self, exponent)

    def __rpow__(self, base):
        return F.pow(base, self)

    def __matmul__(self, other):
        return F.matmul(self, other)

    def __rmatmul__(self, other):
        return F.matmul(other, self)

    def __neg__(self):
        return F.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return F.abs(self)

    def __getitem__(self, index):
        return F.getitem(self, index)

    # Comparisons give bool tensors, outside the graph.
    def __eq__(self, other):
        return F.compare("eq", self, other)

    def __ne__(self, other):
        return F.compare("ne", self, other)

    def __lt__(self, other):
        return F.compare("lt", self, other)

    def __le__(self, other):
        return F.compare("le", self, other)

    def __gt__(self, other):
        return F.compare("gt", self, other)

    def __ge__(self, other):
        return F.compare("ge", self, other)

    # ---- math, as methods --------------------------------------------------------------------

    def exp(self):
        return F.exp(self)

    def log(self):
        return F.log(self)

    def sqrt(self):
        return F.sqrt(self)

    def abs(self):
        return F.abs(self)

    def pow(self, exponent):
        return F.pow(self, exponent)

    def matmul(self, other):
        return F.matmul(self, other)

    def clamp(self, min=None, max=None):
        return F.clamp(self, min, max)

    def maximum(self, other):
        return F.maximum(self, other)

    def minimum(self, other):
        return F.minimum(self, other)

    def relu(self):
        return F.relu(self)

    def sigmoid(self):
        return F.sigmoid(self)

    def tanh(self):
        return F.tanh(self)

    def sum(self, dim=None, keepdim=False):
        return F.sum(self, dim, keepdim)

    def mean(self, dim=None, keepdim=False):
        return F.mean(self, dim, keepdim)

    def var(self, dim=None, *, correction=1, keepdim=False):
        return F.var(self, dim, correction=correction, keepdim=keepdim)

    def std(self, dim=None, *, correction=1, keepdim=False):
        return F.std(self, dim, correction=correction, keepdim=keepdim)

    def amax(self, dim=None, keepdim=False):
        return F.amax(self, dim, keepdim)

    def amin(self, dim=None, keepdim=False):
        return F.amin(self, dim, keepdim)

    def max(self, dim=None, keepdim=False):
        return F.max(self, dim, keepdim)

    def min(self, dim=None, keepdim=False):
        return F.min(self, dim, keepdim)

    def argmax(self, dim=None, keepdim=False):
        return F.argmax(self, dim, keepdim)

    def argmin(self, dim=None, keepdim=False):
        return F.argmin(self, dim, keepdim)

    def logsumexp(self, dim, keepdim=False):
        return F.logsumexp(self, dim, keepdim)

    def softmax(self, dim):
        return F.softmax(self, dim)

    def log_softmax(self, dim):
        return F.log_softmax(self, dim)

    def any(self):
        return Tensor._from_array(self.data.any())

    def all(self):
        return Tensor._from_array(self.data.all())

    # ---- shape, as methods -------------------------------------------------------------------

    def reshape(self, *shape):
        return F.reshape(self, _shape_args(shape))

    def view(self, *shape):
        return F.reshape(self, _shape_args(shape))

    def permute(self, *dims):
        return F.permute(self, _shape_args(dims))

    def transpose(self, dim0, dim1):
        return F.transpose(self, dim0, dim1)

    @property
    def T(self):
        """All dimensions reversed (the usual transpose for a matrix)."""
        return F.permute(self, tuple(reversed(range(self.ndim))))

    @property
    def mT(self):
        """The last two dimensions swapped: a batch of transposed matrices."""
        return F.matrix_transpose(self)

    def flatten(self, start_dim=0, end_dim=-1):
        return F.flatten(self, start_dim, end_dim)

    def squeeze(self, dim=None):
        return F.squeeze(self, dim)

    def unsqueeze(self, dim):
        return F.unsqueeze(self, dim)

    def expand(self, *sizes):
        return F.expand(self, _shape_args(sizes))

    def expand_as(self, other):
        return F.expand(self, other.shape)

    def split(self, split_size_or_sections, dim=0):
        return F.split(self, split_size_or_sections, dim)


def _as_array(array):
    """Ops may return NumPy scalars (ufuncs on 0-d arrays do); keep everything an ndarray."""
    if isinstance(array, numpy.generic):
        return numpy.asarray(array)
    return array


def _shape_args(args) -> tuple:
    """Accept both f(2, 3) and f((2, 3)), as PyTorch does."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        return tuple(args[0])
    return tuple(args)


from . import functions as F  # noqa: E402  (the ops need Tensor defined first)
