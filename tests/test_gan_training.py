"""The GAN training loop: what a step records and changes, resuming exactly, stopping cleanly
on NaN and on Ctrl-C, and each option doing what it says."""

from __future__ import annotations

import math
import os
import signal

import numpy as np
import pytest

import tinygan
from tinygan import gan, nn

CENTRES = np.array([[1.0, 0.0], [-1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])


def mlp(inputs, outputs, width=16):
    return nn.Sequential(nn.Linear(inputs, width), nn.ReLU(), nn.Linear(width, outputs))


def make_trainer(seed=0, device="cpu", **options):
    tinygan.manual_seed(seed)
    centres = tinygan.tensor(CENTRES, dtype=tinygan.float32, device=device)

    def sample_real(n):
        return (
            centres[tinygan.randint(0, 4, (n,), device=device)]
            + tinygan.randn(n, 2, device=device) * 0.05
        )

    def sample_noise(n):
        return tinygan.randn(n, 2, device=device)

    config = gan.TrainingConfig(batch_size=32, lr_g=1e-3, lr_d=1e-3, **options)
    generator = mlp(2, 2).to(device)
    discriminator = mlp(2 * config.pack, 1).to(device)
    return gan.GANTrainer(generator, discriminator, sample_real, sample_noise, config)


def parameters(module):
    return {name: p.numpy().copy() for name, p in module.state_dict().items()}


def test_a_step_records_everything_and_moves_both_players(device):
    trainer = make_trainer(device=device)
    g_before, d_before = parameters(trainer.generator), parameters(trainer.discriminator)
    record = trainer.train_step()
    assert set(record) == {
        "step",
        "d_loss",
        "g_loss",
        "d_real",
        "d_fake",
        "d_grad_norm",
        "g_grad_norm",
        "lr_g",
        "lr_d",
        "steps_per_second",
    }
    assert record["step"] == 1 and trainer.history == [record]
    assert all(math.isfinite(v) for v in record.values())
    assert 0 < record["d_real"] < 1 and 0 < record["d_fake"] < 1
    assert record["d_grad_norm"] > 0 and record["g_grad_norm"] > 0
    for before, module in ((g_before, trainer.generator), (d_before, trainer.discriminator)):
        after = parameters(module)
        assert any(not np.array_equal(before[k], after[k]) for k in before)


def test_the_generator_step_gives_the_discriminator_no_gradients():
    trainer = make_trainer()
    trainer.generator_step()
    assert all(p.grad is None for p in trainer.discriminator.parameters())
    assert all(p.requires_grad for p in trainer.discriminator.parameters())


def test_k_discriminator_steps_per_generator_step():
    trainer = make_trainer(d_steps=3)
    trainer.train_step()
    assert trainer.d_optimizer.state[next(trainer.discriminator.parameters())]["step"] == 3
    assert trainer.g_optimizer.state[next(trainer.generator.parameters())]["step"] == 1


def test_resuming_from_a_checkpoint_continues_exactly(tmp_path):
    straight = make_trainer()
    straight.fit(12, progress=False)

    first = make_trainer()
    first.fit(6, out=tmp_path, progress=False)
    resumed = make_trainer(seed=7)  # other weights and random state until loaded
    resumed.load_checkpoint(tmp_path / "checkpoint.npz")
    assert resumed.step == 6 and len(resumed.history) == 6
    resumed.fit(12, progress=False)
    for module in ("generator", "discriminator"):
        expected = parameters(getattr(straight, module))
        got = parameters(getattr(resumed, module))
        for name in expected:
            np.testing.assert_array_equal(got[name], expected[name], err_msg=f"{module}.{name}")
    assert [r["d_loss"] for r in resumed.history] == [r["d_loss"] for r in straight.history]


def test_a_nan_loss_stops_training_and_keeps_the_last_good_checkpoint(tmp_path, capsys):
    trainer = make_trainer()
    trainer.fit(4, out=tmp_path, checkpoint_every=2, progress=False)
    good = tinygan.load(tmp_path / "checkpoint.npz")
    real = trainer.sample_real
    trainer.sample_real = lambda n: real(n) * float("nan")  # the data goes bad
    assert trainer.fit(10, out=tmp_path, checkpoint_every=1, progress=False) == "nan"
    message = capsys.readouterr().out
    assert "stopped at step 5" in message and "last good checkpoint" in message
    kept = tinygan.load(tmp_path / "checkpoint.npz")
    assert kept["step"] == good["step"] == 4


def test_the_stop_message_says_a_resume_must_change_a_setting(tmp_path, capsys):
    trainer = make_trainer()
    real = trainer.sample_real
    trainer.sample_real = lambda n: real(n) * float("nan")
    assert trainer.fit(3, out=tmp_path, progress=False) == "nan"
    message = capsys.readouterr().out
    assert "repeats the same steps" in message and "change a setting first" in message


def test_a_loss_that_diverges_without_nan_stops_training_too(tmp_path, capsys):
    trainer = make_trainer()
    trainer.fit(2, out=tmp_path, checkpoint_every=1, progress=False)
    real = trainer.sample_real
    trainer.sample_real = lambda n: real(n) * 1e12  # D's logits, and its loss, explode
    assert trainer.fit(10, out=tmp_path, checkpoint_every=1, progress=False) == "diverged"
    message = capsys.readouterr().out
    assert "stopped at step 3: a loss is diverging" in message
    assert tinygan.load(tmp_path / "checkpoint.npz")["step"] == 2  # the bad step is not saved


def test_fit_refuses_fewer_steps_than_the_trainer_has_already_taken(tmp_path):
    trainer = make_trainer()
    trainer.fit(3, progress=False)
    with pytest.raises(ValueError, match="already at step 3.*at least 3 steps"):
        trainer.fit(2, progress=False)
    assert trainer.fit(3, progress=False) == "done" and trainer.step == 3  # nothing left to do


@pytest.mark.parametrize(
    "steps, checkpoint_every, named", [(-5, 0, "steps"), (2.5, 0, "steps"), (4, -1, "checkpoint")]
)
def test_fit_refuses_negative_or_fractional_step_counts_by_name(steps, checkpoint_every, named):
    with pytest.raises(ValueError, match=f"fit: {named}.* must be an int >= 0"):
        make_trainer().fit(steps, checkpoint_every=checkpoint_every, progress=False)


def test_ctrl_c_saves_and_returns_cleanly(tmp_path, capsys):
    trainer = make_trainer()
    real = trainer.sample_real

    def interrupted_at_step_3(n):
        if trainer.step == 3:
            raise KeyboardInterrupt
        return real(n)

    trainer.sample_real = interrupted_at_step_3
    assert trainer.fit(10, out=tmp_path, progress=False) == "interrupted"
    assert tinygan.load(tmp_path / "checkpoint.npz")["step"] == 3
    assert "interrupted at step 3" in capsys.readouterr().out


def test_weight_clipping_keeps_the_critic_in_a_box():
    trainer = make_trainer(objective="wasserstein", weight_clip=0.01)
    trainer.fit(3, progress=False)
    assert all(np.abs(p.numpy()).max() <= 0.01 for p in trainer.discriminator.parameters())


def test_packing_groups_consecutive_samples():
    x = tinygan.arange(12).reshape(6, 2)
    assert gan.pack(x, 3).tolist() == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]
    trainer = make_trainer(pack=2)  # D's input is 2 samples wide
    assert math.isfinite(trainer.train_step()["d_loss"])
    with pytest.raises(ValueError, match="multiple of pack"):
        gan.TrainingConfig(batch_size=30, pack=4)


