"""The hook points of Algorithm 1: a remedy is called where a step needs it and nowhere else,
the configuration builds the usual remedies in the order their hooks need, each remedy refuses
bad settings by name, and objectives are told apart by their attributes, never their names."""

from __future__ import annotations

import math

import numpy as np
import pytest

import tinygan
from tinygan import gan, nn

CENTRES = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])


def mlp(inputs, outputs, width=16):
    return nn.Sequential(nn.Linear(inputs, width), nn.ReLU(), nn.Linear(width, outputs))


def make_trainer(remedies=(), **options):
    tinygan.manual_seed(0)
    centres = tinygan.tensor(CENTRES, dtype=tinygan.float32)

    def sample_real(n):
        return centres[tinygan.randint(0, 4, (n,))] + tinygan.randn(n, 2) * 0.05

    config = gan.TrainingConfig(batch_size=32, lr_g=1e-3, lr_d=1e-3, **options)
    return gan.GANTrainer(
        mlp(2, 2),
        mlp(2 * config.pack, 1),
        sample_real,
        lambda n: tinygan.randn(n, 2),
        config,
        remedies=remedies,
    )


class Recorder(gan.Remedy):
    """Writes down each hook it is called at."""

    def __init__(self):
        self.calls = []

    def before_step(self, trainer):
        self.calls.append("before_step")

    def discriminator_condition(self, latent, condition):
        self.calls.append("discriminator_condition")
        return condition

    def transform_input(self, trainer, samples):
        self.calls.append("transform_input")
        return samples

    def shape_input(self, samples, condition):
        self.calls.append("shape_input")
        return samples

    def logits(self, output):
        self.calls.append("logits")
        return output

    def discriminator_loss(self, trainer, real, fake, record):
        self.calls.append("discriminator_loss")

    def after_discriminator_step(self, trainer):
        self.calls.append("after_discriminator_step")

    def generator_loss(self, trainer, fake, record):
        self.calls.append("generator_loss")

    def after_generator_step(self, trainer):
        self.calls.append("after_generator_step")


def test_a_remedy_is_called_at_each_hook_in_the_order_of_algorithm_1():
    recorder = Recorder()
    make_trainer(remedies=[recorder], d_steps=2).train_step()
    discriminator_step = [
        "discriminator_condition",
        *["transform_input", "shape_input"] * 2,  # the real batch, then the fake one
        "logits",
        "logits",
        "discriminator_loss",
        "after_discriminator_step",
    ]
    generator_step = [
        "discriminator_condition",
        "transform_input",
        "shape_input",
        "logits",
        "generator_loss",
        "after_generator_step",
    ]
    assert recorder.calls == ["before_step", *discriminator_step * 2, *generator_step]


def test_judge_calls_only_the_hooks_that_shape_ds_input_and_read_its_logits():
    recorder = Recorder()
    trainer = make_trainer(remedies=[recorder])
    trainer.judge(trainer.sample_real(8))
    assert recorder.calls == ["shape_input", "logits"]


class ConstantTerms(gan.Remedy):
    """Adds a constant to both players' losses, and records that it did."""

    def discriminator_loss(self, trainer, real, fake, record):
        return tinygan.tensor(5.0)

    def generator_loss(self, trainer, fake, record):
        record["constant"] = 3.0
        return tinygan.tensor(3.0)


def test_a_remedys_loss_terms_are_added_to_each_players_loss_and_its_figures_recorded():
    plain = make_trainer().train_step()
    shifted = make_trainer(remedies=[ConstantTerms()]).train_step()
    assert shifted["d_loss"] == pytest.approx(plain["d_loss"] + 5.0)
    assert shifted["g_loss"] == pytest.approx(plain["g_loss"] + 3.0)
    assert shifted["constant"] == 3.0 and "constant" not in plain
    # a constant has no gradient: both players took the same steps
    assert shifted["d_grad_norm"] == plain["d_grad_norm"]
    assert shifted["g_grad_norm"] == plain["g_grad_norm"]


def test_the_configuration_builds_one_remedy_per_setting_in_the_order_of_their_hooks():
    config = gan.TrainingConfig(
        batch_size=32,
        lr_schedule="cosine",
        augment=lambda x: x,
        instance_noise=0.1,
        pack=2,
        gradient_penalty=10.0,
        r1=1.0,
        weight_clip=0.01,
        ema_decay=0.9,
    )
    kinds = [type(r) for r in config.make_remedies(mlp(2, 2))]
    assert kinds == [
        gan.LearningRateSchedule,
        gan.Augmentation,
        gan.InstanceNoise,
        gan.Packing,
        gan.GradientPenalty,
        gan.R1Penalty,
        gan.WeightClipping,
        gan.MovingAverage,
    ]
    defaults = gan.TrainingConfig().make_remedies(mlp(2, 2))
    assert [type(r) for r in defaults] == [gan.LearningRateSchedule]  # rates set every step
    info = gan.TrainingConfig(info_weight=1.0, r1=1.0).make_remedies(mlp(2, 2))
    assert [type(r) for r in info] == [gan.LearningRateSchedule, gan.InfoGAN, gan.R1Penalty]


