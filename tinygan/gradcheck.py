"""Check analytic gradients against finite differences.

``gradcheck`` compares what backward computes with central differences
(f(x + eps) - f(x - eps)) / (2 eps). Do it in float64: in float32 the rounding error of the
difference swamps the derivative. Two modes:

- full (``fast=False``): the whole Jacobian, element by element, both ways; a failure names
  the input, its element, the output element, and both values.
- fast (``fast=True``): one random direction u in input space and one random weighting v of
  the outputs; compares v . J u, which costs two evaluations and one backward whatever the
  sizes, and fails with high probability whenever any Jacobian entry is wrong.

``gradgradcheck`` applies the same check to the gradient function itself, which is how
double backward (``create_graph=True``) is verified.
"""

from __future__ import annotations

import warnings

import numpy

from . import backend, dtypes, engine
from .grad_mode import enable_grad, no_grad
from .tensor import Tensor


class GradcheckError(AssertionError):
    """Raised when analytic and numeric derivatives disagree."""


def gradcheck(fn, inputs, eps=1e-6, atol=1e-5, rtol=1e-3, fast=False, raise_exception=True):
    """True if the gradients of ``fn`` at ``inputs`` match finite differences.

    ``fn`` takes the tensors ``inputs`` and returns a tensor or a tuple of tensors. Only inputs
    with ``requires_grad=True`` are checked. On a mismatch, raise ``GradcheckError`` with a
    report (or return False if ``raise_exception`` is False).
    """
    inputs = _as_tuple(inputs)
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor) and x.requires_grad and x.dtype != dtypes.float64:
            warnings.warn(
                f"gradcheck: input {i} is {x.dtype}; finite differences need float64 to be "
                "accurate, so expect false failures",
                stacklevel=2,
            )
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Tensor) and x.requires_grad]
    if not checked:
        raise ValueError("gradcheck: no input has requires_grad=True")
    check = _check_directional if fast else _check_full
    failure = check(fn, inputs, checked, eps, atol, rtol)
    if failure is None:
        return True
    if raise_exception:
        raise GradcheckError(failure)
    return False


def gradgradcheck(
    fn, inputs, grad_outputs=None, eps=1e-6, atol=1e-5, rtol=1e-3, fast=False, raise_exception=True
):
    """True if the gradients of the gradients of ``fn`` match finite differences.

    Checks the map (inputs, grad_outputs) -> d<fn(inputs), grad_outputs>/d(inputs), built with
    ``create_graph=True``. ``grad_outputs`` default to random float64 tensors.
    """
    inputs = _as_tuple(inputs)
    checked = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    if grad_outputs is None:
        with enable_grad():
            outputs = _differentiable_outputs(fn(*inputs))
        rng = numpy.random.default_rng(0)
        grad_outputs = tuple(
            Tensor(
                backend.move(rng.standard_normal(y.shape).astype(y.dtype), y.device),
                requires_grad=True,
            )
            for y in outputs
        )
    grad_outputs = _as_tuple(grad_outputs)
    n = len(inputs)

    def first_derivatives(*args):
        xs, weights = args[:n], args[n:]
        wanted = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        outputs = _differentiable_outputs(fn(*xs))
        grads = engine.grad(outputs, wanted, weights, create_graph=True, allow_unused=True)
        return tuple(g for g in grads if g is not None)

    if not checked:
        raise ValueError("gradgradcheck: no input has requires_grad=True")
    return gradcheck(
        first_derivatives, inputs + grad_outputs, eps, atol, rtol, fast, raise_exception
    )


def _check_full(fn, inputs, checked, eps, atol, rtol):
    with enable_grad():
        outputs = _differentiable_outputs(fn(*inputs))
    analytic = _analytic_jacobians(outputs, [inputs[i] for i in checked])
    for position, i in enumerate(checked):
        numeric = _numeric_jacobian(fn, inputs, i, eps)  # [input element, output element]
        a = analytic[position]
        error = numpy.abs(a - numeric)
        bad = ~(error <= atol + rtol * numpy.abs(numeric))  # written so that NaN counts as bad
        if bad.any():
            element, out = numpy.unravel_index(
                numpy.argmax(numpy.where(bad, numpy.nan_to_num(error, nan=numpy.inf), 0)),
                error.shape,
            )
            which_out, out_index = _locate_output(outputs, out)
            return (
                f"gradcheck: the gradient of output {which_out} element {out_index} with respect "
                f"to input {i} (shape {inputs[i].shape}) element "
                f"{_index(element, inputs[i].shape)} is wrong: "
                f"analytic {a[element, out]:.6g} vs numeric {numeric[element, out]:.6g} "
                f"({int(bad.sum())} of {bad.size} entries of this Jacobian differ; "
                f"largest error {error.max():.3g}, atol {atol}, rtol {rtol})"
            )
    return None


