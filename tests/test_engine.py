"""The graph and the backward pass: what gets recorded, in which order backward runs, what it
frees, and the errors that stop a silently wrong gradient."""

from __future__ import annotations

import gc
import threading
import weakref

import numpy as np
import pytest

import tinygan
from tinygan.function import Function


def leaf(values, device="cpu", dtype=tinygan.float64):
    return tinygan.tensor(values, dtype=dtype, device=device, requires_grad=True)


# ---- accumulation ------------------------------------------------------------------------------


def test_a_tensor_used_twice_gets_the_sum_of_both_gradients(device):
    x = leaf([1.0, -2.0, 3.0], device)
    (x * x + x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.array([1.0, -2.0, 3.0]) + 1)


def test_backward_accumulates_into_leaves_across_calls(device):
    x = leaf([1.0, 2.0], device)
    for _ in range(3):
        (x * 3.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [9.0, 9.0])


def test_only_leaves_get_grad_unless_retain_grad(device):
    x = leaf([1.0, 2.0], device)
    hidden = x * 2.0
    kept = x * 3.0
    kept.retain_grad()
    (hidden * kept).sum().backward()
    assert hidden.grad is None
    np.testing.assert_array_equal(kept.grad.numpy(), [2.0, 4.0])  # d/dkept = hidden


def test_non_scalar_backward_takes_the_upstream_gradient(device):
    x = leaf([[1.0, 2.0], [3.0, 4.0]], device)
    (x * x).backward(tinygan.tensor([[1.0, 0.0], [0.0, 2.0]], dtype=x.dtype, device=device))
    np.testing.assert_array_equal(x.grad.numpy(), [[2.0, 0.0], [0.0, 16.0]])


# ---- size and order ----------------------------------------------------------------------------


def test_a_chain_of_100000_ops_backpropagates_without_recursion():
    x = leaf([1.0])
    y = x
    for _ in range(100_000):
        y = y * 1.0 + 0.0  # two ops per step; the gradient stays exactly 1
    y.sum().backward()
    assert x.grad.item() == 1.0


def test_a_sum_of_10000_branches_backpropagates():
    x = leaf([2.0])
    branches = [x * float(i) for i in range(10_000)]
    total = branches[0]
    for branch in branches[1:]:
        total = total + branch
    total.sum().backward()
    assert x.grad.item() == sum(range(10_000))


def test_backward_visits_functions_from_the_most_recent_down():
    visited = []

    class Recorded(Function):
        def __init__(self, name):
            self.name = name

        def forward(self, x):
            return x * 1.0

        def backward(self, gy):
            visited.append(self.name)
            return gy

    x = leaf([1.0])
    a = Recorded("a")(x)
    b = Recorded("b")(a)
    c = Recorded("c")(a)  # a feeds two functions: both must run before a's own backward
    d = Recorded("d")(b + c)
    d.sum().backward()
    assert visited == ["d", "c", "b", "a"]
    assert x.grad.item() == 2.0


def test_backward_is_bit_for_bit_reproducible():
    def gradient():
        tinygan.manual_seed(3)
        w = tinygan.randn(64, 64, requires_grad=True)
        h = tinygan.randn(32, 64)
        for _ in range(5):
            h = tinygan.tanh(h @ w)
        (h * h).sum().backward()
        return w.grad.numpy()

    np.testing.assert_array_equal(gradient(), gradient())


# ---- releasing the graph -----------------------------------------------------------------------


def test_second_backward_without_retain_graph_raises_a_clear_error(device):
    x = leaf([1.0, 2.0], device)
    y = (x.exp() * 2.0).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="a second time.*retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward(device):
    x = leaf([1.0, 2.0], device)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [4.0, 8.0])


def test_backward_frees_intermediate_tensors_even_while_the_output_lives():
    x = leaf(np.ones(1000))
    hidden = x * 2.0
    probe = weakref.ref(hidden)
    loss = (hidden.exp()).sum()
    del hidden
    assert probe() is not None  # the graph holds it for backward
    loss.backward()
    assert probe() is None


def test_graph_memory_is_freed_when_outputs_go_out_of_scope_without_gc():
    gc.disable()
    try:
        x = leaf(np.ones(1000))
        hidden = x.tanh()
        probes = [weakref.ref(hidden), weakref.ref(hidden.grad_fn)]
        loss = (hidden * hidden).sum()
        del hidden
        assert all(p() is not None for p in probes)
        del loss  # reference counting alone must free the graph: no cycles
        assert all(p() is None for p in probes)
    finally:
        gc.enable()


