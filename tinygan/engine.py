"""The backward pass: walk the graph from the outputs back to the leaves, applying the chain rule.

Functions are visited from the most recently created down, with a heap. Every function that
used a tensor was created after the function that made it, so when a function is visited all
the gradient contributions to its output have already been summed: each function runs once,
in a deterministic order, in O(n log n) time, with no recursion (a chain of 100,000 ops is fine).

``chain_rule`` is the whole algorithm; the helpers below it are its options (walking only the
paths to requested inputs, anomaly checks, keeping the graph) and the checks of what it is given.
"""

from __future__ import annotations

import heapq

from . import anomaly
from .grad_mode import set_grad_enabled, state
from .tensor import Tensor


def backward(tensor, gradient=None, retain_graph=False, create_graph=False, inputs=None):
    """Accumulate d(tensor)/d(leaf) into every leaf's ``.grad`` (see ``Tensor.backward``)."""
    gradients = _root_gradients("backward", (tensor,), (gradient,))
    targets = None if inputs is None else _as_tuple(inputs)
    found = chain_rule((tensor,), gradients, retain_graph or create_graph, create_graph, targets)
    for leaf, grad_of_leaf in found:
        leaf._accumulate_grad(grad_of_leaf if create_graph else grad_of_leaf.detach())


def grad(
    outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False, allow_unused=False
):
    """Return d(outputs)/d(inputs) as a tuple, without touching any ``.grad``.

    ``outputs`` and ``inputs`` are tensors or sequences of tensors; ``grad_outputs`` weights
    each output (ones for single-element outputs when omitted). With ``create_graph=True``
    the result is itself differentiable, as gradient penalties need.
    """
    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    grad_outputs = (None,) * len(outputs) if grad_outputs is None else _as_tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    for i, x in enumerate(inputs):
        if not x._requires_grad:
            raise RuntimeError(f"grad: inputs[{i}] does not require grad")
    gradients = _root_gradients("grad", outputs, grad_outputs)
    retain_graph = create_graph if retain_graph is None else retain_graph
    found = {
        id(t): g for t, g in chain_rule(outputs, gradients, retain_graph, create_graph, inputs)
    }
    result = []
    for i, x in enumerate(inputs):
        g = found.get(id(x))
        if g is None and not allow_unused:
            raise RuntimeError(
                f"grad: inputs[{i}] was not used to compute the outputs. "
                "Pass allow_unused=True to get None for it."
            )
        result.append(g if g is None or create_graph else g.detach())
    return tuple(result)


def chain_rule(roots, root_grads, retain_graph, create_graph, targets=None):
    """Propagate d(roots)/d(each tensor) back through the graph. Returns [(tensor, gradient)]
    for the leaves reached or, when ``targets`` is given, for those tensors and no others."""
    sums = _GradientSums(zip(roots, root_grads))
    paths = _Paths(roots, targets)
    pending = _Pending()
    for root in roots:
        pending.push(root.grad_fn, paths)
    found = []
    with set_grad_enabled(create_graph):  # record the backward pass only for double backward
        while pending:
            function = pending.pop()
            _check_can_backward(function)
            output = function.output()
            grad_output = sums.pop(output)  # complete: every op that used it ran before
            if paths.is_target(output):
                found.append((output, grad_output))
            if output._retains_grad:
                output._accumulate_grad(grad_output.detach())
            inputs = function.inputs
            function.needs_input_grad = [paths.needs_grad(x) for x in inputs]
            for x, g in zip(inputs, _input_grads(function, grad_output)):
                if g is not None:
                    sums.add(x, g)  # the chain rule: dL/dx += dL/dy * dy/dx
                    pending.push(x.grad_fn, paths)
            if not retain_graph:
                function.release()
    # What is left: the leaves (no function made them) and targets that nothing lies behind.
    return found + [(t, g) for t, g in sums.items() if targets is None or paths.is_target(t)]


def _input_grads(function, grad_output):
    """The function's backward, with each unwanted gradient as None, checked in anomaly mode."""
    if state.anomaly_enabled:
        with anomaly.running_backward(function):
            grads = function.backward(grad_output)
    else:
        grads = function.backward(grad_output)
    grads = grads if isinstance(grads, tuple) else (grads,)
    grads = [g if needed else None for g, needed in zip(grads, function.needs_input_grad)]
    if state.anomaly_enabled:
        for g in grads:
            if g is not None:
                anomaly.check_finite(function, "backward", g.data)
    return grads


class _GradientSums:
    """The gradient summed so far for each tensor, keyed by identity (== on tensors is
    elementwise); holding the tensor keeps its id from being reused while the entry lives."""

    def __init__(self, pairs):
        self.entries = {}
        for tensor, g in pairs:
            self.add(tensor, g)

    def add(self, tensor, g) -> None:
        entry = self.entries.get(id(tensor))
        if entry is None:
            self.entries[id(tensor)] = [tensor, g]
        else:
            entry[1] = entry[1] + g  # a tensor used several times: its gradients add up

    def pop(self, tensor):
        return self.entries.pop(id(tensor))[1]

    def items(self):
        return [(tensor, g) for tensor, g in self.entries.values()]


