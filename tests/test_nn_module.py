"""Module: registration, traversal, modes, moving, state dicts, printing; layer arguments;
initialization."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygan
from tinygan import nn
from tinygan.nn import init


class TwoLayers(nn.Module):
    def __init__(self):
        super().__init__()
        self.hidden = nn.Linear(3, 4)
        self.scale = nn.Parameter(tinygan.ones(1))
        self.register_buffer("steps", tinygan.zeros(1))
        self.register_buffer("cache", tinygan.zeros(2), persistent=False)
        self.out = nn.Linear(4, 1)

    def forward(self, x):
        return self.out(tinygan.tanh(self.hidden(x))) * self.scale


def test_parameters_come_in_registration_order_every_time():
    names = [name for name, _ in TwoLayers().named_parameters()]
    assert names == ["scale", "hidden.weight", "hidden.bias", "out.weight", "out.bias"]
    assert [n for n, _ in TwoLayers().named_buffers()] == ["steps", "cache"]
    assert [n for n, _ in TwoLayers().named_modules()] == ["", "hidden", "out"]


def test_a_shared_parameter_is_listed_once():
    a, b = nn.Linear(2, 2), nn.Linear(2, 2)
    b.weight = a.weight
    model = nn.Sequential(a, b)
    assert len(list(model.parameters())) == 3


def test_assigning_the_wrong_kind_to_a_registered_name_is_an_error():
    layer = nn.Linear(2, 2)
    with pytest.raises(TypeError, match="cannot assign a Tensor to parameter 'weight'"):
        layer.weight = tinygan.ones(2, 2)
    layer.weight = None  # allowed, as in PyTorch
    with pytest.raises(AttributeError, match="super\\(\\).__init__\\(\\)"):

        class Forgot(nn.Module):
            def __init__(self):
                self.layer = nn.Linear(1, 1)

        Forgot()


def test_train_eval_zero_grad_and_requires_grad_reach_every_submodule():
    model = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.Linear(2, 1)))
    assert all(m.training for m in model.modules())
    model.eval()
    assert not any(m.training for m in model.modules())
    model(tinygan.ones(1, 2)).sum().backward()
    assert all(p.grad is not None for p in model.parameters())
    model.zero_grad()
    assert all(p.grad is None for p in model.parameters())
    model.requires_grad_(False)
    assert not any(p.requires_grad for p in model.parameters())


def test_to_moves_in_place_keeping_the_parameter_objects(device):
    model = TwoLayers()
    params = list(model.parameters())
    model.to(device)
    assert [id(p) for p in model.parameters()] == [id(p) for p in params]
    assert all(t.device == device for t in [*model.parameters(), *model.buffers()])
    model.to(tinygan.float64)
    assert all(p.dtype == tinygan.float64 for p in model.parameters())
    x = tinygan.ones(2, 3, dtype=tinygan.float64, device=device)
    assert model(x).device == device


def test_cpu_and_cuda_are_to_with_the_device_named(device):
    model = TwoLayers()
    assert (model.cuda() if device == "cuda" else model.cpu()) is model
    assert all(t.device == device for t in [*model.parameters(), *model.buffers()])
    model.cpu()
    assert all(t.device == "cpu" for t in [*model.parameters(), *model.buffers()])


def test_state_dict_holds_parameters_and_persistent_buffers():
    model = TwoLayers()
    state = model.state_dict()
    assert list(state) == [
        "scale",
        "steps",
        "hidden.weight",
        "hidden.bias",
        "out.weight",
        "out.bias",
    ]
    assert np.shares_memory(state["hidden.weight"].data, model.hidden.weight.data)


def test_load_state_dict_copies_values_in_place():
    source, target = TwoLayers(), TwoLayers()
    weight = target.hidden.weight
    target.load_state_dict(source.state_dict())
    assert target.hidden.weight is weight
    np.testing.assert_array_equal(weight.numpy(), source.hidden.weight.numpy())
    assert not np.shares_memory(weight.data, source.hidden.weight.data)


def test_load_state_dict_errors_name_the_keys_and_shapes():
    model, state = TwoLayers(), TwoLayers().state_dict()
    state["hidden.weight"] = tinygan.zeros(5, 3)
    state["extra"] = tinygan.zeros(1)
    del state["out.bias"]
    with pytest.raises(RuntimeError) as error:
        model.load_state_dict(state)
    message = str(error.value)
    assert "hidden.weight: shape (5, 3) in the state dict, (4, 3) in the model" in message
    assert "missing keys ['out.bias']" in message and "unexpected keys ['extra']" in message
    state["hidden.weight"] = tinygan.zeros(4, 3, dtype=tinygan.float64)
    with pytest.raises(RuntimeError, match="hidden.weight: dtype float64 in the state dict"):
        model.load_state_dict(state, strict=False)
    state["hidden.weight"] = tinygan.zeros(4, 3)
    result = model.load_state_dict(state, strict=False)
    assert result.missing_keys == ["out.bias"] and result.unexpected_keys == ["extra"]


def test_repr_prints_the_architecture():
    model = nn.Sequential(nn.Linear(2, 3), nn.LeakyReLU(0.2), nn.Sequential(nn.Tanh()))
    assert repr(model) == (
        "Sequential(\n"
        "  (0): Linear(in_features=2, out_features=3, bias=True)\n"
        "  (1): LeakyReLU(negative_slope=0.2)\n"
        "  (2): Sequential(\n"
        "    (0): Tanh()\n"
        "  )\n"
        ")"
    )


def test_containers_index_iterate_and_append():
    seq = nn.Sequential(nn.Linear(1, 2), nn.ReLU())
    seq.append(nn.Linear(2, 1))
    assert len(seq) == 3 and isinstance(seq[-1], nn.Linear) and len(seq[:2]) == 2
    layers = nn.ModuleList([nn.Linear(1, 1)]).extend([nn.Linear(1, 1)])
    owner = nn.Module()
    owner.layers = layers
    assert len(list(owner.parameters())) == 4


# ---- layer arguments ----------------------------------------------------------------------------


def test_hyperparameters_after_the_sizes_are_keyword_only():
    with pytest.raises(TypeError):
        nn.BatchNorm2d(64, 0.8)  # the classic bug: 0.8 meant as momentum would become eps
    nn.BatchNorm2d(64, momentum=0.8)
    with pytest.raises(ValueError, match="BatchNorm2d: eps must be a finite positive number"):
        nn.BatchNorm2d(4, eps=0)
    with pytest.raises(ValueError, match="BatchNorm1d: momentum must be a number in \\[0, 1\\]"):
        nn.BatchNorm1d(4, momentum=1.5)
    with pytest.raises(ValueError, match="Dropout: p must be a number in \\[0, 1\\]"):
        nn.Dropout(2)
    with pytest.raises(ValueError, match="Linear: in_features must be a positive int"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="Conv2d: stride must be at least 1"):
        nn.Conv2d(1, 1, 3, 0)


def test_batch_norm_checks_its_input_rank():
    with pytest.raises(ValueError, match="BatchNorm2d: expected a 4-D input"):
        nn.BatchNorm2d(3)(tinygan.ones(2, 3))


def test_batch_norm_eval_uses_the_running_statistics():
    layer = nn.BatchNorm1d(2, momentum=1.0)
    x = tinygan.tensor([[0.0, 10.0], [2.0, 30.0]])
    layer(x)  # momentum 1: running stats become this batch's mean and unbiased variance
    assert layer.num_batches_tracked.item() == 1
    layer.eval()
    y = layer(tinygan.tensor([[1.0, 20.0]]))
    np.testing.assert_allclose(y.numpy(), [[0.0, 0.0]], atol=1e-6)


# ---- initialization -----------------------------------------------------------------------------


def test_default_initialization_is_pytorchs():
    tinygan.manual_seed(0)
    layer = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    weights = layer.weight.numpy()
    assert -bound <= weights.min() and weights.max() <= bound
    assert weights.std() == pytest.approx(bound / math.sqrt(3), rel=0.02)  # uniform's std
    conv = nn.Conv2d(8, 16, 3)
    assert np.abs(conv.weight.numpy()).max() <= 1 / math.sqrt(8 * 9)
    transposed = nn.ConvTranspose2d(8, 16, 3)  # fan_in from dim 1: 16 * 9, as PyTorch does
    assert np.abs(transposed.weight.numpy()).max() <= 1 / math.sqrt(16 * 9)


def test_initialization_is_reproducible_from_the_seed():
    tinygan.manual_seed(5)
    first = nn.Linear(3, 3).weight.numpy().copy()
    tinygan.manual_seed(5)
    np.testing.assert_array_equal(nn.Linear(3, 3).weight.numpy(), first)


@pytest.mark.parametrize(
    "fill, expected_std",
    [
        (lambda t: init.xavier_uniform_(t), math.sqrt(2 / (500 + 400))),
        (lambda t: init.xavier_normal_(t, gain=2.0), 2 * math.sqrt(2 / (500 + 400))),
        (lambda t: init.kaiming_normal_(t, nonlinearity="relu"), math.sqrt(2 / 400)),
        (lambda t: init.kaiming_uniform_(t, a=0.2), math.sqrt(2 / 1.04) / math.sqrt(400)),
        (lambda t: init.normal_(t, 0.0, 0.02), 0.02),
    ],
)
def test_init_functions_give_their_published_scales(fill, expected_std):
    weight = tinygan.zeros(500, 400)
    fill(weight)
    assert weight.numpy().std() == pytest.approx(expected_std, rel=0.02)
    assert abs(weight.numpy().mean()) < expected_std * 0.02


def test_init_in_place_is_seen_by_the_version_counter():
    layer = nn.Linear(2, 1)
    loss = layer(tinygan.ones(1, 2)).sum()
    init.zeros_(layer.weight)
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_wgan_weight_clipping_clamps_every_parameter_in_place():
    critic = nn.Sequential(nn.Linear(3, 8), nn.ReLU(), nn.Linear(8, 1))
    params = list(critic.parameters())
    with tinygan.no_grad():
        for p in critic.parameters():
            p.clamp_(-0.01, 0.01)
    assert [id(p) for p in critic.parameters()] == [id(p) for p in params]
    assert all(np.abs(p.numpy()).max() <= 0.01 for p in critic.parameters())


# ---- found missing by review --------------------------------------------------------------------


def test_dropout_is_the_identity_in_eval_and_rescales_in_training():
    layer = nn.Dropout(0.25)
    x = tinygan.ones(10_000)
    kept = layer(x).numpy()
    np.testing.assert_allclose(np.unique(kept), [0.0, 1 / 0.75], rtol=1e-6)
    assert layer.eval()(x) is x


def test_to_moves_gradients_too(device):
    model = nn.Linear(2, 1)
    model(tinygan.ones(1, 2)).sum().backward()
    model.to(device).to(tinygan.float64)
    for p in model.parameters():
        assert (p.grad.dtype, p.grad.device) == (tinygan.float64, device)


def test_optimizer_state_follows_the_model_when_it_moves(device):
    model = nn.Linear(3, 2)
    optimizer = tinygan.optim.Adam(model.parameters())
    for _ in range(2):
        model(
            tinygan.ones(1, 3, dtype=model.weight.dtype, device=model.weight.device)
        ).sum().backward()
        optimizer.step()
        model.to(device).to(tinygan.float64)
    for state in optimizer.state.values():
        for value in state.values():
            if isinstance(value, tinygan.Tensor):
                assert (value.dtype, value.device) == (tinygan.float64, device)


def test_registering_a_taken_name_is_an_error():
    layer = nn.Linear(2, 2)
    with pytest.raises(KeyError, match="attribute 'weight' already exists"):
        layer.register_buffer("weight", tinygan.zeros(2, 2))
    layer.note = 3
    with pytest.raises(KeyError, match="attribute 'note' already exists"):
        layer.add_module("note", nn.Identity())
    with pytest.raises(KeyError, match="'training' already exists"):
        layer.register_buffer("training", tinygan.zeros(1))


def test_state_dict_lists_a_module_used_twice_under_both_names_as_pytorch():
    shared = nn.Linear(1, 1)
    assert list(nn.Sequential(shared, shared).state_dict()) == [
        "0.weight",
        "0.bias",
        "1.weight",
        "1.bias",
    ]


def test_slicing_a_sequential_keeps_the_names():
    from collections import OrderedDict

    model = nn.Sequential(OrderedDict([("fc", nn.Linear(1, 2)), ("act", nn.ReLU())]))
    assert [name for name, _ in model[1:].named_children()] == ["act"]


def test_a_forward_pre_hook_can_be_removed():
    calls = []
    layer = nn.Identity()
    handle = layer.register_forward_pre_hook(lambda module: calls.append(module))
    layer(tinygan.ones(1))
    handle.remove()
    layer(tinygan.ones(1))
    assert calls == [layer]


def test_unflatten_checks_its_dim_and_accepts_one_minus_one():
    assert nn.Unflatten(1, (2, -1))(tinygan.zeros(4, 6)).shape == (4, 2, 3)
    with pytest.raises(IndexError, match="dim 5 is out of range"):
        nn.Unflatten(5, (2, 3))(tinygan.zeros(4, 6))
    with pytest.raises(ValueError, match="does not split"):
        nn.Unflatten(1, (4, 2))(tinygan.zeros(4, 6))


def test_arguments_refuse_bools_and_infinities_and_take_numpy_ints():
    assert nn.Linear(np.int64(3), np.int64(2)).weight.shape == (2, 3)
    with pytest.raises(ValueError, match="Dropout: p must be a number"):
        nn.Dropout(True)
    with pytest.raises(ValueError, match="eps must be a finite positive number"):
        nn.BatchNorm1d(2, eps=math.inf)
    with pytest.raises(TypeError, match="affine must be True or False"):
        nn.BatchNorm1d(2, affine="no")
    with pytest.raises(ValueError, match="negative_slope must be a finite number"):
        nn.LeakyReLU("a")


def test_default_initialization_of_embedding_and_batch_norm():
    tinygan.manual_seed(0)
    weights = nn.Embedding(1000, 100).weight.numpy()
    assert abs(weights.mean()) < 0.01 and abs(weights.std() - 1) < 0.01
    layer = nn.BatchNorm2d(3)
    assert layer.weight.tolist() == [1.0] * 3 and layer.bias.tolist() == [0.0] * 3


def test_batch_norm_without_running_stats_or_affine_parameters():
    layer = nn.BatchNorm1d(2, affine=False, track_running_stats=False).eval()
    assert list(layer.parameters()) == [] and layer.state_dict() == {}
    y = layer(tinygan.tensor([[1.0, 5.0], [3.0, 9.0]]))  # eval still uses the batch
    np.testing.assert_allclose(y.numpy(), [[-1.0, -1.0], [1.0, 1.0]], atol=1e-4)


def test_batch_norm_running_estimates_over_several_steps_and_none_in_eval():
    layer = nn.BatchNorm1d(1, momentum=0.3)
    batches = [np.array([[1.0], [3.0]]), np.array([[2.0], [6.0]]), np.array([[0.0], [4.0]])]
    mean, var = 0.0, 1.0
    for batch in batches:
        layer(tinygan.tensor(batch, dtype=tinygan.float32))
        mean = 0.7 * mean + 0.3 * batch.mean()
        var = 0.7 * var + 0.3 * batch.var(ddof=1)
    assert layer.running_mean.item() == pytest.approx(mean, rel=1e-6)
    assert layer.running_var.item() == pytest.approx(var, rel=1e-6)
    layer.eval()(tinygan.ones(2, 1))
    assert layer.num_batches_tracked.item() == 3


def test_spectral_norm_on_any_weight_dim_normalizes_that_matrix():
    for dim in (2, -1):
        layer = nn.utils.spectral_norm(nn.Conv2d(3, 4, (5, 2)), dim=dim)
        layer(tinygan.randn(1, 3, 6, 6))
        weight = np.moveaxis(layer.weight.numpy(), dim, 0)
        matrix = weight.reshape(weight.shape[0], -1)
        assert np.linalg.svd(matrix, compute_uv=False)[0] == pytest.approx(1.0, abs=1e-3)


def test_a_spectral_normed_model_survives_a_state_dict_round_trip():
    source = nn.utils.spectral_norm(nn.Linear(4, 3))
    for _ in range(3):
        source(tinygan.randn(2, 4))
    target = nn.utils.spectral_norm(nn.Linear(4, 3))
    target.load_state_dict(source.state_dict())
    x = tinygan.randn(2, 4)
    np.testing.assert_array_equal(source.eval()(x).numpy(), target.eval()(x).numpy())


LAYERS_FLOAT32 = {
    "Linear": (lambda: nn.Linear(3, 2), (2, 3)),
    "Conv2d": (lambda: nn.Conv2d(2, 3, 3, 2, 1), (2, 2, 5, 5)),
    "ConvTranspose2d": (lambda: nn.ConvTranspose2d(2, 3, 4, 2, 1), (2, 2, 3, 3)),
    "BatchNorm1d": (lambda: nn.BatchNorm1d(3), (4, 3)),
    "BatchNorm2d": (lambda: nn.BatchNorm2d(2), (3, 2, 2, 2)),
    "Dropout": (lambda: nn.Dropout(0.3), (4, 3)),
    "spectral_norm": (lambda: nn.utils.spectral_norm(nn.Linear(3, 2)), (2, 3)),
}


@pytest.mark.parametrize("name", LAYERS_FLOAT32)
def test_every_layer_keeps_float32_outputs_gradients_and_buffers(name, device):
    build, shape = LAYERS_FLOAT32[name]
    layer = build().to(device)
    x = tinygan.randn(*shape, device=device, requires_grad=True)
    y = layer(x)
    y.sum().backward()
    tensors = [y, x.grad, *layer.parameters(), *[p.grad for p in layer.parameters()]]
    tensors += [b for b in layer.buffers() if b.dtype.kind == "f"]
    for t in tensors:
        assert (t.dtype, t.device) == (tinygan.float32, device)
