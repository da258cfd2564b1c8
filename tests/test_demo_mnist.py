"""Smoke runs of the MNIST scripts on small IDX files the tests write (the real digits are never
needed): the GAN demos write every picture and metric and resume from their checkpoint, and on
images of bars the GANs and the evaluator's training script each learn, by a loose threshold."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import use_device

import tinygan
from tinygan import backend, random
from tinygan.data import load_mnist, scale, write_idx
from tinygan.data.kmeans import kmeans
from tinygan.metrics import load_classifier

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fake_mnist(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mnist")
    rng = np.random.default_rng(0)
    write_idx(folder / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (300, 28, 28), np.uint8))
    write_idx(folder / "train-labels-idx1-ubyte.gz", rng.integers(0, 10, 300, np.uint8))
    return folder


def run(script, *flags):
    result = subprocess.run(
        [sys.executable, str(ROOT / "demos" / script), *map(str, flags)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


@pytest.fixture(scope="module")
def bars(tmp_path_factory):
    """300 images a GAN can learn in a few hundred steps: one white bar, 4 pixels wide,
    across a black square, horizontal or vertical (the label) at a random place."""
    folder = tmp_path_factory.mktemp("bars")
    rng = np.random.default_rng(0)
    images = np.zeros((300, 28, 28), np.uint8)
    vertical = rng.integers(0, 2, 300)
    for image, is_vertical, place in zip(images, vertical, rng.integers(6, 22, 300)):
        bar = (slice(4, 24), slice(place - 2, place + 2))
        image[bar if is_vertical else bar[::-1]] = 255  # rows and columns swapped: horizontal
    write_idx(folder / "train-images-idx3-ubyte.gz", images)
    write_idx(folder / "train-labels-idx1-ubyte.gz", vertical.astype(np.uint8))
    return folder


@pytest.mark.parametrize("model", ["mlp", "dcgan", "cgan", "infogan", "selfcond"])
def test_mnist_gan_writes_pictures_and_metrics_and_resumes(tmp_path, fake_mnist, model):
    flags = ["--model", model, "--data-dir", fake_mnist, "--out", tmp_path, "--held-out", 100]
    flags += ["--snapshot-every", 2, "--checkpoint-every", 2, "--eval-samples", 150]
    run("mnist_gan.py", *flags, "--iters", 3)
    output = run("mnist_gan.py", *flags, "--iters", 5)
    assert "resuming" in output and "from step 3" in output
    for name in [
        "samples_over_training.png",
        "final.png",
        "training.gif",
        "interpolation.png",
        "curves.png",
        "checkpoint.npz",
    ]:
        assert (tmp_path / name).stat().st_size > 0, name
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["steps"] == 5 and metrics["eval_samples"] == 150
    for name in ["classifier_score", "frechet_distance", "digits_covered", "parzen_log_likelihood"]:
        assert set(metrics[name]) == {"generated", "real"}, name
    assert 1 <= metrics["classifier_score"]["generated"] <= 10
    assert metrics["frechet_distance"]["generated"] >= 0
    assert np.isfinite(metrics["parzen_log_likelihood"]["generated"]["mean"])
    called_real = metrics["d_calls_real"]
    assert set(called_real) == {"training_digits", "held_out_digits"}
    assert all(0 <= fraction <= 1 for fraction in called_real.values())
    training, held_out = (f"{called_real[k]:.0%}" for k in ("training_digits", "held_out_digits"))
    assert f"D calls {training} of training digits real and {held_out} of held-out" in output


@pytest.mark.parametrize(
    "model, steps", [("mlp", 300), ("dcgan", 60), ("cgan", 60), ("infogan", 60), ("selfcond", 60)]
)
def test_mnist_gan_learns_the_training_images(tmp_path, bars, model, steps):
    """A loose threshold on learning: trained on for a few hundred steps, G's images come much
    nearer the held-out bars than after one step, by Parzen log-likelihood and by Fréchet
    distance (seed 0 gains 140-340 nats and 25-75 %). G itself is scored (--ema 0): its
    moving average would still be close to the untrained G."""
    flags = ["--model", model, "--data-dir", bars, "--out", tmp_path, "--held-out", 100]
    flags += ["--ema", 0, "--eval-samples", 200, "--checkpoint-every", 1000]
    if model == "selfcond":
        flags += ["--clusters", 4]

    def parzen_and_frechet_after(iters):
        run("mnist_gan.py", *flags, "--iters", iters)
        metrics = json.loads((tmp_path / "metrics.json").read_text())
        parzen = metrics["parzen_log_likelihood"]["generated"]["mean"]
        return parzen, metrics["frechet_distance"]["generated"]

    parzen_before, frechet_before = parzen_and_frechet_after(1)
    parzen_after, frechet_after = parzen_and_frechet_after(steps)  # resumes from step 1
    assert parzen_after > parzen_before + 50, (parzen_before, parzen_after)
    assert frechet_after < 0.85 * frechet_before, (frechet_before, frechet_after)


def test_mnist_gan_width_and_learning_rates_reach_the_models(tmp_path, fake_mnist):
    flags = ["--data-dir", fake_mnist, "--out", tmp_path, "--held-out", 100, "--iters", 1]
    flags += ["--eval-samples", 50, "--width", 8, "--lr-g", 1e-4, "--lr-d", 4e-4]
    run("mnist_gan.py", *flags)
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["generator"]["0.weight"].shape == (2 * 8 * 7 * 7, 100)  # Linear to 16x7x7
    assert checkpoint["discriminator"]["0.weight"].shape == (8, 1, 4, 4)  # Conv 1 -> 8
    assert checkpoint["g_optimizer"]["param_groups"][0]["lr"] == pytest.approx(1e-4)
    assert checkpoint["d_optimizer"]["param_groups"][0]["lr"] == pytest.approx(4e-4)


def test_mnist_gan_diffaugment_r1_and_schedule_reach_the_trainer(tmp_path, fake_mnist):
    flags = ["--data-dir", fake_mnist, "--out", tmp_path, "--held-out", 100, "--iters", 2]
    flags += ["--eval-samples", 50, "--augment-shift", 2, "--augment-cutout", 5, "--r1", 0.5]
    run("mnist_gan.py", *flags, "--lr-schedule", "linear")
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    config = checkpoint["config"]
    assert config["augment"] == "DiffAugment(max_shift=2, cutout=5, fill=-1.0)"
    assert config["r1"] == 0.5 and config["lr_schedule"] == "linear"
    # the last of 2 steps ran at half the rate: 1 - 1/2
    assert checkpoint["g_optimizer"]["param_groups"][0]["lr"] == pytest.approx(1e-4)


def test_mnist_gan_infogan_has_a_code_head_and_reports_what_the_codes_became(tmp_path, fake_mnist):
    flags = ["--data-dir", fake_mnist, "--out", tmp_path, "--held-out", 100, "--iters", 2]
    output = run("mnist_gan.py", *flags, "--eval-samples", 50, "--model", "infogan")
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["discriminator"]["6.weight"].shape == (1 + 10, 2 * 64 * 7 * 7)  # + Q head
    assert checkpoint["generator"]["code.weight"].shape == (10, 10)  # G takes the code
    assert all("info_loss" in record for record in checkpoint["history"])
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert 0.1 <= metrics["code_purity"]["generated"] <= 1
    assert len(metrics["code_digits"]["generated"]) == 10
    assert "codes 0-9 became the digits" in output


def test_mnist_gan_self_conditioned_learns_from_clusters_not_labels(tmp_path, fake_mnist):
    flags = ["--data-dir", fake_mnist, "--out", tmp_path, "--held-out", 100, "--iters", 2]
    output = run(
        "mnist_gan.py", *flags, "--eval-samples", 50, "--model", "selfcond", "--clusters", 7
    )
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["generator"]["code.weight"].shape == (7, 10)  # G is told the cluster
    assert checkpoint["discriminator"]["label_direction.weight"].shape == (7, 2 * 64 * 7 * 7)
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert len(metrics["code_digits"]["generated"]) == 7 and "conditional_accuracy" not in metrics
    assert "clusters 0-6 became the digits" in output
    # the clusters' purity against the labels, which only this report reads
    images, labels = load_mnist(fake_mnist)
    _, clusters = kmeans(scale(images)[:-100].reshape(200, -1), 7, seed=0)
    expected = sum(np.bincount(labels[:-100][clusters == k]).max() for k in set(clusters)) / 200
    assert metrics["cluster_label_purity"] == pytest.approx(expected)
    assert f"k-means: 7 clusters; {expected:.1%} of the training digits" in output


def test_mnist_gan_spectral_norm_replaces_batch_norm_in_the_discriminator(tmp_path, fake_mnist):
    flags = ["--data-dir", fake_mnist, "--out", tmp_path, "--held-out", 100, "--iters", 1]
    run("mnist_gan.py", *flags, "--eval-samples", 50, "--width", 8, "--spectral-norm")
    discriminator = tinygan.load(tmp_path / "checkpoint.npz")["discriminator"]
    assert {"0.weight_orig", "0.weight_u", "2.weight_orig", "5.weight_orig"} <= set(discriminator)
    assert not any("running_mean" in name for name in discriminator)  # no batch norm left


@pytest.mark.parametrize("model", ["cgan", "infogan", "selfcond"])
@pytest.mark.parametrize("name", ["standin", "cuda"])
def test_mnist_gan_runs_unchanged_on_the_cuda_device(
    name, model, tmp_path, fake_mnist, monkeypatch
):
    """'standin' is device 'cuda' backed by the CuPy stand-in, which refuses any implicit trip
    to NumPy; 'cuda' is a real GPU, skipped where there is none."""
    monkeypatch.setattr(backend, "_cuda", backend._cuda)  # restored after the test
    monkeypatch.setattr(random, "_cuda", None)
    device = use_device(name)
    argv = ["mnist_gan.py", "--model", model, "--device", device, "--data-dir", str(fake_mnist)]
    argv += ["--out", str(tmp_path), "--iters", "2", "--held-out", "100", "--eval-samples", "50"]
    monkeypatch.setattr(sys, "argv", argv)
    runpy.run_path(str(ROOT / "demos" / "mnist_gan.py"), run_name="__main__")
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["settings"]["device"] == "cuda" and metrics["steps"] == 2
    score = "conditional_accuracy" if model == "cgan" else "code_purity"
    assert 0 <= metrics[score]["generated"] <= 1


def test_train_evaluator_learns_and_writes_weights_the_metrics_load(tmp_path, bars):
    """Five epochs on the bars take the held-out accuracy from chance (0.52 after the first)
    to at least 0.95, and the weights it writes give that accuracy again when loaded."""
    weights = tmp_path / "classifier.npz"
    flags = ["--data-dir", bars, "--held-out", 100, "--epochs", 5, "--out", weights]
    output = run("train_evaluator.py", *flags)
    saved = tinygan.load(weights)
    assert saved["held_out_accuracy"] >= 0.95
    assert f"held-out accuracy {saved['held_out_accuracy']:.4f}" in output
    images, labels = load_mnist(bars)
    with tinygan.no_grad():
        logits = load_classifier(path=weights)(tinygan.tensor(scale(images)[-100:, None]))
    reloaded_accuracy = (logits.argmax(1).numpy() == labels[-100:]).mean()
    assert reloaded_accuracy == pytest.approx(saved["held_out_accuracy"])


def test_parzen_real_digits_rises_with_the_number_of_kernels(tmp_path, fake_mnist):
    """Digits near 20 prototypes: more real digits as kernels put one nearer each held-out
    digit, so the log-likelihood rises and the nearest distance falls from row to row; a run's
    generated.npz gets a row of its own."""
    rng = np.random.default_rng(1)
    prototypes = rng.integers(0, 256, (20, 28, 28))
    noisy = prototypes[rng.integers(0, 20, 1300)] + rng.normal(0, 40, (1300, 28, 28))
    write_idx(tmp_path / "train-images-idx3-ubyte", np.clip(noisy, 0, 255).astype(np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(1300, np.uint8))
    flags = ["--model", "mlp", "--data-dir", fake_mnist, "--out", tmp_path / "run", "--iters", 1]
    run("mnist_gan.py", *flags, "--held-out", 100, "--eval-samples", 50)
    assert tinygan.load(tmp_path / "run" / "generated.npz")["images"].shape == (50, 1, 28, 28)
    output = run(
        "parzen_real_digits.py",
        *("--data-dir", tmp_path, "--held-out", 100),
        *("--generated", tmp_path / "run" / "generated.npz"),
    )
    rows = [line.split() for line in output.splitlines()[1:-1]]  # between header and footer
    assert [row[0] for row in rows] == [
        "500",
        "1,000",
        "1,200",
        str(tmp_path / "run" / "generated.npz"),
    ]
    likelihoods = [float(row[-5]) for row in rows[:3]]
    nearest = [float(row[-2]) for row in rows[:3]]
    assert likelihoods[0] < likelihoods[1] < likelihoods[2]
    assert nearest[0] > nearest[1] > nearest[2]
