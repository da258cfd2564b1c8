"""The GAN losses and penalties of ``tinygan.gan``, proved against finite differences and against
their formulas written out independently here.

What is proved:

- Every objective's discriminator loss, as a function of (real logits, fake logits), and
  generator loss, as a function of fake logits, pass ``gradcheck`` in float64 on every device,
  with and without one-sided label smoothing (real target 0.9); their values are the formulas of
  the table in ``tinygan/gan/objectives.py``, written with probabilities D = sigmoid(l); the
  Wasserstein critic refuses label smoothing; extreme logits give finite losses and full
  gradients.
- Saturation: as D(G(z)) -> 0 (fake logit l -> -inf) the minimax generator loss's gradient
  sigmoid(l) vanishes (below 1e-8 at l = -20), while the non-saturating loss's 1 - sigmoid(l)
  tends to 1; the same holds for a generator's parameters behind a confident discriminator.
- The generator's gradient through a frozen discriminator matches finite differences in the
  generator's parameters, for every objective, and gives the discriminator no gradient.
- A discriminator step (loss on real data and detached fakes, a penalty, an optimizer step)
  leaves the generator's parameters bit for bit and its gradients as they were.
- WGAN-GP and R1: their gradients in the discriminator's parameters (a double backward) match
  finite differences, for vector and image samples; their values are exact for a linear critic
  (GP = weight (|w| - 1)^2, R1 = weight / 2 |w|^2, with the norm over all non-batch dimensions);
  the slope is taken per sample; GP's critic sees points on the segments from fake to real.
"""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from finite_differences import assert_gradients_match
from hypothesis import given
from hypothesis import strategies as st

import tinygan
import tinygan.nn.functional as F
from tinygan import nn, optim
from tinygan.gan import OBJECTIVES, gradient_penalty, objective, r1_penalty

F64 = tinygan.float64
NAMES = sorted(OBJECTIVES)
SMOOTHED = [name for name in NAMES if OBJECTIVES[name].supports_label_smoothing]

# ----------------------------------------------------------------------------------------------
# The losses in logits: gradients and values


def logits(shape=hnp.array_shapes(min_dims=0, max_dims=2, max_side=4)):
    # away from the hinge's kinks at l = -1 (fake), l = 1 and l = 0.9 (real, smoothed)
    away_from_kinks = st.floats(-6.0, 6.0).filter(
        lambda v: abs(abs(v) - 1.0) > 0.05 and abs(v - 0.9) > 0.05
    )
    return hnp.arrays(np.float64, shape, elements=away_from_kinks)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def reference_losses(name, real, fake, real_target=1.0):
    """(discriminator loss, generator loss) from the table, in probabilities D = sigmoid(l)."""
    t, d_real, d_fake = real_target, sigmoid(real), sigmoid(fake)
    cross_entropy = np.mean(-t * np.log(d_real) - (1 - t) * np.log(1 - d_real))
    return {
        "minimax": (cross_entropy + np.mean(-np.log(1 - d_fake)), np.mean(np.log(1 - d_fake))),
        "non_saturating": (cross_entropy + np.mean(-np.log(1 - d_fake)), np.mean(-np.log(d_fake))),
        "wasserstein": (np.mean(fake) - np.mean(real), -np.mean(fake)),
        "least_squares": (
            np.mean((real - t) ** 2) / 2 + np.mean(fake**2) / 2,
            np.mean((fake - 1) ** 2) / 2,
        ),
        "hinge": (  # no label smoothing: t is always 1 here
            np.mean(np.maximum(0, 1 - real)) + np.mean(np.maximum(0, 1 + fake)),
            -np.mean(fake),
        ),
    }[name]


def test_the_objectives_are_the_five_of_the_table_and_an_unknown_name_is_refused():
    assert NAMES == ["hinge", "least_squares", "minimax", "non_saturating", "wasserstein"]
    assert SMOOTHED == ["least_squares", "minimax", "non_saturating"]
    for name in NAMES:
        assert objective(name) is OBJECTIVES[name] and objective(name).name == name
    with pytest.raises(ValueError, match="unknown GAN objective 'vanilla'.*minimax"):
        objective("vanilla")


