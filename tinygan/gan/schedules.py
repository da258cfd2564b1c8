"""Learning-rate schedules: both players' rates multiplied by a factor that falls from 1 to 0
over ``fit``. Where PyTorch keeps the rates, in the optimizers' ``param_groups``, and derived
from the step alone, so a resumed run continues the schedule exactly."""

from __future__ import annotations

import math

from .remedy import Remedy

__all__ = ["LR_SCHEDULES", "LearningRateSchedule"]

# The factor at a given fraction of the run done (0 at the start, 1 at the end).
LR_SCHEDULES = {
    "constant": lambda progress: 1.0,
    "linear": lambda progress: 1.0 - progress,
    "cosine": lambda progress: 0.5 * (1.0 + math.cos(math.pi * progress)),
}


class LearningRateSchedule(Remedy):
    """Before every step, G's rate is set to ``lr_g`` times the schedule's factor and D's to
    ``lr_d`` times it. Outside ``fit`` the length of the run is unknown: the factor is 1."""

    def __init__(self, schedule: str, lr_g: float, lr_d: float):
        if schedule not in LR_SCHEDULES:
            raise ValueError(
                f"LearningRateSchedule: unknown lr_schedule={schedule!r}; "
                f"choose one of {', '.join(LR_SCHEDULES)}"
            )
        self.schedule, self.lr_g, self.lr_d = schedule, lr_g, lr_d

    def factor(self, trainer) -> float:
        if not trainer.total_steps:
            return 1.0
        return LR_SCHEDULES[self.schedule](min(trainer.step / trainer.total_steps, 1.0))

    def before_step(self, trainer) -> None:
        factor = self.factor(trainer)
        for optimizer, lr in ((trainer.g_optimizer, self.lr_g), (trainer.d_optimizer, self.lr_d)):
            for group in optimizer.param_groups:
                group["lr"] = lr * factor
