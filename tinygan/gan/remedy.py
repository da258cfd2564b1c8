"""The hook points of Algorithm 1, and ``Remedy``, the base class of what plugs into them.

The later literature patched Goodfellow et al.'s algorithm in a few places only: what D sees,
what each player minimizes, and what happens after each player's step. ``GANTrainer`` calls
every remedy at each of these points, in the order of its list; a remedy overrides the hooks it
needs and inherits the others, which change nothing. So the loop has no branch per remedy, and
a new one is a small class:

    class PrintDLoss(Remedy):
        def after_discriminator_step(self, trainer):
            print(trainer.step, "D took a step")

    trainer = GANTrainer(G, D, sample_real, sample_noise, remedies=[PrintDLoss()])
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Judged:
    """A batch as D saw it, and what D said: handed to the remedies' loss terms."""

    inputs: object  # the samples after every input transform (augmented, noised, packed)
    condition: tuple  # what D was told beside them: a conditional GAN's labels, or ()
    output: object  # D's whole output (InfoGAN's D also guesses the code)
    logits: object  # the real/fake logits the objective reads
    latent: tuple = ()  # for a fake batch: G's arguments, (z, ...); () for a real one


class Remedy:
    """A change to Algorithm 1, made at the hooks below (each, by default, changes nothing).

    The hooks, in the order a step meets them:
      before_step               once per step, before D's k steps (learning-rate schedules)
      discriminator_condition   what D is told of a fake batch (InfoGAN hides its code)
      transform_input           what D sees in training (augmentation, instance noise)
      shape_input               what D's inputs look like, in training and in ``judge`` (packing)
      logits                    the real/fake logits in D's output (InfoGAN's column 0)
      discriminator_loss        a term added to D's loss (gradient penalties, InfoGAN)
      after_discriminator_step  after each step of D's optimizer (weight clipping)
      generator_loss            a term added to G's loss (InfoGAN)
      after_generator_step      after G's optimizer step (a moving average of G)
    The loss terms may also write figures into ``record``, the step's entry in the history.
    """

    def before_step(self, trainer) -> None:
        pass

    def discriminator_condition(self, latent: tuple, condition: tuple) -> tuple:
        return condition

    def transform_input(self, trainer, samples):
        return samples

    def shape_input(self, samples, condition: tuple):
        return samples

    def logits(self, output):
        return output

    def discriminator_loss(self, trainer, real: Judged, fake: Judged, record: dict):
        return None

    def after_discriminator_step(self, trainer) -> None:
        pass

    def generator_loss(self, trainer, fake: Judged, record: dict):
        return None

    def after_generator_step(self, trainer) -> None:
        pass

    def state_dict(self) -> dict:
        """Entries this remedy adds to the trainer's checkpoint (none by default)."""
        return {}

    def load_state_dict(self, state: dict) -> None:
        pass

    def __repr__(self) -> str:
        settings = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"{type(self).__name__}({settings})"
