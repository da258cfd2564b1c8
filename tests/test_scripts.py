"""The demo and the benchmark run from a fresh process and print what they promise.
(How fast they run is the benchmark's business, not the tests'.)"""

from __future__ import annotations

import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_script(*args):
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def refusal(*args):
    """The message of a script that refuses its arguments (argparse's exit status 2)."""
    result = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2, result.stderr
    return result.stderr


def test_engine_tour_checks_gradients_and_learns_the_moons():
    output = run_script("demos/engine_tour.py", "--steps", "300")
    assert "gradcheck(tanh(a @ b))     -> True" in output
    assert "gradgradcheck(tanh(a @ b)) -> True" in output
    accuracies = [float(a) for a in re.findall(r"accuracy (\d\.\d\d)", output)]
    assert accuracies[-1] >= 0.9 > accuracies[0]


def test_engine_benchmark_prints_both_tables():
    output = run_script("benchmarks/engine.py", "--quick")
    assert "Per-op overhead" in output and "Backward time against graph size" in output
    for op in ("add", "tanh", "matmul 4x4", "chain", "branch sum"):
        assert f"| {op}" in output


def test_gan_benchmark_prints_a_row_per_model():
    output = run_script("benchmarks/gan.py", "--quick")
    for model in ("toy2d", "mlp", "dcgan"):
        row = re.search(rf"^\| {model} \| ([\d.]+) \|", output, re.MULTILINE)
        assert row and float(row.group(1)) > 0, output
    assert "Per-op overhead" in output and "Backward time against graph size" in output
    if importlib.util.find_spec("torch") is None:
        return  # without PyTorch there is nothing to time alone beside tinygan
    alone = output.split("Each library alone")[1]
    for model in ("toy2d", "mlp", "dcgan"):  # ms, ms, ratio, each round's ratio low-high
        row = rf"^\| {model} \| [\d.]+ \| [\d.]+ \| [\d.]+ \| [\d.]+-[\d.]+ \|$"
        assert re.search(row, alone, re.MULTILINE)
    assert re.search(r"NumPy \d+ GFLOP/s, PyTorch \d+ GFLOP/s", output)  # the product ceiling


def test_classifier_demo_learns_saves_and_reloads_identically(tmp_path):
    output = run_script("demos/train_classifier.py", "--steps", "200", "--out", str(tmp_path))
    assert (tmp_path / "checkpoint.npz").exists()
    assert "identical outputs: True" in output
    held_out = float(re.search(r"reloaded: held-out accuracy (\d\.\d+)", output).group(1))
    assert held_out >= 0.95


def test_mixture_demo_writes_its_pictures_and_metrics(tmp_path):
    import json

    output = run_script(
        "demos/mixture_2d.py",
        "--iters",
        "120",
        "--frames",
        "2",
        "--width",
        "32",
        "--out",
        str(tmp_path),
    )
    for name in ("final.png", "samples.png", "curves.png", "training.gif", "metrics.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["num_modes"] == 8 and metrics["steps"] == 120
    assert 0 <= metrics["modes"] <= 8 and 0 <= metrics["high_quality"] <= 1
    assert metrics["reference"]["modes"] == 8 and metrics["reference"]["high_quality"] > 0.97
    assert "modes" in output and str(tmp_path) in output


def test_mixture_demo_with_infogan_gives_g_one_code_per_mode(tmp_path):
    import json

    import tinygan

    flags = ["--data", "grid", "--info", "--iters", "60", "--frames", "2", "--width", "16"]
    run_script("demos/mixture_2d.py", *flags, "--out", str(tmp_path))
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["generator"]["body.0.weight"].shape == (16, 2 + 25)  # z, then the code
    assert checkpoint["discriminator"]["6.weight"].shape == (1 + 25, 16)  # logit, then guesses
    assert checkpoint["config"]["pack"] == 1 and checkpoint["config"]["info_weight"] == 1.0
    assert json.loads((tmp_path / "metrics.json").read_text())["num_modes"] == 25
    assert "judge one sample at a time" in refusal("demos/mixture_2d.py", "--info", "--pack", "2")


def test_mixture_demo_self_conditioned_covers_the_grid_in_a_short_run(tmp_path):
    import tinygan

    # 3,000 steps without the moving average: 25/25 modes and 90-98 % high quality in seeds
    # 0-2 (11 s); the thresholds leave room for other BLAS builds and thread counts
    flags = ["--data", "grid", "--clusters", "50", "--ema", "0", "--iters", "3000", "--width", "32"]
    run_script("demos/mixture_2d.py", *flags, "--frames", "2", "--out", str(tmp_path))
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["generator"]["body.0.weight"].shape == (32, 2 + 50)  # z, then the label
    assert checkpoint["discriminator"]["body.0.weight"].shape == (32, 2 + 50)  # x, the label
    assert checkpoint["config"]["pack"] == 1 and checkpoint["config"]["info_weight"] == 0.0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["modes"] >= 23 and metrics["high_quality"] > 0.7
    assert "one of --info and --clusters" in refusal(
        "demos/mixture_2d.py", "--info", "--clusters", "8"
    )


def test_saturation_demo_shows_the_minimax_gradient_vanishing(tmp_path):
    import json

    run_script("demos/saturation.py", "--iters", "150", "--out", str(tmp_path))
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    minimax = metrics["minimax"]["median_g_grad_norm_first_200_steps"]
    non_saturating = metrics["non_saturating"]["median_g_grad_norm_first_200_steps"]
    assert non_saturating > 100 * minimax  # the same start; only the generator's loss differs
    assert (tmp_path / "gradients.png").stat().st_size > 0


def test_sweep_demo_draws_one_cell_per_setting(tmp_path):
    import json

    run_script(
        "demos/sweep.py", "--lrs", "1e-3", "--ks", "1", "2", "--iters", "30", "--out", str(tmp_path)
    )
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert sorted(metrics["runs"]) == ["lr=0.001,k=1", "lr=0.001,k=2"]
    assert all(0 <= r["modes"] <= 8 for r in metrics["runs"].values())
    assert (tmp_path / "sweep.png").stat().st_size > 0


def test_mode_collapse_table_writes_rows_and_the_published_ones(tmp_path):
    flags = ["--rows", "plain_ns", "wgan_gp", "--seeds", "0", "1", "--iters", "20"]
    output = run_script("demos/mode_collapse_table.py", *flags, "--out", str(tmp_path))
    table = (tmp_path / "table.md").read_text()
    assert table in output
    for row in ("GAN, non-saturating loss", "WGAN-GP, lambda 10", "PacGAN2", "VEEGAN"):
        assert row in table
    ours = [line for line in table.splitlines() if line.startswith("| GAN, non-saturating")][0]
    assert re.search(r"\| \d\.\d ± \d\.\d \(\d\.\d-\d\.\d\) \|", ours)  # mean ± std (min-max)
    runs = json.loads((tmp_path / "results.json").read_text())
    assert sorted(runs) == [
        f"{r}/{d}/{s}" for r in ("plain_ns", "wgan_gp") for d in ("grid", "ring") for s in (0, 1)
    ]
