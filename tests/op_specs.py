"""The table of differentiable ops that the property tests check.

Each entry names an op, how to call it on tensors, an independent NumPy computation of its
forward, and how hypothesis draws its inputs: shapes (with size-1 dimensions and broadcasting
pairs) and values kept away from the points where the op has no derivative (0 for relu and
abs, ties for max, the bounds of clamp), where finite differences mean nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st

import tinygan
import tinygan.nn.functional as F

SMALL = dict(min_dims=0, max_dims=3, min_side=1, max_side=3)


@dataclass
class OpSpec:
    name: str
    fn: Callable  # tensors -> tensor
    reference: Callable  # float64 arrays -> array
    draw_inputs: Callable  # hypothesis `data` -> list of float64 arrays
    atol: float = 1e-5  # gradcheck tolerance (loosened only where said why)


# ---- drawing inputs ---------------------------------------------------------------------------


def smooth(shape, low=-2.0, high=2.0):
    """Values anywhere in [low, high]."""
    return hnp.arrays(np.float64, shape, elements=st.floats(low, high))


def positive(shape):
    return smooth(shape, 0.5, 2.0)


def distinct(shape, away_from=None):
    """Values on a shuffled grid 0.1 apart: no ties, and none within 0.05 of `away_from`."""
    size = int(np.prod(shape))
    offset = 0.05 if away_from is not None else 0.0

    def build(order):
        values = (np.array(order, dtype=np.float64) - size // 2) * 0.1 + offset
        return values.reshape(shape)

    return st.permutations(range(size)).map(build)


def one(strategy_of_shape, values=smooth):
    def draw(data):
        return [data.draw(values(data.draw(strategy_of_shape)))]

    return draw


def broadcast_pair(first=smooth, second=smooth):
    def draw(data):
        shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, **SMALL))
        return [data.draw(first(shapes.input_shapes[0])), data.draw(second(shapes.input_shapes[1]))]

    return draw


def distinct_pair(data):
    """Two broadcastable arrays with no ties between them (for maximum and minimum)."""
    shapes = data.draw(hnp.mutually_broadcastable_shapes(num_shapes=2, **SMALL))
    a_shape, b_shape = shapes.input_shapes
    values = data.draw(distinct((int(np.prod(a_shape)) + int(np.prod(b_shape)),)))
    split = int(np.prod(a_shape))
    return [values[:split].reshape(a_shape), values[split:].reshape(b_shape)]


def shaped(*shapes, values=smooth):
    """Fixed shapes, drawn values (for ops whose shapes must fit together)."""

    def draw(data):
        return [data.draw(values(s)) for s in shapes]

    return draw


def with_dim(data, min_dims=1):
    shape = data.draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, min_side=1, max_side=3))
    dim = data.draw(st.integers(-len(shape), len(shape) - 1))
    return shape, dim


def reduction(values=smooth):
    """An array plus a reduction dim argument (None, an int, or a tuple), stored for the op."""

    def draw(data):
        shape = data.draw(hnp.array_shapes(**SMALL))
        ndim = len(shape)
        options = [st.none()]
        if ndim:
            options.append(st.integers(-ndim, ndim - 1))
            options.append(
                st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim, unique=True).map(
                    tuple
                )
            )
        dim = data.draw(st.one_of(options))
        keepdim = data.draw(st.booleans())
        return [data.draw(values(shape)), ("dims", dim, keepdim)]

    return draw


def along_dim(values=smooth, min_dims=1):
    def draw(data):
        shape, dim = with_dim(data, min_dims)
        return [data.draw(values(shape)), ("dim", dim)]

    return draw


# ---- NumPy references -------------------------------------------------------------------------


def np_axis(dim):
    return tuple(dim) if isinstance(dim, (tuple, list)) else dim


def np_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def np_softplus(x):
    return np.log1p(np.exp(x))


def np_logsumexp(x, axis, keepdims=False):
    m = np.max(x, axis=axis, keepdims=True)
    y = np.log(np.sum(np.exp(x - m), axis=axis, keepdims=True)) + m
    return y if keepdims else np.squeeze(y, axis=axis)


def np_conv2d(x, w, stride, padding, dilation=1):
    """Direct loops over output positions: slow, obvious, independent of the engine's im2col."""
    n, c, h, wd = x.shape
    co, _, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    ho = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    wo = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    y = np.zeros((n, co, ho, wo))
    for i in range(ho):
        for j in range(wo):
            patch = xp[
                :,
                :,
                i * stride : i * stride + dilation * (kh - 1) + 1 : dilation,
                j * stride : j * stride + dilation * (kw - 1) + 1 : dilation,
            ]
            y[:, :, i, j] = np.einsum("nckl,ockl->no", patch, w)
    return y


