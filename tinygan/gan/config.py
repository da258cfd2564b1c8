"""``TrainingConfig``: the common configuration in one place, checked, and turned into the
objective and the list of remedies ``GANTrainer`` plugs into Algorithm 1."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, fields

from .augment import Augmentation
from .conditioning import InfoGAN
from .ema import MovingAverage
from .noise import InstanceNoise
from .objectives import Objective, objective
from .packing import Packing
from .penalties import GradientPenalty, R1Penalty, WeightClipping
from .remedy import Remedy
from .schedules import LearningRateSchedule


@dataclass
class TrainingConfig:
    """How to train. Defaults: the non-saturating GAN with Adam(2e-4, betas (0.5, 0.999)).
    A setting of 0 (or None) leaves its remedy out."""

    objective: str = "non_saturating"
    batch_size: int = 256
    d_steps: int = 1  # k discriminator steps per generator step (Algorithm 1)
    lr_g: float = 2e-4  # separate rates for the two players: TTUR (Heusel et al. 2017)
    lr_d: float = 2e-4
    betas: tuple = (0.5, 0.999)
    label_smoothing: float = 0.0  # one-sided: D's target for real data is 1 - this
    instance_noise: float = 0.0  # std of noise added to D's inputs, annealed linearly to 0
    gradient_penalty: float = 0.0  # WGAN-GP's lambda (10 in the paper)
    r1: float = 0.0  # R1's gamma
    weight_clip: float = 0.0  # original WGAN: clamp D's weights to [-c, c]
    ema_decay: float = 0.0  # an exponential moving average of G's weights
    pack: int = 1  # PacGAN: D judges `pack` samples at once (its input must be that wide)
    lr_schedule: str = "constant"  # or "linear" / "cosine": both rates fall to 0 over fit()
    info_weight: float = 0.0  # InfoGAN's lambda: D also predicts G's categorical code
    augment: Callable | None = None  # applied to every batch D sees, e.g. DiffAugment(...)

    def __post_init__(self):
        for name, (kind, lowest, highest) in _RANGES.items():
            value = getattr(self, name)
            is_number = isinstance(value, kind) and not isinstance(value, bool)
            if not (is_number and math.isfinite(value) and lowest <= value < highest):
                wanted = "an int" if kind is numbers.Integral else "a number"
                limit = "" if highest == math.inf else f" and below {highest}"
                raise ValueError(
                    f"TrainingConfig: invalid {name}={value!r}: it must be {wanted} from "
                    f"{lowest}{limit}"
                )
        if self.batch_size % self.pack:
            raise ValueError(
                f"TrainingConfig: invalid pack={self.pack}: batch_size={self.batch_size} must "
                "be a multiple of pack"
            )
        if self.pack > 1 and self.info_weight:
            raise ValueError(
                f"TrainingConfig: pack={self.pack} cannot be used with a conditional GAN or "
                "InfoGAN (packing would join samples of different labels); use pack=1"
            )
        self.make_objective()  # an unknown name or a smoothing it cannot take fails now
        LearningRateSchedule(self.lr_schedule, self.lr_g, self.lr_d)  # likewise a schedule

    def make_objective(self) -> Objective:
        return objective(self.objective).with_label_smoothing(self.label_smoothing)

    def make_remedies(self, generator) -> list[Remedy]:
        """The remedies these settings ask for, in the order each hook calls them (for the
        inputs: augmentation, then noise, then packing; for D's loss: InfoGAN, GP, R1)."""
        remedies = [LearningRateSchedule(self.lr_schedule, self.lr_g, self.lr_d)]
        if self.info_weight:
            remedies.append(InfoGAN(self.info_weight))
        if self.augment is not None:
            remedies.append(Augmentation(self.augment))
        if self.instance_noise:
            remedies.append(InstanceNoise(self.instance_noise))
        if self.pack > 1:
            remedies.append(Packing(self.pack))
        if self.gradient_penalty:
            remedies.append(GradientPenalty(self.gradient_penalty))
        if self.r1:
            remedies.append(R1Penalty(self.r1))
        if self.weight_clip:
            remedies.append(WeightClipping(self.weight_clip))
        if self.ema_decay:
            remedies.append(MovingAverage(generator, self.ema_decay))
        return remedies

    def to_dict(self) -> dict:
        """The settings as a checkpoint can hold them: tuples as lists, the augmentation as its
        description (a record of what was used; resuming takes the augmentation from here)."""
        return {f.name: _as_saved(getattr(self, f.name)) for f in fields(self)}


# Each number's kind and range [lowest, highest), checked in TrainingConfig.__post_init__.
_RANGES = {
    "batch_size": (numbers.Integral, 1, math.inf),
    "d_steps": (numbers.Integral, 1, math.inf),
    "lr_g": (numbers.Real, 0, math.inf),
    "lr_d": (numbers.Real, 0, math.inf),
    "label_smoothing": (numbers.Real, 0, 1),
    "instance_noise": (numbers.Real, 0, math.inf),
    "gradient_penalty": (numbers.Real, 0, math.inf),
    "r1": (numbers.Real, 0, math.inf),
    "weight_clip": (numbers.Real, 0, math.inf),
    "ema_decay": (numbers.Real, 0, 1),
    "pack": (numbers.Integral, 1, math.inf),
    "info_weight": (numbers.Real, 0, math.inf),
}


def _as_saved(setting):
    if isinstance(setting, tuple):
        return list(setting)
    return setting if setting is None or isinstance(setting, int | float | str) else repr(setting)