@pytest.mark.parametrize("name", NAMES)
@given(data=st.data())
def test_discriminator_and_generator_losses_pass_gradcheck(device, name, data):
    real = tinygan.tensor(data.draw(logits()), dtype=F64, device=device, requires_grad=True)
    fake = tinygan.tensor(data.draw(logits()), dtype=F64, device=device, requires_grad=True)
    loss = objective(name)
    assert tinygan.gradcheck(loss.discriminator_loss, [real, fake])
    assert tinygan.gradcheck(loss.generator_loss, [fake])


@pytest.mark.parametrize("name", SMOOTHED)
@given(data=st.data())
def test_label_smoothed_discriminator_losses_pass_gradcheck(device, name, data):
    real = tinygan.tensor(data.draw(logits()), dtype=F64, device=device, requires_grad=True)
    fake = tinygan.tensor(data.draw(logits()), dtype=F64, device=device, requires_grad=True)
    loss = objective(name)
    assert tinygan.gradcheck(
        lambda r, f: loss.discriminator_loss(r, f, real_target=0.9), [real, fake]
    )


@pytest.mark.parametrize("name", NAMES)
@given(real=logits(), fake=logits())
def test_losses_equal_the_formulas_of_the_table(name, real, fake):
    loss = objective(name)
    expected_d, expected_g = reference_losses(name, real, fake)
    d = loss.discriminator_loss(tinygan.tensor(real, dtype=F64), tinygan.tensor(fake, dtype=F64))
    g = loss.generator_loss(tinygan.tensor(fake, dtype=F64))
    assert d.item() == pytest.approx(expected_d, rel=1e-10, abs=1e-12)
    assert g.item() == pytest.approx(expected_g, rel=1e-10, abs=1e-12)
    if loss.supports_label_smoothing:
        smoothed, _ = reference_losses(name, real, fake, real_target=0.9)
        d = loss.discriminator_loss(
            tinygan.tensor(real, dtype=F64), tinygan.tensor(fake, dtype=F64), real_target=0.9
        )
        assert d.item() == pytest.approx(smoothed, rel=1e-10, abs=1e-12)


def test_wasserstein_critic_refuses_label_smoothing():
    scores = tinygan.randn(4, dtype=F64)
    wasserstein = objective("wasserstein")
    with pytest.raises(ValueError, match="wasserstein: label smoothing"):
        wasserstein.discriminator_loss(scores, scores, real_target=0.9)
    assert wasserstein.discriminator_loss(scores, scores, real_target=1.0).item() == 0.0


@pytest.mark.parametrize("name", NAMES)
def test_losses_keep_the_logits_dtype_and_device(device, name):
    real = tinygan.randn(5, 1, device=device)
    fake = tinygan.randn(3, 1, device=device, requires_grad=True)
    loss = objective(name)
    for value in (loss.discriminator_loss(real, fake), loss.generator_loss(fake)):
        assert value.shape == () and value.dtype == tinygan.float32 and value.device == device
        (g,) = tinygan.grad(value, fake)
        assert g.dtype == tinygan.float32 and g.device == device


def test_confidently_wrong_logits_give_finite_losses_and_full_gradients():
    # D sure that a real sample is fake (l = -1e4) and that a fake one is real (l = +1e4): the
    # cross-entropy is 1e4 per sample and its slope 1, with no clipping of probabilities.
    real = tinygan.tensor([-1e4], dtype=F64, requires_grad=True)
    fake = tinygan.tensor([1e4], dtype=F64, requires_grad=True)
    loss = objective("minimax").discriminator_loss(real, fake)
    loss.backward()
    assert loss.item() == pytest.approx(2e4)
    assert real.grad.item() == -1.0 and fake.grad.item() == 1.0
    # the non-saturating generator, fully rejected (l = -1e4), still gets the whole gradient
    rejected = tinygan.tensor([-1e4], dtype=F64, requires_grad=True)
    loss = objective("non_saturating").generator_loss(rejected)
    loss.backward()
    assert loss.item() == pytest.approx(1e4) and rejected.grad.item() == -1.0


# ----------------------------------------------------------------------------------------------
# Saturation: the minimax generator's gradient vanishes as D(G(z)) -> 0, the non-saturating does not

SWEEP = np.array([-40.0, -30.0, -20.0, -15.0, -10.0, -5.0, -2.0, 0.0, 2.0, 5.0])


