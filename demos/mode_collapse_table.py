"""The mode-collapse table: every loss and remedy on the ring and the grid, over several seeds,
beside the published rows of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018).

    python demos/mode_collapse_table.py                 # 15 settings x 2 datasets x 5 seeds
    python demos/mode_collapse_table.py --jobs 2        # two runs at a time (one per core)
    python demos/mode_collapse_table.py --seeds 0 --rows plain_ns best   # a quick look

Each run is `demos/mixture_2d.py` with the row's flags (so every number here can be reproduced
by one command, printed in table.md), and reads back its metrics.json. Runs that already have a
metrics.json are not run again: an interrupted table continues where it stopped.

Every row trains the same networks (3 hidden layers of 128 ReLUs for G and D; 256 in the "wider"
row; in the InfoGAN rows G also takes the code and D has one more output per code value; in the
self-conditioned row both also take the cluster, one-hot), with batch 512 and Adam, betas
(0.5, 0.999). The settings differ only in what the row names. Written into --out: table.md
(the README's table) and results.json (every run's numbers).
"""

import argparse
import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

# name: (what the row is, the flags it gives demos/mixture_2d.py). "Plain" is no packing and no
# averaging, at the learning rate of the GAN literature's defaults, 2e-4 for both players.
PLAIN = "--pack 1 --ema 0 --lr-g 2e-4 --lr-d 2e-4"
ROWS = {
    "plain_minimax": ("GAN, minimax loss log(1 - D(G(z)))", f"{PLAIN} --objective minimax"),
    "plain_ns": ("GAN, non-saturating loss -log D(G(z))", PLAIN),
    "wgan_clip": (
        "WGAN, weight clipping 0.01, k = 5",
        "--pack 1 --ema 0 --lr-g 5e-5 --lr-d 5e-5 --objective wasserstein --clip 0.01 "
        "--d-steps 5 --iters 4000",
    ),
    "wgan_gp": (
        "WGAN-GP, lambda 10, k = 5",
        "--pack 1 --ema 0 --lr-g 1e-4 --lr-d 1e-4 --objective wasserstein --gp 10 "
        "--d-steps 5 --iters 4000",
    ),
    "lsgan": ("LSGAN (least squares)", f"{PLAIN} --objective least_squares"),
    "hinge": ("hinge loss", f"{PLAIN} --objective hinge"),
    "r1": ("non-saturating + R1 penalty, gamma 0.1", f"{PLAIN} --r1 0.1"),
    "pack2": ("non-saturating + PacGAN2", "--pack 2 --ema 0 --lr-g 2e-4 --lr-d 2e-4"),
    "ema": ("non-saturating + EMA of G, 0.999", "--pack 1 --ema 0.999 --lr-g 2e-4 --lr-d 2e-4"),
    "best": ("ours: PacGAN2 + EMA 0.999, lr 5e-4 (the demo's defaults)", ""),
    "wide": ("ours, wider: the same with 256 hidden units per layer", "--width 256"),
    "longer": ("ours, longer: the demo's defaults for 24,000 steps", "--iters 24000"),
    "info": (
        "ours, InfoGAN: a code with one value per mode, EMA 0.999, lr 5e-4 falling to 0",
        "--info --lr-schedule linear",
    ),
    "info_w2": (
        "ours, InfoGAN with the code's loss weighted 2 (lambda 2)",
        "--info --lr-schedule linear --info-weight 2",
    ),
    "selfcond": (
        "ours, self-conditioned GAN: G and D told which of 50 k-means clusters of the data, "
        "EMA 0.999, lr 5e-4 falling to 0",
        "--clusters 50 --lr-schedule linear",
    ),
}
# The published rows the issue quotes: (paper, row, ring modes, ring high-quality %, ring KL,
# grid modes, grid high-quality %, grid KL); a dash where we do not quote the paper.
PUBLISHED = [
    ("VEEGAN, Table 1", "GAN", "1", "99.3", "-", "-", "-", "-"),
    ("VEEGAN, Table 1", "VEEGAN", "8", "52.9", "-", "24.6", "40", "-"),
    ("PacGAN, Table 1", "PacGAN2", "7.9", "95.6", "0.07", "-", "-", "-"),
    ("PacGAN, Table 1", "PacGAN4", "-", "-", "-", "24.8", "93.6", "0.04"),
]

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--rows", nargs="+", default=list(ROWS), choices=list(ROWS))
parser.add_argument("--data", nargs="+", default=["ring", "grid"], choices=["ring", "grid"])
parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
parser.add_argument("--iters", type=int, default=None, help="override every row's steps")
parser.add_argument("--jobs", type=int, default=1, help="runs at a time (at most one per core)")
parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
parser.add_argument("--out", default="runs/table")
args = parser.parse_args()
out = Path(args.out)
demo = Path(__file__).with_name("mixture_2d.py")