def test_the_moving_average_of_the_generator_trails_it():
    trainer = make_trainer(ema_decay=0.9)
    start = parameters(trainer.ema)
    trainer.train_step()
    g, ema = parameters(trainer.generator), parameters(trainer.ema)
    for name in g:  # one step: ema = 0.9 * start + 0.1 * g
        np.testing.assert_allclose(
            ema[name], 0.9 * start[name] + 0.1 * g[name], rtol=1e-5, atol=1e-7
        )


def test_label_smoothing_and_instance_noise_change_the_discriminator_loss():
    losses = {}
    for name, options in {
        "plain": {},
        "smooth": {"label_smoothing": 0.1},
        "noise": {"instance_noise": 0.5},
    }.items():
        losses[name] = make_trainer(**options).train_step()["d_loss"]
    assert losses["smooth"] != losses["plain"] and losses["noise"] != losses["plain"]


def test_every_objective_and_penalty_trains_without_error():
    for options in (
        {"objective": "minimax"},
        {"objective": "least_squares"},
        {"objective": "hinge"},
        {"objective": "wasserstein", "gradient_penalty": 10.0},
        {"r1": 1.0},
    ):
        record = make_trainer(**options).train_step()
        assert math.isfinite(record["d_loss"]), options


def test_bad_options_are_refused_by_name():
    with pytest.raises(ValueError, match="unknown GAN objective 'nonsaturating'"):
        gan.TrainingConfig(objective="nonsaturating")
    with pytest.raises(ValueError, match="invalid label_smoothing=1.5"):
        gan.TrainingConfig(label_smoothing=1.5)


