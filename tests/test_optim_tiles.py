"""The optimizers' step over cache-sized tiles on several threads (tinygan/optim/tiles.py) gives
the same numbers, bit for bit, as the rule applied to each whole parameter at once, also for
parameters whose data was replaced, that skip steps, or that are not contiguous in memory.

The reference runs with one tile per parameter and no threads; the tiled runs with tiles of
1,000 numbers shared among three threads, so that the parameters below are cut into many tiles
(the last one short) and the threads' shares end inside parameters.
"""

from __future__ import annotations

import numpy as np
import pytest

import tinygan
from tinygan.optim import SGD, Adam, AdamW, RMSprop, tiles

SETTINGS = [
    (SGD, dict(lr=0.1, momentum=0.9)),
    (SGD, dict(lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.1, nesterov=False)),
    (SGD, dict(lr=0.1, momentum=0.9, nesterov=True, maximize=True)),
    (Adam, dict(lr=2e-4, betas=(0.5, 0.999))),
    (Adam, dict(lr=0.05, betas=(0.8, 0.9), weight_decay=0.1, amsgrad=True)),
    (Adam, dict(lr=0.1, eps=0.1, maximize=True)),
    (AdamW, dict(lr=0.1, betas=(0.5, 0.9), weight_decay=0.5, amsgrad=True)),
    (RMSprop, dict(lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.1)),
    (RMSprop, dict(lr=0.01, maximize=True)),
]
SHAPES = [(37, 101), (4321,), (3,), ()]  # three tiled ones (not multiples of 1,000), two whole


def setting_id(setting):
    cls, kwargs = setting
    return cls.__name__ + "(" + ", ".join(f"{k}={v}" for k, v in kwargs.items()) + ")"


def use_tiles(monkeypatch, tile: int, threads: int) -> None:
    monkeypatch.setattr(tiles, "TILE", tile)
    monkeypatch.setattr(tiles, "THREADS", threads)
    monkeypatch.setattr(tiles, "SERIAL_BELOW", 0)
    monkeypatch.setattr(tiles, "_pool", None)  # a new pool, of this many threads


@pytest.fixture
def tiled(monkeypatch):
    use_tiles(monkeypatch, tile=1000, threads=3)


def make_params(dtype, device, seed=0):
    rng = np.random.default_rng(seed)
    return [
        tinygan.tensor(rng.normal(size=s), dtype=dtype, device=device, requires_grad=True)
        for s in SHAPES
    ]


def gradients(steps, seed=1):
    """Gradients that shrink and grow (so amsgrad's maximum matters); None now and then, so
    that some parameters skip steps and their step counts part."""
    rng = np.random.default_rng(seed)
    return [
        [
            None if (t + i) % 4 == 3 else rng.choice([3.0, 0.1, 1.0]) * rng.normal(size=s)
            for i, s in enumerate(SHAPES)
        ]
        for t in range(steps)
    ]


def trajectory(setting, dtype, device, steps):
    """Each step's parameters, and the final state."""
    cls, kwargs = setting
    params = make_params(dtype, device)
    optimizer = cls([{"params": params[:2]}, {"params": params[2:], "lr": 0.003}], **kwargs)
    history = []
    for grads in gradients(steps):
        for p, g in zip(params, grads):
            p.grad = None if g is None else tinygan.tensor(g, dtype=dtype, device=device)
        optimizer.step()
        history.append([p.numpy().copy() for p in params])
    state = [
        {k: v.numpy().copy() if isinstance(v, tinygan.Tensor) else v for k, v in s.items()}
        for s in (optimizer.state[p] for p in params)
    ]
    return history, state


def assert_same(a, b):
    (history_a, state_a), (history_b, state_b) = a, b
    for t, (step_a, step_b) in enumerate(zip(history_a, history_b)):
        for i, (x, y) in enumerate(zip(step_a, step_b)):
            np.testing.assert_array_equal(x, y, err_msg=f"step {t + 1}, parameter {i}")
    for entry_a, entry_b in zip(state_a, state_b):
        assert entry_a.keys() == entry_b.keys()
        for name in entry_a:
            np.testing.assert_array_equal(entry_a[name], entry_b[name], err_msg=name)


@pytest.mark.parametrize("setting", SETTINGS, ids=setting_id)
@pytest.mark.parametrize("dtype", [tinygan.float32, tinygan.float64], ids=str)
def test_tiles_on_threads_give_the_whole_parameter_rule_bit_for_bit(setting, dtype, monkeypatch):
    use_tiles(monkeypatch, tile=10**9, threads=1)
    whole = trajectory(setting, dtype, "cpu", 40)
    use_tiles(monkeypatch, tile=1000, threads=3)
    assert_same(trajectory(setting, dtype, "cpu", 40), whole)


