"""Keeping D smooth: the gradient penalty of WGAN-GP, R1, and the original WGAN's weight clipping.

A discriminator that changes steeply gives G gradients that are huge or useless. The Wasserstein
critic must be Lipschitz for its score to mean anything; WGAN clamped its weights, WGAN-GP
penalizes its slope between real and fake samples, and R1 flattens any D at the real data.
"""

from __future__ import annotations

from .. import functions as F
from ..creation import rand
from ..engine import grad
from ..grad_mode import no_grad
from .remedy import Judged, Remedy

__all__ = ["GradientPenalty", "R1Penalty", "WeightClipping", "gradient_penalty", "r1_penalty"]


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


class GradientPenalty(Remedy):
    """WGAN-GP's term in D's loss, ``weight`` (lambda; 10 in the paper) times the penalty, at
    points between the real and fake inputs D saw (after augmentation, noise and packing)."""

    def __init__(self, weight: float = 10.0):
        _check_weight("GradientPenalty", weight)
        self.weight = weight

    def discriminator_loss(self, trainer, real: Judged, fake: Judged, record: dict):
        def critic(x):  # the points between are judged at the real samples' labels
            return trainer.logits(x, real.condition)

        return gradient_penalty(critic, real.inputs, fake.inputs, self.weight)


class R1Penalty(Remedy):
    """R1's term in D's loss: ``weight`` (gamma) / 2 times E|dD/dx|^2 on the real inputs."""

    def __init__(self, weight: float = 10.0):
        _check_weight("R1Penalty", weight)
        self.weight = weight

    def discriminator_loss(self, trainer, real: Judged, fake: Judged, record: dict):
        return r1_penalty(lambda x: trainer.logits(x, real.condition), real.inputs, self.weight)


class WeightClipping(Remedy):
    """The original WGAN (Arjovsky et al. 2017): after every step of D, each of its weights is
    clamped to [-``clip``, ``clip``], a crude way to keep the critic Lipschitz."""

    def __init__(self, clip: float):
        _check_weight("WeightClipping", clip)
        self.clip = clip

    def after_discriminator_step(self, trainer) -> None:
        with no_grad():
            for p in trainer.discriminator.parameters():
                p.clamp_(-self.clip, self.clip)


def _check_weight(remedy, value):
    if not value >= 0:
        raise ValueError(f"{remedy}: the weight must be >= 0, got {value!r}")