@pytest.mark.parametrize(
    "setting",
    [
        {"lr_g": float("inf")},
        {"lr_d": float("nan")},
        {"r1": -1.0},
        {"batch_size": 2.5},
        {"batch_size": True},
        {"d_steps": 0},
        {"ema_decay": 1.0},
        {"gradient_penalty": "10"},
    ],
)
def test_non_finite_out_of_range_or_mistyped_settings_are_refused_by_name(setting):
    ((name, value),) = setting.items()
    with pytest.raises(ValueError, match=f"invalid {name}={value!r}: it must be"):
        gan.TrainingConfig(**setting)


def test_a_batch_that_does_not_split_into_packs_is_refused():
    with pytest.raises(ValueError, match="batch_size=10 must be a multiple of pack"):
        gan.TrainingConfig(batch_size=10, pack=4)


def test_fit_calls_the_callback_after_every_step():
    trainer = make_trainer()
    seen = []
    trainer.fit(4, progress=False, callback=lambda t: seen.append(t.step))
    assert seen == [1, 2, 3, 4]


@pytest.mark.parametrize(
    "schedule, expected",
    [
        ("constant", [1.0, 1.0, 1.0, 1.0]),
        ("linear", [1.0, 0.75, 0.5, 0.25]),
        (
            "cosine",
            [1.0, 0.5 * (1 + math.cos(math.pi / 4)), 0.5, 0.5 * (1 - math.cos(math.pi / 4))],
        ),
    ],
)
def test_the_learning_rate_schedule_scales_both_rates_step_by_step(schedule, expected):
    trainer = make_trainer(lr_schedule=schedule)
    trainer.fit(4, progress=False)
    for record, factor in zip(trainer.history, expected):
        assert record["lr_g"] == pytest.approx(1e-3 * factor)
        assert record["lr_d"] == pytest.approx(1e-3 * factor)


def test_an_interrupted_scheduled_run_resumes_exactly(tmp_path, capsys):
    straight = make_trainer(lr_schedule="linear")
    straight.fit(12, progress=False)

    def stop_at_step_5(trainer):
        if trainer.step == 5:
            raise KeyboardInterrupt

    first = make_trainer(lr_schedule="linear")
    assert first.fit(12, out=tmp_path, progress=False, callback=stop_at_step_5) == "interrupted"
    resumed = make_trainer(seed=3, lr_schedule="linear")
    resumed.load_checkpoint(tmp_path / "checkpoint.npz")
    resumed.fit(12, progress=False)
    assert [r["lr_g"] for r in resumed.history] == [r["lr_g"] for r in straight.history]
    expected, got = parameters(straight.generator), parameters(resumed.generator)
    for name in expected:
        np.testing.assert_array_equal(got[name], expected[name], err_msg=name)


def test_an_unknown_schedule_is_refused_with_the_choices():
    with pytest.raises(ValueError, match="unknown lr_schedule='step'.*constant, linear, cosine"):
        gan.TrainingConfig(lr_schedule="step")


class LabelledMLP(nn.Module):
    """A player that also takes a label, as one-hot inputs beside its own."""

    def __init__(self, inputs, outputs):
        super().__init__()
        self.net = mlp(inputs + 4, outputs)
        self.labels_seen = []

    def forward(self, x, labels):
        self.labels_seen.append(labels.numpy().copy())
        one_hot = (labels.reshape(-1, 1) == tinygan.arange(4, device=labels.device)).float()
        return self.net(tinygan.cat([x, one_hot], dim=1))


