"""Smoke runs of the MNIST scripts on small random IDX files the test writes (the real digits are
never needed): the GAN demos write every picture and metric, and resume from their checkpoint."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tinygan.data import write_idx

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


@pytest.mark.parametrize("model", ["mlp", "dcgan", "cgan"])
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
