"""Saving a trainer and resuming it exactly: models, optimizers, the step, the history, the
random state, and whatever its remedies keep (a moving average of G as "ema")."""

from __future__ import annotations

from pathlib import Path

from .. import random as tg_random
from ..serialization import load, save


def trainer_state(trainer) -> dict:
    """Everything a resumed run needs, with the settings it was trained with (``config``)."""
    state = {
        "generator": trainer.generator.state_dict(),
        "discriminator": trainer.discriminator.state_dict(),
        "g_optimizer": trainer.g_optimizer.state_dict(),
        "d_optimizer": trainer.d_optimizer.state_dict(),
        "step": trainer.step,
        "rng": tg_random.get_rng_state(),
        "config": trainer.config.to_dict(),
        "history": trainer.history,
    }
    for remedy in trainer.remedies:
        state.update(remedy.state_dict())
    return state


def load_trainer_state(trainer, state: dict) -> None:
    trainer.generator.load_state_dict(state["generator"])
    trainer.discriminator.load_state_dict(state["discriminator"])
    trainer.g_optimizer.load_state_dict(state["g_optimizer"])
    trainer.d_optimizer.load_state_dict(state["d_optimizer"])
    for remedy in trainer.remedies:
        remedy.load_state_dict(state)
    trainer.step = state["step"]
    trainer.history = list(state["history"])
    tg_random.set_rng_state(state["rng"])


def save_checkpoint(trainer, path) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    save(trainer_state(trainer), path)


def load_checkpoint(trainer, path) -> None:
    """Resume exactly: models, optimizers, step, history, the remedies' state, random state."""
    load_trainer_state(trainer, load(path, map_location=trainer.device))