def make_conditional_trainer(**options):
    tinygan.manual_seed(0)
    centres = tinygan.tensor(CENTRES, dtype=tinygan.float32)

    def sample_real(n):
        labels = tinygan.randint(0, 4, (n,))
        return centres[labels] + tinygan.randn(n, 2) * 0.05, labels

    def sample_noise(n):
        return tinygan.randn(n, 2), tinygan.randint(0, 4, (n,))

    config = gan.TrainingConfig(batch_size=32, lr_g=1e-3, lr_d=1e-3, **options)
    return gan.GANTrainer(LabelledMLP(2, 2), LabelledMLP(2, 1), sample_real, sample_noise, config)


@pytest.mark.parametrize("penalty", [{}, {"r1": 1.0}, {"gradient_penalty": 1.0}])
def test_a_conditional_gan_passes_the_labels_to_both_players(penalty):
    trainer = make_conditional_trainer(**penalty)
    record = trainer.train_step()
    assert math.isfinite(record["d_loss"]) and record["g_grad_norm"] > 0
    generator, discriminator = trainer.generator, trainer.discriminator
    # D judged real samples with their labels and fakes with the labels G was asked for.
    assert all(len(labels) == 32 for labels in discriminator.labels_seen)
    assert any(
        np.array_equal(g, d) for g in generator.labels_seen for d in discriminator.labels_seen
    )


def test_packing_is_refused_for_a_conditional_gan():
    trainer = make_conditional_trainer(pack=2)
    with pytest.raises(ValueError, match="pack=2 cannot be used with a conditional GAN"):
        trainer.train_step()


def test_ctrl_c_during_a_step_finishes_that_step_then_saves(tmp_path, capsys):
    trainer = make_trainer()
    sample_real = trainer.sample_real

    def real_batch_with_a_ctrl_c_in_step_3(n):
        if trainer.step == 2 and not getattr(trainer, "signalled", False):
            trainer.signalled = True
            os.kill(os.getpid(), signal.SIGINT)  # arrives inside the discriminator step
        return sample_real(n)

    trainer.sample_real = real_batch_with_a_ctrl_c_in_step_3
    handler_before = signal.getsignal(signal.SIGINT)
    assert trainer.fit(10, out=tmp_path, progress=False) == "interrupted"
    assert trainer.step == 3 and len(trainer.history) == 3  # step 3 was finished, both players
    saved = tinygan.load(tmp_path / "checkpoint.npz")
    assert saved["step"] == 3
    for name, value in parameters(trainer.generator).items():
        np.testing.assert_array_equal(saved["generator"][name].numpy(), value)
    assert signal.getsignal(signal.SIGINT) is handler_before  # the handler is given back
    assert "stopping after this step" in capsys.readouterr().out


def test_a_second_ctrl_c_stops_at_once_without_saving(tmp_path):
    trainer = make_trainer()
    sample_real = trainer.sample_real

    def two_ctrl_cs(n):
        if trainer.step == 1:
            os.kill(os.getpid(), signal.SIGINT)
            os.kill(os.getpid(), signal.SIGINT)
        return sample_real(n)

    trainer.sample_real = two_ctrl_cs
    with pytest.raises(SystemExit, match="interrupted twice"):
        trainer.fit(10, out=tmp_path, progress=False)
    assert not (tmp_path / "checkpoint.npz").exists()
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler


def test_labels_from_only_one_sampler_are_refused_clearly():
    trainer = make_conditional_trainer()
    trainer.sample_noise = lambda n: tinygan.randn(n, 2)  # forgot the labels
    with pytest.raises(ValueError, match="sample_real gave 2 items and sample_noise 1"):
        trainer.train_step()


def make_info_trainer(fixed_batches=False, discriminator_outputs=1 + 4, **options):
    """InfoGAN on the four centres: G(z, code) with a code of 4 values; D(x) alone, returning
    its real/fake logit and 4 logits guessing the code."""
    tinygan.manual_seed(0)
    centres = tinygan.tensor(CENTRES, dtype=tinygan.float32)
    real_batch = centres[tinygan.randint(0, 4, (32,))] + tinygan.randn(32, 2) * 0.05
    noise_batch = tinygan.randn(32, 2), tinygan.randint(0, 4, (32,))

    def sample_real(n):
        if fixed_batches:
            return real_batch
        return centres[tinygan.randint(0, 4, (n,))] + tinygan.randn(n, 2) * 0.05

    def sample_noise(n):
        return noise_batch if fixed_batches else (tinygan.randn(n, 2), tinygan.randint(0, 4, (n,)))

    options = {"info_weight": 0.5, **options}
    config = gan.TrainingConfig(batch_size=32, lr_g=1e-3, lr_d=1e-3, **options)
    generator, discriminator = LabelledMLP(2, 2), mlp(2, discriminator_outputs)
    return gan.GANTrainer(generator, discriminator, sample_real, sample_noise, config)


