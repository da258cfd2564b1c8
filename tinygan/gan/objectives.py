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

Each objective also says what its D returns: ``outputs_probability`` (D(x) = sigmoid(l), for
minimax and non_saturating) or a raw score; and whether ``supports_label_smoothing``.

The Wasserstein critic must be kept Lipschitz: with weight clipping (the original WGAN) or with
a gradient penalty (WGAN-GP); see penalties.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from .. import functions as F


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
    """A named pair of losses, and what they assume of D. ``real_target`` below 1 is one-sided
    label smoothing (Salimans et al. 2016): D is asked for D(x) = 0.9, say, instead of 1, so it
    cannot grow arbitrarily sure; ``with_label_smoothing`` makes such an objective."""

    name: str
    _discriminator: Callable
    _generator: Callable
    outputs_probability: bool = False  # D(x) = sigmoid(logit); otherwise D returns a score
    supports_label_smoothing: bool = True
    real_target: float = 1.0

    def discriminator_loss(self, real_logits, fake_logits, real_target: float | None = None):
        """D's loss; ``real_target`` (default: the objective's own) is D's target on real data."""
        real_target = self.real_target if real_target is None else real_target
        self._check_real_target(real_target)
        return self._discriminator(real_logits, fake_logits, real_target)

    def generator_loss(self, fake_logits):
        return self._generator(fake_logits)

    def discriminator_output(self, logits):
        """D(x) as this objective reads it: sigmoid(logits) for probabilities, else the score."""
        return F.sigmoid(logits) if self.outputs_probability else logits

    def with_label_smoothing(self, smoothing: float) -> Objective:
        """This objective with D's target for real data lowered from 1 to 1 - ``smoothing``
        (one-sided: the fakes' target stays 0, which Salimans et al. found matters)."""
        if not 0 <= smoothing < 1:
            raise ValueError(f"{self.name}: label smoothing must be in [0, 1), got {smoothing}")
        self._check_real_target(1.0 - smoothing)
        return replace(self, real_target=1.0 - smoothing)

    def _check_real_target(self, real_target: float) -> None:
        if real_target != 1.0 and not self.supports_label_smoothing:
            raise ValueError(
                f"{self.name}: label smoothing is defined for the probability objectives "
                "(minimax, non_saturating, least_squares), not for margins or critic scores"
            )
        if not 0.0 < real_target <= 1.0:
            raise ValueError(f"{self.name}: real_target must be in (0, 1], got {real_target}")


OBJECTIVES = {
    "minimax": Objective(
        "minimax", _minimax_discriminator, _minimax_generator, outputs_probability=True
    ),
    "non_saturating": Objective(
        "non_saturating",
        _minimax_discriminator,
        _non_saturating_generator,
        outputs_probability=True,
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
