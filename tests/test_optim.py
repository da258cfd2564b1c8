"""Optimizers: each update rule against its published formula, convergence, devices and dtypes,
checkpoints (state_dict), and the errors that stop a silently wrong setup.

The reference rules below are written again from PyTorch's documentation, in float64 NumPy,
without calling tinygan, so a mistake in tinygan's rule cannot hide in its own reference.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygan
import tinygan.nn.functional as F
from tinygan.optim import SGD, Adam, AdamW, Optimizer, RMSprop

# ---- the published rules, in float64 NumPy ------------------------------------------------------


def reference_sgd(
    theta, grads, lr=1e-3, momentum=0, dampening=0, weight_decay=0, nesterov=False, maximize=False
):
    """θ after each step of PyTorch's SGD (torch.optim.SGD's documented algorithm)."""
    buf = None
    for g in grads:
        g = -g if maximize else g
        g = g + weight_decay * theta
        if momentum != 0:
            buf = g if buf is None else momentum * buf + (1 - dampening) * g
            g = g + momentum * buf if nesterov else buf
        theta = theta - lr * g
        yield theta


def reference_adam(
    theta,
    grads,
    lr=1e-3,
    betas=(0.9, 0.999),
    eps=1e-8,
    weight_decay=0,
    amsgrad=False,
    maximize=False,
    decoupled=False,
):
    """θ after each step of PyTorch's Adam (or AdamW with ``decoupled``)."""
    beta1, beta2 = betas
    m = v = v_max = np.zeros_like(theta)
    for t, g in enumerate(grads, start=1):
        g = -g if maximize else g
        if decoupled:
            theta = theta * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * theta
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g**2
        v_max = np.maximum(v_max, v)
        m_hat = m / (1 - beta1**t)
        v_hat = (v_max if amsgrad else v) / (1 - beta2**t)
        theta = theta - lr * m_hat / (np.sqrt(v_hat) + eps)
        yield theta


def reference_adamw(theta, grads, weight_decay=1e-2, **kwargs):
    return reference_adam(theta, grads, weight_decay=weight_decay, decoupled=True, **kwargs)


def reference_rmsprop(
    theta,
    grads,
    lr=1e-2,
    alpha=0.99,
    eps=1e-8,
    weight_decay=0,
    momentum=0,
    centered=False,
    maximize=False,
):
    """θ after each step of PyTorch's RMSprop."""
    v = g_avg = buf = np.zeros_like(theta)
    for g in grads:
        g = -g if maximize else g
        g = g + weight_decay * theta
        v = alpha * v + (1 - alpha) * g**2
        if centered:
            g_avg = alpha * g_avg + (1 - alpha) * g
            denom = np.sqrt(v - g_avg**2) + eps
        else:
            denom = np.sqrt(v) + eps
        if momentum > 0:
            buf = momentum * buf + g / denom
            theta = theta - lr * buf
        else:
            theta = theta - lr * g / denom
        yield theta


REFERENCE = {
    SGD: reference_sgd,
    Adam: reference_adam,
    AdamW: reference_adamw,
    RMSprop: reference_rmsprop,
}

# (optimizer, hyperparameters): the settings every behaviour below is checked with.
SETTINGS = [
    (SGD, dict(lr=0.1)),
    (SGD, dict(lr=0.1, momentum=0.9)),
    (SGD, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.1)),
    (SGD, dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    (Adam, dict(lr=0.1)),
    (Adam, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    (Adam, dict(lr=0.1, eps=0.1, maximize=True)),
    (AdamW, dict(lr=0.1)),
    (AdamW, dict(lr=0.1, betas=(0.5, 0.9), weight_decay=0.5, amsgrad=True)),
    (RMSprop, dict(lr=0.01)),
    (RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1)),
    (RMSprop, dict(lr=0.01, momentum=0.9, maximize=True)),
]


def setting_id(setting):
    cls, kwargs = setting
    return cls.__name__ + "(" + ", ".join(f"{k}={v}" for k, v in kwargs.items()) + ")"


SHAPES = [(3, 4), (5,), ()]  # a 0-d parameter too: NumPy treats 0-d arrays differently


