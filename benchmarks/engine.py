"""Engine benchmark: the fixed cost of an op, and how backward time grows with the graph.

    python benchmarks/engine.py            # a few seconds per table
    python benchmarks/engine.py --quick    # smaller graphs, for a smoke run

1. Per-op overhead: a chain of small ops on a 4-element tensor, forward then backward,
   in microseconds per op. On tiny arrays the array work is negligible, so this is the
   Python bookkeeping of the engine: what every op of a real model pays on top of its math.
2. Backward scaling: backward time for a chain of n ops and for a sum of n branches; time
   per node should stay flat as n grows 100-fold (linear time).

When PyTorch is importable, the same graphs run in PyTorch in the same process, and each
row gives the ratio tinygan / PyTorch. Machines are noisy: compare ratios, not runs.
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import statistics
import time

import numpy as np

import tinygan

try:
    import torch
except ImportError:
    torch = None


def seconds(run):
    """Wall time of one ``run()``, garbage collector paused."""
    gc.collect()
    gc.disable()
    start = time.perf_counter()
    run()
    elapsed = time.perf_counter() - start
    gc.enable()
    return elapsed


def interleaved_medians(runs, repeats):
    """Median time of each of ``runs``, measured in turn within each repeat, so that the
    machine's drift during the measurement touches every system alike."""
    times = [[] for _ in runs]
    for _ in range(repeats):
        for run, samples in zip(runs, times):
            samples.append(seconds(run))
    return [statistics.median(samples) for samples in times]


# ---- 1. per-op overhead ---------------------------------------------------------------------

OPS = {
    # name: (one step of the chain, given the library module, the tensor, a constant)
    "add": lambda lib, y, c: y + c,
    "mul by scalar": lambda lib, y, c: y * 1.0,
    "tanh": lambda lib, y, c: lib.tanh(y),
    "relu": lambda lib, y, c: lib.relu(y) if lib is torch else tinygan.nn.functional.relu(y),
    "matmul 4x4": lambda lib, y, c: y @ c,
    "reshape": lambda lib, y, c: y.reshape(2, 2).reshape(4) if y.ndim == 1 else y.reshape(4, 4),
}


def make_inputs(lib, op):
    shape = (4, 4) if op == "matmul 4x4" else (4,)
    if lib is torch:
        return torch.ones(shape, requires_grad=True), torch.full(shape, 0.25)
    return tinygan.ones(*shape, requires_grad=True), tinygan.full(shape, 0.25)


def chain_of(lib, op, length):
    """A function running forward + backward through ``length`` copies of ``op``."""
    x, c = make_inputs(lib, op)
    step = OPS[op]

    def run():
        y = x
        for _ in range(length):
            y = step(lib, y, c)
        y.sum().backward()
        x.grad = None

    return run


# ---- 2. backward scaling --------------------------------------------------------------------


def backward_of(lib, n, branches):
    """A function timing only the backward of a fresh graph: a chain y = x + c + c + ...
    (n adds), or a sum of n branches x*c_1 + x*c_2 + ..."""
    make = torch if lib is torch else tinygan

    def run():
        x = make.ones(4, requires_grad=True)
        c = make.full((4,), 0.5)
        y = x * c if branches else x
        for _ in range(n - 1):
            y = y + x * c if branches else y + c
        loss = y.sum()
        run.elapsed = seconds(loss.backward)

    return run


def backward_seconds(libs, n, branches, repeats):
    """Median backward time for each library, interleaved."""
    runs = [backward_of(lib, n, branches) for lib in libs]
    times = [[] for _ in libs]
    for _ in range(repeats):
        for run, samples in zip(runs, times):
            run()
            samples.append(run.elapsed)
    return [statistics.median(samples) for samples in times]


# ---- report ---------------------------------------------------------------------------------


def row(cells, widths):
    return "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"


def print_table(title, header, rows):
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    print(f"\n{title}\n")
    print(row(header, widths))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(row(r, widths))


def ratio(ours, theirs):
    return f"{ours / theirs:.2f}" if theirs else "-"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="smaller graphs, fewer repeats")
    args = parser.parse_args()
    if torch is not None:
        torch.set_num_threads(os.cpu_count() or 1)
    length, repeats = (200, 3) if args.quick else (2000, 7)
    sizes = (1_000, 10_000) if args.quick else (1_000, 10_000, 100_000)

    print(
        f"tinygan {tinygan.__version__}, NumPy {np.__version__}, Python "
        f"{platform.python_version()}, {platform.machine()}, {os.cpu_count()} CPUs; "
        f"PyTorch {torch.__version__ if torch else 'not installed'}"
    )

    libs = [tinygan, torch] if torch is not None else [tinygan]
    rows = []
    for op in OPS:
        times = interleaved_medians([chain_of(lib, op, length) for lib in libs], repeats)
        per_op = [t / length * 1e6 for t in times]
        theirs = per_op[1] if torch else None
        rows.append(
            [op, f"{per_op[0]:.1f}", f"{theirs:.1f}" if theirs else "-", ratio(per_op[0], theirs)]
        )
    print_table(
        f"Per-op overhead: microseconds per op, forward + backward, chain of {length} ops "
        f"on a 4-element float32 tensor (median of {repeats}, interleaved)",
        ["op", "tinygan µs", "PyTorch µs", "tinygan / PyTorch"],
        rows,
    )

    rows = []
    for kind, branches in (("chain", False), ("branch sum", True)):
        for n in sizes:
            times = backward_seconds(libs, n, branches, repeats=3)
            ours, theirs = times[0], (times[1] if torch else None)
            rows.append(
                [
                    kind,
                    f"{n:,}",
                    f"{ours * 1e3:.1f}",
                    f"{ours / n * 1e6:.2f}",
                    f"{theirs * 1e3:.1f}" if theirs else "-",
                    f"{theirs / n * 1e6:.2f}" if theirs else "-",
                    ratio(ours, theirs),
                ]
            )
    print_table(
        "Backward time against graph size (n ops; the per-node column should stay flat)",
        [
            "graph",
            "n",
            "tinygan ms",
            "tinygan µs/node",
            "PyTorch ms",
            "PyTorch µs/node",
            "tinygan / PyTorch",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
