"""The 1-D Gaussian demo (Figure 1 of the GAN paper) runs from a fresh process, writes its
pictures and a complete metrics.json, moves the generator toward the data, and runs unchanged
on device 'cuda' (the CuPy stand-in here, a real GPU where there is one).

Short runs only: how well the full-length run converges is the demo's business."""

from __future__ import annotations

import json
import math
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import use_device

from tinygan import backend, random

ROOT = Path(__file__).resolve().parent.parent
ITERS = 150


@pytest.fixture(scope="module")
def smoke_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("gaussian_1d")
    result = subprocess.run(
        [sys.executable, "demos/gaussian_1d.py", "--iters", str(ITERS), "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return out, result.stdout, json.loads((out / "metrics.json").read_text())


def test_writes_the_figure_the_animation_the_curves_and_the_metrics(smoke_run):
    out, stdout, _ = smoke_run
    for name in ("figure1.png", "training.gif", "curves.png", "metrics.json"):
        path = out / name
        assert path.stat().st_size > 0, name
        assert f"wrote {path}" in stdout  # it says where everything went
    assert (out / "figure1.png").read_bytes().startswith(b"\x89PNG")
    assert (out / "training.gif").read_bytes().startswith(b"GIF8")
    assert (out / "training.gif").stat().st_size <= 2 * 2**20  # small enough to embed


def test_metrics_hold_the_distances_their_floor_and_the_settings(smoke_run):
    _, _, metrics = smoke_run
    numbers = ("wasserstein_1", "jensen_shannon", "mean_abs_d_minus_half", "max_abs_d_minus_half")
    for key in numbers:
        assert math.isfinite(metrics[key]) and metrics[key] >= 0, key
    for section in ("reference", "start"):
        for key in ("wasserstein_1", "jensen_shannon"):
            assert math.isfinite(metrics[section][key]) and metrics[section][key] >= 0
    assert 0 <= metrics["jensen_shannon"] <= math.log(2)
    assert 0 <= metrics["mean_abs_d_minus_half"] <= metrics["max_abs_d_minus_half"] <= 0.5
    settings = metrics["settings"]
    assert settings["iters"] == ITERS and settings["seed"] == 0 and settings["device"] == "cpu"
    assert settings["objective"] == "non_saturating"
    assert settings["lr_g"] > 0 and settings["lr_d"] > 0
    assert metrics["train_seconds"] > 0 and metrics["wall_seconds"] >= metrics["train_seconds"]
    assert metrics["history"][0]["step"] == 0 and metrics["history"][-1]["step"] == ITERS


def test_the_floor_is_small_and_the_generator_moves_toward_the_data(smoke_run):
    _, _, metrics = smoke_run
    # Two samples of 100,000 from N(4, 0.5^2): their distances are chance alone.
    assert metrics["reference"]["wasserstein_1"] < 0.02
    assert metrics["reference"]["jensen_shannon"] < 0.002
    # A fresh G puts its mass near 0, about 4 away from the data; 150 steps cover most of that.
    assert metrics["start"]["wasserstein_1"] > 3
    assert metrics["wasserstein_1"] < 0.5 * metrics["start"]["wasserstein_1"]
    assert metrics["jensen_shannon"] < metrics["start"]["jensen_shannon"]


@pytest.mark.parametrize("name", ["standin", "cuda"])
def test_runs_unchanged_on_the_cuda_device(name, tmp_path, monkeypatch):
    """'standin' is device 'cuda' backed by the CuPy stand-in, which refuses any implicit trip
    to NumPy; 'cuda' is a real GPU, skipped where there is none."""
    monkeypatch.setattr(backend, "_cuda", backend._cuda)  # restored after the test
    monkeypatch.setattr(random, "_cuda", None)
    device = use_device(name)
    monkeypatch.syspath_prepend(str(ROOT / "demos"))  # for gaussian_pictures.py beside it
    main = runpy.run_path(str(ROOT / "demos" / "gaussian_1d.py"))["main"]
    returned = main(device=device, iters=20, out=str(tmp_path))
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics == json.loads(json.dumps(returned))  # main() returns what it writes
    assert metrics["settings"]["device"] == "cuda"
    assert all(math.isfinite(metrics[key]) for key in ("wasserstein_1", "jensen_shannon"))
    assert (tmp_path / "figure1.png").exists() and (tmp_path / "training.gif").exists()
