"""The GAN objectives: what the discriminator D and the generator G each minimize.

Goodfellow et al. (2014) define the game

    min_G max_D  V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))].


Every loss here takes the discriminator's *logits* l (D(x) = sigmoid(l)) and uses
log sigmoid(l) = -softplus(-l) and log(1 - sigmoid(l)) = -softplus(l): exact for any logit,
where clipping probabilities would kill the gradient exactly when D is confident.

Choose an objective by name: ``objective("non_saturating")``. Each has ``discriminator_loss(
real_logits, fake_logits)`` and ``generator_loss(fake_logits)``, both means over the batch.

=================  =====================================  ===================================
name               discriminator minimizes                generator minimizes
=================  =====================================  ===================================
minimax            -log D(x) - log(1 - D(G(z)))           log(1 - D(G(z)))   (saturates)
non_saturating     the same                               -log D(G(z))
wasserstein        D(G(z)) - D(x)   (D is a critic)       -D(G(z))
least_squares      (D(x) - 1)^2 / 2 + D(G(z))^2 / 2       (D(G(z)) - 1)^2 / 2   (on logits)
hinge              relu(1 - D(x)) + relu(1 + D(G(z)))     -D(G(z))
=================  =====================================  ===================================

The Wasserstein critic must be kept Lipschitz: with weight clipping (the original WGAN) or with
``gradient_penalty`` (WGAN-GP). ``r1_penalty`` regularizes any discriminator on real data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .. import functions as F
from ..creation import rand
from ..engine import grad


def _minimax_discriminator(real_logits, fake_logits, real_target=1.0):
    # -log D(x) - log(1 - D(G(z))) = softplus(-l_real) + softplus(l_fake); with a target t < 1
    # for real samples (one-sided label smoothing) the real term is the cross-entropy against t
    real = F.softplus(real_logits) - real_logits * real_target
    return real.mean() + F.softplus(fake_logits).mean()


def _minimax_generator(fake_logits):
    # log(1 - D(G(z))) = -softplus(l): flat when D confidently rejects the fakes (l << 0)
    return -F.softplus(fake_logits).mean()


def _non_saturating_generator(fake_logits):
    # -log D(G(z)) = softplus(-l): steepest exactly when D confidently rejects the fakes
    return F.softplus(-fake_logits).mean()


def _wasserstein_discriminator(real_logits, fake_logits, real_target=1.0):
    return fake_logits.mean() - real_logits.mean()


def _wasserstein_generator(fake_logits):
    return -fake_logits.mean()


def _least_squares_discriminator(real_logits, fake_logits, real_target=1.0):
    return ((real_logits - real_target) ** 2).mean() / 2 + (fake_logits**2).mean() / 2


def _least_squares_generator(fake_logits):
    return ((fake_logits - 1.0) ** 2).mean() / 2


def _hinge_discriminator(real_logits, fake_logits, real_target=1.0):
    return F.relu(1.0 - real_logits).mean() + F.relu(1.0 + fake_logits).mean()


@dataclass(frozen=True)
class Objective:
    """A named pair of losses. ``real_target`` below 1 is one-sided label smoothing (Salimans et
    al. 2016): D is asked for D(x) = 0.9, say, instead of 1, so it cannot grow arbitrarily sure."""

    name: str
    _discriminator: Callable
    _generator: Callable
    supports_label_smoothing: bool = True

    def discriminator_loss(self, real_logits, fake_logits, real_target: float = 1.0):
        if real_target != 1.0 and not self.supports_label_smoothing:
            raise ValueError(
                f"{self.name}: label smoothing is defined for the probability objectives "
                "(minimax, non_saturating, least_squares), not for margins or critic scores"
            )
        if not 0.0 < real_target <= 1.0:
            raise ValueError(f"{self.name}: real_target must be in (0, 1], got {real_target}")
        return self._discriminator(real_logits, fake_logits, real_target)

    def generator_loss(self, fake_logits):
        return self._generator(fake_logits)


OBJECTIVES = {
    "minimax": Objective("minimax", _minimax_discriminator, _minimax_generator),
    "non_saturating": Objective(
        "non_saturating", _minimax_discriminator, _non_saturating_generator
    ),
    "wasserstein": Objective(
        "wasserstein",
        _wasserstein_discriminator,
        _wasserstein_generator,
        supports_label_smoothing=False,
    ),
    "least_squares": Objective(
        "least_squares", _least_squares_discriminator, _least_squares_generator
    ),
    "hinge": Objective(
        "hinge", _hinge_discriminator, _wasserstein_generator, supports_label_smoothing=False
    ),
}


def objective(name: str) -> Objective:
    """The objective called ``name``: one of minimax, non_saturating, wasserstein,
    least_squares, hinge."""
    try:
        return OBJECTIVES[name]
    except KeyError:
        raise ValueError(
            f"unknown GAN objective {name!r}; choose one of {sorted(OBJECTIVES)}"
        ) from None


def _input_gradient_norms_squared(discriminator, inputs):
    """|dD/dx|^2 for each sample, over all its non-batch dimensions, kept in the graph."""
    (gradients,) = grad(discriminator(inputs).sum(), inputs, create_graph=True)
    return (gradients * gradients).reshape(gradients.shape[0], -1).sum(1)


def gradient_penalty(discriminator, real, fake, weight: float = 10.0):
    """WGAN-GP (Gulrajani et al. 2017): weight * E[(|dD/dx| - 1)^2] at random points x on the
    lines between real and fake samples, pulling the critic's slope toward 1 where it matters.

    Differentiable in the discriminator's parameters (a double backward); ``fake`` is detached.
    """
    if real.shape != fake.shape:
        raise ValueError(f"gradient_penalty: real {real.shape} and fake {fake.shape} differ")
    mix = rand(real.shape[0], *([1] * (real.ndim - 1)), dtype=real.dtype, device=real.device)
    between = (mix * real.detach() + (1 - mix) * fake.detach()).requires_grad_()
    squared = _input_gradient_norms_squared(discriminator, between)
    # |g| = sqrt(|g|^2), with slope 0 where |g| = 0 (where sqrt's is infinite, and where a flat
    # critic, e.g. a dead ReLU region, makes this sample's term the constant lambda)
    nonzero = squared.data > 0
    norms = F.where(nonzero, F.where(nonzero, squared, 1.0).sqrt(), 0.0)
    return weight * ((norms - 1.0) ** 2).mean()


def r1_penalty(discriminator, real, weight: float = 10.0):
    """R1 (Mescheder et al. 2018): weight / 2 * E[|dD/dx|^2] on real data, which makes the
    discriminator flat where the data is; it makes the Dirac GAN converge."""
    real = real.detach().requires_grad_()
    return weight / 2 * _input_gradient_norms_squared(discriminator, real).mean()
