"""The demo and the benchmark run from a fresh process and print what they promise.
(How fast they run is the benchmark's business, not the tests'.)"""

from __future__ import annotations

import importlib.util
import json
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

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


def demo(name, monkeypatch):
    """The namespace of demos/<name>.py, run as a module (not as a script): its main() and the
    rest, with demos/ on the path for the helper modules beside it."""
    monkeypatch.syspath_prepend(str(ROOT / "demos"))
    return runpy.run_path(str(ROOT / "demos" / f"{name}.py"))


def test_mixture_demo_writes_its_pictures_and_metrics(tmp_path, monkeypatch, capsys):
    metrics = demo("mixture_2d", monkeypatch)["main"](
        iters=120, frames=2, width=32, out=str(tmp_path)
    )
    for name in ("final.png", "samples.png", "curves.png", "training.gif", "metrics.json"):
        assert (tmp_path / name).stat().st_size > 0, name
    assert json.loads((tmp_path / "metrics.json").read_text()) == json.loads(json.dumps(metrics))
    assert metrics["num_modes"] == 8 and metrics["steps"] == 120
    assert 0 <= metrics["modes"] <= 8 and 0 <= metrics["high_quality"] <= 1
    assert metrics["reference"]["modes"] == 8 and metrics["reference"]["high_quality"] > 0.97
    settings = metrics["settings"]  # the default recipe: packing and a moving average
    assert settings["remedy"] == "pacgan-ema" and settings["pack"] == 2 and settings["ema"] == 0.999
    output = capsys.readouterr().out
    assert "modes" in output and str(tmp_path) in output


def test_mixture_demo_command_line_chooses_data_and_recipe(monkeypatch):
    namespace = demo("mixture_2d", monkeypatch)
    assert namespace["cli"]([]) == {
        "data": "ring",
        "remedy": "pacgan-ema",
        "iters": 12000,
        "seed": 0,
        "out": None,
        "device": "cpu",
    }
    assert namespace["cli"](["--data", "grid", "--remedy", "plain"])["remedy"] == "plain"
    assert namespace["RECIPES"]["plain"] == {"pack": 1, "ema": 0.0, "lr_g": 2e-4, "lr_d": 2e-4}
    assert "invalid choice: 'unrolled'" in refusal("demos/mixture_2d.py", "--remedy", "unrolled")


def test_mixture_demo_refuses_settings_that_do_not_fit(monkeypatch):
    main = demo("mixture_2d", monkeypatch)["main"]
    with pytest.raises(ValueError, match="judge one sample at a time"):
        main(info=True, pack=2)
    with pytest.raises(ValueError, match="one of info and clusters"):
        main(info=True, clusters=8)
    with pytest.raises(ValueError, match="remedy 'unrolled'"):
        main(remedy="unrolled")
    with pytest.raises(TypeError, match="no setting 'lr'"):
        main(lr=1e-3)


def test_mixture_demo_with_infogan_gives_g_one_code_per_mode(tmp_path, monkeypatch):
    import tinygan

    main = demo("mixture_2d", monkeypatch)["main"]
    main(remedy="info", data="grid", iters=60, frames=2, width=16, out=str(tmp_path))
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["generator"]["body.0.weight"].shape == (16, 2 + 25)  # z, then the code
    assert checkpoint["discriminator"]["6.weight"].shape == (1 + 25, 16)  # logit, then guesses
    assert checkpoint["config"]["pack"] == 1 and checkpoint["config"]["info_weight"] == 1.0
    assert json.loads((tmp_path / "metrics.json").read_text())["num_modes"] == 25


def test_mixture_demo_self_conditioned_covers_the_grid_in_a_short_run(tmp_path, monkeypatch):
    import tinygan

    # 3,000 steps without the moving average: 25/25 modes and 90-98 % high quality in seeds
    # 0-2 (11 s); the thresholds leave room for other BLAS builds and thread counts
    main = demo("mixture_2d", monkeypatch)["main"]
    settings = {"data": "grid", "clusters": 50, "ema": 0.0, "iters": 3000, "width": 32}
    metrics = main(**settings, frames=2, out=str(tmp_path))
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["generator"]["body.0.weight"].shape == (32, 2 + 50)  # z, then the label
    assert checkpoint["discriminator"]["body.0.weight"].shape == (32, 2 + 50)  # x, the label
    assert checkpoint["config"]["pack"] == 1 and checkpoint["config"]["info_weight"] == 0.0
    assert metrics["modes"] >= 23 and metrics["high_quality"] > 0.7


