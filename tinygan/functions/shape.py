"""Shape ops: they move or regroup elements without changing them, so each backward moves
the gradient back the same way (reshape back, permute by the inverse, slice out a piece)."""

from __future__ import annotations

from ..backend import get_array_module
from ..function import Function
from .broadcast import broadcast_to
from .operands import require_tensors


class Reshape(Function):
    backward_reads_inputs = False  # only shapes
    returns_view = True

    def __init__(self, shape):
        self.shape = shape

    def forward(self, x):
        return x.reshape(self.shape)

    def backward(self, gy):
        # a reshape of the gradient undoes a reshape of the values
        return reshape(gy, self.inputs[0].shape)


class Permute(Function):
    backward_reads_inputs = False  # only shapes
    returns_view = True

    def __init__(self, dims):
        self.dims = dims

    def forward(self, x):
        return x.transpose(self.dims)

    def backward(self, gy):
        inverse = tuple(sorted(range(len(self.dims)), key=self.dims.__getitem__))
        # permuting by the inverse permutation puts each gradient back in place
        return permute(gy, inverse)


class Cat(Function):
    backward_reads_inputs = False  # only shapes

    def __init__(self, dim):
        self.dim = dim

    def forward(self, *xs):
        return get_array_module(xs[0]).concatenate(xs, axis=self.dim)

    def backward(self, gy):
        grads, start = [], 0
        for x, needed in zip(self.inputs, self.needs_input_grad):
            stop = start + x.shape[self.dim]
            # each input's gradient is its own slice of the output gradient
            grads.append(_slice_along(gy, self.dim, start, stop) if needed else None)
            start = stop
        return tuple(grads)


class Pad(Function):
    backward_reads_inputs = False  # only shapes

    def __init__(self, widths, value):
        self.widths, self.value = widths, value

    def forward(self, x):
        xp = get_array_module(x)
        return xp.pad(x, self.widths, mode="constant", constant_values=self.value)

    def backward(self, gy):
        index = tuple(
            slice(before, size - after) for (before, after), size in zip(self.widths, gy.shape)
        )
        # the padding is constant; the input's gradient is the middle of the output's
        return gy[index]


def _normalize_dim(dim: int, ndim: int, op_name: str) -> int:
    if not -ndim <= dim < ndim:
        raise IndexError(f"{op_name}: dim {dim} is out of range for {ndim} dimensions")
    return dim % ndim


def _slice_along(x, dim, start, stop):
    return x[(slice(None),) * dim + (slice(start, stop),)]


def reshape(x, shape):
    require_tensors("reshape", x=x)
    shape = tuple(shape)
    if x.shape == shape:
        return x
    size = 1
    for s in x.shape:
        size *= s
    known = 1
    for s in shape:
        if s != -1:
            known *= s
    if (
        shape.count(-1) > 1
        or (-1 not in shape and known != size)
        or (-1 in shape and (known == 0 or size % known))
    ):
        raise RuntimeError(
            f"reshape: shape {shape} is invalid for a tensor of shape {x.shape} ({size} elements)"
        )
    return Reshape(shape)(x)


view = reshape


def permute(x, dims):
    require_tensors("permute", x=x)
    dims = tuple(_normalize_dim(d, x.ndim, "permute") for d in dims)
    if sorted(dims) != list(range(x.ndim)):
        raise ValueError(f"permute: {dims} is not a permutation of the {x.ndim} dimensions")
    return x if dims == tuple(range(x.ndim)) else Permute(dims)(x)


def transpose(x, dim0, dim1):
    require_tensors("transpose", x=x)
    dims = list(range(x.ndim))
    a, b = _normalize_dim(dim0, x.ndim, "transpose"), _normalize_dim(dim1, x.ndim, "transpose")
    dims[a], dims[b] = dims[b], dims[a]
    return permute(x, dims)


def matrix_transpose(x):
    """Swap the last two dimensions (``x.mT``): a batch of transposed matrices."""
    require_tensors("matrix_transpose", x=x)
    if x.ndim < 2:
        raise RuntimeError(f"mT needs at least 2 dimensions, got shape {x.shape}")
    n = x.ndim
    return Permute((*range(n - 2), n - 1, n - 2))(x)


def flatten(x, start_dim=0, end_dim=-1):
    require_tensors("flatten", x=x)
    if x.ndim == 0:
        return reshape(x, (1,))
    start = _normalize_dim(start_dim, x.ndim, "flatten")
    end = _normalize_dim(end_dim, x.ndim, "flatten")
    if start > end:
        raise ValueError(f"flatten: start_dim {start_dim} comes after end_dim {end_dim}")
    merged = 1
    for s in x.shape[start : end + 1]:
        merged *= s
    return reshape(x, x.shape[:start] + (merged,) + x.shape[end + 1 :])


