"""Bad input gets an error that names the op and the shapes, dtypes or values involved."""

from __future__ import annotations

import numpy as np
import pytest

import tinygan
import tinygan.nn.functional as F
from tinygan import nn


def test_matmul_shape_mismatch():
    with pytest.raises(RuntimeError, match=r"matmul: shapes \(2, 3\) and \(4, 5\) cannot"):
        tinygan.ones(2, 3) @ tinygan.ones(4, 5)
    with pytest.raises(RuntimeError, match="at least 1 dimension"):
        tinygan.matmul(tinygan.ones(()), tinygan.ones(2))


def test_linear_shape_and_dtype_mismatch():
    with pytest.raises(RuntimeError, match=r"linear: input of shape \(2, 3\).*weight of shape"):
        F.linear(tinygan.ones(2, 3), tinygan.ones(4, 5))
    with pytest.raises(TypeError, match="linear: input dtype float64 differs"):
        F.linear(tinygan.ones(2, 3, dtype=tinygan.float64), tinygan.ones(4, 3))


def test_conv_errors_name_channels_and_sizes():
    with pytest.raises(RuntimeError, match="conv2d: input has 3 channels"):
        F.conv2d(tinygan.ones(1, 3, 5, 5), tinygan.ones(2, 4, 3, 3))
    with pytest.raises(RuntimeError, match="4-D input"):
        F.conv2d(tinygan.ones(3, 5, 5), tinygan.ones(2, 3, 3, 3))
    with pytest.raises(RuntimeError, match="larger than the padded input"):
        F.conv2d(tinygan.ones(1, 1, 2, 2), tinygan.ones(1, 1, 3, 3))
    with pytest.raises(ValueError, match="output_padding"):
        F.conv_transpose2d(
            tinygan.ones(1, 1, 2, 2), tinygan.ones(1, 1, 3, 3), stride=2, output_padding=2
        )


def test_shape_op_errors():
    x = tinygan.ones(2, 3)
    with pytest.raises(RuntimeError, match=r"reshape: shape \(4, 2\) is invalid.*\(2, 3\)"):
        x.reshape(4, 2)
    with pytest.raises(RuntimeError, match="cat: shapes"):
        tinygan.cat([x, tinygan.ones(3, 3)], dim=1)
    with pytest.raises(RuntimeError, match="stack: all tensors must have one shape"):
        tinygan.stack([x, tinygan.ones(3, 2)])
    with pytest.raises(IndexError, match="dim 2 is out of range"):
        x.sum(2)
    with pytest.raises(RuntimeError, match="only size-1 dimensions expand"):
        x.expand(4, 3)
    with pytest.raises(ValueError, match="not a permutation"):
        x.permute(0, 0)
    with pytest.raises(ValueError, match="do not add up"):
        x.split([1, 1], dim=1)


def test_loss_errors():
    x = tinygan.zeros(4)
    with pytest.raises(ValueError, match=r"target shape \(4, 1\) differs from input shape \(4,\)"):
        F.binary_cross_entropy_with_logits(x, tinygan.zeros(4, 1))
    with pytest.raises(ValueError, match="reduction must be one of"):
        F.mse_loss(x, x, reduction="avg")
    with pytest.raises(ValueError, match="probabilities in \\[0, 1\\]"):
        F.binary_cross_entropy(x + 2.0, x)
    with pytest.raises(IndexError, match=r"target values must be in \[0, 3\)"):
        F.cross_entropy(tinygan.zeros(2, 3), tinygan.tensor([0, 3]))


def test_other_argument_errors():
    with pytest.raises(ValueError, match="at least one of min and max"):
        tinygan.ones(2).clamp()
    with pytest.raises(ValueError, match="dropout: p must be in"):
        F.dropout(tinygan.ones(2), p=1.5)
    with pytest.raises(ValueError, match="more than one value per channel"):
        F.batch_norm(tinygan.ones(1, 3), None, None, training=True)
    with pytest.raises(TypeError, match="condition must be a bool"):
        tinygan.where(tinygan.ones(2), tinygan.ones(2), 0.0)
    with pytest.raises(TypeError, match="unsupported operand of type str"):
        tinygan.ones(2) + "1"
    with pytest.raises(ValueError, match="manual_seed"):
        tinygan.manual_seed(-1)


