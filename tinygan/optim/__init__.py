"""Optimizers, as ``torch.optim``: ``tinygan.optim.Adam(params, lr=2e-4, betas=(0.5, 0.999))``.

Each file holds one update rule, written as math in its docstring and as in-place array
operations in its ``_update``; ``optimizer.py`` holds what they share (parameter groups,
state, ``zero_grad``, ``step``, ``state_dict``), and ``tiles.py`` how a step's element-wise work
is cut into cache-sized tiles and shared among the CPU's cores.
"""

from .adam import Adam, AdamW
from .optimizer import Optimizer
from .rmsprop import RMSprop
from .sgd import SGD

__all__ = ["SGD", "Adam", "AdamW", "Optimizer", "RMSprop"]
