"""Numerical behaviour the gradient checks can't see: stability for huge inputs, how ties are
broken, dropout's statistics and batch norm's running estimates."""

from __future__ import annotations

import numpy as np
import pytest

import tinygan
import tinygan.nn.functional as F

ACTIVATIONS = {
    "sigmoid": F.sigmoid,
    "tanh": F.tanh,
    "softplus": F.softplus,
    "log_sigmoid": F.log_sigmoid,
    "elu": F.elu,
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
}


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dtype", [tinygan.float32, tinygan.float64])
def test_activations_stay_finite_and_silent_for_huge_inputs(name, dtype, device):
    x = tinygan.tensor(
        [-1e4, -100.0, -30.0, 0.5, 30.0, 100.0, 1e4], dtype=dtype, device=device, requires_grad=True
    )
    with np.errstate(
        over="raise", invalid="raise", divide="raise"
    ):  # overflow, NaN or 1/0 become errors (underflow to 0 is fine)
        y = ACTIVATIONS[name](x)
        y.sum().backward()
    assert np.isfinite(y.numpy()).all() and np.isfinite(x.grad.numpy()).all()


def test_bce_with_logits_is_exact_and_keeps_its_gradient_for_confident_logits():
    logits = tinygan.tensor([-1e4, 1e4, -50.0], dtype=tinygan.float64, requires_grad=True)
    targets = tinygan.tensor([1.0, 1.0, 0.0], dtype=tinygan.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        loss = F.binary_cross_entropy_with_logits(logits, targets, reduction="sum")
        loss.backward()
    # -log sigmoid(-1e4) = 1e4; the other two are ~0
    assert loss.item() == pytest.approx(1e4)
    # d/dx = sigmoid(x) - t: the confidently wrong logit still gets the full gradient -1
    np.testing.assert_allclose(logits.grad.numpy(), [-1.0, 0.0, 0.0], atol=1e-20)


def test_logsumexp_and_softmax_are_stable_for_huge_values():
    x = tinygan.tensor([[1000.0, 1000.0], [-1000.0, -1e4]], dtype=tinygan.float64)
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        np.testing.assert_allclose(tinygan.logsumexp(x, 1).numpy(), [1000 + np.log(2), -1000])
        np.testing.assert_allclose(tinygan.softmax(x, 1).numpy(), [[0.5, 0.5], [1.0, 0.0]])


def test_amax_splits_the_gradient_between_ties_and_max_dim_picks_the_first():
    x = tinygan.tensor([[3.0, 1.0, 3.0]], requires_grad=True)
    x.amax().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0.5, 0.0, 0.5]])
    x.grad = None
    values, indices = x.max(dim=1)
    values.sum().backward()
    assert indices.tolist() == [0]
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 0.0, 0.0]])


def test_maximum_splits_ties_and_clamp_passes_gradient_at_its_bounds():
    a = tinygan.tensor([1.0, 2.0], requires_grad=True)
    b = tinygan.tensor([1.0, 0.0], requires_grad=True)
    tinygan.maximum(a, b).sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [0.5, 1.0])
    np.testing.assert_array_equal(b.grad.numpy(), [0.5, 0.0])
    x = tinygan.tensor([-1.0, 0.0, 1.0, 2.0], requires_grad=True)
    x.clamp(0.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 1.0, 0.0])


def test_dropout_zeroes_about_p_and_rescales_the_rest(device):
    x = tinygan.ones(200_000, device=device)
    y = F.dropout(x, p=0.3).numpy()
    kept = y != 0
    assert abs(1 - kept.mean() - 0.3) < 0.01
    np.testing.assert_allclose(y[kept], 1 / 0.7, rtol=1e-6)
    assert F.dropout(x, p=0.3, training=False) is x


def test_batch_norm_updates_running_estimates_with_the_unbiased_variance(device):
    x = tinygan.tensor([[1.0, 10.0], [3.0, 20.0], [5.0, 60.0]], device=device)
    running_mean, running_var = tinygan.zeros(2, device=device), tinygan.ones(2, device=device)
    y = F.batch_norm(x, running_mean, running_var, training=True, momentum=0.1)
    np.testing.assert_allclose(y.numpy().mean(0), [0, 0], atol=1e-6)
    np.testing.assert_allclose(running_mean.numpy(), 0.1 * np.array([3.0, 30.0]), rtol=1e-6)
    unbiased = np.var([[1, 10], [3, 20], [5, 60]], axis=0, ddof=1)
    np.testing.assert_allclose(running_var.numpy(), 0.9 + 0.1 * unbiased, rtol=1e-6)
