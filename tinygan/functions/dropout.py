"""Dropout: zero each element with probability p while training, and scale the rest by
1/(1-p) so the expected value is unchanged; the identity in evaluation."""

from __future__ import annotations

from .. import random
from ..backend import keep_dtype
from ..tensor import Tensor
from .operands import require_tensors


def dropout(input, p=0.5, training=True):
    require_tensors("dropout", input=input)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return input
    if p == 1.0:
        return input * 0.0
    keep = random.uniform(input.shape, input.dtype, input.device) >= p
    scale = keep_dtype(keep * (1.0 / (1.0 - p)), input.data)  # 0 or 1/(1-p)
    return input * Tensor._from_array(scale)
