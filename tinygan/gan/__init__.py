"""Generative adversarial networks: the objectives, Algorithm 1 and the remedies that plug into it.

algorithm.py    GANTrainer: Algorithm 1 of Goodfellow et al. (2014), k steps of D, one of G
remedy.py       the hook points, and Remedy, the base class of what plugs into them
config.py       TrainingConfig: the usual settings, checked, built into an objective and remedies
objectives.py   the losses: minimax, non_saturating, wasserstein, least_squares, hinge
penalties.py    keeping D smooth: gradient penalty, R1, weight clipping
packing.py      PacGAN: D judges several samples at once
noise.py        instance noise on D's inputs
augment.py      DiffAugment: random shifts and cutouts of what D sees
conditioning.py InfoGAN's codes (a conditional GAN needs no remedy)
ema.py          a moving average of G's weights
schedules.py    learning rates falling to 0 over a run
fit.py          the loop around the algorithm: progress bar, checkpoints, Ctrl-C, the NaN stop
checkpoint.py   saving and resuming a trainer exactly
"""

from .algorithm import GANTrainer
from .augment import Augmentation, DiffAugment, cutout, translate
from .conditioning import InfoGAN
from .config import TrainingConfig
from .ema import MovingAverage
from .noise import InstanceNoise
from .objectives import OBJECTIVES, Objective, objective
from .packing import Packing, pack
from .penalties import GradientPenalty, R1Penalty, WeightClipping, gradient_penalty, r1_penalty
from .remedy import Judged, Remedy
from .schedules import LR_SCHEDULES, LearningRateSchedule