def initial_values(seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=shape) for shape in SHAPES]


def gradient_sequence(steps, seed=1):
    """Gradients that shrink and grow from step to step (so amsgrad's maximum matters)."""
    rng = np.random.default_rng(seed)
    scales = [3.0, 0.1, 1.0, 0.05, 2.0]
    return [[scales[t] * rng.normal(size=shape) for shape in SHAPES] for t in range(steps)]


def make_params(values, dtype=tinygan.float64, device="cpu"):
    return [tinygan.tensor(v, dtype=dtype, device=device, requires_grad=True) for v in values]


def run_steps(optimizer, params, grads_per_step):
    """Assign each step's gradients to ``.grad`` and step; return the values after each step."""
    history = []
    for grads in grads_per_step:
        for p, g in zip(params, grads):
            p.grad = tinygan.tensor(g, dtype=p.dtype, device=p.device)
        optimizer.step()
        history.append([p.numpy().copy() for p in params])
    return history


def reference_history(cls, kwargs, values, grads_per_step):
    per_param = [
        list(REFERENCE[cls](v, [grads[i] for grads in grads_per_step], **kwargs))
        for i, v in enumerate(values)
    ]
    return [[per_param[i][t] for i in range(len(values))] for t in range(len(grads_per_step))]


# ---- the update rules --------------------------------------------------------------------------


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_the_first_five_steps_follow_the_published_rule(setting):
    cls, kwargs = setting
    values, grads = initial_values(), gradient_sequence(5)
    params = make_params(values)
    got = run_steps(cls(params, **kwargs), params, grads)
    expected = reference_history(cls, kwargs, values, grads)
    for t in range(5):
        for i in range(len(SHAPES)):
            np.testing.assert_allclose(
                got[t][i],
                expected[t][i],
                rtol=1e-12,
                atol=1e-14,
                err_msg=f"step {t + 1}, param {i}",
            )


def test_two_param_groups_follow_the_rule_with_their_own_hyperparameters():
    values, grads = initial_values(), gradient_sequence(4)
    params = make_params(values)
    groups = [{"params": params[:2]}, {"params": params[2:], "lr": 0.01, "nesterov": True}]
    optimizer = SGD(groups, lr=0.1, momentum=0.9)
    got = run_steps(optimizer, params, grads)
    first = reference_history(SGD, dict(lr=0.1, momentum=0.9), values, grads)
    second = reference_history(SGD, dict(lr=0.01, momentum=0.9, nesterov=True), values, grads)
    for t in range(4):
        for i in range(3):
            expected = first[t][i] if i < 2 else second[t][i]
            np.testing.assert_allclose(got[t][i], expected, rtol=1e-12, atol=1e-14)
    assert [g["lr"] for g in optimizer.param_groups] == [0.1, 0.01]
    assert [g["nesterov"] for g in optimizer.param_groups] == [False, True]


def test_adam_groups_with_different_learning_rates_step_by_their_own_rate():
    values, grads = initial_values(), gradient_sequence(3)
    params = make_params(values)
    optimizer = Adam([{"params": params[:1], "lr": 0.2}, {"params": params[1:]}], lr=0.02)
    got = run_steps(optimizer, params, grads)
    fast = reference_history(Adam, dict(lr=0.2), values, grads)
    slow = reference_history(Adam, dict(lr=0.02), values, grads)
    for t in range(3):
        np.testing.assert_allclose(got[t][0], fast[t][0], rtol=1e-12)
        for i in (1, 2):
            np.testing.assert_allclose(got[t][i], slow[t][i], rtol=1e-12, atol=1e-14)


unit = st.floats(0.0, 0.99)