def test_infogan_the_generator_step_adds_lambda_times_the_code_loss():
    trainer = make_info_trainer(fixed_batches=True)
    G, D = trainer.generator, trainer.discriminator
    z, code = trainer.sample_noise(32)
    out = D(G(z, code))
    code_loss = tinygan.nn.functional.cross_entropy(out[:, 1:], code)
    expected = trainer.objective.generator_loss(out[:, :1]) + 0.5 * code_loss
    expected_grads = tinygan.grad(expected, list(G.parameters()))
    record = trainer.generator_step()
    assert record["g_loss"] == pytest.approx(expected.item(), rel=1e-6)
    assert record["info_loss"] == pytest.approx(code_loss.item(), rel=1e-6)
    for p, g in zip(G.parameters(), expected_grads):
        np.testing.assert_allclose(p.grad.numpy(), g.numpy(), rtol=1e-5, atol=1e-7)
    assert all(p.grad is None for p in D.parameters())


def test_infogan_the_discriminator_also_learns_to_guess_the_code():
    trainer = make_info_trainer(fixed_batches=True)
    G, D = trainer.generator, trainer.discriminator
    z, code = trainer.sample_noise(32)
    with tinygan.no_grad():
        real_out, fake_out = D(trainer.sample_real(32)), D(G(z, code))
        expected = trainer.objective.discriminator_loss(
            real_out[:, :1], fake_out[:, :1]
        ) + 0.5 * tinygan.nn.functional.cross_entropy(fake_out[:, 1:], code)
    d_loss = trainer.discriminator_step()["d_loss"]
    assert d_loss == pytest.approx(expected.item(), rel=1e-6)


def test_infogan_makes_the_codes_tell_apart():
    trainer = make_info_trainer(info_weight=1.0)
    trainer.fit(400, progress=False)
    first, last = trainer.history[0]["info_loss"], trainer.history[-1]["info_loss"]
    assert first == pytest.approx(math.log(4), abs=0.3)  # at first D guesses at random
    # by the end D names the code of most samples: G made the 4 codes look different
    assert np.mean([r["info_loss"] for r in trainer.history[-20:]]) < math.log(4) / 2
    assert math.isfinite(last)


def test_infogan_refuses_a_discriminator_without_guesses_of_the_code():
    trainer = make_info_trainer(discriminator_outputs=1)
    with pytest.raises(ValueError, match=r"D must return \[N, 1 \+ K\].*\(32, 1\)"):
        trainer.train_step()


def test_infogan_refuses_packing_when_configured():
    with pytest.raises(ValueError, match="pack=2 cannot be used with a conditional GAN or InfoGAN"):
        make_info_trainer(pack=2)


def test_infogan_without_a_code_from_sample_noise_is_refused_clearly():
    trainer = make_info_trainer()
    trainer.sample_noise = lambda n: tinygan.randn(n, 2)
    with pytest.raises(ValueError, match=r"sample_noise must return \(z, code\), got 1 item"):
        trainer.train_step()


def test_judge_gives_d_logits_without_augmentation_or_gradients():
    trainer = make_trainer(pack=2, augment=lambda x: x * 0)  # an augmentation judge must skip
    real = trainer.sample_real(8)
    logits = trainer.judge(real)
    expected = trainer.discriminator(gan.pack(real, 2))
    assert logits.shape == (4, 1) and not logits.requires_grad
    np.testing.assert_allclose(logits.numpy(), expected.numpy())


def test_judge_passes_the_labels_of_a_conditional_gan_and_infogans_logit_only():
    trainer = make_conditional_trainer()
    x, labels = trainer.sample_real(8)
    np.testing.assert_allclose(
        trainer.judge((x, labels)).numpy(), trainer.discriminator(x, labels).numpy()
    )
    assert np.array_equal(trainer.discriminator.labels_seen[0], labels.numpy())
    info = make_info_trainer()
    x = info.sample_real(8)
    assert info.judge(x).shape == (8, 1)