def command(row, data, seed):
    flags = ["--data", data, "--seed", str(seed), "--device", args.device, "--frames", "2"]
    override = ["--iters", str(args.iters)] if args.iters else []  # the last --iters counts
    return [sys.executable, str(demo), *flags, *ROWS[row][1].split(), *override]


def run(row, data, seed):
    """One training run (skipped when its metrics.json exists); returns its metrics."""
    folder = out / row / f"{data}-seed{seed}"
    metrics_file = folder / "metrics.json"
    if not metrics_file.exists():
        # One thread per run: parallel runs on a small machine must not fight over the cores.
        environment = {**os.environ, "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}
        cmd = command(row, data, seed) + ["--out", str(folder)]
        finished = subprocess.run(cmd, capture_output=True, text=True, env=environment)
        if finished.returncode != 0:
            raise SystemExit(f"{' '.join(cmd)} failed:\n{finished.stderr[-2000:]}")
    metrics = json.loads(metrics_file.read_text())
    print(
        f"{row:14s} {data} seed {seed}: {metrics['modes']}/{metrics['num_modes']} modes, "
        f"{100 * metrics['high_quality']:.1f} % high quality, KL {metrics['kl']:.3f}, "
        f"{metrics['seconds']:.0f} s",
        flush=True,
    )
    return metrics


runs = [(row, data, seed) for row in args.rows for data in args.data for seed in args.seeds]
with ThreadPoolExecutor(args.jobs) as pool:  # threads only wait on the subprocesses
    results = dict(zip(runs, pool.map(lambda r: run(*r), runs)))


def summary(values, digits=1, scale=1.0):
    """'mean ± std (min-max)' over the seeds. KL is infinite for a run without a single
    high-quality sample; such runs are counted apart, not averaged."""
    v = np.asarray(values, dtype=float) * scale
    finite = v[np.isfinite(v)]
    if not len(finite):
        return "no high-quality sample"
    text = (
        f"{finite.mean():.{digits}f} ± {finite.std():.{digits}f} "
        f"({finite.min():.{digits}f}-{finite.max():.{digits}f})"
    )
    missing = len(v) - len(finite)
    return text + (f"; {missing} run{'s' * (missing > 1)} with none" if missing else "")


lines = [
    "| setting | ring: modes (of 8) | ring: high-quality % | ring: KL "
    "| grid: modes (of 25) | grid: high-quality % | grid: KL |",
    "|---|---|---|---|---|---|---|",
]
for row in args.rows:
    cells = []
    for data in ("ring", "grid"):
        group = [results[(row, data, s)] for s in args.seeds if (row, data, s) in results]
        if not group:
            cells += ["", "", ""]
            continue
        cells += [
            summary([m["modes"] for m in group]),
            summary([m["high_quality"] for m in group], scale=100),
            summary([m["kl"] for m in group], digits=3),
        ]
    lines.append(f"| {ROWS[row][0]} | " + " | ".join(cells) + " |")
for paper, name, *numbers in PUBLISHED:
    lines.append(f"| *{paper}: {name}* | " + " | ".join(numbers) + " |")
lines += [
    "",
    f"Mean ± standard deviation (min-max) over seeds {', '.join(map(str, args.seeds))}; "
    "metrics on 2,500 samples. (Each run's time is in its metrics.json; runs sharing the "
    "machine make it meaningless, so the README quotes a run on a quiet machine.) Each run is "
    "one command:",
    "",
]
for row in args.rows:
    run_command = f"python demos/mixture_2d.py --data ring --seed 0 {ROWS[row][1]}".strip()
    lines.append(f"- {ROWS[row][0]}: `{run_command}`")
out.mkdir(parents=True, exist_ok=True)
(out / "table.md").write_text("\n".join(lines) + "\n")
(out / "results.json").write_text(
    json.dumps({f"{r}/{d}/{s}": m for (r, d, s), m in results.items()}, indent=1)
)
print("\n".join(lines))
print(f"\ntable.md and results.json in {out}/")
