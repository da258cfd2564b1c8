"""The training loop every demo uses: Algorithm 1 of Goodfellow et al. (2014), with the
remedies the later literature added as options.

One step of ``GANTrainer``:
  k times:  the discriminator D takes a step on a real batch and a batch G(z) (G held fixed);
  once:     the generator G takes a step against the updated D (D held fixed).

Each step is recorded (losses, D on real and fake, both players' gradient norms, steps/s);
``fit`` shows a progress bar, saves checkpoints, resumes from them exactly, stops cleanly when a
loss turns NaN or inf (the last good checkpoint stays), and saves on Ctrl-C.
"""

from __future__ import annotations

import copy
import math
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from pathlib import Path

from tqdm import tqdm

from .. import functions as F
from .. import random as tg_random
from ..creation import randn_like
from ..grad_mode import no_grad
from ..optim import Adam
from ..serialization import load, save
from .objectives import gradient_penalty, objective, r1_penalty

LR_SCHEDULES = ("constant", "linear", "cosine")


@dataclass
class TrainingConfig:
    """How to train. Defaults: the non-saturating GAN with Adam(2e-4, betas (0.5, 0.999))."""

    objective: str = "non_saturating"
    batch_size: int = 256
    d_steps: int = 1  # k discriminator steps per generator step (Algorithm 1)
    lr_g: float = 2e-4  # separate rates for the two players: TTUR (Heusel et al. 2017)
    lr_d: float = 2e-4
    betas: tuple = (0.5, 0.999)
    label_smoothing: float = 0.0  # one-sided: D's target for real data is 1 - this
    instance_noise: float = 0.0  # std of noise added to D's inputs, annealed linearly to 0
    gradient_penalty: float = 0.0  # WGAN-GP's lambda (10 in the paper); 0 = off
    r1: float = 0.0  # R1's gamma; 0 = off
    weight_clip: float = 0.0  # original WGAN: clamp D's weights to [-c, c]; 0 = off
    ema_decay: float = 0.0  # an exponential moving average of G's weights; 0 = off
    pack: int = 1  # PacGAN: D judges `pack` samples at once (its input must be that wide)
    lr_schedule: str = "constant"  # or "linear" / "cosine": both rates fall to 0 over fit()
    info_weight: float = 0.0  # InfoGAN's lambda: D also predicts G's categorical code; 0 = off
    augment: Callable | None = None  # applied to every batch D sees, e.g. DiffAugment(...)

    def __post_init__(self):
        objective(self.objective)  # an unknown name fails here, with the list of names
        if self.lr_schedule not in LR_SCHEDULES:
            raise ValueError(
                f"TrainingConfig: unknown lr_schedule={self.lr_schedule!r}; "
                f"choose one of {', '.join(LR_SCHEDULES)}"
            )
        checks = {
            "batch_size": self.batch_size >= 1,
            "d_steps": self.d_steps >= 1,
            "lr_g": self.lr_g >= 0,
            "lr_d": self.lr_d >= 0,
            "label_smoothing": 0 <= self.label_smoothing < 1,
            "instance_noise": self.instance_noise >= 0,
            "gradient_penalty": self.gradient_penalty >= 0,
            "r1": self.r1 >= 0,
            "weight_clip": self.weight_clip >= 0,
            "ema_decay": 0 <= self.ema_decay < 1,
            "pack": self.pack >= 1 and self.batch_size % self.pack == 0,
            "info_weight": self.info_weight >= 0,
        }
        for name, ok in checks.items():
            if not ok:
                raise ValueError(
                    f"TrainingConfig: invalid {name}={getattr(self, name)!r}"
                    + (" (batch_size must be a multiple of pack)" if name == "pack" else "")
                )


