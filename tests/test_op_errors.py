"""Bad input gets an error that names the op and the shapes, dtypes or values involved."""

from __future__ import annotations

import pytest

import tinygan
import tinygan.nn.functional as F


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
    with pytest.raises(TypeError, match="nll_loss: target must be a Tensor"):
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
