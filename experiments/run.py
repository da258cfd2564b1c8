"""One runner for every experiment table: each run in a fresh process, then the table.

    python experiments/run.py mode_collapse --jobs 2
    python experiments/run.py mode_collapse --runs best/ring-seed0 best/grid-seed0

Run it from the repository root. `experiments/NAME.py` defines DEMO (the path of a demo whose
`main(**settings)` writes `<out>/metrics.json`), RUNS (run id -> the settings of one run,
without "out") and `table(results) -> str` (results: run id -> metrics of each finished run; a
Markdown table). Each run goes to runs/experiments/NAME/<run id>/, in its own process, so a
seed means what it means on the command line; one with a metrics.json is not run again, so an
interrupted table continues where it stopped. table.md goes beside the runs, and is printed.
"""

import argparse
import importlib.util
import json
import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

# The child process: the demo's main() with one run's settings (its own folder on the path,
# for the helper modules beside it).
CHILD = """import json, runpy, sys
demo, settings, out = sys.argv[1:]
sys.path.insert(0, str(__import__("pathlib").Path(demo).parent))
runpy.run_path(demo)["main"](**json.loads(settings), out=out)
"""
# One thread per run: parallel runs on a small machine must not fight over the cores.
THREADS = {name: "1" for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def load(name):
    """The config module experiments/<name>.py."""
    path = Path("experiments") / f"{name}.py"
    if not path.exists():
        raise SystemExit(f"run.py: no experiments/{name}.py here (run from the repository root)")
    spec = importlib.util.spec_from_file_location(f"experiments_{name}", path)
    module = importlib.util.module_from_spec(spec)
    sys.path.insert(0, str(path.parent))  # a config may import another one
    spec.loader.exec_module(module)
    return module


def run(demo, run_id, settings, folder: Path):
    """One run in a fresh process, unless its metrics.json exists."""
    if (folder / "metrics.json").exists():
        print(f"{run_id}: done before", flush=True)
        return
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    command = [sys.executable, "-c", CHILD, demo, json.dumps(settings), str(folder)]
    finished = subprocess.run(command, capture_output=True, text=True, env=os.environ | THREADS)
    (folder / "log.txt").write_text(finished.stdout + finished.stderr)
    if finished.returncode != 0:
        raise SystemExit(f"{run_id} failed ({folder / 'log.txt'}):\n{finished.stderr[-2000:]}")
    print(f"{run_id}: {time.perf_counter() - started:.0f} s", flush=True)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Run an experiment's runs, then its table.")
    parser.add_argument("name", help="the config: experiments/NAME.py")
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time (one per core)")
    parser.add_argument("--runs", nargs="+", metavar="ID", help="only these runs (default all)")
    args = parser.parse_args(argv)
    if args.jobs < 1:
        parser.error("--jobs must be at least 1")
    config = load(args.name)
    chosen = args.runs or list(config.RUNS)
    if unknown := [run_id for run_id in chosen if run_id not in config.RUNS]:
        parser.error(f"--runs: no run {unknown[0]!r} in experiments/{args.name}.py")
    out = Path("runs/experiments") / args.name
    with ThreadPoolExecutor(args.jobs) as pool:  # threads only wait on the processes
        waiting = [
            pool.submit(run, config.DEMO, run_id, config.RUNS[run_id], out / run_id)
            for run_id in chosen
        ]
        for future in waiting:
            future.result()
    results = {  # every finished run, also those of earlier calls
        run_id: json.loads((out / run_id / "metrics.json").read_text())
        for run_id in config.RUNS
        if (out / run_id / "metrics.json").exists()
    }
    table = config.table(results)
    (out / "table.md").write_text(table)
    print(f"\n{table}\ntable.md in {out}/")


if __name__ == "__main__":
    main()