@pytest.mark.parametrize(
    "cls, hyperparameters",
    [
        (
            SGD,
            st.fixed_dictionaries(
                dict(
                    lr=st.floats(0, 1),
                    momentum=unit,
                    dampening=unit,
                    weight_decay=st.floats(0, 1),
                    maximize=st.booleans(),
                )
            ),
        ),
        (
            SGD,
            st.fixed_dictionaries(
                dict(lr=st.floats(0, 1), momentum=st.floats(0.01, 0.99), nesterov=st.just(True))
            ),
        ),
        *[
            (
                cls,
                st.fixed_dictionaries(
                    dict(
                        lr=st.floats(0, 1),
                        betas=st.tuples(unit, unit),
                        eps=st.floats(1e-8, 1),
                        weight_decay=st.floats(0, 1),
                        amsgrad=st.booleans(),
                        maximize=st.booleans(),
                    )
                ),
            )
            for cls in (Adam, AdamW)
        ],
        (
            RMSprop,
            st.fixed_dictionaries(
                dict(
                    lr=st.floats(0, 1),
                    alpha=unit,
                    eps=st.floats(1e-8, 1),
                    weight_decay=st.floats(0, 1),
                    momentum=unit,
                    centered=st.booleans(),
                    maximize=st.booleans(),
                )
            ),
        ),
    ],
    ids=["SGD", "SGD-nesterov", "Adam", "AdamW", "RMSprop"],
)
def test_three_steps_follow_the_published_rule_for_any_valid_hyperparameters(cls, hyperparameters):
    @given(kwargs=hyperparameters, seed=st.integers(0, 2**32 - 1))
    def check(kwargs, seed):
        values, grads = initial_values(seed), gradient_sequence(3, seed + 1)
        params = make_params(values)
        got = run_steps(cls(params, **kwargs), params, grads)
        expected = reference_history(cls, kwargs, values, grads)
        for t in range(3):
            for i in range(len(SHAPES)):
                np.testing.assert_allclose(got[t][i], expected[t][i], rtol=1e-9, atol=1e-12)

    check()


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_parameters_without_a_gradient_are_skipped(setting):
    cls, kwargs = setting
    values = initial_values()
    params = make_params(values)
    optimizer = cls(params, **kwargs)
    params[0].grad = tinygan.ones_like(params[0])
    optimizer.step()
    for p, v in zip(params[1:], values[1:]):
        np.testing.assert_array_equal(p.numpy(), v)
        assert p not in optimizer.state
    assert not np.array_equal(params[0].numpy(), values[0])


# ---- convergence -------------------------------------------------------------------------------

# Gradients are written by hand here: these tests are about the optimizers, and they take
# thousands of steps (the MLP test below runs the optimizers together with backward).


def quadratic_problem():
    """f(θ) = ½ (θ - c)ᵀ A (θ - c) with A symmetric positive definite, eigenvalues 1 to 10."""
    rng = np.random.default_rng(3)
    q, _ = np.linalg.qr(rng.normal(size=(6, 6)))
    a = q @ np.diag(np.linspace(1.0, 10.0, 6)) @ q.T
    c = rng.normal(size=6)
    return a, c