def test_numpy_errors_are_prefixed_with_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"Add on inputs of shapes \(2, 3\), \(4,\)"):
        tinygan.ones(2, 3) + tinygan.ones(4)
    with pytest.raises(ValueError, match="MatMul on inputs of shapes"):
        tinygan.ones(2, 3, 4) @ tinygan.ones(3, 4, 5)


def test_more_argument_errors_are_clear():
    with pytest.raises(ValueError, match="stride must be at least 1"):
        F.conv2d(tinygan.ones(1, 1, 4, 4), tinygan.ones(1, 1, 2, 2), stride=0)
    with pytest.raises(ValueError, match="padding must be at least 0"):
        F.conv2d(tinygan.ones(1, 1, 4, 4), tinygan.ones(1, 1, 2, 2), padding=-1)
    with pytest.raises(TypeError, match="nll_loss: argument 'target' must be a Tensor, not list"):
        F.nll_loss(tinygan.zeros(2, 3), [0, 1])
    with pytest.raises(ValueError, match="named 'cuda'"):
        tinygan.ones(2).to("cuda:0")
    with pytest.raises(TypeError, match="iteration over a 0-d tensor"):
        list(tinygan.tensor(1.0))
    with pytest.raises(ValueError, match="expanded tensor"):
        tinygan.ones(1).expand(3).add_(1.0)
    with pytest.raises(IndexError, match=r"embedding: indices must be in \[0, 3\)"):
        F.embedding(tinygan.tensor([0, 3]), tinygan.ones(3, 2))
    with pytest.raises(ValueError, match="momentum must be a number in"):
        F.batch_norm(tinygan.ones(4, 2), None, None, training=True, momentum=None)
    with pytest.raises(TypeError, match="weight dtype float64 differs from input dtype float32"):
        F.batch_norm(
            tinygan.ones(4, 2), None, None, tinygan.ones(2, dtype=tinygan.float64), training=True
        )
    with pytest.raises(TypeError, match="bias dtype float64"):
        F.conv2d(
            tinygan.ones(1, 1, 3, 3),
            tinygan.ones(1, 1, 2, 2),
            tinygan.ones(1, dtype=tinygan.float64),
        )


# ---- ops take tensors, as in PyTorch (torch.sigmoid(array) is a TypeError too) ----------------


def test_ops_given_a_list_or_none_name_the_op_and_the_argument_and_say_to_wrap_it():
    with pytest.raises(
        TypeError, match=r"conv2d: argument 'input' must be a Tensor, not list.*tinygan\.tensor"
    ):
        F.conv2d([[1.0]], tinygan.ones(1, 1, 1, 1))
    with pytest.raises(TypeError, match="linear: argument 'weight' must be a Tensor, not None"):
        F.linear(tinygan.ones(1, 2), None)
    with pytest.raises(TypeError, match="linear: argument 'input' must be a Tensor, not list"):
        nn.Linear(2, 1)([[1.0, 2.0]])


def test_modules_and_ops_refuse_numpy_arrays_saying_so_and_how_to_convert():
    with pytest.raises(
        TypeError,
        match=r"linear: argument 'input' must be a Tensor, not numpy\.ndarray; make one with "
        r"tinygan\.tensor",
    ):
        nn.Linear(2, 1)(np.ones((1, 2), np.float32))
    with pytest.raises(TypeError, match=r"sigmoid: argument 'x' must be a Tensor, not numpy"):
        tinygan.sigmoid(np.array([1.0]))


