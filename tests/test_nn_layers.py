"""Every layer's gradients, through its input and its parameters, in training and evaluation
mode, match finite differences in float64; and so do the gradients of an input-gradient
penalty (double backward), as WGAN-GP and R1 take through a discriminator."""

from __future__ import annotations

import numpy as np
import pytest
from finite_differences import assert_gradients_match
from hypothesis import given
from hypothesis import strategies as st

import tinygan
from tinygan import nn

F64 = tinygan.float64


def scalar_checks(module, x, seed):
    """The two scalars whose gradients are checked: <module(x), v> and <d<module(x), v>/dx, w>."""
    rng = np.random.default_rng(seed)
    probe = module(x)  # to learn the output's shape
    v = tinygan.tensor(rng.standard_normal(probe.shape), dtype=F64, device=x.device)
    w = tinygan.tensor(rng.standard_normal(x.shape), dtype=F64, device=x.device)

    def forward_scalar():
        tinygan.manual_seed(seed)  # dropout draws the same mask every time
        return (module(x) * v).sum()

    def penalty_scalar():
        (gx,) = tinygan.grad(forward_scalar(), x, create_graph=True)
        return (gx * w).sum()  # like a gradient penalty: a function of d output / d input

    return forward_scalar, penalty_scalar


LAYERS = {
    # name: (build(draw) -> (module, input shape), whether to check the input-gradient penalty)
    "Linear": lambda d: (nn.Linear(d(st.integers(1, 3)), d(st.integers(1, 3)), dtype=F64), None),
    "Linear_no_bias": lambda d: (nn.Linear(3, 2, bias=False, dtype=F64), (2, 3)),
    "Conv2d": lambda d: (
        nn.Conv2d(
            2,
            d(st.integers(1, 2)),
            d(st.integers(1, 3)),
            d(st.integers(1, 2)),
            d(st.integers(0, 1)),
            dtype=F64,
        ),
        (2, 2, 4, 5),
    ),
    "ConvTranspose2d": lambda d: (
        nn.ConvTranspose2d(2, d(st.integers(1, 2)), 3, 2, 1, 1, dtype=F64),
        (1, 2, 3, 2),
    ),
    "BatchNorm1d": lambda d: (nn.BatchNorm1d(3, dtype=F64), (d(st.integers(2, 4)), 3)),
    "BatchNorm2d": lambda d: (nn.BatchNorm2d(2, dtype=F64), (3, 2, 2, 2)),
    "Dropout": lambda d: (nn.Dropout(d(st.sampled_from([0.2, 0.5]))), (3, 4)),
    "Sequential_MLP": lambda d: (
        nn.Sequential(
            nn.Linear(3, 4, dtype=F64), nn.LeakyReLU(0.2), nn.Linear(4, 2, dtype=F64), nn.Tanh()
        ),
        (2, 3),
    ),
    "Sequential_conv": lambda d: (
        nn.Sequential(
            nn.Conv2d(1, 2, 3, 2, 1, dtype=F64),
            nn.BatchNorm2d(2, dtype=F64),
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            nn.Linear(8, 1, dtype=F64),
            nn.Sigmoid(),
        ),
        (2, 1, 4, 4),
    ),
    "Unflatten_ConvTranspose": lambda d: (
        nn.Sequential(
            nn.Linear(2, 8, dtype=F64),
            nn.Unflatten(1, (2, 2, 2)),
            nn.ReLU(),
            nn.ConvTranspose2d(2, 1, 4, 2, 1, dtype=F64),
        ),
        (2, 2),
    ),
    "spectral_norm_Linear": lambda d: (nn.utils.spectral_norm(nn.Linear(3, 2, dtype=F64)), (2, 3)),
}


@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("name", LAYERS)
@given(data=st.data())
def test_layer_gradients_match_finite_differences(name, mode, device, data):
    tinygan.manual_seed(data.draw(st.integers(0, 2**16), label="weights seed"))  # reproducible
    module, shape = LAYERS[name](data.draw)
    if shape is None:  # Linear: the input width is the layer's
        shape = (data.draw(st.integers(1, 3)), module.in_features)
    if name == "spectral_norm_Linear" and mode == "train":
        module.eval()  # training runs a power-iteration step per forward; see the test below
    else:
        module.train(mode == "train")
    module.to(device)
    x = tinygan.tensor(data.draw(_values(shape)), dtype=F64, device=device, requires_grad=True)
    params = dict(module.named_parameters())
    forward_scalar, penalty_scalar = scalar_checks(module, x, seed=data.draw(st.integers(0, 99)))
    tensors, names = [x, *params.values()], ["input", *params]
    assert_gradients_match(forward_scalar, tensors, names)
    assert_gradients_match(penalty_scalar, tensors, names)


def _values(shape):
    return st.builds(
        lambda seed: np.random.default_rng(seed).uniform(-2, 2, shape), st.integers(0, 2**16)
    )


def test_embedding_gradient_adds_up_over_repeated_indices(device):
    layer = nn.Embedding(4, 3, dtype=F64).to(device)
    indices = tinygan.tensor([[0, 2], [2, 2]], device=device)
    (layer(indices) * 1.0).sum().backward()
    expected = np.zeros((4, 3))
    expected[0], expected[2] = 1.0, 3.0
    np.testing.assert_array_equal(layer.weight.grad.numpy(), expected)


def test_spectral_norm_training_tracks_the_largest_singular_value(device):
    tinygan.manual_seed(0)
    layer = nn.utils.spectral_norm(nn.Conv2d(3, 4, 3)).to(device)
    x = tinygan.randn(2, 3, 5, 5, device=device)
    for _ in range(5):
        layer(x)
    weight = layer.weight.numpy().reshape(4, -1)
    assert np.linalg.svd(weight, compute_uv=False)[0] == pytest.approx(1.0, abs=1e-3)
    u_before = layer.weight_u.numpy().copy()
    layer.eval()
    layer(x)
    np.testing.assert_array_equal(layer.weight_u.numpy(), u_before)  # eval: no iteration


def test_spectral_norm_of_a_transposed_convolution_normalizes_over_its_output_dim():
    layer = nn.utils.spectral_norm(nn.ConvTranspose2d(4, 3, 2))
    layer(tinygan.randn(1, 4, 3, 3))
    weight = np.moveaxis(layer.weight.numpy(), 1, 0).reshape(3, -1)
    assert np.linalg.svd(weight, compute_uv=False)[0] == pytest.approx(1.0, abs=1e-3)


def test_two_spectral_norm_forwards_before_one_backward_are_fine():
    # A GAN discriminator sees real and fake batches, then one backward covers both.
    layer = nn.utils.spectral_norm(nn.Linear(3, 1))
    loss = layer(tinygan.randn(2, 3)).sum() + layer(tinygan.randn(2, 3)).sum()
    loss.backward()
    assert layer.weight_orig.grad is not None