@pytest.mark.parametrize(
    "cls, kwargs, steps",
    [
        (SGD, dict(lr=0.1), 300),
        (SGD, dict(lr=0.02, momentum=0.9), 300),
        (SGD, dict(lr=0.02, momentum=0.9, nesterov=True), 300),
        (Adam, dict(lr=0.05), 1000),
        (Adam, dict(lr=0.05, amsgrad=True), 1000),
        (AdamW, dict(lr=0.05, weight_decay=1e-4), 1000),
        # Plain RMSprop steps by about lr even at the minimum, so lr bounds how close it gets.
        (RMSprop, dict(lr=1e-3), 5000),
        (RMSprop, dict(lr=0.001, momentum=0.9, centered=True), 1000),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else str(value),
)
def test_minimizes_a_convex_quadratic_to_within_1e_3(cls, kwargs, steps):
    a, c = quadratic_problem()
    theta = tinygan.zeros(6, dtype=tinygan.float64, requires_grad=True)
    optimizer = cls([theta], **kwargs)
    for _ in range(steps):
        # ∇f(θ) = A (θ - c)
        theta.grad = tinygan.tensor(a @ (theta.numpy() - c))
        optimizer.step()
    assert np.abs(theta.numpy() - c).max() < 1e-3


def rosenbrock_gradient(point):
    """∇ of f(x, y) = (1 - x)² + 100 (y - x²)², whose minimum is at (1, 1)."""
    x, y = point
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


@pytest.mark.parametrize(
    "cls, kwargs, steps",
    [
        (SGD, dict(lr=1e-3, momentum=0.9), 2000),
        (SGD, dict(lr=1e-3, momentum=0.9, nesterov=True), 2000),
        (Adam, dict(lr=0.05), 2000),
        (Adam, dict(lr=0.05, amsgrad=True), 3000),
        (AdamW, dict(lr=0.05, weight_decay=1e-4), 2000),
        (RMSprop, dict(lr=2e-4, momentum=0.9), 4000),
        (RMSprop, dict(lr=2e-4, momentum=0.9, centered=True), 4000),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else str(value),
)
def test_reaches_the_rosenbrock_minimum_from_minus_1_5_2_to_within_1e_2(cls, kwargs, steps):
    point = tinygan.tensor([-1.5, 2.0], dtype=tinygan.float64, requires_grad=True)
    optimizer = cls([point], **kwargs)
    for _ in range(steps):
        point.grad = tinygan.tensor(rosenbrock_gradient(point.numpy()))
        optimizer.step()
    assert np.abs(point.numpy() - 1.0).max() < 1e-2, point


def three_blobs(n_per_class=100, seed=0):
    """Three Gaussian blobs on a circle of radius 2 (std 0.5): about 99 % separable."""
    rng = np.random.default_rng(seed)
    angles = 2 * np.pi * np.arange(3) / 3
    centres = 2 * np.stack([np.cos(angles), np.sin(angles)], axis=1)
    x = np.concatenate([rng.normal(c, 0.5, size=(n_per_class, 2)) for c in centres])
    y = np.repeat(np.arange(3), n_per_class)
    return x.astype(np.float32), y


@pytest.mark.parametrize(
    "cls, kwargs",
    [
        (SGD, dict(lr=0.1, momentum=0.9)),
        (Adam, dict(lr=0.01)),
        (AdamW, dict(lr=0.01)),
        (RMSprop, dict(lr=0.003)),
    ],
    ids=lambda value: value.__name__ if isinstance(value, type) else str(value),
)
def test_an_mlp_learns_three_gaussian_blobs_to_95_percent_accuracy(cls, kwargs):
    x_np, y_np = three_blobs()
    x, y = tinygan.tensor(x_np), tinygan.tensor(y_np)
    rng = np.random.default_rng(1)
    w1 = tinygan.tensor(rng.normal(0, 0.5, size=(32, 2)), dtype=tinygan.float32, requires_grad=True)
    b1 = tinygan.zeros(32, requires_grad=True)
    w2 = tinygan.tensor(rng.normal(0, 0.2, size=(3, 32)), dtype=tinygan.float32, requires_grad=True)
    b2 = tinygan.zeros(3, requires_grad=True)
    params = [w1, b1, w2, b2]

    def logits():
        return F.linear(F.relu(F.linear(x, w1, b1)), w2, b2)

    optimizer = cls(params, **kwargs)
    for _ in range(100):
        optimizer.zero_grad()
        F.cross_entropy(logits(), y).backward()
        optimizer.step()

    with tinygan.no_grad():
        accuracy = (logits().argmax(dim=1).numpy() == y_np).mean()
    assert accuracy >= 0.95
    assert all(p.dtype == tinygan.float32 for p in params)


# ---- devices and dtypes ------------------------------------------------------------------------


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_float32_parameters_and_state_stay_float32_on_their_device(setting, device):
    cls, kwargs = setting
    values, grads = initial_values(), gradient_sequence(3)
    params = make_params(values, dtype=tinygan.float32, device=device)
    arrays = [p.data for p in params]
    optimizer = cls(params, **kwargs)
    got = run_steps(optimizer, params, grads)

    for p, array in zip(params, arrays):
        assert p.data is array, "the update must happen in place"
        assert p.dtype == tinygan.float32 and p.device == device
        for name, value in optimizer.state[p].items():
            if name == "step":
                assert type(value) is int
            else:
                assert value.dtype == tinygan.float32, name
                assert value.device == device, name
                assert type(value.data) is type(p.data), name
    expected = reference_history(cls, kwargs, values, grads)
    for i in range(len(SHAPES)):
        np.testing.assert_allclose(got[-1][i], expected[-1][i], rtol=1e-4, atol=1e-5)


# ---- state_dict and load_state_dict ------------------------------------------------------------


def test_state_dict_has_pytorchs_layout_with_indices_counted_across_groups():
    params = make_params(initial_values())
    optimizer = Adam([{"params": params[:2]}, {"params": params[2:], "lr": 0.5}], amsgrad=True)
    run_steps(optimizer, params, gradient_sequence(2))
    saved = optimizer.state_dict()
    assert set(saved) == {"optimizer", "state", "param_groups"}  # PyTorch's, and the name
    assert [g["params"] for g in saved["param_groups"]] == [[0, 1], [2]]
    assert saved["param_groups"][0] == {
        "lr": 1e-3,
        "betas": (0.9, 0.999),
        "eps": 1e-8,
        "weight_decay": 0,
        "amsgrad": True,
        "maximize": False,
        "params": [0, 1],
    }
    assert saved["param_groups"][1]["lr"] == 0.5
    assert sorted(saved["state"]) == [0, 1, 2]
    for index, p in enumerate(params):
        entry = saved["state"][index]
        assert set(entry) == {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"}
        assert entry["step"] == 2
        assert entry["exp_avg"].shape == p.shape


def test_plain_sgd_keeps_no_state():
    params = make_params(initial_values())
    optimizer = SGD(params, lr=0.1)
    run_steps(optimizer, params, gradient_sequence(2))
    assert optimizer.state_dict()["state"] == {}


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_an_optimizer_loaded_from_a_state_dict_steps_bit_for_bit_like_the_original(setting):
    cls, kwargs = setting
    grads = gradient_sequence(5)
    params_a = make_params(initial_values())
    optimizer_a = cls([{"params": params_a[:1]}, {"params": params_a[1:], "lr": 0.02}], **kwargs)
    run_steps(optimizer_a, params_a, grads[:3])

    params_b = make_params([p.numpy() for p in params_a])
    # Other hyperparameters: the loaded ones must replace them.
    optimizer_b = cls([{"params": params_b[:1]}, {"params": params_b[1:]}], lr=123.0)
    optimizer_b.load_state_dict(optimizer_a.state_dict())
    assert optimizer_b.param_groups[1]["lr"] == 0.02
    assert optimizer_b.state_dict()["param_groups"] == optimizer_a.state_dict()["param_groups"]

    history_a = run_steps(optimizer_a, params_a, grads[3:])
    history_b = run_steps(optimizer_b, params_b, grads[3:])
    for values_a, values_b in zip(history_a, history_b):
        for a, b in zip(values_a, values_b):
            np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
def test_loading_copies_the_state_and_never_shares_memory_with_the_state_dict(setting):
    cls, kwargs = setting
    params = make_params(initial_values())
    optimizer = cls(params, **kwargs)
    run_steps(optimizer, params, gradient_sequence(2))
    saved = optimizer.state_dict()
    other = cls(make_params(initial_values()), **kwargs)
    other.load_state_dict(saved)
    for index, entry in saved["state"].items():
        for name, value in entry.items():
            if isinstance(value, tinygan.Tensor):
                loaded = other.state[other.param_groups[0]["params"][index]][name]
                assert not np.shares_memory(loaded.numpy(), value.numpy()), name
                np.testing.assert_array_equal(loaded.numpy(), value.numpy())
                value.data[...] = 7.0  # changing the dict afterwards changes nothing loaded
                assert not np.any(loaded.numpy() == 7.0)


def test_loading_puts_the_state_on_each_parameters_device_and_dtype(device):
    source = make_params(initial_values())
    saved_by = Adam(source, amsgrad=True)
    run_steps(saved_by, source, gradient_sequence(2))

    params = make_params(initial_values(), dtype=tinygan.float32, device=device)
    optimizer = Adam(params, amsgrad=True)
    optimizer.load_state_dict(saved_by.state_dict())
    for p in params:
        state = optimizer.state[p]
        assert state["step"] == 2
        for name in ("exp_avg", "exp_avg_sq", "max_exp_avg_sq"):
            assert state[name].dtype == tinygan.float32 and state[name].device == device
    run_steps(optimizer, params, gradient_sequence(1))
    assert all(p.dtype == tinygan.float32 for p in params)


def test_a_step_saved_as_a_0d_tensor_as_pytorch_saves_it_loads_as_an_int():
    params = make_params(initial_values())
    optimizer = Adam(params)
    run_steps(optimizer, params, gradient_sequence(2))
    saved = optimizer.state_dict()
    for entry in saved["state"].values():
        entry["step"] = tinygan.tensor(float(entry["step"]))
    other = Adam(make_params(initial_values()))
    other.load_state_dict(saved)
    assert all(type(s["step"]) is int and s["step"] == 2 for s in other.state.values())


def stepped_adam(group_sizes=(2, 1)):
    params = make_params(initial_values())
    groups, start = [], 0
    for size in group_sizes:
        groups.append({"params": params[start : start + size]})
        start += size
    optimizer = Adam(groups)
    run_steps(optimizer, params, gradient_sequence(1))
    return optimizer


def test_loading_a_state_dict_with_another_number_of_groups_raises():
    with pytest.raises(ValueError, match=r"2 parameter group\(s\), but this optimizer has 1"):
        Adam(make_params(initial_values())).load_state_dict(stepped_adam().state_dict())


def test_loading_a_state_dict_with_another_group_size_raises():
    target = stepped_adam((1, 2))
    with pytest.raises(ValueError, match=r"group 0 has 2 parameter\(s\) in the state dict, but 1"):
        target.load_state_dict(stepped_adam((2, 1)).state_dict())


def test_loading_state_of_the_wrong_shape_raises_naming_the_parameter_and_both_shapes():
    saved = stepped_adam().state_dict()
    params = [tinygan.zeros(*shape, requires_grad=True) for shape in [(3, 4), (4,), ()]]
    target = Adam([{"params": params[:2]}, {"params": params[2:]}])
    with pytest.raises(
        ValueError,
        match=r"'exp_avg' of parameter 1 \(group 0\) has shape \(5,\), but the parameter has "
        r"shape \(4,\)",
    ):
        target.load_state_dict(saved)
    assert not target.state, "a failed load must change nothing"


def test_loading_state_for_a_parameter_no_group_lists_raises():
    saved = stepped_adam().state_dict()
    saved["state"][7] = saved["state"][0]
    with pytest.raises(ValueError, match="state for parameter 7"):
        stepped_adam().load_state_dict(saved)


def test_state_dict_records_which_optimizer_made_it():
    assert stepped_adam().state_dict()["optimizer"] == "Adam"


def test_loading_the_state_dict_of_another_optimizer_is_refused_and_changes_nothing():
    params = make_params(initial_values())
    sgd = SGD(params, lr=0.1, momentum=0.9)
    with pytest.raises(
        ValueError, match=r"SGD.load_state_dict: the state dict was saved by Adam, not by SGD"
    ):
        sgd.load_state_dict(stepped_adam().state_dict())
    assert sgd.param_groups[0]["lr"] == 0.1 and not sgd.state


def test_loading_a_state_dict_with_other_hyperparameters_is_refused_naming_them():
    saved = stepped_adam().state_dict()
    del saved["optimizer"]  # as saved before the optimizer's name was recorded
    params = make_params(initial_values())
    sgd = SGD([{"params": params[:2]}, {"params": params[2:]}], lr=0.1)
    with pytest.raises(
        ValueError,
        match=r"SGD.load_state_dict: parameter group 0 of the state dict has hyperparameters "
        r"\['amsgrad', 'betas', 'eps'\] that SGD does not have, and lacks \['dampening', "
        r"'momentum', 'nesterov'\]",
    ):
        sgd.load_state_dict(saved)
    assert sgd.param_groups[0]["lr"] == 0.1


def test_a_state_dict_saved_without_the_optimizers_name_loads_when_its_keys_match():
    saved = stepped_adam().state_dict()
    del saved["optimizer"]
    target = stepped_adam()
    target.load_state_dict(saved)
    assert target.state_dict()["param_groups"] == saved["param_groups"]


def test_loading_bad_hyperparameters_raises():
    saved = stepped_adam().state_dict()
    saved["param_groups"][0]["lr"] = -1.0
    with pytest.raises(ValueError, match="Adam: invalid learning rate lr=-1.0"):
        stepped_adam().load_state_dict(saved)


# ---- zero_grad, step and the graph -------------------------------------------------------------


def test_zero_grad_drops_the_gradients_by_default():
    params = make_params(initial_values())
    for p in params:
        p.grad = tinygan.ones_like(p)
    SGD(params).zero_grad()
    assert all(p.grad is None for p in params)


def test_zero_grad_without_set_to_none_zeroes_the_same_arrays_in_place():
    params = make_params(initial_values())
    for p in params:
        p.grad = tinygan.ones_like(p)
    before = [(p.grad, p.grad.data) for p in params]
    SGD(params).zero_grad(set_to_none=False)
    for p, (grad, array) in zip(params, before):
        assert p.grad is grad and p.grad.data is array
        assert not p.grad.numpy().any()


def test_zero_grad_without_set_to_none_detaches_a_gradient_that_has_a_graph():
    w = tinygan.tensor([1.0, 2.0], requires_grad=True)
    (grad,) = tinygan.grad((w**3).sum(), w, create_graph=True)
    w.grad = grad
    SGD([w]).zero_grad(set_to_none=False)
    assert w.grad.grad_fn is None and not w.grad.requires_grad
    assert not w.grad.numpy().any()


def test_a_step_bumps_each_updated_parameters_version_once():
    params = make_params(initial_values())
    params[1].grad = tinygan.ones_like(params[1])
    versions = [p._version for p in params]
    Adam(params).step()
    assert [p._version - v for p, v in zip(params, versions)] == [0, 1, 0]


@pytest.mark.parametrize("cls", [SGD, Adam, AdamW, RMSprop])
def test_backward_through_a_graph_recorded_before_the_step_raises(cls):
    w = tinygan.tensor([1.0, 2.0], requires_grad=True)
    x = tinygan.tensor([3.0, 4.0], requires_grad=True)
    loss = (w * x).sum()  # mul saves w for x's gradient
    w.grad = tinygan.ones_like(w)
    cls([w], lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_step_with_a_closure_records_the_graph_even_under_no_grad_and_returns_the_loss():
    w = tinygan.tensor([1.0, -2.0], requires_grad=True)
    optimizer = SGD([w], lr=0.25)

    def closure():
        optimizer.zero_grad()
        loss = (w * w).sum()
        loss.backward()
        return loss

    with tinygan.no_grad():
        loss = optimizer.step(closure)
    assert loss.item() == 5.0
    np.testing.assert_array_equal(w.numpy(), [0.5, -1.0])  # w - 0.25 * 2w


def test_step_runs_without_recording_a_graph():
    w = tinygan.tensor([1.0, 2.0], requires_grad=True)
    w.grad = tinygan.ones_like(w)
    Adam([w]).step()
    assert w.is_leaf and w.requires_grad and tinygan.is_grad_enabled()


def test_add_param_group_fills_in_the_defaults():
    params = make_params(initial_values())
    optimizer = RMSprop(params[:1], lr=0.5, momentum=0.3)
    optimizer.add_param_group({"params": params[1:], "lr": 0.1})
    group = optimizer.param_groups[1]
    assert group["lr"] == 0.1 and group["momentum"] == 0.3 and group["alpha"] == 0.99
    assert len(group["params"]) == 2 and all(a is b for a, b in zip(group["params"], params[1:]))


def test_repr_lists_each_groups_hyperparameters():
    text = repr(SGD([tinygan.zeros(2, requires_grad=True)], lr=0.5))
    assert text.startswith("SGD (") and "Parameter Group 0" in text and "lr: 0.5" in text


# ---- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: SGD(p, lr=-0.1), "SGD: invalid learning rate lr=-0.1"),
        (lambda p: SGD(p, momentum=-0.5), "SGD: invalid momentum=-0.5"),
        (lambda p: SGD(p, weight_decay=-1e-4), "SGD: invalid weight_decay=-0.0001"),
        (lambda p: SGD(p, nesterov=True), r"SGD: invalid nesterov=True.*momentum > 0 \(got 0\)"),
        (
            lambda p: SGD(p, momentum=0.9, dampening=0.1, nesterov=True),
            r"dampening = 0 \(got 0.1\)",
        ),
        (lambda p: Adam(p, lr=-1), "Adam: invalid learning rate lr=-1"),
        (lambda p: Adam(p, betas=(1.0, 0.999)), r"Adam: invalid beta1 \(betas\[0\]\)=1.0"),
        (lambda p: Adam(p, betas=(0.9, -0.1)), r"Adam: invalid beta2 \(betas\[1\]\)=-0.1"),
        (lambda p: Adam(p, eps=0.0), "Adam: invalid eps=0.0"),
        (lambda p: Adam(p, weight_decay=-0.1), "Adam: invalid weight_decay=-0.1"),
        (lambda p: AdamW(p, eps=-1e-8), "AdamW: invalid eps=-1e-08"),
        (lambda p: AdamW(p, betas=(0.9, 1.5)), r"AdamW: invalid beta2 \(betas\[1\]\)=1.5"),
        (lambda p: RMSprop(p, alpha=-0.9), "RMSprop: invalid alpha=-0.9"),
        (lambda p: RMSprop(p, eps=0), "RMSprop: invalid eps=0"),
        (lambda p: RMSprop(p, momentum=-1), "RMSprop: invalid momentum=-1"),
        (lambda p: RMSprop(p, weight_decay=-1), "RMSprop: invalid weight_decay=-1"),
        (lambda p: RMSprop(p, lr=-1), "RMSprop: invalid learning rate lr=-1"),
        (lambda p: Adam([{"params": p, "lr": -2.0}]), "Adam: invalid learning rate lr=-2.0"),
    ],
)
def test_bad_hyperparameters_raise_naming_the_optimizer_and_the_value(make, message):
    with pytest.raises(ValueError, match=message):
        make([tinygan.zeros(2, requires_grad=True)])


def test_a_non_leaf_parameter_raises():
    w = tinygan.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="Adam: can't optimize a non-leaf tensor"):
        Adam([w * 2])


def test_a_parameter_that_does_not_require_grad_raises():
    with pytest.raises(ValueError, match="SGD: parameter 1 .* does not require grad"):
        SGD([tinygan.zeros(2, requires_grad=True), tinygan.zeros(3)])


def test_an_integer_parameter_raises():
    with pytest.raises(TypeError, match="floating point.*int64"):
        SGD([tinygan.tensor([1, 2])])


def test_a_parameter_given_twice_raises():
    w = tinygan.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="already optimized"):
        SGD([w, w])
    with pytest.raises(ValueError, match="already optimized"):
        SGD([{"params": [w]}, {"params": [w]}])


def test_params_in_a_set_raise_because_their_order_would_change_between_runs():
    with pytest.raises(TypeError, match="not a set"):
        Adam([{"params": {tinygan.zeros(2, requires_grad=True)}}])


def test_a_single_tensor_or_an_empty_list_as_params_raises():
    with pytest.raises(TypeError, match="single Tensor"):
        SGD(tinygan.zeros(2, requires_grad=True))
    with pytest.raises(ValueError, match="empty parameter list"):
        SGD([])
    with pytest.raises(TypeError, match="can only optimize Tensors"):
        SGD([np.zeros(2)])


def test_subclasses_only_write_the_rule():
    class SignDescent(Optimizer):
        def __init__(self, params, lr=0.1):
            super().__init__(params, dict(lr=lr))

        def _update(self, param, grad, state, group):
            param -= group["lr"] * tinygan.get_array_module(grad).sign(grad)

    w = tinygan.tensor([1.0, -1.0], requires_grad=True)
    w.grad = tinygan.tensor([5.0, -0.01])
    SignDescent([w]).step()
    np.testing.assert_allclose(w.numpy(), [0.9, -0.9])
