"""Instance noise (Sønderby et al. 2017; Arjovsky and Bottou 2017): Gaussian noise added to
every input of D, real and fake, so the two distributions overlap and D cannot separate them
perfectly; its gradients stay informative. The noise fades to 0 over ``fit``, as the two
distributions come close enough to overlap on their own."""

from __future__ import annotations

from ..creation import randn_like
from .remedy import Remedy

__all__ = ["InstanceNoise"]


class InstanceNoise(Remedy):
    """Noise of standard deviation ``std`` on D's training inputs, falling linearly to 0 at the
    end of ``fit`` (outside ``fit`` the length of the run is unknown: ``std`` itself)."""

    def __init__(self, std: float):
        if not std >= 0:
            raise ValueError(f"InstanceNoise: std must be >= 0, got {std!r}")
        self.std = std

    def transform_input(self, trainer, samples):
        std = self.std
        if std and trainer.total_steps:
            std *= max(0.0, 1 - trainer.step / trainer.total_steps)
        if std:  # no draw at all once the noise has faded, as if the remedy were off
            samples = samples + randn_like(samples) * std
        return samples