def _check_directional(fn, inputs, checked, eps, atol, rtol):
    rng = numpy.random.default_rng(0)
    with enable_grad():
        outputs = _differentiable_outputs(fn(*inputs))
    weights = [rng.standard_normal(y.shape) for y in outputs]
    directions = {i: rng.standard_normal(inputs[i].shape) for i in checked}
    grads = _weighted_grads(outputs, [inputs[i] for i in checked], weights)
    analytic = sum(float(numpy.sum(g * directions[i])) for g, i in zip(grads, checked))

    def weighted_output(sign):
        shifted = list(inputs)
        for i in checked:
            step = backend.move(eps * sign * directions[i], inputs[i].device)
            shifted[i] = Tensor(inputs[i].data + step.astype(inputs[i].dtype), requires_grad=True)
        values = _evaluate(fn, shifted)
        return sum(float(numpy.sum(v * w)) for v, w in zip(values, weights))

    numeric = (weighted_output(+1) - weighted_output(-1)) / (2 * eps)
    if not abs(analytic - numeric) <= atol + rtol * abs(numeric):  # NaN fails too
        return (
            f"gradcheck (fast mode): the directional derivative v.J.u of the inputs "
            f"{checked} is wrong: analytic {analytic:.6g} vs numeric {numeric:.6g} "
            f"(atol {atol}, rtol {rtol}); rerun with fast=False to find the element"
        )
    return None


def _analytic_jacobians(outputs, wrt):
    """For each tensor in ``wrt``, a [its size, total output size] matrix from backward passes."""
    total = sum(y.numel() for y in outputs)
    jacobians = [numpy.zeros((x.numel(), total)) for x in wrt]
    column = 0
    for k, y in enumerate(outputs):
        for j in range(y.numel()):
            weights = [numpy.zeros(o.shape) for o in outputs]
            weights[k].reshape(-1)[j] = 1.0
            for jacobian, g in zip(jacobians, _weighted_grads(outputs, wrt, weights)):
                jacobian[:, column] = g.reshape(-1)
            column += 1
    return jacobians


def _weighted_grads(outputs, wrt, weights):
    """d(sum_k <outputs[k], weights[k]>)/d(wrt) as NumPy float64 arrays (zeros where unused)."""
    roots, root_grads = [], []
    for y, w in zip(outputs, weights):
        if y.requires_grad:
            roots.append(y)
            root_grads.append(Tensor._from_array(backend.move(w.astype(y.dtype), y.device)))
    if not roots:
        return [numpy.zeros(x.shape) for x in wrt]
    grads = engine.grad(roots, wrt, root_grads, retain_graph=True, allow_unused=True)
    return [
        numpy.zeros(x.shape) if g is None else _checked_grad(g, x).astype(numpy.float64)
        for g, x in zip(grads, wrt)
    ]


def _checked_grad(g, x):
    if g.shape != x.shape:
        raise GradcheckError(f"gradcheck: a gradient has shape {g.shape}, its input {x.shape}")
    return g.numpy()


def _numeric_jacobian(fn, inputs, i, eps):
    """[input i's size, total output size] matrix of central differences."""
    x = inputs[i]
    flat = backend.to_numpy(x.data).astype(numpy.float64).reshape(-1)
    columns = []
    for element in range(flat.size):
        values = []
        for sign in (+1, -1):
            shifted_flat = flat.copy()
            shifted_flat[element] += sign * eps
            shifted = list(inputs)
            array = shifted_flat.reshape(x.shape).astype(x.dtype)
            shifted[i] = Tensor(backend.move(array, x.device), requires_grad=True)
            values.append(numpy.concatenate([v.reshape(-1) for v in _evaluate(fn, shifted)]))
        columns.append((values[0] - values[1]) / (2 * eps))
    return numpy.stack(columns)


def _evaluate(fn, inputs):
    """The outputs of fn as float64 NumPy arrays. Grad mode stays on: for gradgradcheck, fn
    itself takes gradients."""
    with enable_grad():
        outputs = _differentiable_outputs(fn(*inputs))
    with no_grad():
        return [y.numpy().astype(numpy.float64) for y in outputs]


def _differentiable_outputs(result):
    outputs = _as_tuple(result)
    return tuple(y for y in outputs if isinstance(y, Tensor) and dtypes.is_floating(y.dtype))


def _locate_output(outputs, flat_index):
    for k, y in enumerate(outputs):
        if flat_index < y.numel():
            return k, _index(flat_index, y.shape)
        flat_index -= y.numel()
    raise IndexError(flat_index)


def _index(flat_index, shape) -> tuple:
    return tuple(int(i) for i in numpy.unravel_index(flat_index, shape))


def _as_tuple(value):
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,)