# ---- what gets recorded -------------------------------------------------------------------------


def test_no_graph_is_recorded_when_no_input_requires_grad():
    y = tinygan.ones(3) * 2.0
    assert y.grad_fn is None and not y.requires_grad


def test_no_grad_stops_recording_as_context_manager_and_decorator():
    x = leaf([1.0])
    with tinygan.no_grad():
        y = x * 2.0
    assert y.grad_fn is None and not y.requires_grad

    @tinygan.no_grad()
    def double(t):
        return t * 2.0

    assert double(x).grad_fn is None
    with tinygan.no_grad():
        with tinygan.enable_grad():
            assert (x * 2.0).requires_grad
    assert tinygan.is_grad_enabled()


def test_grad_mode_is_per_thread():
    x = leaf([1.0])
    inside_no_grad = threading.Event()
    main_done = threading.Event()
    results = {}

    def evaluate():
        with tinygan.no_grad():
            inside_no_grad.set()
            main_done.wait(5)
            results["thread"] = (x * 2.0).requires_grad

    worker = threading.Thread(target=evaluate)
    worker.start()
    inside_no_grad.wait(5)
    results["main"] = (x * 2.0).requires_grad  # while the other thread is inside no_grad
    main_done.set()
    worker.join()
    assert results == {"main": True, "thread": False}


def test_detach_shares_data_but_leaves_the_graph():
    x = leaf([1.0, 2.0])
    y = (x * 2.0).detach()
    assert y.grad_fn is None and not y.requires_grad
    assert np.shares_memory(y.data, (y * 1.0).data) is False
    z = x.detach()
    assert np.shares_memory(z.data, x.data)


def test_requires_grad_rules():
    with pytest.raises(TypeError, match="only floating point"):
        tinygan.tensor([1, 2], requires_grad=True)
    y = leaf([1.0]) * 2.0
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False
    z = tinygan.zeros(2).requires_grad_()
    assert z.requires_grad and z.is_leaf


# ---- tinygan.grad -------------------------------------------------------------------------------


def test_grad_returns_gradients_without_touching_dot_grad(device):
    x = leaf([1.0, 2.0], device)
    (gx,) = tinygan.grad((x * x).sum(), x)
    np.testing.assert_array_equal(gx.numpy(), [2.0, 4.0])
    assert x.grad is None


def test_grad_with_create_graph_gives_second_derivatives(device):
    x = leaf([1.0, 2.0], device)
    (gx,) = tinygan.grad((x**3).sum(), x, create_graph=True)  # 3x^2
    (ggx,) = tinygan.grad(gx.sum(), x)  # 6x
    np.testing.assert_allclose(ggx.numpy(), [6.0, 12.0])


def test_grad_with_respect_to_an_intermediate_tensor():
    x = leaf([1.0, 2.0])
    hidden = x * 3.0
    (g,) = tinygan.grad((hidden * hidden).sum(), hidden)
    np.testing.assert_array_equal(g.numpy(), [6.0, 12.0])


def test_grad_of_unused_input_raises_unless_allowed():
    x, unused = leaf([1.0]), leaf([2.0])
    with pytest.raises(RuntimeError, match="not used.*allow_unused=True"):
        tinygan.grad((x * 2.0).sum(), [x, unused], retain_graph=True)
    gx, gu = tinygan.grad((x * 2.0).sum(), [x, unused], allow_unused=True)
    assert gu is None and gx.item() == 2.0


def test_grad_runs_only_the_part_of_the_graph_that_leads_to_the_inputs():
    class MustNotRun(Function):
        def forward(self, x):
            return x * 1.0

        def backward(self, gy):
            raise AssertionError("backward ran on a branch that does not reach the inputs")

    weight, x = leaf([3.0]), leaf([2.0])
    out = MustNotRun()(weight) * x
    (gx,) = tinygan.grad(out.sum(), x)
    assert gx.item() == 3.0


def test_create_graph_makes_dot_grad_differentiable():
    x = leaf([2.0])
    (x**3).sum().backward(create_graph=True)
    assert x.grad.grad_fn is not None
    (ggx,) = tinygan.grad(x.grad.sum(), x)
    assert ggx.item() == 12.0


# ---- errors that prevent a wrong gradient -------------------------------------------------------


