"""The sweep of demos/sweep.py, one process per cell (so cells run in parallel with --jobs):
a plain GAN on the ring over learning rates and k, D steps per G step, seed 0, 3,000 steps.

    python experiments/run.py sweep --jobs 2
"""

DEMO = "demos/sweep.py"
LRS, KS = (1e-4, 5e-4, 2e-3), (1, 2, 5)
RUNS = {f"lr={lr:g},k={k}": {"lrs": [lr], "ks": [k]} for lr in LRS for k in KS}


def table(results) -> str:
    """Modes captured (of 8) and the high-quality % of each finished cell: lr down, k across."""
    lines = ["| lr \\ k | " + " | ".join(map(str, KS)) + " |", "|---" * (len(KS) + 1) + "|"]
    for lr in LRS:
        cells = []
        for k in KS:
            cell = results.get(f"lr={lr:g},k={k}", {}).get("runs", {}).get(f"lr={lr:g},k={k}")
            cells.append(f"{cell['modes']}/8, {100 * cell['high_quality']:.0f} %" if cell else "")
        lines.append(f"| {lr:g} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"
