"""demos/dirac_gan.py shows what Mescheder et al. (2018) prove about the Dirac GAN.

The demo runs once (200 steps of size 0.1 from (theta, psi) = (1, 1), R1 weight 0.5) and these
tests read its metrics.json: plain simultaneous steps spiral out of the zero-sum game, alternating
steps circle, only the R1 penalty converges, and the Jacobians tinygan computes by second
derivatives are the ones derived by hand. A second run on the CuPy stand-in proves the demo needs
nothing of NumPy on device tensors.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parent.parent
ITERS, LR, R1 = 200, 0.1, 0.5
GAMES = ("minimax", "non_saturating")
METHODS = ("simultaneous", "alternating", "r1", "gp")

# Calls the demo's main() with device 'cuda' backed by tests/cupy_standin.py, as the tests'
# fixtures do (demos/ goes on the path for the demo's own dirac_report.py).
ON_STANDIN = """
import runpy, sys
sys.path[:0] = ["tests", "demos"]
import cupy_standin
from tinygan import backend
backend._cuda = backend.CudaBackend(cupy_standin, cupy_standin.scatter_add)
runpy.run_path("demos/dirac_gan.py")["main"](sys.argv[1:])
"""


def run_demo(out: Path, *prefix: str, device: str = "cpu") -> tuple[str, dict]:
    flags = ["--device", device, "--iters", str(ITERS), "--lr", str(LR), "--r1", str(R1)]
    result = subprocess.run(
        [sys.executable, *prefix, *flags, "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, json.loads((out / "metrics.json").read_text())


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("dirac_gan")
    output, metrics = run_demo(out, "demos/dirac_gan.py")
    return out, output, metrics


def test_writes_both_pictures_and_the_metrics_of_every_run(demo):
    out, output, metrics = demo
    for picture in ("dirac_gan.png", "distance.png"):
        assert (out / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"wrote {out / 'dirac_gan.png'}" in output
    assert metrics["config"]["iters"] == ITERS and metrics["config"]["start"] == [1.0, 1.0]
    for game in GAMES:
        assert set(metrics[game]["runs"]) == set(METHODS)
        for run in metrics[game]["runs"].values():
            keys = {"start_distance", "halfway_distance", "final_distance", "converged"}
            assert keys <= set(run)
            assert run["start_distance"] == pytest.approx(math.sqrt(2))
            assert run["converged"] == (run["final_distance"] < 1e-2)


def test_simultaneous_steps_spiral_out_of_the_zero_sum_game(demo):
    run = demo[2]["minimax"]["runs"]["simultaneous"]
    assert run["start_distance"] < run["halfway_distance"] < run["final_distance"]
    assert run["final_distance"] > 1.1 * run["start_distance"]


def test_alternating_steps_circle_in_the_zero_sum_game(demo):
    run = demo[2]["minimax"]["runs"]["alternating"]
    for distance in (run["halfway_distance"], run["final_distance"]):
        assert distance == pytest.approx(run["start_distance"], rel=0.05)


def test_the_r1_penalty_converges_in_both_games(demo):
    for game in GAMES:
        run = demo[2][game]["runs"]["r1"]
        assert run["final_distance"] < 0.1 * run["start_distance"]
        assert run["final_distance"] < run["halfway_distance"] < run["start_distance"]


def test_without_a_zero_centred_penalty_nothing_converges(demo):
    for game in GAMES:
        for method in ("simultaneous", "alternating", "gp"):
            run = demo[2][game]["runs"][method]
            assert run["final_distance"] > 0.3, (game, method)
            assert not run["converged"]


def test_the_non_saturating_loss_pulls_simultaneous_steps_inwards_but_not_home(demo):
    run = demo[2]["non_saturating"]["runs"]["simultaneous"]
    assert 0.3 < run["final_distance"] < run["start_distance"]


def test_the_gradient_field_at_the_equilibrium_rotates_with_eigenvalues_plus_minus_half_i(demo):
    for game in GAMES:
        field = demo[2][game]["theory"]["gradient_field"]
        np.testing.assert_allclose(field["jacobian_tinygan"], [[0, 0.5], [-0.5, 0]], atol=1e-12)
        np.testing.assert_allclose(field["eigenvalues_tinygan"], [[0, -0.5], [0, 0.5]], atol=1e-12)
        np.testing.assert_allclose(field["eigenvalues_analytic"], [[0, -0.5], [0, 0.5]], atol=1e-12)


def test_each_step_jacobian_matches_its_derivation(demo):
    # |eigenvalue| of the step at (0, 0): sqrt(1 + h^2/4) simultaneous (> 1, spirals out),
    # 1 alternating (determinant 1, circles), sqrt(1 - h gamma + h^2/4) with R1 (< 1, converges)
    radii = {
        "simultaneous": math.sqrt(1 + LR**2 / 4),
        "alternating": 1.0,
        "r1": math.sqrt(1 - LR * R1 + LR**2 / 4),
    }
    for game in GAMES:
        for method, radius in radii.items():
            step = demo[2][game]["theory"][f"{method}_step"]
            np.testing.assert_allclose(
                step["jacobian_tinygan"], step["jacobian_analytic"], atol=1e-12
            )
            np.testing.assert_allclose(
                step["eigenvalues_tinygan"], step["eigenvalues_analytic"], atol=1e-12
            )
            assert step["spectral_radius"] == pytest.approx(radius, abs=1e-12)


def test_runs_unchanged_on_a_cuda_device_backed_by_the_cupy_standin(demo, tmp_path):
    _, _, cpu = demo
    _, cuda = run_demo(tmp_path, "-c", ON_STANDIN, device="cuda")
    assert (tmp_path / "dirac_gan.png").exists()
    for game in GAMES:
        for method in METHODS:
            assert cuda[game]["runs"][method]["final_distance"] == pytest.approx(
                cpu[game]["runs"][method]["final_distance"], rel=1e-12
            )
