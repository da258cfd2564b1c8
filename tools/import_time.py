"""Time ``import tinygan`` in fresh interpreters and count the modules it loads.

    python tools/import_time.py [--runs 9]

Each run is a new Python process, so nothing is cached in memory between them (the files
are in the OS cache after the first run); the median of the runs is printed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

PROBE = """
import json, sys, time
started = time.perf_counter()
import tinygan
elapsed = time.perf_counter() - started
ours = sorted(m for m in sys.modules if m == "tinygan" or m.startswith("tinygan."))
heavy = [m for m in ("matplotlib", "tqdm") if m in sys.modules]
print(json.dumps({"seconds": elapsed, "modules": len(ours), "heavy": heavy}))
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    runs = [
        json.loads(
            subprocess.run(
                [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(args.runs)
    ]
    seconds = statistics.median(run["seconds"] for run in runs)
    print(
        f"import tinygan: {seconds * 1000:.0f} ms (median of {args.runs} fresh processes), "
        f"{runs[0]['modules']} tinygan modules loaded, "
        f"also loads: {', '.join(runs[0]['heavy']) or 'neither matplotlib nor tqdm'}"
    )


if __name__ == "__main__":
    main()