def np_conv_transpose2d(x, w, stride, padding, output_padding, dilation=1):
    """Scatter each input pixel times the kernel, then crop: the definition, in loops."""
    n, ci, h, wd = x.shape
    _, co, kh, kw = w.shape
    span_h, span_w = dilation * (kh - 1) + 1, dilation * (kw - 1) + 1
    full = np.zeros(
        (
            n,
            co,
            (h - 1) * stride + span_h + output_padding,
            (wd - 1) * stride + span_w + output_padding,
        )
    )
    for i in range(h):
        for j in range(wd):
            rows = slice(i * stride, i * stride + span_h, dilation)
            cols = slice(j * stride, j * stride + span_w, dilation)
            full[:, :, rows, cols] += np.einsum("nc,cokl->nokl", x[:, :, i, j], w)
    return full[:, :, padding : full.shape[2] - padding, padding : full.shape[3] - padding]


def np_batch_norm_train(x, w, b, eps=1e-5):
    axes = (0,) + tuple(range(2, x.ndim))
    shape = (1, -1) + (1,) * (x.ndim - 2)
    mean = x.mean(axis=axes, keepdims=True)
    var = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(var + eps) * w.reshape(shape) + b.reshape(shape)


# ---- ops that take a non-tensor argument drawn with the inputs ---------------------------------


def reduce_op(tinygan_fn, numpy_fn):
    def fn(x, arg):
        _, dim, keepdim = arg
        return tinygan_fn(x, dim, keepdim)

    def ref(x, arg):
        _, dim, keepdim = arg
        return numpy_fn(x, axis=np_axis(dim), keepdims=keepdim)

    return fn, ref


def dim_op(tinygan_fn, numpy_fn):
    return (lambda x, arg: tinygan_fn(x, arg[1])), (lambda x, arg: numpy_fn(x, arg[1]))


def np_var(x, axis, keepdims):
    return np.var(x, axis=axis, keepdims=keepdims, ddof=1)


def var_inputs(data):
    """var with correction 1 needs at least 2 reduced elements."""
    x, arg = reduction()(data)
    _, dim, _ = arg
    axes = range(x.ndim) if dim is None else ((dim,) if isinstance(dim, int) else dim)
    count = int(np.prod([x.shape[a] for a in axes])) if x.ndim else 1
    if count < 2:
        return [np.stack([x, x + 1.0]).reshape((2,) + x.shape), ("dims", 0, arg[2])]
    return [x, arg]


BCE_TARGET = np.array([0.0, 0.3, 1.0, 0.7])
CLASSES = np.array([2, 0, 1])
CLASS_PROBS = np.array([[0.2, 0.5, 0.3], [1.0, 0.0, 0.0], [0.1, 0.1, 0.8]])
RUNNING_MEAN = np.array([0.1, -0.2, 0.3])
RUNNING_VAR = np.array([0.5, 1.5, 2.0])


def t(array, like):
    """A constant (no grad) tensor with like's dtype and device."""
    return tinygan.tensor(array, dtype=like.dtype, device=like.device)


def np_log_softmax(x, axis):
    return x - np_logsumexp(x, axis, keepdims=True)