def test_gan_in_a_page_draws_its_snapshots_and_prints_the_coverage(tmp_path):
    output = run_script("demos/gan_in_a_page.py", "--steps", "16", "--out", str(tmp_path))
    assert (tmp_path / "samples.png").read_bytes().startswith(b"\x89PNG")
    steps = re.findall(
        r"^step (\d+): .* (\d) of 8 modes, \d+% high quality, \d+% on the 2 fullest",
        output,
        re.MULTILINE,
    )
    assert [int(step) for step, _ in steps] == [2, 4, 8, 16]  # steps / 8, / 4, / 2, steps


def test_saturation_demo_shows_the_minimax_gradient_vanishing(tmp_path):
    run_script("demos/saturation.py", "--iters", "150", "--out", str(tmp_path))
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    minimax = metrics["minimax"]["median_g_grad_norm_first_200_steps"]
    non_saturating = metrics["non_saturating"]["median_g_grad_norm_first_200_steps"]
    assert non_saturating > 100 * minimax  # the same start; only the generator's loss differs
    assert (tmp_path / "gradients.png").stat().st_size > 0


def test_sweep_demo_draws_one_cell_per_setting(tmp_path):
    run_script(
        "demos/sweep.py", "--lrs", "1e-3", "--ks", "1", "2", "--iters", "30", "--out", str(tmp_path)
    )
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert sorted(metrics["runs"]) == ["lr=0.001,k=1", "lr=0.001,k=2"]
    assert all(0 <= r["modes"] <= 8 for r in metrics["runs"].values())
    assert (tmp_path / "sweep.png").stat().st_size > 0


# A config for experiments/run.py: two rows of the mode-collapse table, both datasets, two
# seeds, 20 steps a run.
SHORT_TABLE = f"""
import sys
sys.path.insert(0, {str(ROOT / "experiments")!r})
from mode_collapse import runs, table
DEMO = {str(ROOT / "demos" / "mixture_2d.py")!r}
RUNS = runs(["plain_ns", "wgan_gp"], [0, 1], iters=20, width=16)
"""


def test_experiment_runner_writes_each_run_and_the_table_with_the_published_rows(tmp_path):
    (tmp_path / "experiments").mkdir()
    (tmp_path / "experiments" / "short.py").write_text(SHORT_TABLE)
    runner = [sys.executable, str(ROOT / "experiments" / "run.py"), "short", "--jobs", "2"]
    result = subprocess.run(runner, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "runs" / "experiments" / "short"
    table = (out / "table.md").read_text()
    assert table in result.stdout
    for row in ("GAN, non-saturating loss", "WGAN-GP, lambda 10", "PacGAN2", "VEEGAN"):
        assert row in table
    ours = [line for line in table.splitlines() if line.startswith("| GAN, non-saturating")][0]
    assert re.search(r"\| \d\.\d ± \d\.\d \(\d\.\d-\d\.\d\) \|", ours)  # mean ± std (min-max)
    finished = sorted(str(path.parent.relative_to(out)) for path in out.glob("*/*/metrics.json"))
    assert finished == [
        f"{r}/{d}-seed{s}"
        for r in ("plain_ns", "wgan_gp")
        for d in ("grid", "ring")
        for s in (0, 1)
    ]
    again = subprocess.run(runner, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert again.stdout.count("done before") == 8  # a finished run is not run again
    assert (
        "--runs: no run 'best/ring-seed0'"
        in subprocess.run(
            [*runner, "--runs", "best/ring-seed0"], cwd=tmp_path, capture_output=True, text=True
        ).stderr
    )


def test_every_experiment_config_names_a_demo_runs_and_a_table():
    for name in ("mode_collapse", "sweep"):
        path = ROOT / "experiments" / f"{name}.py"
        config = runpy.run_path(str(path))
        assert (ROOT / config["DEMO"]).exists() and config["RUNS"]
        assert all("out" not in settings for settings in config["RUNS"].values())
        assert config["table"]({}).startswith("|")
    runs = runpy.run_path(str(ROOT / "experiments" / "mode_collapse.py"))["RUNS"]
    assert len(runs) == 15 * 2 * 5 and runs["best/ring-seed0"] == {
        "data": "ring",
        "seed": 0,
        "frames": 2,
    }