class GANTrainer:
    """Trains ``generator`` against ``discriminator``.

    ``sample_real(n)`` returns n data samples and ``sample_noise(n)`` n latent vectors, as
    tensors on the models' device. ``trainer.history`` holds one record (a dict) per step.

    A conditional GAN (Mirza and Osindero 2014): ``sample_real`` returns (samples, labels) and
    ``sample_noise`` returns (z, labels); then the trainer calls G(z, labels) and D(x, labels).

    InfoGAN (Chen et al. 2016), with ``config.info_weight`` > 0: ``sample_noise`` returns
    (z, code), an integer category per sample, and the trainer calls G(z, code) but D(x) alone.
    D returns [N, 1 + K]: column 0 is the real/fake logit, the other K columns guess the code.
    Both players also minimize info_weight * cross_entropy(guess on G(z, code), code), which
    raises log K - that cross-entropy, a lower bound on the mutual information between code and
    image: G learns to make each code visibly different, with no labels (on MNIST the codes tend
    to become the digits).
    """

    def __init__(self, generator, discriminator, sample_real, sample_noise, config=None):
        self.generator, self.discriminator = generator, discriminator
        self.sample_real, self.sample_noise = sample_real, sample_noise
        self.config = config or TrainingConfig()
        self.objective = objective(self.config.objective)
        self.g_optimizer = Adam(
            generator.parameters(), lr=self.config.lr_g, betas=self.config.betas
        )
        self.d_optimizer = Adam(
            discriminator.parameters(), lr=self.config.lr_d, betas=self.config.betas
        )
        self.ema = copy.deepcopy(generator).eval() if self.config.ema_decay else None
        self.step = 0
        self.history = []
        self.total_steps = None  # known during fit(); anneals the instance noise and the rates

    # ---- one step -----------------------------------------------------------------------------

    def train_step(self) -> dict:
        """k discriminator steps, then one generator step; returns the step's record."""
        started = time.perf_counter()
        config = self.config
        self._set_learning_rates()
        for _ in range(config.d_steps):
            d_loss, d_real, d_fake, d_grad_norm = self._discriminator_step()
        g_loss, g_grad_norm, info_loss = self._generator_step()
        self.step += 1
        record = {
            "step": self.step,
            "d_loss": d_loss,
            "g_loss": g_loss,
            "d_real": d_real,
            "d_fake": d_fake,
            "d_grad_norm": d_grad_norm,
            "g_grad_norm": g_grad_norm,
            "lr_g": self.g_optimizer.param_groups[0]["lr"],
            "lr_d": self.d_optimizer.param_groups[0]["lr"],
            "steps_per_second": 1 / max(time.perf_counter() - started, 1e-9),
        }
        if info_loss is not None:  # InfoGAN: log K minus this bounds the mutual information
            record["info_loss"] = info_loss
        self.history.append(record)
        return record

    def learning_rate_factor(self) -> float:
        """The schedule's multiplier for this step: 1 at the start; for 'linear' and 'cosine'
        it falls to 0 at the end of fit(). Outside fit() the total is unknown: 1."""
        if self.config.lr_schedule == "constant" or not self.total_steps:
            return 1.0
        progress = min(self.step / self.total_steps, 1.0)
        if self.config.lr_schedule == "linear":
            return 1.0 - progress
        return 0.5 * (1.0 + math.cos(math.pi * progress))  # cosine

    def _set_learning_rates(self):
        """Where PyTorch keeps the rates too: in the optimizers' param_groups. Derived from the
        step alone, so a resumed run continues the schedule exactly."""
        factor = self.learning_rate_factor()
        for optimizer, lr in (
            (self.g_optimizer, self.config.lr_g),
            (self.d_optimizer, self.config.lr_d),
        ):
            for group in optimizer.param_groups:
                group["lr"] = lr * factor

    def _discriminator_input(self, samples):
        """Augmentation, instance noise (annealed to 0), then packing: what D actually sees.
        Real and fake batches, in both players' steps, go through transformations of the same
        kind, drawn afresh for each image (DiffAugment); G's gradient flows back through them."""
        if self.config.augment is not None:
            samples = self.config.augment(samples)
        noise_std = self.config.instance_noise
        if noise_std and self.total_steps:
            noise_std *= max(0.0, 1 - self.step / self.total_steps)
        if noise_std:
            samples = samples + randn_like(samples) * noise_std
        return pack(samples, self.config.pack)

    def _discriminator_step(self):
        config, D = self.config, self.discriminator
        real, *real_condition = _split(self.sample_real(config.batch_size))
        noise = _split(self.sample_noise(config.batch_size))
        fake_condition, code = self._condition_and_code(noise)
        if len(real_condition) != len(fake_condition):
            raise ValueError(
                f"GANTrainer: sample_real gave {1 + len(real_condition)} items and sample_noise "
                f"{len(noise)}; for a conditional GAN both return (tensor, labels), otherwise "
                "both return a tensor"
            )
        if (real_condition or code is not None) and config.pack > 1:
            raise ValueError(
                f"GANTrainer: pack={config.pack} cannot be used with a conditional GAN or "
                "InfoGAN (packing would join samples of different labels); use pack=1"
            )
        with no_grad():  # G is held fixed: no graph through it
            fake = self.generator(*noise)
        real_in, fake_in = self._discriminator_input(real), self._discriminator_input(fake)
        real_logits, _ = self._judge(real_in, real_condition)
        fake_logits, code_guess = self._judge(fake_in, fake_condition)
        loss = self.objective.discriminator_loss(
            real_logits, fake_logits, real_target=1.0 - config.label_smoothing
        )
        if code is not None:
            loss = loss + config.info_weight * F.cross_entropy(code_guess, code)

        def judge_real(x):  # the penalties judge their points at the real samples' labels
            return self._judge(x, real_condition)[0]

        if config.gradient_penalty:
            loss = loss + gradient_penalty(judge_real, real_in, fake_in, config.gradient_penalty)
        if config.r1:
            loss = loss + r1_penalty(judge_real, real_in, config.r1)
        self.d_optimizer.zero_grad()
        loss.backward()
        grad_norm = _gradient_norm(D)
        self.d_optimizer.step()
        if config.weight_clip:
            with no_grad():
                for p in D.parameters():
                    p.clamp_(-config.weight_clip, config.weight_clip)
        return (
            loss.item(),
            _mean_output(self.objective, real_logits),
            _mean_output(self.objective, fake_logits),
            grad_norm,
        )

    def _generator_step(self):
        config, G, D = self.config, self.generator, self.discriminator
        D.requires_grad_(False)  # D is held fixed: no gradients for its weights
        try:
            noise = _split(self.sample_noise(config.batch_size))
            condition, code = self._condition_and_code(noise)
            logits, code_guess = self._judge(self._discriminator_input(G(*noise)), condition)
            loss = self.objective.generator_loss(logits)
            info_loss = None
            if code is not None:
                info_loss = F.cross_entropy(code_guess, code)
                loss = loss + config.info_weight * info_loss
            self.g_optimizer.zero_grad()
            loss.backward()
        finally:
            D.requires_grad_(True)
        grad_norm = _gradient_norm(G)
        self.g_optimizer.step()
        if self.ema is not None:
            _update_average(self.ema, G, self.config.ema_decay)
        return loss.item(), grad_norm, None if info_loss is None else info_loss.item()

    def _condition_and_code(self, noise):
        """What D is told about a fake batch (a conditional GAN's labels; nothing otherwise),
        and InfoGAN's code, which D must guess instead (None when InfoGAN is off)."""
        if not self.config.info_weight:
            return noise[1:], None
        if len(noise) != 2:
            raise ValueError(
                f"GANTrainer: with info_weight={self.config.info_weight}, sample_noise must "
                f"return (z, code), got {len(noise)} item(s)"
            )
        return (), noise[1]

    def judge(self, samples):
        """D's real/fake logits for a batch like ``sample_real`` returns (a conditional GAN:
        (samples, labels)), without augmentation, noise or gradients. D stays in its mode: in
        training mode batch norm uses the batch's statistics, as in a training step, and, as
        there, moves its running statistics (and spectral norm takes a power-iteration step)."""
        inputs, *condition = _split(samples)
        with no_grad():
            return self._judge(pack(inputs, self.config.pack), condition)[0]

    def _judge(self, inputs, condition):
        """D on its inputs: (the real/fake logits, InfoGAN's guesses of the code, or None)."""
        out = self.discriminator(inputs, *condition)
        if not self.config.info_weight:
            return out, None
        if out.ndim != 2 or out.shape[1] < 3:
            raise ValueError(
                f"GANTrainer: with info_weight > 0, D must return [N, 1 + K] (a real/fake logit, "
                f"then one logit per value of the code, K >= 2); it returned {out.shape}"
            )
        return out[:, :1], out[:, 1:]

    # ---- the loop -----------------------------------------------------------------------------

    def fit(
        self, steps: int, out=None, checkpoint_every: int = 0, progress: bool = True, callback=None
    ):
        """Train until ``self.step == steps``. Returns why it stopped: 'done', 'nan' (a loss
        turned NaN or inf: the last good checkpoint is kept) or 'interrupted' (Ctrl-C, or a
        KeyboardInterrupt from the callback: the state is saved first). Ctrl-C finishes the
        step under way, so what is saved is a whole step; a second Ctrl-C stops at once without
        saving. Checkpoints go to ``out/checkpoint.npz`` every ``checkpoint_every`` steps and
        at the end. ``callback(trainer)``, if given, runs after every step (a demo takes its
        snapshots there). The schedules (learning rate, instance noise) run over ``steps``:
        resume with the same ``steps`` to continue them exactly."""
        path = Path(out) / "checkpoint.npz" if out is not None else None
        self.total_steps = steps
        bar = tqdm(
            total=steps, initial=self.step, disable=not progress, unit="step", dynamic_ncols=True
        )
        ctrl_c = _CtrlCBetweenSteps()
        try:
            while self.step < steps:
                record = self.train_step()
                bar.update(1)
                bar.set_postfix(
                    d_loss=f"{record['d_loss']:.3f}",
                    g_loss=f"{record['g_loss']:.3f}",
                    refresh=False,
                )
                if not all(math.isfinite(record[k]) for k in ("d_loss", "g_loss")):
                    bar.close()
                    kept = f"; the last good checkpoint is {path}" if path and path.exists() else ""
                    print(
                        f"stopped at step {self.step}: a loss is {record['d_loss']} / "
                        f"{record['g_loss']} (d / g){kept}. Lower the learning rates, or try "
                        "a penalty (gradient_penalty, r1)."
                    )
                    return "nan"
                if path and checkpoint_every and self.step % checkpoint_every == 0:
                    self.save_checkpoint(path)
                if callback is not None:
                    callback(self)
                if ctrl_c.pressed:
                    raise KeyboardInterrupt
        except KeyboardInterrupt:
            bar.close()
            if path:
                self.save_checkpoint(path)
            print(f"interrupted at step {self.step}" + (f"; saved {path}" if path else ""))
            return "interrupted"
        finally:
            ctrl_c.restore()
        bar.close()
        if path:
            self.save_checkpoint(path)
        return "done"

    # ---- checkpoints --------------------------------------------------------------------------

    def state_dict(self) -> dict:
        state = {
            "generator": self.generator.state_dict(),
            "discriminator": self.discriminator.state_dict(),
            "g_optimizer": self.g_optimizer.state_dict(),
            "d_optimizer": self.d_optimizer.state_dict(),
            "step": self.step,
            "rng": tg_random.get_rng_state(),
            "config": {
                f.name: _as_saved(getattr(self.config, f.name)) for f in fields(self.config)
            },
            "history": self.history,
        }
        if self.ema is not None:
            state["ema"] = self.ema.state_dict()
        return state

    def load_state_dict(self, state: dict) -> None:
        self.generator.load_state_dict(state["generator"])
        self.discriminator.load_state_dict(state["discriminator"])
        self.g_optimizer.load_state_dict(state["g_optimizer"])
        self.d_optimizer.load_state_dict(state["d_optimizer"])
        if self.ema is not None:
            self.ema.load_state_dict(state["ema"])
        self.step = state["step"]
        self.history = list(state["history"])
        tg_random.set_rng_state(state["rng"])

    def save_checkpoint(self, path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        save(self.state_dict(), path)

    def load_checkpoint(self, path) -> None:
        """Resume exactly: models, optimizers, step, history and the random state."""
        self.load_state_dict(load(path, map_location=self.device))

    @property
    def device(self) -> str:
        return next(self.generator.parameters()).device


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


def pack(samples, m: int):
    """PacGAN (Lin et al. 2018): m consecutive samples joined into one input of D, which then
    sees whether a group looks like m independent draws; a collapsed G gives itself away."""
    if m == 1:
        return samples
    n = samples.shape[0]
    if n % m:
        raise ValueError(f"pack: a batch of {n} cannot be split into groups of {m}")
    return samples.reshape(n // m, m * samples.shape[1], *samples.shape[2:])


def _split(batch) -> tuple:
    """A batch is a tensor, or a tuple (tensor, condition, ...) for a conditional GAN."""
    return tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)


def _gradient_norm(module) -> float:
    """The 2-norm of all of the module's gradients together (summed on the device: one sync)."""
    squares = [(p.grad.data * p.grad.data).sum() for p in module.parameters() if p.grad is not None]
    return math.sqrt(float(sum(squares))) if squares else 0.0


def _mean_output(obj, logits) -> float:
    """Mean D(x): a probability for the cross-entropy objectives, the raw score otherwise."""
    if obj.name in ("minimax", "non_saturating"):
        return F.sigmoid(logits).mean().item()
    return logits.mean().item()


def _as_saved(setting):
    """A config value as a checkpoint can hold it: tuples as lists, the augmentation as its
    description (a record of what was used; resuming takes the augmentation from the config)."""
    if isinstance(setting, tuple):
        return list(setting)
    return setting if setting is None or isinstance(setting, int | float | str) else repr(setting)


def _update_average(average, model, decay) -> None:
    """average <- decay * average + (1 - decay) * model, parameters and buffers."""
    with no_grad():
        for a, p in zip(average.parameters(), model.parameters()):
            a.mul_(decay).add_(p.detach(), alpha=1 - decay)
        for a, b in zip(average.buffers(), model.buffers()):
            a.copy_(b.detach())