def generator_loss_slopes(name, fake_logits):
    """d loss / d l for each sample (the loss is a mean, so multiply the gradient by the batch)."""
    fake = tinygan.tensor(fake_logits, dtype=F64, requires_grad=True)
    objective(name).generator_loss(fake).backward()
    return fake.grad.numpy() * fake_logits.size


def test_minimax_generator_slope_is_minus_sigmoid_and_vanishes_as_the_fakes_are_rejected():
    slopes = generator_loss_slopes("minimax", SWEEP)
    # d/dl log(1 - sigmoid(l)) = -sigmoid(l) = -exp(l) / (1 + exp(l)), accurate for l << 0
    np.testing.assert_allclose(slopes, -np.exp(SWEEP) / (1 + np.exp(SWEEP)), rtol=1e-12, atol=0)
    assert abs(slopes[SWEEP == -20.0].item()) < 1e-8
    assert np.all(np.diff(np.abs(slopes)) > 0)  # smaller and smaller as l decreases


def test_non_saturating_generator_slope_is_sigmoid_minus_one_and_tends_to_one():
    slopes = generator_loss_slopes("non_saturating", SWEEP)
    # d/dl -log sigmoid(l) = -(1 - sigmoid(l)) = -1 / (1 + exp(l))
    np.testing.assert_allclose(slopes, -1 / (1 + np.exp(SWEEP)), rtol=1e-12, atol=0)
    assert abs(slopes[SWEEP == -20.0].item()) > 1 - 1e-8
    assert np.all(np.diff(np.abs(slopes)) <= 0)  # larger as l decreases (1 in rounding from -20)


def test_both_generator_losses_push_the_fake_logits_up_at_every_logit():
    for name in ("minimax", "non_saturating"):
        assert np.all(generator_loss_slopes(name, SWEEP) < 0)


def test_generator_behind_a_confident_discriminator_learns_only_with_the_non_saturating_loss():
    # D(x) = sigmoid(x - 25) rejects G(z) = a z + b (near 0) with D(G(z)) ~ 1e-11
    generator = nn.Linear(1, 1, dtype=F64)
    discriminator = nn.Linear(1, 1, dtype=F64)
    with tinygan.no_grad():
        discriminator.weight.fill_(1.0)
        discriminator.bias.fill_(-25.0)
    discriminator.requires_grad_(False)
    z = tinygan.randn(16, 1, dtype=F64)
    norms = {}
    for name in ("minimax", "non_saturating"):
        loss = objective(name).generator_loss(discriminator(generator(z)))
        grads = tinygan.grad(loss, list(generator.parameters()))
        norms[name] = np.sqrt(sum(float((g.numpy() ** 2).sum()) for g in grads))
    assert norms["minimax"] < 1e-9
    assert norms["non_saturating"] > 0.1


# ----------------------------------------------------------------------------------------------
# The generator's gradient through a frozen discriminator


def mlp(sizes, device):
    """Linear layers with tanh between them: smooth, so finite differences are accurate."""
    layers = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        layers += [nn.Linear(n_in, n_out, dtype=F64, device=device), nn.Tanh()]
    return nn.Sequential(*layers[:-1])


@pytest.mark.parametrize("name", NAMES)
def test_generator_gradient_through_a_frozen_discriminator_matches_finite_differences(device, name):
    generator = mlp([2, 6, 2], device)
    discriminator = mlp([2, 6, 1], device).requires_grad_(False)
    frozen = [p.numpy().copy() for p in discriminator.parameters()]
    z = tinygan.randn(5, 2, dtype=F64, device=device)

    def generator_loss():
        return objective(name).generator_loss(discriminator(generator(z)))

    assert_gradients_match(generator_loss, list(generator.parameters()), atol=1e-7, rtol=1e-5)
    loss = generator_loss()
    loss.backward()
    assert all(p.grad is not None for p in generator.parameters())
    assert all(p.grad is None for p in discriminator.parameters())
    assert all(np.array_equal(p.numpy(), f) for p, f in zip(discriminator.parameters(), frozen))