_a = np.ones((2, 2), np.float32)
_t = tinygan.ones(2, 2)
OPS_GIVEN_AN_ARRAY = {
    # op: (call with the array in one tensor argument, the argument's name)
    "abs": (lambda: tinygan.abs(_a), "x"),
    "exp": (lambda: tinygan.exp(_a), "x"),
    "log": (lambda: tinygan.log(_a), "x"),
    "sqrt": (lambda: tinygan.sqrt(_a), "x"),
    "clamp": (lambda: tinygan.clamp(_a, min=0.0), "x"),
    "tanh": (lambda: tinygan.tanh(_a), "x"),
    "relu": (lambda: F.relu(_a), "x"),
    "leaky_relu": (lambda: F.leaky_relu(_a), "x"),
    "elu": (lambda: F.elu(_a), "x"),
    "softplus": (lambda: F.softplus(_a), "x"),
    "log_sigmoid": (lambda: F.log_sigmoid(_a), "x"),
    "dropout": (lambda: F.dropout(_a), "input"),
    "sum": (lambda: tinygan.sum(_a), "x"),
    "mean": (lambda: tinygan.mean(_a, 0), "x"),
    "var": (lambda: tinygan.var(_a), "x"),
    "std": (lambda: tinygan.std(_a), "x"),
    "amax": (lambda: tinygan.amax(_a), "x"),
    "amin": (lambda: tinygan.amin(_a), "x"),
    "max": (lambda: tinygan.max(_a), "x"),
    "min": (lambda: tinygan.min(_a), "x"),
    "argmax": (lambda: tinygan.argmax(_a), "x"),
    "argmin": (lambda: tinygan.argmin(_a), "x"),
    "logsumexp": (lambda: tinygan.logsumexp(_a, 0), "x"),
    "softmax": (lambda: tinygan.softmax(_a, 0), "x"),
    "log_softmax": (lambda: tinygan.log_softmax(_a, 0), "x"),
    "reshape": (lambda: tinygan.reshape(_a, (4,)), "x"),
    "permute": (lambda: tinygan.permute(_a, (1, 0)), "x"),
    "transpose": (lambda: tinygan.transpose(_a, 0, 1), "x"),
    "flatten": (lambda: tinygan.flatten(_a), "x"),
    "squeeze": (lambda: tinygan.squeeze(_a), "x"),
    "unsqueeze": (lambda: tinygan.unsqueeze(_a, 0), "x"),
    "split": (lambda: tinygan.split(_a, 1), "x"),
    "pad": (lambda: F.pad(_a, (1, 1)), "x"),
    "cat": (lambda: tinygan.cat([_t, _a]), r"tensors\[1\]"),
    "stack": (lambda: tinygan.stack([_a, _t]), r"tensors\[0\]"),
    "linear": (lambda: F.linear(_t, _a), "weight"),
    "conv2d": (lambda: F.conv2d(tinygan.ones(1, 1, 2, 2), _a[None, None]), "weight"),
    "conv_transpose2d": (lambda: F.conv_transpose2d(_a[None, None], _t[None, None]), "input"),
    "batch_norm": (lambda: F.batch_norm(_a, None, None, training=True), "input"),
    "embedding": (lambda: F.embedding(np.array([0]), _t), "input"),
    "mse_loss": (lambda: F.mse_loss(_a, _t), "input"),
    "binary_cross_entropy": (lambda: F.binary_cross_entropy(_t * 0.5, _a), "target"),
    "binary_cross_entropy_with_logits": (
        lambda: F.binary_cross_entropy_with_logits(_a, _t),
        "input",
    ),
    "cross_entropy": (lambda: F.cross_entropy(_a, tinygan.tensor([0, 1])), "input"),
    "nll_loss": (lambda: F.nll_loss(_a, tinygan.tensor([0, 1])), "input"),
}


@pytest.mark.parametrize("op", OPS_GIVEN_AN_ARRAY)
def test_every_op_refuses_a_numpy_array_in_a_tensor_argument_by_name(op):
    call, argument = OPS_GIVEN_AN_ARRAY[op]
    with pytest.raises(
        TypeError, match=rf"^{op}: argument '{argument}' must be a Tensor, not numpy\.ndarray"
    ):
        call()


def test_arithmetic_still_takes_an_array_beside_a_tensor_as_a_constant():
    y = tinygan.ones(2) * np.full(2, 3.0, np.float32)
    assert y.tolist() == [3.0, 3.0]
    assert tinygan.maximum(tinygan.zeros(2), np.ones(2, np.float32)).tolist() == [1.0, 1.0]
    assert (tinygan.ones(1, 2) @ np.ones((2, 1), np.float32)).tolist() == [[2.0]]