def squeeze(x, dim=None):
    """Remove size-1 dimensions (all of them, or those in ``dim`` that have size 1)."""
    require_tensors("squeeze", x=x)
    if dim is None:
        dims = [i for i, s in enumerate(x.shape) if s == 1]
    else:
        dims = [
            _normalize_dim(d, max(x.ndim, 1), "squeeze")
            for d in ((dim,) if isinstance(dim, int) else dim)
        ]
        dims = [d for d in dims if d < x.ndim and x.shape[d] == 1]
    return reshape(x, tuple(s for i, s in enumerate(x.shape) if i not in dims))


def unsqueeze(x, dim):
    """Insert a size-1 dimension at ``dim`` (which may be x.ndim, or negative)."""
    require_tensors("unsqueeze", x=x)
    d = _normalize_dim(dim, x.ndim + 1, "unsqueeze")
    return reshape(x, x.shape[:d] + (1,) + x.shape[d:])


def expand(x, sizes):
    """Broadcast to ``sizes``; -1 keeps a dimension's size. A view: no copy is made."""
    require_tensors("expand", x=x)
    sizes = tuple(sizes)
    if len(sizes) < x.ndim:
        raise RuntimeError(f"expand: {sizes} has fewer dimensions than the tensor {x.shape}")
    lead = len(sizes) - x.ndim
    target = tuple(x.shape[i - lead] if s == -1 and i >= lead else s for i, s in enumerate(sizes))
    for i, s in enumerate(x.shape):
        if s != 1 and s != target[lead + i]:
            raise RuntimeError(
                f"expand: dimension {i} of size {s} cannot be expanded to {target[lead + i]} "
                f"(shape {x.shape} to {sizes}); only size-1 dimensions expand"
            )
    return broadcast_to(x, target)


def cat(tensors, dim=0):
    """Join tensors along an existing dimension; the others must match."""
    tensors = _same_kind(tensors, "cat")
    d = _normalize_dim(dim, tensors[0].ndim, "cat")
    first = tensors[0].shape
    for t in tensors[1:]:
        if t.ndim != len(first) or any(
            a != b for i, (a, b) in enumerate(zip(t.shape, first)) if i != d
        ):
            raise RuntimeError(
                f"cat: shapes {[tuple(t.shape) for t in tensors]} differ outside dim {dim}"
            )
    return Cat(d)(*tensors)


def stack(tensors, dim=0):
    """Join tensors of one shape along a new dimension."""
    tensors = _same_kind(tensors, "stack")
    shapes = {t.shape for t in tensors}
    if len(shapes) > 1:
        raise RuntimeError(f"stack: all tensors must have one shape, got {sorted(shapes)}")
    d = _normalize_dim(dim, tensors[0].ndim + 1, "stack")
    return cat([unsqueeze(t, d) for t in tensors], d)


def split(x, split_size_or_sections, dim=0):
    """Pieces of ``x`` along ``dim``: of size ``split_size`` each (the last may be smaller),
    or of the sizes listed."""
    require_tensors("split", x=x)
    d = _normalize_dim(dim, x.ndim, "split")
    length = x.shape[d]
    if isinstance(split_size_or_sections, int):
        if split_size_or_sections <= 0:
            raise ValueError(f"split: split_size must be positive, got {split_size_or_sections}")
        sizes = [split_size_or_sections] * (length // split_size_or_sections)
        if length % split_size_or_sections:
            sizes.append(length % split_size_or_sections)
    else:
        sizes = list(split_size_or_sections)
        if sum(sizes) != length:
            raise ValueError(f"split: sections {sizes} do not add up to dim {dim}'s size {length}")
    pieces, start = [], 0
    for size in sizes:
        pieces.append(_slice_along(x, d, start, start + size))
        start += size
    return tuple(pieces)


def pad(x, pad, mode="constant", value=0.0):
    """Pad with a constant, PyTorch's way: ``pad`` lists (before, after) pairs starting from the
    last dimension, e.g. (left, right, top, bottom) for an image."""
    require_tensors("pad", x=x)
    if mode != "constant":
        raise NotImplementedError(f"pad: only mode='constant' is implemented, got {mode!r}")
    if len(pad) % 2 or len(pad) // 2 > x.ndim:
        raise ValueError(f"pad: {pad} must hold (before, after) pairs for at most {x.ndim} dims")
    if any(p < 0 for p in pad):
        raise ValueError(f"pad: negative padding {pad} is not supported; slice the tensor instead")
    widths = [(0, 0)] * x.ndim
    for i in range(len(pad) // 2):
        widths[x.ndim - 1 - i] = (pad[2 * i], pad[2 * i + 1])
    return Pad(tuple(widths), value)(x)


def _same_kind(tensors, op_name):
    tensors = list(tensors)
    if not tensors:
        raise ValueError(f"{op_name}: expected a non-empty sequence of tensors")
    require_tensors(op_name, **{f"tensors[{i}]": t for i, t in enumerate(tensors)})
    if len({t.dtype for t in tensors}) > 1:
        raise TypeError(
            f"{op_name}: tensors have different dtypes {[str(t.dtype) for t in tensors]}"
        )
    return tensors