def test_freezing_the_discriminator_does_not_change_the_generators_gradient():
    generator, discriminator = mlp([2, 6, 2], "cpu"), mlp([2, 6, 1], "cpu")
    z = tinygan.randn(5, 2, dtype=F64)
    grads = []
    for requires_grad in (True, False):
        discriminator.requires_grad_(requires_grad)
        loss = objective("non_saturating").generator_loss(discriminator(generator(z)))
        grads.append([g.numpy() for g in tinygan.grad(loss, list(generator.parameters()))])
    for unfrozen, frozen in zip(*grads):
        assert np.array_equal(unfrozen, frozen)


# ----------------------------------------------------------------------------------------------
# A discriminator step leaves the generator alone


def discriminator_step(name, generator, discriminator, optimizer, real, z):
    fake = generator(z)
    loss = objective(name).discriminator_loss(discriminator(real), discriminator(fake.detach()))
    # the penalty gets the fakes undetached: it detaches them itself
    if name == "wasserstein":
        loss = loss + gradient_penalty(discriminator, real, fake)
    else:
        loss = loss + r1_penalty(discriminator, real)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()


@pytest.mark.parametrize("name", NAMES)
def test_discriminator_step_leaves_generator_parameters_and_gradients_untouched(device, name):
    generator, discriminator = mlp([2, 6, 2], device), mlp([2, 6, 1], device)
    optimizer = optim.Adam(discriminator.parameters(), lr=1e-2)
    real = tinygan.randn(8, 2, dtype=F64, device=device)
    z = tinygan.randn(8, 2, dtype=F64, device=device)
    g_params = [p.numpy().copy() for p in generator.parameters()]
    d_params = [p.numpy().copy() for p in discriminator.parameters()]

    discriminator_step(name, generator, discriminator, optimizer, real, z)
    assert all(np.array_equal(p.numpy(), s) for p, s in zip(generator.parameters(), g_params))
    assert all(p.grad is None for p in generator.parameters())
    assert not all(
        np.array_equal(p.numpy(), s) for p, s in zip(discriminator.parameters(), d_params)
    )

    # gradients the generator already holds (from its own backward) stay as they were
    objective(name).generator_loss(discriminator(generator(z))).backward()
    g_grads = [p.grad.numpy().copy() for p in generator.parameters()]
    discriminator_step(name, generator, discriminator, optimizer, real, z)
    assert all(np.array_equal(p.numpy(), s) for p, s in zip(generator.parameters(), g_params))
    assert all(np.array_equal(p.grad.numpy(), s) for p, s in zip(generator.parameters(), g_grads))


def test_without_detach_the_discriminator_loss_would_reach_the_generator():
    # the control for the test above: it would see a leak
    generator, discriminator = mlp([2, 6, 2], "cpu"), mlp([2, 6, 1], "cpu")
    real, z = tinygan.randn(8, 2, dtype=F64), tinygan.randn(8, 2, dtype=F64)
    objective("minimax").discriminator_loss(
        discriminator(real), discriminator(generator(z))
    ).backward()
    assert all(p.grad is not None for p in generator.parameters())


def test_penalties_send_no_gradient_into_the_samples():
    critic = mlp([3, 4, 1], "cpu")
    real = tinygan.randn(4, 3, dtype=F64, requires_grad=True)
    fake = tinygan.randn(4, 3, dtype=F64, requires_grad=True)
    (gradient_penalty(critic, real, fake) + r1_penalty(critic, real)).backward()
    assert real.grad is None and fake.grad is None
    assert critic[0].weight.grad is not None


# ----------------------------------------------------------------------------------------------
# WGAN-GP and R1: gradients in the critic's parameters (a double backward), and exact values


def mlp_critic(params):
    w1, b1, w2, b2 = params
    return lambda x: F.linear(tinygan.tanh(F.linear(x, w1, b1)), w2, b2)


def conv_critic(params):
    kernel, bias, w, b = params
    return lambda x: F.linear(tinygan.tanh(F.conv2d(x, kernel, bias)).flatten(1), w, b)


CRITICS = {
    # name: (critic(params), parameter shapes, sample shape)
    "mlp": (mlp_critic, [(5, 3), (5,), (1, 5), (1,)], (4, 3)),
    "conv": (conv_critic, [(2, 2, 3, 3), (2,), (1, 8), (1,)], (3, 2, 4, 4)),
}


def critic_parameters(shapes, device, rng):
    return [
        tinygan.tensor(rng.standard_normal(s) * 0.7, dtype=F64, device=device, requires_grad=True)
        for s in shapes
    ]


