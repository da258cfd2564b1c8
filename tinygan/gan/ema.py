"""An exponential moving average of G's weights (Yazici et al. 2019): the average of the last
few hundred generators, which smooths out the jitter of the last steps of the game. Pictures
and metrics come from the average; training goes on with G itself."""

from __future__ import annotations

import copy

from ..grad_mode import no_grad
from .remedy import Remedy

__all__ = ["MovingAverage"]


class MovingAverage(Remedy):
    """``average``, a copy of ``model`` in eval mode, moved after every step of G:
    average <- decay * average + (1 - decay) * G, parameters and buffers (copied)."""

    def __init__(self, model, decay: float):
        if not 0 <= decay < 1:
            raise ValueError(f"MovingAverage: decay must be in [0, 1), got {decay!r}")
        self.decay = decay
        self.average = copy.deepcopy(model).eval()

    def after_generator_step(self, trainer) -> None:
        with no_grad():
            for a, p in zip(self.average.parameters(), trainer.generator.parameters()):
                a.mul_(self.decay).add_(p.detach(), alpha=1 - self.decay)
            for a, b in zip(self.average.buffers(), trainer.generator.buffers()):
                a.copy_(b.detach())

    def state_dict(self) -> dict:
        return {"ema": self.average.state_dict()}

    def load_state_dict(self, state: dict) -> None:
        self.average.load_state_dict(state["ema"])

    def __repr__(self) -> str:
        return f"MovingAverage(decay={self.decay})"
