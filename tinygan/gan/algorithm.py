"""Algorithm 1 of Goodfellow et al. (2014), the training loop every demo uses.

One step of ``GANTrainer``:
  k times:  the discriminator D takes a step on a real batch and a batch G(z) (G held fixed);
  once:     the generator G takes a step against the updated D (D held fixed).

The remedies of the later literature plug in at a few hook points (remedy.py) without a branch
here; ``TrainingConfig`` (config.py) builds the usual ones. Each step is recorded in
``history``: both losses, D on real and fake, both players' gradient norms, the rates, steps/s.
The progress bar, Ctrl-C and the NaN stop are in fit.py, saving and resuming in checkpoint.py.
"""

from __future__ import annotations

import math
import time

from ..grad_mode import no_grad
from ..optim import Adam
from . import checkpoint
from .config import TrainingConfig
from .ema import MovingAverage
from .fit import fit
from .remedy import Judged, Remedy


class GANTrainer:
    """Trains ``generator`` against ``discriminator``.

    ``sample_real(n)`` returns n data samples and ``sample_noise(n)`` n latent vectors, as
    tensors on the models' device. For a conditional GAN both return (tensor, labels), and the
    trainer calls G(z, labels) and D(x, labels). ``config`` sets the objective, the batch, k,
    the optimizers and the remedies; ``remedies`` adds your own after those (see remedy.py).
    """

    def __init__(
        self,
        generator,
        discriminator,
        sample_real,
        sample_noise,
        config: TrainingConfig | None = None,
        *,
        remedies: tuple[Remedy, ...] = (),
    ):
        self.generator, self.discriminator = generator, discriminator
        self.sample_real, self.sample_noise = sample_real, sample_noise
        self.config = config = config or TrainingConfig()
        self.objective = config.make_objective()
        self.batch_size, self.d_steps = config.batch_size, config.d_steps
        self.g_optimizer = Adam(generator.parameters(), lr=config.lr_g, betas=config.betas)
        self.d_optimizer = Adam(discriminator.parameters(), lr=config.lr_d, betas=config.betas)
        self.remedies = [*config.make_remedies(generator), *remedies]
        self.step = 0
        self.history = []
        self.total_steps = None  # known during fit(); the schedules run over it

    # ---- Algorithm 1 --------------------------------------------------------------------------

    def train_step(self) -> dict:
        """k discriminator steps, then one generator step; returns the step's record."""
        started = time.perf_counter()
        for remedy in self.remedies:
            remedy.before_step(self)
        for _ in range(self.d_steps):
            d_record = self.discriminator_step()
        g_record = self.generator_step()
        self.step += 1
        record = {
            "step": self.step,
            **d_record,
            **g_record,
            "lr_g": self.g_optimizer.param_groups[0]["lr"],
            "lr_d": self.d_optimizer.param_groups[0]["lr"],
            "steps_per_second": 1 / max(time.perf_counter() - started, 1e-9),
        }
        self.history.append(record)
        return record

    def discriminator_step(self) -> dict:
        """D descends its loss on a real batch and a batch G(z): it learns to tell them apart."""
        real_samples, *real_condition = _as_tuple(self.sample_real(self.batch_size))
        latent = _as_tuple(self.sample_noise(self.batch_size))
        fake_condition = self._fake_condition(latent)
        _check_conditions(tuple(real_condition), fake_condition, latent)
        with no_grad():  # G is held fixed: no graph through it
            fake_samples = self.generator(*latent)
        real_inputs = self._discriminator_input(real_samples, tuple(real_condition))
        fake_inputs = self._discriminator_input(fake_samples, fake_condition)
        real = self._judge(real_inputs, tuple(real_condition))
        fake = self._judge(fake_inputs, fake_condition, latent)
        loss, record = self.objective.discriminator_loss(real.logits, fake.logits), {}
        for remedy in self.remedies:
            loss = _plus(loss, remedy.discriminator_loss(self, real, fake, record))
        grad_norm = _descend(self.d_optimizer, self.discriminator, loss)
        for remedy in self.remedies:
            remedy.after_discriminator_step(self)
        return {
            "d_loss": loss.item(),
            "d_real": self.objective.discriminator_output(real.logits).mean().item(),
            "d_fake": self.objective.discriminator_output(fake.logits).mean().item(),
            "d_grad_norm": grad_norm,
            **record,
        }

    def generator_step(self) -> dict:
        """G descends its loss against D, held fixed: it learns to make D call G(z) real."""
        self.discriminator.requires_grad_(False)  # no gradients for D's weights
        try:
            latent = _as_tuple(self.sample_noise(self.batch_size))
            condition = self._fake_condition(latent)
            inputs = self._discriminator_input(self.generator(*latent), condition)
            fake = self._judge(inputs, condition, latent)
            loss, record = self.objective.generator_loss(fake.logits), {}
            for remedy in self.remedies:
                loss = _plus(loss, remedy.generator_loss(self, fake, record))
            grad_norm = _descend(self.g_optimizer, self.generator, loss)
        finally:
            self.discriminator.requires_grad_(True)
        for remedy in self.remedies:
            remedy.after_generator_step(self)
        return {"g_loss": loss.item(), "g_grad_norm": grad_norm, **record}

    # ---- what D sees and says -----------------------------------------------------------------

    def _fake_condition(self, latent: tuple) -> tuple:
        """What D is told of the batch G makes from ``latent``: G's labels, unless a remedy
        hides them (InfoGAN's code is for D to guess)."""
        condition = latent[1:]
        for remedy in self.remedies:
            condition = remedy.discriminator_condition(latent, condition)
        return condition

    def _discriminator_input(self, samples, condition: tuple):
        for remedy in self.remedies:
            samples = remedy.transform_input(self, samples)
        return self._shaped(samples, condition)

    def _shaped(self, samples, condition: tuple):
        for remedy in self.remedies:
            samples = remedy.shape_input(samples, condition)
        return samples

    def _judge(self, inputs, condition: tuple, latent: tuple = ()) -> Judged:
        output = self.discriminator(inputs, *condition)
        return Judged(inputs, condition, output, self._logits_of(output), latent)

    def _logits_of(self, output):
        for remedy in self.remedies:
            output = remedy.logits(output)
        return output

    def logits(self, inputs, condition: tuple = ()):
        """D's real/fake logits on inputs already as D takes them (augmented, packed)."""
        return self._logits_of(self.discriminator(inputs, *condition))

    def judge(self, samples):
        """D's real/fake logits for a batch like ``sample_real`` returns (a conditional GAN:
        (samples, labels)), packed if D takes packs, without augmentation, noise or gradients.
        D stays in its mode: in training mode batch norm uses the batch's statistics, as in a
        training step, and, as there, moves its running statistics (and spectral norm takes a
        power-iteration step)."""
        inputs, *condition = _as_tuple(samples)
        with no_grad():
            return self.logits(self._shaped(inputs, tuple(condition)), tuple(condition))

    @property
    def ema(self):
        """The moving average of G, if a ``MovingAverage`` keeps one; else None."""
        averages = [r.average for r in self.remedies if isinstance(r, MovingAverage)]
        return averages[0] if averages else None

    @property
    def device(self) -> str:
        return next(self.generator.parameters()).device

    # ---- the loop and checkpoints, kept apart from the algorithm ------------------------------

    fit = fit
    state_dict = checkpoint.trainer_state
    load_state_dict = checkpoint.load_trainer_state
    save_checkpoint = checkpoint.save_checkpoint
    load_checkpoint = checkpoint.load_checkpoint


def _as_tuple(batch) -> tuple:
    """A batch is a tensor, or a tuple (tensor, condition, ...) for a conditional GAN."""
    return tuple(batch) if isinstance(batch, (tuple, list)) else (batch,)


def _check_conditions(real_condition: tuple, fake_condition: tuple, latent: tuple) -> None:
    if len(real_condition) != len(fake_condition):
        raise ValueError(
            f"GANTrainer: sample_real gave {1 + len(real_condition)} items and sample_noise "
            f"{len(latent)}; for a conditional GAN both return (tensor, labels), otherwise "
            "both return a tensor"
        )


def _plus(loss, term):
    """loss + term, where a remedy's term None means it adds nothing."""
    return loss if term is None else loss + term


def _descend(optimizer, model, loss) -> float:
    """One optimizer step down ``loss``; returns the 2-norm of the model's gradients, all
    together (summed on the device: one sync)."""
    optimizer.zero_grad()
    loss.backward()
    squares = [(p.grad.data * p.grad.data).sum() for p in model.parameters() if p.grad is not None]
    grad_norm = math.sqrt(float(sum(squares))) if squares else 0.0
    optimizer.step()
    return grad_norm
