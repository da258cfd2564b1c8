"""Telling the players a category: conditional GANs and InfoGAN's codes.

A conditional GAN (Mirza and Osindero 2014) needs no remedy: when ``sample_real`` returns
(samples, labels) and ``sample_noise`` (z, labels), the trainer calls G(z, labels) and
D(x, labels), and D judges each sample as a member of its class.

InfoGAN (Chen et al. 2016) gives G a category too, a code, but does not tell D: D must guess it.
Both players also minimize weight * cross_entropy(D's guess on G(z, code), code), which raises
log K - that cross-entropy, a lower bound on the mutual information between code and image: G
learns to make each code visibly different, with no labels (on MNIST the codes tend to become
the digits).
"""

from __future__ import annotations

from .. import functions as F
from .remedy import Judged, Remedy

__all__ = ["InfoGAN"]


class InfoGAN(Remedy):
    """``sample_noise`` returns (z, code), an integer category per sample; G is called as
    G(z, code) and D as D(x) alone. D returns [N, 1 + K]: column 0 is the real/fake logit, the
    other K columns guess the code. The step's record gains ``info_loss``, the cross-entropy of
    G's step: log K minus it bounds the mutual information."""

    def __init__(self, weight: float = 1.0):
        if not weight >= 0:
            raise ValueError(f"InfoGAN: weight must be >= 0, got {weight!r}")
        self.weight = weight

    def discriminator_condition(self, latent: tuple, condition: tuple) -> tuple:
        if len(latent) != 2:
            raise ValueError(
                f"InfoGAN: with info_weight={self.weight}, sample_noise must return (z, code), "
                f"got {len(latent)} item(s)"
            )
        return ()  # the code is what D must guess, not what it is told

    def logits(self, output):
        if output.ndim != 2 or output.shape[1] < 3:
            raise ValueError(
                f"InfoGAN: with info_weight > 0, D must return [N, 1 + K] (a real/fake logit, "
                f"then one logit per value of the code, K >= 2); it returned {output.shape}"
            )
        return output[:, :1]

    def code_loss(self, fake: Judged):
        """The cross-entropy of D's guesses of the code on a fake batch."""
        return F.cross_entropy(fake.output[:, 1:], fake.latent[1])

    def discriminator_loss(self, trainer, real: Judged, fake: Judged, record: dict):
        return self.weight * self.code_loss(fake)

    def generator_loss(self, trainer, fake: Judged, record: dict):
        code_loss = self.code_loss(fake)
        record["info_loss"] = code_loss.item()
        return self.weight * code_loss
