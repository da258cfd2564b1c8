"""``fit``: runs a trainer's steps with what a long run needs around Algorithm 1: a progress
bar, checkpoints, a clean stop when a loss turns NaN or inf, and a clean stop on Ctrl-C."""

from __future__ import annotations

import math
import signal
import threading
from pathlib import Path

from tqdm import tqdm


def fit(
    trainer, steps: int, out=None, checkpoint_every: int = 0, progress: bool = True, callback=None
) -> str:
    """Train until ``trainer.step == steps``. Returns why it stopped: 'done', 'nan' (a loss
    turned NaN or inf: the last good checkpoint is kept) or 'interrupted' (Ctrl-C, or a
    KeyboardInterrupt from the callback: the state is saved first). Ctrl-C finishes the step
    under way, so what is saved is a whole step; a second Ctrl-C stops at once without saving.
    Checkpoints go to ``out/checkpoint.npz`` every ``checkpoint_every`` steps and at the end.
    ``callback(trainer)``, if given, runs after every step (a demo takes its snapshots there).
    The schedules (learning rate, instance noise) run over ``steps``: resume with the same
    ``steps`` to continue them exactly."""
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
            if not all(math.isfinite(record[k]) for k in ("d_loss", "g_loss")):
                bar.close()
                _report_nan(trainer.step, record, path)
                return "nan"
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


def _report_nan(step, record, path) -> None:
    kept = f"; the last good checkpoint is {path}" if path and path.exists() else ""
    print(
        f"stopped at step {step}: a loss is {record['d_loss']} / {record['g_loss']} (d / g)"
        f"{kept}. Lower the learning rates, or try a penalty (gradient_penalty, r1)."
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