@pytest.mark.parametrize("critic_name", sorted(CRITICS))
@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_penalty_gradient_in_the_critics_parameters_matches_finite_differences(
    device, critic_name, seed
):
    critic, shapes, sample_shape = CRITICS[critic_name]
    rng = np.random.default_rng(seed)
    params = critic_parameters(shapes, device, rng)
    real = tinygan.tensor(rng.standard_normal(sample_shape), dtype=F64, device=device)
    fake = tinygan.tensor(rng.standard_normal(sample_shape), dtype=F64, device=device)

    def penalty(*params):
        tinygan.manual_seed(seed)  # the same interpolation weights at every evaluation
        return gradient_penalty(critic(params), real, fake, weight=3.0)

    assert tinygan.gradcheck(penalty, params)


@pytest.mark.parametrize("critic_name", sorted(CRITICS))
@pytest.mark.parametrize("seed", [0, 1])
def test_r1_penalty_gradient_in_the_critics_parameters_matches_finite_differences(
    device, critic_name, seed
):
    critic, shapes, sample_shape = CRITICS[critic_name]
    rng = np.random.default_rng(seed)
    params = critic_parameters(shapes, device, rng)
    real = tinygan.tensor(rng.standard_normal(sample_shape), dtype=F64, device=device)
    assert tinygan.gradcheck(lambda *params: r1_penalty(critic(params), real, weight=3.0), params)


@pytest.mark.parametrize("weight", [1.0, 10.0, 0.25])
def test_penalties_of_a_linear_critic_are_exact(device, weight):
    # D(x) = w . x + b has input gradient w at every x: GP = weight (|w| - 1)^2 wherever the
    # interpolation points fall, and R1 = weight / 2 |w|^2
    critic = nn.Linear(6, 1, dtype=F64, device=device)
    w = critic.weight.numpy()
    real = tinygan.randn(5, 6, dtype=F64, device=device)
    fake = tinygan.randn(5, 6, dtype=F64, device=device)
    gp = gradient_penalty(critic, real, fake, weight=weight).item()
    assert gp == pytest.approx(weight * (np.linalg.norm(w) - 1) ** 2, rel=1e-12)
    r1 = r1_penalty(critic, real, weight=weight).item()
    assert r1 == pytest.approx(weight / 2 * np.sum(w**2), rel=1e-12)


def test_penalties_take_the_norm_over_all_non_batch_dimensions_of_images(device):
    # D(x) = sum over C, H, W of w * x + b, on images [N, C, H, W]: the input gradient of each
    # sample is the whole w, and its norm is |w| over channels, rows and columns together
    w = tinygan.randn(3, 4, 5, dtype=F64, device=device)
    b = tinygan.tensor(0.3, dtype=F64, device=device)

    def critic(x):
        return (x * w).sum((1, 2, 3)) + b

    real = tinygan.randn(2, 3, 4, 5, dtype=F64, device=device)
    fake = tinygan.randn(2, 3, 4, 5, dtype=F64, device=device)
    norm = np.linalg.norm(w.numpy())
    gp = gradient_penalty(critic, real, fake, weight=10.0).item()
    assert gp == pytest.approx(10.0 * (norm - 1) ** 2, rel=1e-12)
    assert r1_penalty(critic, real, weight=10.0).item() == pytest.approx(5.0 * norm**2, rel=1e-12)


def test_penalties_average_the_slope_of_each_sample_not_of_the_batch(device):
    # D(x) = c/2 |x|^2 has input gradient c x: each sample has its own slope c |x_i|. With
    # real = fake, every interpolation point is the sample itself.
    c = 0.8

    def critic(x):
        return c / 2 * (x * x).sum((1, 2, 3))

    x = tinygan.randn(4, 2, 3, 3, dtype=F64, device=device)
    norms = c * np.sqrt((x.numpy() ** 2).reshape(4, -1).sum(1))
    gp = gradient_penalty(critic, x, x, weight=2.0).item()
    assert gp == pytest.approx(2.0 * np.mean((norms - 1) ** 2), rel=1e-12)
    assert r1_penalty(critic, x, weight=2.0).item() == pytest.approx(np.mean(norms**2), rel=1e-12)


