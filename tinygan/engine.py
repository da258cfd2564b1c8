"""The backward pass: walk the graph from the outputs back to the leaves, applying the chain rule.

Functions are visited from the most recently created down, with a heap. Every function that
used a tensor was created after the function that made it, so when a function is visited all
the gradient contributions to its output have already been summed: each function runs once,
in a deterministic order, in O(n log n) time, with no recursion (a chain of 100,000 ops is fine).
"""

from __future__ import annotations

import heapq

from . import anomaly
from .grad_mode import set_grad_enabled, state


def backward(tensor, gradient=None, retain_graph=False, create_graph=False, inputs=None):
    """Accumulate d(tensor)/d(leaf) into every leaf's ``.grad`` (see ``Tensor.backward``)."""
    if not tensor._requires_grad:
        raise RuntimeError(
            "backward: the tensor does not require grad and has no grad_fn; no op that made it "
            "had an input with requires_grad=True (or it was computed under no_grad)."
        )
    if gradient is None:
        if tensor.numel() != 1:
            raise RuntimeError(
                f"backward: a gradient can be created implicitly only for a single-element "
                f"output, but this one has shape {tensor.shape}. Pass `gradient=` of that shape."
            )
        gradient = _ones_like(tensor)
    else:
        gradient = _checked_root_gradient("backward", tensor, gradient)
    leaf_grads = _run(
        [tensor], [gradient], retain_graph or create_graph, create_graph, targets=inputs
    )
    for leaf, grad in leaf_grads:
        leaf._accumulate_grad(grad if create_graph else grad.detach())


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    allow_unused=False,
):
    """Return d(outputs)/d(inputs) as a tuple, without touching any ``.grad``.

    ``outputs`` and ``inputs`` are tensors or sequences of tensors; ``grad_outputs`` weights
    each output (ones for single-element outputs when omitted). With ``create_graph=True``
    the result is itself differentiable, as gradient penalties need.
    """
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    if grad_outputs is None:
        grad_outputs = (None,) * len(outputs)
    grad_outputs = _as_tuple(grad_outputs)
    if len(grad_outputs) != len(outputs):
        raise ValueError(f"grad: got {len(grad_outputs)} grad_outputs for {len(outputs)} outputs")
    for i, x in enumerate(inputs):
        if not x._requires_grad:
            raise RuntimeError(f"grad: inputs[{i}] does not require grad")
    roots, root_grads = [], []
    for i, (y, g) in enumerate(zip(outputs, grad_outputs)):
        if not y._requires_grad:
            raise RuntimeError(
                f"grad: outputs[{i}] does not require grad and has no grad_fn, so it does not "
                "depend on any input that requires grad."
            )
        if g is None:
            if y.numel() != 1:
                raise RuntimeError(
                    f"grad: outputs[{i}] has shape {y.shape}; grad_outputs must be given for "
                    "outputs with more than one element."
                )
            g = _ones_like(y)
        else:
            g = _checked_root_gradient("grad", y, g)
        roots.append(y)
        root_grads.append(g)
    if retain_graph is None:
        retain_graph = create_graph
    found = {id(t): g for t, g in _run(roots, root_grads, retain_graph, create_graph, inputs)}
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


def _run(roots, root_grads, retain_graph, create_graph, targets=None):
    """Propagate gradients from ``roots``; return [(tensor, gradient)] for the leaves reached,
    or, when ``targets`` is given, for those tensors (leaves or not) and nothing else."""
    # id(tensor) -> [tensor, gradient summed so far]. Keyed by identity, since == on tensors is
    # elementwise; holding the tensor keeps its id from being reused while the entry lives.
    sums = {}
    for root, g in zip(roots, root_grads):
        _add_gradient(sums, root, g)
    wanted = None if targets is None else {id(t) for t in targets}
    useful = None if targets is None else _functions_reaching(roots, wanted)
    heap, queued = [], set()

    def enqueue(function):
        if id(function) not in queued and (useful is None or id(function) in useful):
            queued.add(id(function))
            heapq.heappush(heap, (-function.sequence, id(function), function))

    for root in roots:
        if root.grad_fn is not None:
            enqueue(root.grad_fn)
    found = []
    with set_grad_enabled(create_graph):
        while heap:
            function = heapq.heappop(heap)[2]
            _check_can_backward(function)
            output = function.output()
            grad_output = sums.pop(id(output))[1]  # complete: every consumer ran before
            if wanted is not None and id(output) in wanted:
                found.append((output, grad_output))
            if output._retains_grad:
                output._accumulate_grad(grad_output.detach())
            inputs = function.inputs
            if wanted is None:
                needs = [x._requires_grad for x in inputs]
            else:  # only paths that lead to a target
                needs = [
                    x._requires_grad
                    and (id(x) in wanted or (x.grad_fn is not None and id(x.grad_fn) in useful))
                    for x in inputs
                ]
            function.needs_input_grad = needs
            if state.anomaly_enabled:
                with anomaly.running_backward(function):
                    input_grads = function.backward(grad_output)
            else:
                input_grads = function.backward(grad_output)
            if not isinstance(input_grads, tuple):
                input_grads = (input_grads,)
            for x, g, needed in zip(inputs, input_grads, needs):
                if g is None or not needed:
                    continue
                if state.anomaly_enabled:
                    anomaly.check_finite(function, "backward", g.data)
                _add_gradient(sums, x, g)
                if x.grad_fn is not None:
                    enqueue(x.grad_fn)
            if not retain_graph:
                function.release()
    # Every function reached has run and taken its output's entry; what is left are tensors
    # without a grad_fn (the leaves) and, with targets, non-leaf targets that nothing wanted
    # lies behind.
    for tensor, g in sums.values():
        if wanted is None or id(tensor) in wanted:
            found.append((tensor, g))
    return found


def _add_gradient(sums, tensor, g) -> None:
    entry = sums.get(id(tensor))
    if entry is None:
        sums[id(tensor)] = [tensor, g]
    else:
        entry[1] = entry[1] + g  # a tensor used several times: its gradients add up


def _functions_reaching(roots, wanted):
    """ids of the functions from which some wanted tensor can be reached going backward.

    Only those need to run when gradients are asked for specific inputs (as in a gradient
    penalty); the rest of the graph, the discriminator's weights say, is left alone.
    """
    # Collect every function behind the roots, then decide in creation order (inputs first).
    functions, stack, seen = [], [r.grad_fn for r in roots if r.grad_fn is not None], set()
    while stack:
        function = stack.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        if function.released:
            continue  # freed history (a generator's, say) below the wanted tensors: not needed
        functions.append(function)
        stack.extend(x.grad_fn for x in function.inputs if x.grad_fn is not None)
    functions.sort(key=lambda f: f.sequence)
    useful = set()
    for function in functions:
        if any(
            id(x) in wanted or (x.grad_fn is not None and id(x.grad_fn) in useful)
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


def _checked_root_gradient(where, tensor, gradient):
    from .tensor import Tensor

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
    return gradient


def _ones_like(tensor):
    from .tensor import Tensor

    xp = tensor._xp()
    return Tensor._from_array(xp.ones(tensor.shape, dtype=tensor.dtype))


def _as_tuple(value):
    from .tensor import Tensor

    if isinstance(value, Tensor) or value is None:
        return (value,)
    return tuple(value)
