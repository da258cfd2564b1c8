"""The mode-collapse table: every loss and remedy on the ring and the grid, over 5 seeds,
beside the published rows of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et al. 2018).

    python experiments/run.py mode_collapse --jobs 2        # 15 rows x 2 datasets x 5 seeds
    python experiments/run.py mode_collapse --runs best/ring-seed0

Every row trains the same networks (3 hidden layers of 128 ReLUs for G and D; 256 in the "wider"
row; in the InfoGAN rows G also takes the code and D has one more output per code value; in the
self-conditioned row both also take the cluster, one-hot), with batch 512 and Adam, betas
(0.5, 0.999). The rows differ only in the settings of demos/mixture_2d.py that they name.
"""

import numpy as np

DEMO = "demos/mixture_2d.py"
# "Plain" is no packing and no averaging, at the GAN literature's 2e-4 for both players.
PLAIN = {"pack": 1, "ema": 0.0, "lr_g": 2e-4, "lr_d": 2e-4}
WGAN = {"pack": 1, "ema": 0.0, "objective": "wasserstein", "d_steps": 5, "iters": 4000}
ROWS = {  # name: (what the row is, its settings of main(); the rest at the demo's defaults)
    "plain_minimax": ("GAN, minimax loss log(1 - D(G(z)))", PLAIN | {"objective": "minimax"}),
    "plain_ns": ("GAN, non-saturating loss -log D(G(z))", PLAIN),
    "wgan_clip": (
        "WGAN, weight clipping 0.01, k = 5",
        WGAN | {"lr_g": 5e-5, "lr_d": 5e-5, "clip": 0.01},
    ),
    "wgan_gp": ("WGAN-GP, lambda 10, k = 5", WGAN | {"lr_g": 1e-4, "lr_d": 1e-4, "gp": 10.0}),
    "lsgan": ("LSGAN (least squares)", PLAIN | {"objective": "least_squares"}),
    "hinge": ("hinge loss", PLAIN | {"objective": "hinge"}),
    "r1": ("non-saturating + R1 penalty, gamma 0.1", PLAIN | {"r1": 0.1}),
    "pack2": ("non-saturating + PacGAN2", PLAIN | {"pack": 2}),
    "ema": ("non-saturating + EMA of G, 0.999", PLAIN | {"ema": 0.999}),
    "best": ("ours: PacGAN2 + EMA 0.999, lr 5e-4 (the demo's defaults)", {}),
    "wide": ("ours, wider: the same with 256 hidden units per layer", {"width": 256}),
    "longer": ("ours, longer: the demo's defaults for 24,000 steps", {"iters": 24000}),
    "info": (
        "ours, InfoGAN: a code with one value per mode, EMA 0.999, lr 5e-4 falling to 0",
        {"info": True, "lr_schedule": "linear"},
    ),
    "info_w2": (
        "ours, InfoGAN with the code's loss weighted 2 (lambda 2)",
        {"info": True, "lr_schedule": "linear", "info_weight": 2.0},
    ),
    "selfcond": (
        "ours, self-conditioned GAN: G and D told which of 50 k-means clusters of the data, "
        "EMA 0.999, lr 5e-4 falling to 0",
        {"clusters": 50, "lr_schedule": "linear"},
    ),
}
# The published rows: (paper, row, ring modes, ring high-quality %, ring KL, grid modes, grid
# high-quality %, grid KL); a dash where we do not quote the paper.
PUBLISHED = [
    ("VEEGAN, Table 1", "GAN", "1", "99.3", "-", "-", "-", "-"),
    ("VEEGAN, Table 1", "VEEGAN", "8", "52.9", "-", "24.6", "40", "-"),
    ("PacGAN, Table 1", "PacGAN2", "7.9", "95.6", "0.07", "-", "-", "-"),
    ("PacGAN, Table 1", "PacGAN4", "-", "-", "-", "24.8", "93.6", "0.04"),
]
DATASETS = ("ring", "grid")


def runs(rows, seeds, **override) -> dict:
    """Run id "row/data-seedN" -> the settings of that run (2 frames: the GIF is not read)."""
    return {
        f"{row}/{data}-seed{seed}": {"data": data, "seed": seed, "frames": 2}
        | ROWS[row][1]
        | override
        for row in rows
        for data in DATASETS
        for seed in seeds
    }


RUNS = runs(ROWS, range(5))


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


def table(results) -> str:
    """Each row's mean ± std (min-max) over its finished seeds, then the published rows."""
    lines = [
        "| setting | ring: modes (of 8) | ring: high-quality % | ring: KL "
        "| grid: modes (of 25) | grid: high-quality % | grid: KL |",
        "|---|---|---|---|---|---|---|",
    ]
    rows = [row for row in ROWS if any(run_id.startswith(f"{row}/") for run_id in results)]
    for row in rows:
        cells = []
        for data in DATASETS:
            group = [m for run_id, m in results.items() if run_id.startswith(f"{row}/{data}-")]
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
    seeds = sorted({m["settings"]["seed"] for m in results.values()})
    lines += [
        "",
        f"Mean ± standard deviation (min-max) over seeds {', '.join(map(str, seeds))}; "
        "metrics on 2,500 samples. (Each run's time is in its metrics.json; runs sharing the "
        "machine make it meaningless, so the README quotes a run on a quiet machine.) Each run "
        "is `python experiments/run.py mode_collapse --runs ROW/DATA-seedN`, with the settings "
        "of demos/mixture_2d.py's main():",
        "",
    ]
    for row in rows:
        settings = ", ".join(f"{key}={value!r}" for key, value in ROWS[row][1].items())
        lines.append(f"- `{row}`, {ROWS[row][0]}: {settings or 'the defaults'}")
    return "\n".join(lines) + "\n"