def test_gradient_penalty_evaluates_the_critic_between_fake_and_real_one_weight_per_sample():
    seen = []

    def recording_critic(x):
        seen.append(x.numpy().copy())
        return (x * x).sum((1, 2))

    real = tinygan.randn(6, 2, 3, dtype=F64)
    fake = tinygan.randn(6, 2, 3, dtype=F64)
    gradient_penalty(recording_critic, real, fake)
    (between,) = seen
    r, f = real.numpy(), fake.numpy()
    mix = (between - f) / (r - f)  # between = mix * real + (1 - mix) * fake
    per_sample = mix.reshape(6, -1)
    np.testing.assert_allclose(per_sample - per_sample[:, :1], 0.0, atol=1e-9)
    assert np.all((per_sample >= 0) & (per_sample <= 1))
    assert len(np.unique(per_sample[:, 0].round(6))) == 6  # drawn afresh for each sample


def test_gradient_penalty_draws_from_the_seeded_generator():
    critic = mlp([3, 4, 1], "cpu")
    real, fake = tinygan.randn(4, 3, dtype=F64), tinygan.randn(4, 3, dtype=F64)
    values = []
    for _ in range(2):
        tinygan.manual_seed(7)
        values.append(gradient_penalty(critic, real, fake).item())
    assert values[0] == values[1]
    assert gradient_penalty(critic, real, fake).item() != values[0]


@pytest.mark.parametrize("penalty", ["gradient_penalty", "r1_penalty"])
def test_penalties_keep_float32_on_their_device(device, penalty):
    critic = nn.Linear(3, 1, device=device)
    real, fake = tinygan.randn(4, 3, device=device), tinygan.randn(4, 3, device=device)
    if penalty == "gradient_penalty":
        value = gradient_penalty(critic, real, fake)
    else:
        value = r1_penalty(critic, real)
    assert value.dtype == tinygan.float32 and value.device == device
    value.backward()
    assert critic.weight.grad.dtype == tinygan.float32 and critic.weight.grad.device == device


def test_gradient_penalty_refuses_real_and_fake_batches_of_different_shapes():
    critic = mlp([3, 4, 1], "cpu")
    with pytest.raises(ValueError, match="gradient_penalty: real .* and fake .* differ"):
        gradient_penalty(critic, tinygan.randn(4, 3, dtype=F64), tinygan.randn(5, 3, dtype=F64))


@pytest.mark.filterwarnings("ignore:divide by zero:RuntimeWarning")
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_gradient_penalty_gradient_is_finite_where_the_critic_is_flat_at_a_sample():
    # D(x) = relu(x . w): the second sample has x . w < 0, so D is flat around it (input gradient
    # 0, its penalty term the constant weight * (0 - 1)^2, whose derivative in w is 0); the other
    # two have input gradient w. So GP = weight / 3 * (2 (|w| - 1)^2 + 1) near this w, and
    # dGP/dw = weight * 2/3 * 2 (|w| - 1) w / |w|.
    w = tinygan.tensor([[1.0], [2.0]], dtype=F64, requires_grad=True)
    x = tinygan.tensor([[1.0, 1.0], [-1.0, -1.0], [0.5, 0.2]], dtype=F64)

    def critic(v):
        return F.relu(v @ w)

    gp = gradient_penalty(critic, x, x, weight=10.0)  # real = fake: the points are the samples
    norm = np.sqrt(5.0)
    assert gp.item() == pytest.approx(10.0 / 3 * (2 * (norm - 1) ** 2 + 1), rel=1e-12)
    (dw,) = tinygan.grad(gp, w)
    expected = 10.0 * 2 / 3 * 2 * (norm - 1) * np.array([[1.0], [2.0]]) / norm
    np.testing.assert_allclose(dw.numpy(), expected, rtol=1e-12)


def test_label_smoothing_is_refused_for_margins_and_scores_and_targets_are_checked():
    real, fake = tinygan.zeros(3), tinygan.zeros(3)
    for name in ("hinge", "wasserstein"):
        with pytest.raises(ValueError, match=f"{name}: label smoothing is defined for"):
            objective(name).discriminator_loss(real, fake, real_target=0.9)
    with pytest.raises(ValueError, match="real_target must be in \\(0, 1\\]"):
        objective("minimax").discriminator_loss(real, fake, real_target=1.5)