SPECS = [
    # arithmetic, with broadcasting
    OpSpec("add", lambda a, b: a + b, np.add, broadcast_pair()),
    OpSpec("sub", lambda a, b: a - b, np.subtract, broadcast_pair()),
    OpSpec("mul", lambda a, b: a * b, np.multiply, broadcast_pair()),
    OpSpec("div", lambda a, b: a / b, np.divide, broadcast_pair(smooth, positive)),
    OpSpec("neg", lambda a: -a, np.negative, one(hnp.array_shapes(**SMALL))),
    OpSpec("pow", lambda a, b: a**b, np.power, broadcast_pair(positive, smooth)),
    OpSpec("pow_scalar", lambda a: a**3, lambda a: a**3, one(hnp.array_shapes(**SMALL))),
    OpSpec("rpow_scalar", lambda a: 2.0**a, lambda a: 2.0**a, one(hnp.array_shapes(**SMALL))),
    OpSpec(
        "scalar_arithmetic",
        lambda a: (3.0 - a) * 2 / 4.0 + 1,
        lambda a: (3 - a) * 2 / 4 + 1,
        one(hnp.array_shapes(**SMALL)),
    ),
    # elementwise math
    OpSpec("exp", tinygan.exp, np.exp, one(hnp.array_shapes(**SMALL))),
    OpSpec("log", tinygan.log, np.log, one(hnp.array_shapes(**SMALL), positive)),
    OpSpec("sqrt", tinygan.sqrt, np.sqrt, one(hnp.array_shapes(**SMALL), positive)),
    OpSpec(
        "abs",
        tinygan.abs,
        np.abs,
        one(hnp.array_shapes(**SMALL), lambda s: distinct(s, away_from=0)),
    ),
    OpSpec(
        "clamp",
        lambda a: a.clamp(-0.52, 0.33),
        lambda a: np.clip(a, -0.52, 0.33),
        one(hnp.array_shapes(**SMALL), lambda s: distinct(s, away_from=0)),
    ),
    OpSpec("maximum", tinygan.maximum, np.maximum, distinct_pair),
    OpSpec("minimum", tinygan.minimum, np.minimum, distinct_pair),
    OpSpec(
        "where",
        lambda c, a, b: tinygan.where(c > 0, a, b),
        lambda c, a, b: np.where(c > 0, a, b),
        lambda data: [
            data.draw(distinct((2, 3), away_from=0)),
            data.draw(smooth((2, 3))),
            data.draw(smooth((3,))),
        ],
    ),
    # activations
    OpSpec(
        "relu",
        F.relu,
        lambda x: np.maximum(x, 0),
        one(hnp.array_shapes(**SMALL), lambda s: distinct(s, away_from=0)),
    ),
    OpSpec(
        "leaky_relu",
        lambda x: F.leaky_relu(x, 0.2),
        lambda x: np.where(x > 0, x, 0.2 * x),
        one(hnp.array_shapes(**SMALL), lambda s: distinct(s, away_from=0)),
    ),
    OpSpec(  # a slope outside [0, 1] takes the other forward (max(x, a x) no longer holds)
        "leaky_relu_steep",
        lambda x: F.leaky_relu(x, 1.5),
        lambda x: np.where(x > 0, x, 1.5 * x),
        one(hnp.array_shapes(**SMALL), lambda s: distinct(s, away_from=0)),
    ),
    OpSpec(
        "sigmoid", F.sigmoid, np_sigmoid, one(hnp.array_shapes(**SMALL), lambda s: smooth(s, -6, 6))
    ),
    OpSpec("tanh", F.tanh, np.tanh, one(hnp.array_shapes(**SMALL))),
    OpSpec(
        "softplus",
        F.softplus,
        np_softplus,
        one(hnp.array_shapes(**SMALL), lambda s: smooth(s, -6, 6)),
    ),
    OpSpec(
        "softplus_beta",
        lambda x: F.softplus(x, beta=2.0),
        lambda x: np_softplus(2 * x) / 2,
        one(hnp.array_shapes(**SMALL)),
    ),
    OpSpec(
        "log_sigmoid",
        F.log_sigmoid,
        lambda x: -np_softplus(-x),
        one(hnp.array_shapes(**SMALL), lambda s: smooth(s, -6, 6)),
    ),
    OpSpec(
        "elu",
        F.elu,
        lambda x: np.where(x > 0, x, np.expm1(x)),
        one(hnp.array_shapes(**SMALL), lambda s: distinct(s, away_from=0)),
    ),
    # reductions
    OpSpec("sum", *reduce_op(tinygan.sum, np.sum), reduction()),
    OpSpec("mean", *reduce_op(tinygan.mean, np.mean), reduction()),
    OpSpec("var", *reduce_op(lambda x, d, k: tinygan.var(x, d, keepdim=k), np_var), var_inputs),
    OpSpec("amax", *reduce_op(tinygan.amax, np.max), reduction(lambda s: distinct(s))),
    OpSpec("amin", *reduce_op(tinygan.amin, np.min), reduction(lambda s: distinct(s))),
    OpSpec(
        "max_dim",
        lambda x, a: x.max(a[1]).values,
        lambda x, a: np.max(x, axis=a[1]),
        along_dim(lambda s: distinct(s)),
    ),
    OpSpec(
        "min_dim",
        lambda x, a: x.min(a[1], keepdim=True).values,
        lambda x, a: np.min(x, axis=a[1], keepdims=True),
        along_dim(lambda s: distinct(s)),
    ),
    OpSpec("logsumexp", *dim_op(tinygan.logsumexp, lambda x, d: np_logsumexp(x, d)), along_dim()),
    OpSpec(
        "softmax", *dim_op(tinygan.softmax, lambda x, d: np.exp(np_log_softmax(x, d))), along_dim()
    ),
    OpSpec("log_softmax", *dim_op(tinygan.log_softmax, np_log_softmax), along_dim()),
    # shapes
    OpSpec(
        "reshape", lambda x: x.reshape(-1), lambda x: x.reshape(-1), one(hnp.array_shapes(**SMALL))
    ),
    OpSpec(
        "permute",
        lambda x: x.permute(2, 0, 1),
        lambda x: x.transpose(2, 0, 1),
        one(hnp.array_shapes(min_dims=3, max_dims=3, max_side=3)),
    ),
    OpSpec(
        "transpose",
        lambda x: x.transpose(0, -1),
        lambda x: np.swapaxes(x, 0, -1),
        one(hnp.array_shapes(min_dims=1, max_dims=3, max_side=3)),
    ),
    OpSpec(
        "flatten",
        lambda x: x.flatten(1),
        lambda x: x.reshape(x.shape[0], -1),
        one(hnp.array_shapes(min_dims=2, max_dims=3, max_side=3)),
    ),
    OpSpec(
        "squeeze_unsqueeze",
        lambda x: x.unsqueeze(-1).squeeze(),
        lambda x: np.squeeze(x),
        one(hnp.array_shapes(**SMALL)),
    ),
    OpSpec(
        "expand",
        lambda x: x.expand(2, -1, 3),
        lambda x: np.broadcast_to(x, (2, x.shape[0], 3)),
        one(st.sampled_from([(1, 1), (2, 1), (3, 1)])),
    ),
    OpSpec(
        "cat",
        lambda a, b: tinygan.cat([a, b], 1),
        lambda a, b: np.concatenate([a, b], 1),
        shaped((2, 1, 2), (2, 3, 2)),
    ),
    OpSpec(
        "stack",
        lambda a, b: tinygan.stack([a, b], -1),
        lambda a, b: np.stack([a, b], -1),
        shaped((2, 3), (2, 3)),
    ),
    OpSpec("split", lambda x: x.split([1, 3], dim=1)[1], lambda x: x[:, 1:], shaped((2, 4))),
    OpSpec(
        "pad",
        lambda x: F.pad(x, (1, 2, 0, 1)),
        lambda x: np.pad(x, ((0, 0),) * (x.ndim - 2) + ((0, 1), (1, 2))),
        one(hnp.array_shapes(min_dims=2, max_dims=3, max_side=3)),
    ),
    # indexing
    OpSpec(
        "getitem_basic",
        lambda x: x[1:, ::2, None],
        lambda x: x[1:, ::2, None],
        one(hnp.array_shapes(min_dims=2, max_dims=3, min_side=2, max_side=4)),
    ),
    OpSpec(
        "getitem_repeated",
        lambda x: x[[0, 2, 0, 0]],
        lambda x: x[[0, 2, 0, 0]],
        one(hnp.array_shapes(min_dims=1, max_dims=3, min_side=3, max_side=3)),
    ),
    OpSpec(
        "getitem_mask",
        lambda x: x[tinygan.tensor([True, False, True], device=x.device)],
        lambda x: x[np.array([True, False, True])],
        one(hnp.array_shapes(min_dims=1, max_dims=2, min_side=3, max_side=3)),
    ),
    OpSpec(
        "embedding",
        lambda w: F.embedding(tinygan.tensor([[0, 2], [2, 2]], device=w.device), w),
        lambda w: w[np.array([[0, 2], [2, 2]])],
        shaped((3, 4)),
    ),
    # matrix products
    OpSpec("matmul", tinygan.matmul, np.matmul, shaped((2, 1, 3, 4), (2, 4, 2))),
    OpSpec("matmul_vector", tinygan.matmul, np.matmul, shaped((4,), (2, 4, 3))),
    OpSpec("matmul_dot", tinygan.matmul, np.matmul, shaped((4,), (4,))),
    OpSpec("linear", F.linear, lambda x, w, b: x @ w.T + b, shaped((2, 3, 4), (5, 4), (5,))),
    # convolutions: each checked against direct loops
    OpSpec(
        "conv2d",
        lambda x, w, b: F.conv2d(x, w, b, stride=2, padding=1),
        lambda x, w, b: np_conv2d(x, w, 2, 1) + b.reshape(1, -1, 1, 1),
        shaped((2, 2, 5, 4), (3, 2, 3, 3), (3,)),
    ),
    OpSpec(
        "conv2d_dilated",
        lambda x, w: F.conv2d(x, w, padding=2, dilation=2),
        lambda x, w: np_conv2d(x, w, 1, 2, dilation=2),
        shaped((1, 2, 4, 5), (2, 2, 3, 2)),
    ),
    OpSpec(
        "conv_transpose2d",
        lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1),
        lambda x, w, b: np_conv_transpose2d(x, w, 2, 1, 1) + b.reshape(1, -1, 1, 1),
        shaped((2, 3, 3, 2), (3, 2, 4, 3), (2,)),
    ),
    OpSpec(
        "conv_transpose2d_dilated",
        lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1, dilation=2),
        lambda x, w: np_conv_transpose2d(x, w, 2, 1, 0, dilation=2),
        shaped((1, 2, 3, 3), (2, 1, 2, 3)),
    ),
    # normalization, dropout
    OpSpec(
        "batch_norm_train",
        lambda x, w, b: F.batch_norm(x, None, None, w, b, training=True),
        np_batch_norm_train,
        shaped((4, 3, 2, 2), (3,), (3,)),
    ),
    OpSpec(  # any batch of 2-4 dims; no weight or bias
        "batch_norm_train_drawn_shape",
        lambda x: F.batch_norm(x, None, None, training=True),
        lambda x: np_batch_norm_train(x, np.ones(x.shape[1]), np.zeros(x.shape[1])),
        lambda data: [
            data.draw(smooth(data.draw(hnp.array_shapes(min_dims=2, max_dims=4, min_side=2))))
        ],
    ),
    OpSpec(
        "batch_norm_eval",
        lambda x, w, b: F.batch_norm(x, t(RUNNING_MEAN, x), t(RUNNING_VAR, x), w, b),
        lambda x, w, b: (x - RUNNING_MEAN) / np.sqrt(RUNNING_VAR + 1e-5) * w + b,
        shaped((4, 3), (3,), (3,)),
    ),
    OpSpec("dropout_fixed_seed", lambda x: _seeded_dropout(x), None, shaped((4, 5))),
    # losses
    OpSpec(
        "bce_with_logits",
        lambda x: F.binary_cross_entropy_with_logits(x, t(BCE_TARGET, x)),
        lambda x: np.mean(np_softplus(x) - x * BCE_TARGET),
        shaped((4,)),
    ),
    OpSpec(
        "bce_with_logits_pos_weight",
        lambda x: F.binary_cross_entropy_with_logits(
            x, t(BCE_TARGET, x), reduction="sum", pos_weight=t(np.array(3.0), x)
        ),
        lambda x: np.sum((1 - BCE_TARGET) * x + (1 + 2 * BCE_TARGET) * np_softplus(-x)),
        shaped((4,)),
    ),
    OpSpec(
        "bce",
        lambda p: F.binary_cross_entropy(p, t(BCE_TARGET, p)),
        lambda p: -np.mean(BCE_TARGET * np.log(p) + (1 - BCE_TARGET) * np.log(1 - p)),
        shaped((4,), values=lambda s: smooth(s, 0.1, 0.9)),
    ),
    OpSpec("mse", F.mse_loss, lambda a, b: np.mean((a - b) ** 2), shaped((3, 2), (3, 2))),
    OpSpec(
        "cross_entropy",
        lambda x: F.cross_entropy(x, tinygan.tensor(CLASSES, device=x.device)),
        lambda x: -np.mean(np_log_softmax(x, 1)[np.arange(3), CLASSES]),
        shaped((3, 3)),
    ),
    OpSpec(
        "cross_entropy_probs",
        lambda x: F.cross_entropy(x, t(CLASS_PROBS, x)),
        lambda x: -np.mean(np.sum(CLASS_PROBS * np_log_softmax(x, 1), 1)),
        shaped((3, 3)),
    ),
    OpSpec(
        "nll_weighted_ignore",
        lambda x: F.nll_loss(
            x, tinygan.tensor([2, -100, 1], device=x.device), weight=t(np.array([1.0, 2.0, 0.5]), x)
        ),
        lambda x: -(x[0, 2] * 0.5 + x[2, 1] * 2.0) / 2.5,
        shaped((3, 3)),
    ),
]


def _seeded_dropout(x):
    """Dropout with the generator re-seeded, so every evaluation draws the same mask."""
    tinygan.manual_seed(1234)
    return F.dropout(x, p=0.4)