@pytest.mark.parametrize(
    "build, message",
    [
        (lambda: gan.Packing(0), "Packing: m must be an integer >= 1, got 0"),
        (lambda: gan.InstanceNoise(-0.5), "InstanceNoise: std must be >= 0, got -0.5"),
        (lambda: gan.MovingAverage(mlp(2, 2), 1.0), r"MovingAverage: decay must be in \[0, 1\)"),
        (lambda: gan.GradientPenalty(-1.0), "GradientPenalty: the weight must be >= 0, got -1.0"),
        (lambda: gan.R1Penalty(float("nan")), "R1Penalty: the weight must be >= 0, got nan"),
        (lambda: gan.WeightClipping(-0.1), "WeightClipping: the weight must be >= 0"),
        (lambda: gan.InfoGAN(-1.0), "InfoGAN: weight must be >= 0, got -1.0"),
        (lambda: gan.Augmentation(3), "Augmentation: augment must be a function"),
        (
            lambda: gan.LearningRateSchedule("step", 1e-3, 1e-3),
            "LearningRateSchedule: unknown lr_schedule='step'; choose one of constant",
        ),
    ],
)
def test_each_remedy_refuses_bad_settings_naming_itself_and_the_value(build, message):
    with pytest.raises(ValueError, match=message):
        build()


def test_objectives_say_whether_d_returns_a_probability():
    probability = {name for name, o in gan.OBJECTIVES.items() if o.outputs_probability}
    assert probability == {"minimax", "non_saturating"}
    logits = tinygan.tensor([-2.0, 0.0, 3.0])
    np.testing.assert_allclose(
        gan.objective("minimax").discriminator_output(logits).numpy(),
        1 / (1 + np.exp(-logits.numpy())),
        rtol=1e-6,
    )
    assert gan.objective("hinge").discriminator_output(logits) is logits


def test_the_trainer_reads_an_objectives_attributes_not_its_name():
    trainer = make_trainer()
    # the non-saturating losses under a name the library has never heard of
    trainer.objective = gan.Objective(
        "renamed",
        trainer.objective._discriminator,
        trainer.objective._generator,
        outputs_probability=False,
    )
    record = trainer.train_step()
    reference = make_trainer().train_step()
    assert record["d_loss"] == reference["d_loss"]
    # read as a score, D(x) is the mean logit, which lies outside (0, 1) or differs from sigmoid
    assert record["d_real"] != reference["d_real"]
    assert math.isclose(1 / (1 + math.exp(-record["d_real"])), reference["d_real"], rel_tol=0.05)


def test_label_smoothing_lowers_only_the_real_target_and_is_refused_for_scores():
    smoothed = gan.objective("non_saturating").with_label_smoothing(0.1)
    assert smoothed.real_target == pytest.approx(0.9) and smoothed.name == "non_saturating"
    real, fake = tinygan.tensor([0.5, -1.0]), tinygan.tensor([0.2, 0.3])
    assert smoothed.discriminator_loss(real, fake).item() == pytest.approx(
        gan.objective("non_saturating").discriminator_loss(real, fake, real_target=0.9).item()
    )
    with pytest.raises(ValueError, match="wasserstein: label smoothing is defined for"):
        gan.TrainingConfig(objective="wasserstein", label_smoothing=0.1)
    with pytest.raises(ValueError, match=r"hinge: label smoothing must be in \[0, 1\), got 1.0"):
        gan.objective("hinge").with_label_smoothing(1.0)


def test_a_checkpoint_keeps_the_keys_of_the_old_format(tmp_path):
    trainer = make_trainer(ema_decay=0.9)
    trainer.fit(2, out=tmp_path, progress=False)
    saved = tinygan.load(tmp_path / "checkpoint.npz")
    assert set(saved) == {
        "generator",
        "discriminator",
        "g_optimizer",
        "d_optimizer",
        "step",
        "rng",
        "config",
        "history",
        "ema",
    }
    assert saved["config"]["ema_decay"] == 0.9 and saved["config"]["betas"] == [0.5, 0.999]
