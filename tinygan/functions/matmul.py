"""Matrix products: ``matmul`` (batched, with NumPy's 1-D rules) and the fused ``linear``."""

from __future__ import annotations

from ..function import Function
from .broadcast import sum_to
from .operands import binary_operands, require_tensors
from .shape import reshape, squeeze, unsqueeze


class MatMul(Function):
    """a @ b for a, b with at least 2 dimensions; batch dimensions broadcast."""

    def forward(self, a, b):
        return a @ b

    def backward(self, gy):
        a, b = self.inputs
        need_a, need_b = self.needs_input_grad
        # d(a@b)/da . gy = gy @ b^T,  d(a@b)/db . gy = a^T @ gy (summed over broadcast batches)
        # (MatMul() directly, not `@`: these shapes fit by construction, nothing to validate)
        return (
            sum_to(MatMul()(gy, b.mT), a.shape) if need_a else None,
            sum_to(MatMul()(a.mT, gy), b.shape) if need_b else None,
        )


class Linear(Function):
    """x @ W^T + b in one op: the layer every MLP is made of."""

    def forward(self, x, weight, bias=None):
        y = x @ weight.T
        if bias is not None:
            y += bias
        return y

    def backward(self, gy):
        x, weight = self.inputs[:2]
        needs = self.needs_input_grad
        out_features, in_features = weight.shape
        rows = reshape(gy, (-1, out_features))
        # dy/dx . gy = gy @ W,  dy/dW . gy = gy^T @ x,  dy/db . gy = sum of gy over the batch
        grads = (
            gy @ weight if needs[0] else None,
            rows.mT @ reshape(x, (-1, in_features)) if needs[1] else None,
        )
        if len(self.inputs) == 3:
            grads += (rows.sum(0) if needs[2] else None,)
        return grads


def matmul(a, b):
    a, b = binary_operands("matmul", a, b)
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"matmul: both operands need at least 1 dimension, got {a.shape} and "
            f"{b.shape}; use * for scalars"
        )
    if a.shape[-1] != b.shape[-2 if b.ndim > 1 else 0]:
        raise RuntimeError(
            f"matmul: shapes {a.shape} and {b.shape} cannot be multiplied "
            f"({a.shape[-1]} != {b.shape[-2 if b.ndim > 1 else 0]})"
        )
    # A 1-D operand is a row (on the left) or a column (on the right), removed afterwards.
    y = MatMul()(unsqueeze(a, 0) if a.ndim == 1 else a, unsqueeze(b, -1) if b.ndim == 1 else b)
    if a.ndim == 1:
        y = squeeze(y, -2)
    if b.ndim == 1:
        y = squeeze(y, -1)
    return y


def linear(input, weight, bias=None):
    """``input @ weight.T + bias``, with weight of shape (out_features, in_features)."""
    require_tensors("linear", input=input, weight=weight)
    require_tensors("linear", bias=bias, none_ok=True)
    if weight.ndim != 2 or input.ndim == 0 or input.shape[-1] != weight.shape[1]:
        raise RuntimeError(
            f"linear: input of shape {input.shape} does not fit a weight of shape {weight.shape} "
            "(expected input [..., in_features] and weight [out_features, in_features])"
        )
    if bias is not None and bias.shape != (weight.shape[0],):
        raise RuntimeError(f"linear: bias of shape {bias.shape} for {weight.shape[0]} outputs")
    if input.dtype != weight.dtype or (bias is not None and bias.dtype != weight.dtype):
        raise TypeError(
            f"linear: input dtype {input.dtype} differs from weight dtype {weight.dtype}; "
            "convert one with .to(dtype)"
        )
    inputs = (input, weight) if bias is None else (input, weight, bias)
    return Linear()(*inputs)
