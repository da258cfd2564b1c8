"""Generative adversarial networks: the objectives and penalties, and the training loop."""

from .augment import DiffAugment, cutout, translate
from .objectives import OBJECTIVES, Objective, gradient_penalty, objective, r1_penalty
from .training import LR_SCHEDULES, GANTrainer, TrainingConfig, pack