@pytest.mark.parametrize("setting", SETTINGS[::2], ids=setting_id)
def test_tiled_steps_on_the_device_follow_the_cpu_within_float32_rounding(setting, device, tiled):
    """On CuPy (or the stand-in, which refuses NumPy calls on device arrays) a parameter is one
    tile; the result is the CPU's up to the device's own rounding."""
    on_device = trajectory(setting, tinygan.float32, device, 10)
    on_cpu = trajectory(setting, tinygan.float32, "cpu", 10)
    for x, y in zip(on_device[0][-1], on_cpu[0][-1]):
        np.testing.assert_allclose(x, y, rtol=1e-5, atol=1e-6)


def stepped_once(cls, **kwargs):
    """Float32 parameters and an optimizer over them, after one step with gradients of ones."""
    params = make_params(tinygan.float32, "cpu")
    optimizer = cls(params, **kwargs)
    for p in params:
        p.grad = tinygan.ones_like(p)
    optimizer.step()
    return params, optimizer


def test_a_parameter_without_a_gradient_keeps_its_values_and_state(tiled):
    params, optimizer = stepped_once(Adam, lr=0.1)
    frozen = params[0].numpy().copy()
    state = {k: v.numpy().copy() for k, v in optimizer.state[params[0]].items() if k != "step"}
    params[0].grad = None
    for p in params[1:]:
        p.grad = tinygan.ones_like(p)
    optimizer.step()
    np.testing.assert_array_equal(params[0].numpy(), frozen)
    assert optimizer.state[params[0]]["step"] == 1 and optimizer.state[params[1]]["step"] == 2
    for name, value in state.items():
        np.testing.assert_array_equal(optimizer.state[params[0]][name].numpy(), value)


@pytest.mark.parametrize("layout", ["transposed", "fortran", "new float64 array"])
def test_data_replaced_between_steps_is_what_the_next_step_updates(layout, tiled):
    """``p.data = ...`` (as Module.to and hand-written code do): the step writes into the new
    array, also when it is not C-contiguous (a flat view would be a copy, the update lost)."""
    params, optimizer = stepped_once(SGD, lr=0.5, momentum=0.9)
    big = params[0]
    values = big.numpy().copy()
    if layout == "transposed":
        new = np.ascontiguousarray(values.T).T
    elif layout == "fortran":
        new = np.asfortranarray(values)
    else:
        new = values.astype(np.float64)
    big.data = new
    big.grad = tinygan.tensor(np.ones_like(values), dtype=big.dtype)
    optimizer.step()
    assert big.data is new
    # b ← 0.9 · 1 + 1 = 1.9, then θ ← θ - 0.5 · 1.9
    np.testing.assert_allclose(big.numpy(), values - 0.95, rtol=1e-6, atol=1e-6)
    assert optimizer.state[big]["momentum_buffer"].dtype == big.dtype


def test_state_that_is_not_c_contiguous_after_loading_is_still_updated_in_place(tiled):
    params, optimizer = stepped_once(Adam, lr=0.1)
    saved = optimizer.state_dict()
    for name in ("exp_avg", "exp_avg_sq"):  # the saved buffers, as transposed views
        array = saved["state"][0][name].numpy()
        saved["state"][0][name] = tinygan.Tensor(np.ascontiguousarray(array.T).T)
    optimizer.load_state_dict(saved)
    before = optimizer.state[params[0]]["exp_avg_sq"].numpy().copy()
    for p in params:
        p.grad = tinygan.ones_like(p)
    optimizer.step()
    # v ← 0.999 v + 0.001 · 1
    np.testing.assert_allclose(
        optimizer.state[params[0]]["exp_avg_sq"].numpy(), 0.999 * before + 0.001, rtol=1e-6
    )


def test_a_resumed_optimizer_over_tiles_continues_bit_for_bit(tiled):
    grads = gradients(8)
    params_a = make_params(tinygan.float32, "cpu")
    optimizer_a = Adam(params_a, lr=2e-4, betas=(0.5, 0.999), amsgrad=True)

    def run(optimizer, params, steps):
        for step_grads in steps:
            for p, g in zip(params, step_grads):
                p.grad = None if g is None else tinygan.tensor(g, dtype=p.dtype)
            optimizer.step()

    run(optimizer_a, params_a, grads[:4])
    params_b = [tinygan.tensor(p.numpy(), requires_grad=True) for p in params_a]
    optimizer_b = Adam(params_b, lr=1.0, amsgrad=True)
    optimizer_b.load_state_dict(optimizer_a.state_dict())
    run(optimizer_a, params_a, grads[4:])
    run(optimizer_b, params_b, grads[4:])
    for a, b in zip(params_a, params_b):
        np.testing.assert_array_equal(a.numpy(), b.numpy())


def test_an_error_in_a_thread_reaches_the_caller(tiled):
    class Broken(SGD):
        def _update(self, param, grad, state, group):
            if param.size == 1000:  # some tiles only, in every thread's share
                raise ArithmeticError("a tile failed")
            super()._update(param, grad, state, group)

    params = make_params(tinygan.float32, "cpu")
    optimizer = Broken(params, lr=0.1)
    for p in params:
        p.grad = tinygan.ones_like(p)
    with pytest.raises(ArithmeticError, match="a tile failed"):
        optimizer.step()
