"""A finite-difference check for gradients with respect to tensors a function reads from the
outside (a module's parameters), where ``tinygan.gradcheck``, which takes the tensors as
arguments, does not fit: each element is changed in place, the scalar recomputed."""

from __future__ import annotations

import numpy as np

import tinygan


def assert_gradients_match(scalar_fn, tensors, names=None, eps=1e-6, atol=1e-6, rtol=1e-4):
    """Analytic d scalar_fn() / d tensor against central differences, element by element
    (float64 tensors). A scalar that does not require grad has every derivative 0."""
    names = names or [f"tensor {k}" for k in range(len(tensors))]
    out = scalar_fn()
    if out.requires_grad:
        analytic = tinygan.grad(out, tensors, allow_unused=True)
    else:  # e.g. dropout's input gradient, a constant
        analytic = [None] * len(tensors)
    for tensor, name, grad in zip(tensors, names, analytic):
        values = tensor.numpy().astype(np.float64).copy()
        numeric = np.zeros(values.size)
        for i in range(values.size):
            shifted = []
            for sign in (1, -1):
                trial = values.copy().reshape(-1)
                trial[i] += sign * eps
                tensor.data[...] = _on_device(trial.reshape(values.shape), tensor)
                shifted.append(scalar_fn().item())
            numeric[i] = (shifted[0] - shifted[1]) / (2 * eps)
        tensor.data[...] = _on_device(values, tensor)
        got = np.zeros(values.size) if grad is None else grad.numpy().reshape(-1)
        np.testing.assert_allclose(got, numeric, atol=atol, rtol=rtol, err_msg=f"d/d{name}")


def _on_device(array, like):
    return tinygan.tensor(array, dtype=tinygan.float64, device=like.device).data