def test_changing_an_input_in_place_after_use_makes_backward_raise(device):
    w = leaf([1.0, 2.0], device)
    x = tinygan.tensor([3.0, 4.0], dtype=w.dtype, device=device)
    loss = (w * x).sum()
    x.add_(1.0)  # x is saved for d(loss)/dw
    with pytest.raises(RuntimeError, match="Mul: an input of shape \\(2,\\) was modified in place"):
        loss.backward()


def test_in_place_change_of_a_tensor_that_requires_grad_needs_no_grad():
    w = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="mul_.*no_grad"):
        w.mul_(2.0)
    with tinygan.no_grad():
        w.mul_(2.0).add_(tinygan.tensor([1.0, 1.0], dtype=w.dtype), alpha=-0.5)
    np.testing.assert_array_equal(w.numpy(), [1.5, 3.5])


def test_backward_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tinygan.ones(2).sum().backward()


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="single-element.*shape \\(2,\\)"):
        (x * 2.0).backward()
    with pytest.raises(RuntimeError, match="gradient has shape \\(3,\\)"):
        (x * 2.0).backward(tinygan.ones(3, dtype=x.dtype))


# ---- anomaly detection --------------------------------------------------------------------------


def test_detect_anomaly_names_the_op_and_the_user_line_of_a_forward_nan(device):
    x = leaf([1.0, -1.0], device)
    with tinygan.detect_anomaly():
        with pytest.raises(FloatingPointError, match="Log.*forward.*test_engine.py"):
            with np.errstate(invalid="ignore"):
                x.log()


def test_detect_anomaly_names_the_op_that_made_a_backward_inf(device):
    x = leaf([0.0, 4.0], device)
    with tinygan.detect_anomaly():
        y = x.sqrt()  # finite forward, infinite derivative at 0
        with pytest.raises(FloatingPointError, match="Sqrt.*backward.*test_engine.py"):
            with np.errstate(divide="ignore"):
                y.sum().backward()


def test_without_anomaly_mode_nans_pass_silently():
    x = leaf([-1.0])
    with np.errstate(invalid="ignore"):
        assert np.isnan(x.log().item())


# ---- in-place changes through views and detach -------------------------------------------------


def test_in_place_change_through_detach_is_caught():
    w = leaf([1.0, 2.0, 3.0])
    loss = (w * w).sum()
    w.detach().mul_(10.0)  # same memory as w
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_in_place_change_through_a_slice_is_caught():
    p = leaf([1.0, 2.0, 3.0])
    loss = (p * p).sum()
    with tinygan.no_grad():
        p[0:2].fill_(0.0)  # a view of p
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_in_place_change_of_a_saved_output_is_caught():
    x = leaf([1.0, 2.0])
    y = x.exp()  # exp's backward reads its output
    total = y.sum()
    y.detach().zero_()
    with pytest.raises(RuntimeError, match="Exp: its output .* was modified in place"):
        total.backward()


def test_in_place_change_to_an_input_whose_value_backward_ignores_is_fine():
    x, b = leaf([1.0, 2.0]), tinygan.tensor([1.0, 1.0], dtype=tinygan.float64)
    y = (x + b).sum()  # add's backward reads no values
    b.add_(1.0)
    y.backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


# ---- .grad is the leaf's own -------------------------------------------------------------------


def test_grad_is_writeable_and_shared_with_nothing():
    x, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 1.0, 1.0])
    upstream = tinygan.tensor([1.0, 2.0, 3.0], dtype=tinygan.float64)
    (x * 2.0 + b).backward(upstream)  # b's gradient is upstream itself, broadcast-free
    (x.sum() * 0.0 + b.sum()).backward()  # a broadcast (read-only) gradient for b
    with tinygan.no_grad():
        x.grad.mul_(0.5)
        b.grad.zero_()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 2.0, 3.0])  # 2 * upstream, halved
    np.testing.assert_array_equal(upstream.numpy(), [1.0, 2.0, 3.0])  # untouched
    assert not np.shares_memory(x.grad.data, b.grad.data)


def test_grad_of_a_tensor_whose_own_history_was_freed():
    # The generator's graph is freed by its backward; a penalty on D's input made from the
    # generator's output only needs the graph above that input (as WGAN-GP does).
    z, w, d = leaf([1.0, 2.0]), leaf([0.5, 0.5]), leaf([3.0, 3.0])
    fake = z * w
    fake.sum().backward()
    mixed = 0.5 * fake + 0.5
    (g,) = tinygan.grad((mixed * mixed * d).sum(), mixed, create_graph=True)
    np.testing.assert_allclose(g.numpy(), 2 * mixed.numpy() * d.numpy())
