"""Gradient clipping: keep one bad batch from throwing the parameters far away.

``clip_grad_norm_`` treats all the gradients as one long vector and, when its norm is above
``max_norm``, scales them all by the same factor, so the direction of the step is kept and only
its length is limited. ``clip_grad_value_`` clamps each gradient entry to
``[-clip_value, clip_value]`` instead, which changes the direction. Both change ``.grad`` in
place, between ``backward()`` and ``optimizer.step()``:

    loss.backward()
    clip_grad_norm_(model.parameters(), max_norm=1.0)
    optimizer.step()
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy

from ... import backend
from ...creation import tensor
from ...tensor import Tensor

_TensorOrTensors = Tensor | Iterable[Tensor]


def _grads(parameters: _TensorOrTensors) -> list[Tensor]:
    """The gradients of ``parameters`` (one tensor or several) that are not None."""
    if isinstance(parameters, Tensor):
        parameters = [parameters]
    return [p.grad for p in parameters if p.grad is not None]


def _vector_norm(xp, array, norm_type: float):
    """‖array‖ as one long vector: (Σ |x|ᵖ)^(1/p), or max |x| when p = inf (a 0-d array).

    Computed in at least float32: float16 squares overflow for gradients above ~256.
    """
    magnitudes = xp.abs(array.ravel()).astype(xp.promote_types(array.dtype, xp.float32))
    if norm_type == math.inf:
        return magnitudes.max()
    if norm_type == 2:
        return xp.sqrt(xp.sum(magnitudes * magnitudes))
    return xp.sum(magnitudes**norm_type) ** (1 / norm_type)


def clip_grad_norm_(
    parameters: _TensorOrTensors,
    max_norm: float,
    norm_type: float = 2.0,
    error_if_nonfinite: bool = False,
) -> Tensor:
    """Scale the gradients in place so that their total norm is at most ``max_norm``.

    The total norm is the norm of the vector of every gradient's norm (so, of all the entries
    together), of order ``norm_type`` (``math.inf`` for the largest magnitude). As in PyTorch,
    every gradient is multiplied by ``min(1, max_norm / (total + 1e-6))``: unchanged when the
    norm is already small enough. Returns the total norm before clipping, as a 0-d tensor.
    ``error_if_nonfinite=True`` raises RuntimeError when the norm is NaN or infinite (otherwise
    the gradients become NaN, as in PyTorch).
    """
    max_norm, norm_type = float(max_norm), float(norm_type)
    if not norm_type > 0:
        raise ValueError(
            f"clip_grad_norm_: norm_type must be positive (or math.inf), got {norm_type}"
        )
    grads = _grads(parameters)
    if not grads:
        return tensor(0.0)
    devices = {g.device for g in grads}
    if len(devices) > 1:
        raise RuntimeError(
            f"clip_grad_norm_: the gradients are on different devices {sorted(devices)}; "
            "clip each device's parameters separately"
        )
    xp = backend.get_array_module(grads[0].data)
    dtype = grads[0].dtype
    for g in grads[1:]:
        dtype = numpy.promote_types(dtype, g.dtype)

    # total = ‖(‖g₁‖, ‖g₂‖, ...)‖ = ‖all gradient entries together‖
    norms = [_vector_norm(xp, g.data, norm_type) for g in grads if g.numel() > 0]
    if not norms:
        return tensor(0.0, dtype=dtype, device=grads[0].device)
    total = _vector_norm(xp, xp.stack(norms), norm_type).astype(dtype)

    if error_if_nonfinite and not bool(xp.isfinite(total)):
        raise RuntimeError(
            f"The total norm of order {norm_type} for gradients from `parameters` is "
            f"non-finite ({total.item()}), so it cannot be clipped. To disable this error and "
            "scale the gradients by the non-finite norm anyway, set error_if_nonfinite=False"
        )

    # g ← g · min(1, max_norm / (total + 1e-6)); on the device, so no waiting for the GPU
    clip_coef = xp.minimum(max_norm / (total + 1e-6), 1.0)
    for g in grads:
        g.data *= clip_coef
        g._version_counter[0] += 1
    return Tensor(xp.asarray(total))


def clip_grad_value_(parameters: _TensorOrTensors, clip_value: float) -> None:
    """Clamp every gradient entry to ``[-clip_value, clip_value]``, in place."""
    clip_value = float(clip_value)
    if not clip_value >= 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    for g in _grads(parameters):
        xp = backend.get_array_module(g.data)
        xp.clip(g.data, -clip_value, clip_value, out=g.data)
        g._version_counter[0] += 1
