"""``fit``: runs a trainer's steps with what a long run needs around Algorithm 1: a progress
bar, checkpoints, a clean stop when a loss turns NaN or inf or grows past any sensible size
(divergence), and a clean stop on Ctrl-C."""

from __future__ import annotations

import math
import numbers
import signal
import threading
from pathlib import Path

from tqdm import tqdm

# A GAN loss of a million or more means the players have run away from each other: the cross-
# entropies of a working GAN stay within a few nats, and even a critic's scores within hundreds.
DIVERGED = 1e6


def fit(
    trainer,
    steps: int,
    out=None,
    checkpoint_every: int = 0,
    progress: bool = True,
    callback=None,
    max_abs_loss: float = DIVERGED,
) -> str:
    """Train until ``trainer.step == steps``. Returns why it stopped: 'done'; 'nan' (a loss
    turned NaN or inf) or 'diverged' (a loss reached ``max_abs_loss`` in size), both keeping
    the last good checkpoint and saving nothing of the bad step; or 'interrupted' (Ctrl-C, or a
    KeyboardInterrupt from the callback: the state is saved first). Ctrl-C finishes the step
    under way, so what is saved is a whole step; a second Ctrl-C stops at once without saving.
    Checkpoints go to ``out/checkpoint.npz`` every ``checkpoint_every`` steps and at the end.
    ``callback(trainer)``, if given, runs after every step (a demo takes its snapshots there).
    The schedules (learning rate, instance noise) run over ``steps``: resume with the same
    ``steps`` to continue them exactly."""
    _check_steps(trainer, steps, checkpoint_every)
    path = Path(out) / "checkpoint.npz" if out is not None else None
    trainer.total_steps = steps
    bar = tqdm(
        total=steps, initial=trainer.step, disable=not progress, unit="step", dynamic_ncols=True
    )
    ctrl_c = _CtrlCBetweenSteps()
    try:
        while trainer.step < steps:
            record = trainer.train_step()
            bar.update(1)
            bar.set_postfix(
                d_loss=f"{record['d_loss']:.3f}", g_loss=f"{record['g_loss']:.3f}", refresh=False
            )
            failure = _failure(record, max_abs_loss)
            if failure:
                bar.close()
                _report_failure(trainer.step, record, path, failure, max_abs_loss)
                return failure
            if path and checkpoint_every and trainer.step % checkpoint_every == 0:
                trainer.save_checkpoint(path)
            if callback is not None:
                callback(trainer)
            if ctrl_c.pressed:
                raise KeyboardInterrupt
    except KeyboardInterrupt:
        bar.close()
        if path:
            trainer.save_checkpoint(path)
        print(f"interrupted at step {trainer.step}" + (f"; saved {path}" if path else ""))
        return "interrupted"
    finally:
        ctrl_c.restore()
    bar.close()
    if path:
        trainer.save_checkpoint(path)
    return "done"


def _check_steps(trainer, steps, checkpoint_every) -> None:
    for name, value in (("steps", steps), ("checkpoint_every", checkpoint_every)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 0:
            raise ValueError(f"fit: {name} must be an int >= 0, got {value!r}")
    if steps < trainer.step:
        raise ValueError(
            f"fit: the trainer is already at step {trainer.step} (resumed from a checkpoint?), "
            f"past steps={steps}: ask for at least {trainer.step} steps to train on, or start "
            "afresh in another output folder"
        )


def _failure(record, max_abs_loss) -> str | None:
    """'nan' if a loss is NaN or inf, 'diverged' if one is that large; None if both are fine."""
    losses = (record["d_loss"], record["g_loss"])
    if not all(math.isfinite(loss) for loss in losses):
        return "nan"
    if any(abs(loss) >= max_abs_loss for loss in losses):
        return "diverged"
    return None


def _report_failure(step, record, path, failure, max_abs_loss) -> None:
    what = "NaN or inf" if failure == "nan" else f"diverging (at least {max_abs_loss:g} in size)"
    kept = f"; the last good checkpoint is {path}" if path and path.exists() else ""
    print(
        f"stopped at step {step}: a loss is {what}: {record['d_loss']} / {record['g_loss']} "
        f"(d / g){kept}. Resuming with the same settings repeats the same steps and stops here "
        "again: change a setting first (lower the learning rates, add a penalty such as "
        "gradient_penalty or r1), or start afresh with another seed."
    )


class _CtrlCBetweenSteps:
    """While training, Ctrl-C (SIGINT) only sets ``pressed``: the loop stops after the step
    under way, never with one player updated and the other not. A second Ctrl-C exits at once,
    without saving. Signal handlers belong to the main thread; elsewhere nothing changes."""

    def __init__(self):
        self.pressed = False
        self.previous = None
        if threading.current_thread() is threading.main_thread():
            self.previous = signal.signal(signal.SIGINT, self._handle)

    def _handle(self, signum, frame):
        if self.pressed:
            self.restore()
            raise SystemExit("interrupted twice: stopped without saving")
        self.pressed = True
        print("\nCtrl-C: stopping after this step (press again to stop now, without saving)")

    def restore(self):
        if self.previous is not None:
            signal.signal(signal.SIGINT, self.previous)
            self.previous = None
