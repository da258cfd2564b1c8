"""Loss functions, PyTorch's names and arguments. The GAN losses are computed from logits
with softplus, never by clipping probabilities: clipping kills the gradient exactly when the
discriminator is confident, which is when the generator needs it most."""

from __future__ import annotations

import math

from ..tensor import Tensor
from .activations import softplus
from .elementwise import clamp, log
from .operands import require_tensors
from .reductions import log_softmax

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss, reduction, op_name):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{op_name}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _check_same_shape(op_name, input, target):
    if input.shape != target.shape:
        raise ValueError(
            f"{op_name}: target shape {target.shape} differs from input shape {input.shape}; "
            "reshape one of them (broadcasting here silently computes the wrong loss)"
        )


def binary_cross_entropy_with_logits(input, target, weight=None, reduction="mean", pos_weight=None):
    """-[t log sigmoid(x) + (1 - t) log(1 - sigmoid(x))], stable for logits of any size.

    Uses log sigmoid(x) = -softplus(-x) and log(1 - sigmoid(x)) = -softplus(x); targets may be
    soft (any value in [0, 1]). ``pos_weight`` multiplies the positive term, per class.
    """
    require_tensors("binary_cross_entropy_with_logits", input=input, target=target)
    require_tensors(
        "binary_cross_entropy_with_logits", weight=weight, pos_weight=pos_weight, none_ok=True
    )
    _check_same_shape("binary_cross_entropy_with_logits", input, target)
    if pos_weight is None:
        loss = softplus(input) - input * target
    else:
        loss = (1 - target) * input + (1 + (pos_weight - 1) * target) * softplus(-input)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


def binary_cross_entropy(input, target, weight=None, reduction="mean"):
    """-[t log p + (1 - t) log(1 - p)] for probabilities p; each log is floored at -100 as in
    PyTorch. Prefer ``binary_cross_entropy_with_logits``: it needs no floor."""
    require_tensors("binary_cross_entropy", input=input, target=target)
    require_tensors("binary_cross_entropy", weight=weight, none_ok=True)
    _check_same_shape("binary_cross_entropy", input, target)
    if bool(((input.data < 0) | (input.data > 1)).any()):
        raise ValueError("binary_cross_entropy: input values must be probabilities in [0, 1]")
    floor = math.exp(-100.0)  # log(floor) = -100
    loss = -(
        target * log(clamp(input, min=floor)) + (1 - target) * log(clamp(1 - input, min=floor))
    )
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction, "binary_cross_entropy")


def mse_loss(input, target, reduction="mean"):
    require_tensors("mse_loss", input=input, target=target)
    _check_same_shape("mse_loss", input, target)
    diff = input - target
    return _reduce(diff * diff, reduction, "mse_loss")


def nll_loss(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """-input[n, target[n]] (input holds log-probabilities, classes on dim 1), weighted by
    ``weight[target[n]]``; entries whose target is ``ignore_index`` count for nothing. 'mean'
    divides by the total weight of the counted entries, as PyTorch does."""
    require_tensors("nll_loss", input=input, target=target)
    require_tensors("nll_loss", weight=weight, none_ok=True)
    if input.ndim < 1 or target.dtype.kind not in "iu":
        raise TypeError(
            f"nll_loss: expected input [N, C, ...] and an integer target, got input {input.shape} "
            f"and target dtype {target.dtype}"
        )
    unbatched = input.ndim == 1
    if unbatched:
        input, target = input.unsqueeze(0), target.reshape(1)
    classes = input.shape[1]
    if target.shape != (input.shape[0],) + input.shape[2:]:
        raise ValueError(f"nll_loss: target shape {target.shape} does not fit input {input.shape}")
    xp = input._xp()
    flat = input.permute(0, *range(2, input.ndim), 1).reshape(-1, classes)
    labels = target.data.reshape(-1)
    counted = labels != ignore_index
    if bool(((labels[counted] < 0) | (labels[counted] >= classes)).any()):
        raise IndexError(f"nll_loss: target values must be in [0, {classes}) or ignore_index")
    safe_labels = xp.where(counted, labels, 0)
    picked = flat[xp.arange(flat.shape[0]), safe_labels]
    entry_weight = counted.astype(input.dtype)
    if weight is not None:
        entry_weight = entry_weight * weight.data[safe_labels]
    loss = -picked * Tensor._from_array(entry_weight)
    if reduction == "none":
        return loss.reshape(() if unbatched else target.shape)
    if reduction == "mean":
        return loss.sum() / Tensor._from_array(entry_weight.sum())
    return _reduce(loss, reduction, "nll_loss")


def cross_entropy(input, target, weight=None, ignore_index=-100, reduction="mean"):
    """Softmax cross-entropy from logits (classes on dim 1). ``target`` holds class indices, or
    class probabilities of the input's shape."""
    require_tensors("cross_entropy", input=input, target=target)
    require_tensors("cross_entropy", weight=weight, none_ok=True)
    if target.dtype.kind == "f":
        _check_same_shape("cross_entropy", input, target)
        class_dim = 0 if input.ndim == 1 else 1
        terms = target * log_softmax(input, class_dim)
        if weight is not None:
            terms = terms * weight.reshape((-1,) + (1,) * (input.ndim - class_dim - 1))
        return _reduce(-terms.sum(class_dim), reduction, "cross_entropy")
    return nll_loss(
        log_softmax(input, 0 if input.ndim == 1 else 1), target, weight, ignore_index, reduction
    )
