"""Tensors: how they are made, which dtype and device they get, how they convert, and how they
print."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest
from conftest import STANDIN_BACKEND, use_device

import tinygan
from tinygan import backend

# ---- dtypes -------------------------------------------------------------------------------------


def test_tensor_infers_dtypes_like_pytorch():
    assert tinygan.tensor([1.0, 2.0]).dtype == tinygan.float32
    assert tinygan.tensor(3.5).dtype == tinygan.float32
    assert tinygan.tensor([1, 2]).dtype == tinygan.int64
    assert tinygan.tensor([True]).dtype == tinygan.bool_
    assert tinygan.tensor(np.zeros(2)).dtype == tinygan.float64  # arrays keep their dtype
    assert tinygan.tensor([1, 2], dtype=tinygan.float64).dtype == tinygan.float64


@pytest.mark.parametrize(
    "make",
    [
        lambda x: x * 2.0,
        lambda x: 2.0 * x,
        lambda x: x + 1,
        lambda x: x / 3,
        lambda x: 1.5 - x,
        lambda x: x**2.0,
        lambda x: x * np.float64(2.0),
        lambda x: tinygan.maximum(x, 0.5),
        lambda x: tinygan.where(x > 0, x, 0.0),
        lambda x: x + tinygan.arange(1, 3, device=x.device),  # int64 does not widen float32
    ],
)
def test_python_and_numpy_scalars_are_weak_float32_stays_float32(make, device):
    x = tinygan.tensor([1.0, 2.0], device=device, requires_grad=True)
    y = make(x)
    assert y.dtype == tinygan.float32
    y.sum().backward()
    assert x.grad.dtype == tinygan.float32


def test_tensors_promote_like_pytorch():
    f32, f64 = tinygan.ones(2), tinygan.ones(2, dtype=tinygan.float64)
    assert (f32 + f64).dtype == tinygan.float64
    ints = tinygan.arange(2)
    assert (ints * 2.5).dtype == tinygan.float32  # a float scalar makes an int tensor float
    assert (ints / ints.clamp(min=1)).dtype == tinygan.float32  # true division
    assert (ints + 1).dtype == tinygan.int64


@pytest.mark.parametrize(
    "data, described",
    [
        (None, "None"),
        ("abc", "str"),
        ([object()], "list"),
        ([1.0, None], "list"),
        ({"a": 1}, "dict"),
        (np.array(["a", "b"]), "numpy.ndarray"),
    ],
)
def test_tensor_refuses_data_that_is_not_numbers_when_it_is_made(data, described):
    with pytest.raises(TypeError, match=rf"tensor: cannot make a tensor from {described} "):
        tinygan.tensor(data)


def test_tensor_refuses_strings_even_with_a_dtype_and_says_what_it_takes():
    with pytest.raises(
        TypeError, match=r"holds dtype <U3, not numbers\. Give a number, nested lists"
    ):
        tinygan.tensor("1.5", dtype=tinygan.float32)
    with pytest.raises(TypeError, match="tensor: cannot make a tensor of dtype object"):
        tinygan.tensor([1.0], dtype=object)


# ---- factories ----------------------------------------------------------------------------------


def test_factories_take_sizes_both_ways_and_honour_dtype_and_device(device):
    for make in (tinygan.zeros, tinygan.ones, tinygan.randn, tinygan.rand):
        a = make(2, 3, device=device)
        b = make((2, 3), dtype=tinygan.float64, device=device)
        assert a.shape == b.shape == (2, 3)
        assert a.dtype == tinygan.float32 and b.dtype == tinygan.float64
        assert a.device == b.device == device
    assert tinygan.full((2,), 7.0, device=device).tolist() == [7.0, 7.0]
    assert tinygan.arange(3, device=device).tolist() == [0, 1, 2]
    assert tinygan.arange(0, 1, 0.5).dtype == tinygan.float32
    assert tinygan.linspace(0, 1, 3, device=device).tolist() == [0.0, 0.5, 1.0]
    x = tinygan.randn(2, 2, dtype=tinygan.float64, device=device)
    for like in (tinygan.zeros_like, tinygan.ones_like, tinygan.randn_like, tinygan.rand_like):
        y = like(x)
        assert (y.shape, y.dtype, y.device) == (x.shape, x.dtype, x.device)
    assert sorted(tinygan.randperm(5, device=device).tolist()) == [0, 1, 2, 3, 4]
    r = tinygan.randint(3, 6, (100,), device=device)
    assert r.dtype == tinygan.int64 and 3 <= r.numpy().min() and r.numpy().max() < 6


def test_random_factories_draw_plausible_distributions():
    normal = tinygan.randn(100_000).numpy()
    uniform = tinygan.rand(100_000).numpy()
    assert abs(normal.mean()) < 0.02 and abs(normal.std() - 1) < 0.02
    assert 0 <= uniform.min() and uniform.max() < 1 and abs(uniform.mean() - 0.5) < 0.01


def test_manual_seed_makes_every_device_reproducible_bit_for_bit(device):
    tinygan.manual_seed(7)
    first = [tinygan.randn(5, device=device).numpy(), tinygan.rand(3, device=device).numpy()]
    tinygan.manual_seed(7)
    second = [tinygan.randn(5, device=device).numpy(), tinygan.rand(3, device=device).numpy()]
    tinygan.manual_seed(8)
    other = tinygan.randn(5, device=device).numpy()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], other)


def test_rng_state_can_be_saved_and_restored():
    state = tinygan.random.get_rng_state()
    a = tinygan.randn(4).numpy()
    tinygan.random.set_rng_state(state)
    np.testing.assert_array_equal(tinygan.randn(4).numpy(), a)


def test_rng_state_of_earlier_checkpoints_still_restores():
    """Checkpoints written before the GPU generator was saved hold the CPU state alone."""
    earlier = tinygan.random.get_rng_state()["cpu"]
    a = tinygan.randn(4).numpy()
    tinygan.random.set_rng_state(earlier)
    np.testing.assert_array_equal(tinygan.randn(4).numpy(), a)


def test_rng_state_of_another_shape_is_refused_with_its_keys():
    with pytest.raises(ValueError, match=r"'cpu' entry.*\['seed'\]"):
        tinygan.random.set_rng_state({"seed": 3})


def test_rng_state_restores_the_gpu_generator_too(device):
    """CuPy cannot export its generator's state: taking the state re-seeds it, and restoring
    re-seeds it the same way, so the draws after a save repeat after a restore."""
    tinygan.manual_seed(5)
    tinygan.randn(3, device=device)  # the generator is in use
    state = tinygan.random.get_rng_state()
    after_save = [tinygan.randn(4, device=device).numpy() for _ in range(2)]
    tinygan.randn(9, device=device)
    tinygan.random.set_rng_state(state)
    after_restore = [tinygan.randn(4, device=device).numpy() for _ in range(2)]
    for a, b in zip(after_save, after_restore):
        np.testing.assert_array_equal(a, b)
    # a later save derives a new seed, and restoring that one repeats its own continuation
    second = tinygan.random.get_rng_state()
    continuation = tinygan.randn(4, device=device).numpy()
    tinygan.random.set_rng_state(second)
    np.testing.assert_array_equal(tinygan.randn(4, device=device).numpy(), continuation)


# ---- devices ------------------------------------------------------------------------------------


def test_device_arrays_refuse_implicit_conversion_to_numpy(device):
    if device == "cpu":
        pytest.skip("NumPy arrays convert to themselves")
    x = tinygan.ones(2, device=device)
    with pytest.raises(TypeError):
        np.asarray(x.data)
    assert isinstance(x.numpy(), np.ndarray)  # the explicit copy works


def test_to_moves_between_devices_and_the_gradient_comes_back(device):
    x = tinygan.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(device) * 3.0
    assert y.device == device
    y.sum().backward()
    assert x.grad.device == "cpu"
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 3.0])
    assert x.to("cpu") is x


def test_to_changes_dtype_differentiably():
    x = tinygan.tensor([1.0, 2.0], requires_grad=True)
    y = x.to(tinygan.float64)
    assert y.dtype == tinygan.float64 and x.double().dtype == tinygan.float64
    (y * y).sum().backward()
    assert x.grad.dtype == tinygan.float32
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 4.0])


def test_mixing_devices_raises_an_error_naming_the_op_and_both_devices():
    use_device("standin")
    try:
        on_gpu, on_cpu = tinygan.ones(2, device="cuda"), tinygan.ones(2)
        with pytest.raises(
            RuntimeError, match="Mul: inputs are on different devices \\(cuda, cpu\\)"
        ):
            on_gpu * on_cpu
        with pytest.raises(RuntimeError, match="never copies implicitly"):
            on_gpu + np.ones(2, dtype=np.float32)
    finally:
        backend._cuda = None


@pytest.mark.parametrize("bad_device", [0, "", False, "gpu", "CPU"])
def test_every_factory_refuses_a_device_that_is_not_cpu_or_cuda(bad_device):
    expected = r"unknown device .*: expected one of \('cpu', 'cuda'\)"
    for make in (
        lambda: tinygan.tensor([1.0], device=bad_device),
        lambda: tinygan.tensor(np.ones(2), device=bad_device),
        lambda: tinygan.zeros(2, device=bad_device),
        lambda: tinygan.zeros_like(tinygan.ones(2), device=bad_device),
        lambda: tinygan.ones(2).to(device=bad_device),
        lambda: tinygan.nn.Linear(2, 1).to(device=bad_device),
    ):
        with pytest.raises(ValueError, match=expected):
            make()


def test_to_with_a_bogus_argument_says_it_is_neither_a_device_nor_a_dtype():
    expected = r"to: 'bogus' is neither a device \('cpu', 'cuda'\) nor a dtype"
    with pytest.raises(TypeError, match=expected):
        tinygan.ones(2).to("bogus")
    with pytest.raises(TypeError, match=expected):
        tinygan.nn.Linear(2, 1).to("bogus")


def test_default_device_comes_from_set_default_device_and_the_environment(monkeypatch):
    monkeypatch.setattr(backend, "_cuda", STANDIN_BACKEND)
    monkeypatch.setattr(backend, "_default_device", None)
    monkeypatch.setenv("TINYGAN_DEVICE", "cuda")
    assert tinygan.zeros(1).device == "cuda"
    tinygan.set_default_device("cpu")
    assert tinygan.zeros(1).device == "cpu"
    with pytest.raises(ValueError, match="unknown device 'gpu'"):
        tinygan.set_default_device("gpu")


def test_asking_for_cuda_without_cupy_says_so_and_how_to_install(monkeypatch):
    monkeypatch.setattr(backend, "_cuda", None)
    monkeypatch.setitem(sys.modules, "cupy", None)  # makes `import cupy` fail
    with pytest.raises(RuntimeError, match="needs CuPy, which is not installed.*pip install cupy"):
        tinygan.zeros(1, device="cuda")
    assert not tinygan.cuda_is_available()


def test_asking_for_cuda_without_a_gpu_says_so(monkeypatch):
    fake_cupy = types.SimpleNamespace(
        __version__="13.0",
        cuda=types.SimpleNamespace(runtime=types.SimpleNamespace(getDeviceCount=lambda: 0)),
    )
    monkeypatch.setattr(backend, "_cuda", None)
    monkeypatch.setitem(sys.modules, "cupy", fake_cupy)
    monkeypatch.setitem(sys.modules, "cupyx", types.SimpleNamespace(scatter_add=None))
    with pytest.raises(RuntimeError, match="needs a CUDA GPU, but CuPy 13.0 found none"):
        tinygan.zeros(1, device="cuda")


# ---- conversions and printing -------------------------------------------------------------------


def test_numpy_item_and_python_conversions(device):
    x = tinygan.tensor([[1.5]], device=device)
    assert isinstance(x.numpy(), np.ndarray)
    assert x.item() == 1.5 and float(x) == 1.5 and int(x) == 1 and bool(x)
    assert tinygan.tensor([1, 2]).tolist() == [1, 2]
    with pytest.raises(ValueError, match="only one-element tensors"):
        tinygan.ones(2).item()
    with pytest.raises(RuntimeError, match="ambiguous"):
        bool(tinygan.ones(2))


def test_numpy_of_a_tensor_is_a_read_only_view_of_its_values(device):
    x = tinygan.tensor([1.0, 2.0], device=device)
    values = x.numpy()
    assert not values.flags.writeable
    with pytest.raises(ValueError, match="assignment destination is read-only"):
        values[0] = 5.0
    with pytest.raises(ValueError, match="read-only"):
        np.random.shuffle(x.numpy())
    writable = x.numpy().copy()  # the way to get an array of one's own
    writable[0] = 5.0
    assert x.tolist() == [1.0, 2.0]


def test_numpy_cannot_be_used_to_change_values_behind_a_recorded_graph():
    x = tinygan.tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    with pytest.raises(ValueError, match="read-only"):
        x.numpy()[0] = 5.0
    y.backward()
    assert x.grad.tolist() == [2.0, 4.0]


def test_numpy_on_the_cpu_shares_memory_so_later_in_place_changes_show():
    x = tinygan.tensor([1.0, 2.0])
    values = x.numpy()
    x.add_(1.0)
    assert values.tolist() == [2.0, 3.0]


def test_numpy_arrays_on_the_left_defer_to_the_tensor():
    y = np.ones(2, dtype=np.float32) * tinygan.tensor([2.0, 3.0], requires_grad=True)
    assert isinstance(y, tinygan.Tensor) and y.requires_grad


def test_repr_reads_like_pytorch():
    assert repr(tinygan.tensor([1.0, 2.5])) == "tensor([1. , 2.5])"
    x = tinygan.tensor([1.0], requires_grad=True)
    assert repr(x) == "tensor([1.], requires_grad=True)"
    assert repr(x * 2) == "tensor([2.], grad_fn=<Mul>)"
    assert repr(tinygan.tensor([1.0], dtype=tinygan.float64)) == "tensor([1.], dtype=float64)"
    use_device("standin")
    try:
        assert repr(tinygan.ones(1, device="cuda")) == "tensor([1.], device='cuda')"
    finally:
        backend._cuda = None


def test_shape_attributes_and_methods():
    x = tinygan.zeros(2, 3, 4)
    assert x.shape == x.size() == (2, 3, 4) and x.size(1) == 3
    assert x.ndim == x.dim() == 3 and x.numel() == 24 and len(x) == 2
    assert x.T.shape == (4, 3, 2) and x.mT.shape == (2, 4, 3)
    assert x.view(6, 4).shape == (6, 4) and x.permute((2, 0, 1)).shape == (4, 2, 3)


def test_comparisons_give_bool_tensors_outside_the_graph():
    x = tinygan.tensor([1.0, 2.0, 3.0], requires_grad=True)
    mask = x > 1.5
    assert mask.dtype == tinygan.bool_ and not mask.requires_grad
    assert mask.tolist() == [False, True, True]
    assert (x == 2.0).tolist() == [False, True, False]
    assert {x: "usable as a key"}[x] == "usable as a key"  # hashed by identity


def test_a_0d_float64_tensor_does_not_widen_a_float32_tensor():
    weights = tinygan.ones(3)
    alpha = tinygan.tensor(np.float64(0.25))  # e.g. a random mixing weight
    assert (weights * alpha).dtype == tinygan.float32
    assert (alpha * weights).dtype == tinygan.float32
    assert (alpha * tinygan.tensor(np.float32(2.0))).dtype == tinygan.float64  # both 0-d


def test_negative_zero_scalars_keep_their_sign():
    x = tinygan.tensor([1.0, -2.0])
    _ = x * 0.0
    with np.errstate(divide="ignore"):
        assert (1 / (x * -0.0)).tolist() == [-np.inf, np.inf]


def test_casting_to_integers_leaves_the_graph():
    x = tinygan.tensor([1.5, 2.5], requires_grad=True)
    assert not x.to(tinygan.int64).requires_grad


def test_a_cupy_array_is_recognised_before_cuda_was_first_asked_for(monkeypatch):
    import cupy_standin

    monkeypatch.setattr(backend, "_cuda", None)
    monkeypatch.setattr(backend, "_load_cupy", lambda: STANDIN_BACKEND)
    t = tinygan.tensor(cupy_standin.asarray(np.ones(2, dtype=np.float32)))
    assert t.device == "cuda"


def test_reducing_a_0d_tensor_over_dim_0_is_allowed():
    x = tinygan.tensor(3.0, requires_grad=True)
    assert x.sum(0).item() == 3.0 and x.mean(-1).item() == 3.0
    values, indices = x.max(0)
    assert values.item() == 3.0 and indices.item() == 0
    x.logsumexp(0).backward()
    assert x.grad.item() == 1.0


def test_pow_gradients_are_zero_where_pytorch_masks_them():
    x = tinygan.tensor([0.0, 1.0], dtype=tinygan.float64, requires_grad=True)
    (x**0).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0]
    e = tinygan.tensor([2.0, 0.5], dtype=tinygan.float64, requires_grad=True)
    (tinygan.zeros(2, dtype=tinygan.float64) ** e).sum().backward()
    assert e.grad.tolist() == [0.0, 0.0]
