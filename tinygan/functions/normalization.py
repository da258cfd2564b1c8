"""Batch normalization. In training it is one op, ``BatchNormTraining``, whose backward is the
closed form of Ioffe and Szegedy (2015): about half the full-size passes of the chain rule through
its mean, variance and scaling, and written with tensor ops, so that it can be differentiated
again (for penalties through a discriminator). In evaluation it is a per-channel affine map of
ordinary ops."""

from __future__ import annotations

from ..backend import get_array_module
from ..function import Function
from ..grad_mode import no_grad, state
from ..tensor import Tensor
from .operands import require_tensors


def batch_norm(
    input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5
):
    """Normalize each channel (dim 1) over the batch and any spatial dims, as PyTorch does.

    Training uses the batch's mean and biased variance, and moves the running statistics
    (when given) toward the batch's mean and unbiased variance by ``momentum``. Evaluation
    uses the running statistics.
    """
    require_tensors("batch_norm", input=input)
    require_tensors(
        "batch_norm",
        running_mean=running_mean,
        running_var=running_var,
        weight=weight,
        bias=bias,
        none_ok=True,
    )
    if momentum is None or not 0.0 <= momentum <= 1.0:
        raise ValueError(
            f"batch_norm: momentum must be a number in [0, 1], got {momentum!r} (the cumulative "
            "average that PyTorch's momentum=None selects is not supported)"
        )
    if not eps > 0:
        raise ValueError(f"batch_norm: eps must be positive, got {eps!r}")
    if input.ndim < 2:
        raise RuntimeError(f"batch_norm: expected input [N, C, ...], got shape {input.shape}")
    channels = input.shape[1]
    for name, t in (
        ("running_mean", running_mean),
        ("running_var", running_var),
        ("weight", weight),
        ("bias", bias),
    ):
        if t is None:
            continue
        if t.shape != (channels,):
            raise RuntimeError(
                f"batch_norm: {name} has shape {t.shape}, expected ({channels},) for input "
                f"{input.shape}"
            )
        if name in ("weight", "bias") and t.dtype != input.dtype:  # they join the output's sum
            raise TypeError(
                f"batch_norm: {name} dtype {t.dtype} differs from input dtype {input.dtype}; "
                "convert one with .to(dtype)"
            )
    dims = (0,) + tuple(range(2, input.ndim))
    per_channel = (1, channels) + (1,) * (input.ndim - 2)
    if training:
        count = input.numel() // channels
        if count < 2:
            raise ValueError(
                f"batch_norm: training needs more than one value per channel, input {input.shape}"
            )
        xp = get_array_module(input.data)
        if weight is None:  # the op always takes a weight and a bias: constants here
            weight = Tensor._from_array(xp.ones(channels, input.data.dtype))
        if bias is None:
            bias = Tensor._from_array(xp.zeros(channels, input.data.dtype))
        op = BatchNormTraining(dims, eps)
        y = op(input, weight, bias)
        if running_mean is not None and running_var is not None:
            with no_grad():
                mean, var = op.batch_mean.reshape(channels), op.batch_var.reshape(channels)
                unbiased = var * (count / (count - 1))
                running_mean.copy_(running_mean.data * (1 - momentum) + mean * momentum)
                running_var.copy_(running_var.data * (1 - momentum) + unbiased * momentum)
        return y
    if running_mean is None or running_var is None:
        raise RuntimeError("batch_norm: evaluation mode needs running_mean and running_var")
    mean, var = running_mean.reshape(per_channel), running_var.reshape(per_channel)
    centered = input - mean
    # y = (x - mean) * (weight / sqrt(var + eps)) + bias: the scale is one number per channel,
    # made before it meets the full-size tensor, so each full-size op runs once
    scale = (var + eps) ** -0.5
    if weight is not None:
        scale = scale * weight.reshape(per_channel)
    y = centered * scale
    if bias is not None:
        y = y + bias.reshape(per_channel)
    return y


def _standardize(x, dims, eps):
    """The batch's mean and biased variance of tensor ``x`` over ``dims``, 1 / sqrt(var + eps),
    and x_hat = (x - mean) / sqrt(var + eps)."""
    mean = x.mean(dims, keepdim=True)
    centered = x - mean
    var = (centered * centered).mean(dims, keepdim=True)  # biased: divides by the count
    inv_std = (var + eps) ** -0.5
    return mean, var, inv_std, centered * inv_std


class BatchNormTraining(Function):
    """y = x_hat * weight + bias, per channel (dim 1), where x_hat is x standardized by the
    batch's mean and variance over ``dims`` (every dim but 1)."""

    def __init__(self, dims, eps):
        self.dims, self.eps = dims, eps

    def forward(self, x, weight, bias):
        mean, var, inv_std, x_hat = _standardize(Tensor._from_array(x), self.dims, self.eps)
        self.batch_mean, self.batch_var = mean.data, var.data  # for the running statistics
        self.inv_std, self.x_hat = inv_std.data, x_hat.data  # for backward
        per_channel = inv_std.shape
        y = self.x_hat * weight.reshape(per_channel)
        y += bias.reshape(per_channel)
        return y

    def backward(self, gy):
        x, weight, _ = self.inputs
        # With create_graph, x_hat is rebuilt from x with tensor ops, so that this gradient can
        # be differentiated in x; otherwise the forward's arrays serve.
        if state.grad_enabled:
            _, _, inv_std, x_hat = _standardize(x, self.dims, self.eps)
        else:
            inv_std, x_hat = Tensor._from_array(self.inv_std), Tensor._from_array(self.x_hat)
        per_channel, count = inv_std.shape, x_hat.numel() // x_hat.shape[1]
        grad_bias = gy.sum(self.dims, keepdim=True)  # dL/dbias = sum gy
        grad_weight = (gy * x_hat).sum(self.dims, keepdim=True)  # dL/dweight = sum gy x_hat
        # dL/dx = weight / sigma * (gy - mean(gy) - x_hat * mean(gy x_hat)): gy less its parts
        # along the two directions that moving the batch's mean and variance takes away
        grad_x = (weight.reshape(per_channel) * inv_std) * (
            gy - grad_bias / count - x_hat * (grad_weight / count)
        )
        return grad_x, grad_weight.reshape(weight.shape), grad_bias.reshape(weight.shape)
