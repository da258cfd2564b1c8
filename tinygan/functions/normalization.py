"""Batch normalization, written with differentiable ops so that its gradients (and their
gradients, for penalties through a discriminator) follow from the chain rule."""

from __future__ import annotations

from ..grad_mode import no_grad


def batch_norm(
    input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-5
):
    """Normalize each channel (dim 1) over the batch and any spatial dims, as PyTorch does.

    Training uses the batch's mean and biased variance, and moves the running statistics
    (when given) toward the batch's mean and unbiased variance by ``momentum``. Evaluation
    uses the running statistics.
    """
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
        if t is not None and t.shape != (channels,):
            raise RuntimeError(
                f"batch_norm: {name} has shape {t.shape}, expected ({channels},) for input "
                f"{input.shape}"
            )
    dims = (0,) + tuple(range(2, input.ndim))
    per_channel = (1, channels) + (1,) * (input.ndim - 2)
    if training:
        count = input.numel() // channels
        if count < 2:
            raise ValueError(
                f"batch_norm: training needs more than one value per channel, input {input.shape}"
            )
        mean = input.mean(dims, keepdim=True)
        centered = input - mean
        var = (centered * centered).mean(dims, keepdim=True)  # biased: divides by count
        if running_mean is not None and running_var is not None:
            with no_grad():
                unbiased = var.data.reshape(channels) * (count / (count - 1))
                running_mean.copy_(
                    running_mean.data * (1 - momentum) + mean.data.reshape(channels) * momentum
                )
                running_var.copy_(running_var.data * (1 - momentum) + unbiased * momentum)
    else:
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