class _Pending:
    """The functions waiting for their backward, the most recently created first."""

    def __init__(self):
        self.heap, self.queued = [], set()

    def push(self, function, paths) -> None:
        if function is not None and id(function) not in self.queued and paths.walks(function):
            self.queued.add(id(function))
            heapq.heappush(self.heap, (-function.sequence, id(function), function))

    def pop(self):
        return heapq.heappop(self.heap)[2]

    def __bool__(self) -> bool:
        return bool(self.heap)


class _Paths:
    """Which parts of the graph to walk. Everything, unless gradients are asked for specific
    ``targets`` (as in a gradient penalty): then only the functions from which a target can be
    reached going backward; the rest, the discriminator's weights say, is left alone."""

    def __init__(self, roots, targets):
        self.targets = None if targets is None else {id(t) for t in targets}
        self.useful = None if targets is None else _functions_reaching(roots, self.targets)

    def is_target(self, tensor) -> bool:
        return self.targets is not None and id(tensor) in self.targets

    def walks(self, function) -> bool:
        return self.useful is None or id(function) in self.useful

    def needs_grad(self, x) -> bool:
        on_a_path = self.is_target(x) or (x.grad_fn is not None and self.walks(x.grad_fn))
        return x._requires_grad and (self.targets is None or on_a_path)


def _functions_reaching(roots, targets):
    """ids of the functions from which some target tensor can be reached going backward."""
    # Collect every function behind the roots, then decide in creation order (inputs first).
    functions, stack, seen = [], [r.grad_fn for r in roots if r.grad_fn is not None], set()
    while stack:
        function = stack.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        if function.released:
            continue  # freed history (a generator's, say) below the targets: not needed
        functions.append(function)
        stack.extend(x.grad_fn for x in function.inputs if x.grad_fn is not None)
    functions.sort(key=lambda f: f.sequence)
    useful = set()
    for function in functions:
        if any(
            id(x) in targets or (x.grad_fn is not None and id(x.grad_fn) in useful)
            for x in function.inputs
        ):
            useful.add(id(function))
    return useful


def _check_can_backward(function) -> None:
    if function.released:
        raise RuntimeError(
            f"backward through {type(function).__name__} a second time: its saved tensors were "
            "freed after the first backward. Pass retain_graph=True to the first backward "
            "if you need to walk the graph again."
        )
    if not function.backward_reads_inputs:
        return
    for x, version in zip(function.inputs, function.input_versions):
        if x._version != version:
            raise RuntimeError(
                f"{type(function).__name__}: an input of shape {x.shape} was modified in place "
                f"after the op used it (version {version} then, {x._version} now), so its "
                "gradient would be wrong. Compute the op after the in-place change, or "
                "change a copy."
            )


def _root_gradients(where, outputs, gradients):
    """The gradient each output starts from: ones for a single-element output given None,
    else the one given, checked to fit. Raises for an output that is not differentiable."""
    checked = []
    for i, (y, g) in enumerate(zip(outputs, gradients)):
        name = "the tensor" if where == "backward" else f"outputs[{i}]"
        if not y._requires_grad:
            raise RuntimeError(
                f"{where}: {name} does not require grad and has no grad_fn; no op that made it "
                "had an input with requires_grad=True (or it was computed under no_grad)."
            )
        if g is None:
            if y.numel() != 1:
                raise RuntimeError(
                    f"{where}: a gradient can be created implicitly only for a single-element "
                    f"output, but {name} has shape {y.shape}. Pass "
                    f"`{'gradient' if where == 'backward' else 'grad_outputs'}=` of that shape."
                )
            g = Tensor._from_array(y._xp().ones(y.shape, dtype=y.dtype))
        _check_fits(where, y, g)
        checked.append(g)
    return checked


def _check_fits(where, tensor, gradient) -> None:
    if not isinstance(gradient, Tensor):
        raise TypeError(f"{where}: the gradient must be a Tensor, got {type(gradient).__name__}")
    if gradient.shape != tensor.shape:
        raise RuntimeError(
            f"{where}: the gradient has shape {gradient.shape} but the output has shape "
            f"{tensor.shape}"
        )
    if gradient.device != tensor.device:
        raise RuntimeError(
            f"{where}: the gradient is on {gradient.device} but the output is on {tensor.device}"
        )
    if gradient.dtype != tensor.dtype:
        raise TypeError(
            f"{where}: the gradient has dtype {gradient.dtype} but the output has {tensor.dtype}"
        )


def _as_tuple(value):
    if isinstance(value, Tensor) or value is None:
        return (value,)
    return tuple(value)
