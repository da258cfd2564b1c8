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


def median_seconds(run, repeats):
    """Median wall time of ``run()`` over ``repeats`` calls, garbage collector paused."""
    times = []
    for _ in range(repeats):
        gc.collect()
        gc.disable()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
        gc.enable()
    return statistics.median(times)


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


def op_overhead(lib, op, length, repeats):
    """Microseconds per op for forward + backward through a chain of ``length`` ops."""
    x, c = make_inputs(lib, op)
    step = OPS[op]

    def run():
        y = x
        for _ in range(length):
            y = step(lib, y, c)
        y.sum().backward()
        x.grad = None

    return median_seconds(run, repeats) / length * 1e6


# ---- 2. backward scaling --------------------------------------------------------------------


def chain_backward(lib, n, repeats):
    """Seconds for backward through y = x + c + c + ... (n adds)."""
    return _backward_time(lib, n, repeats, branches=False)


def branches_backward(lib, n, repeats):
    """Seconds for backward through x*c_1 + x*c_2 + ... (n products summed)."""
    return _backward_time(lib, n, repeats, branches=True)


def _backward_time(lib, n, repeats, branches):
    make = torch if lib is torch else tinygan
    times = []
    for _ in range(repeats):
        x = make.ones(4, requires_grad=True)
        c = make.full((4,), 0.5)
        y = x * c if branches else x
        for _ in range(n - 1):
            y = y + x * c if branches else y + c
        loss = y.sum()
        times.append(median_seconds(loss.backward, 1))
    return statistics.median(times)


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

    rows = []
    for op in OPS:
        ours = op_overhead(tinygan, op, length, repeats)
        theirs = op_overhead(torch, op, length, repeats) if torch else None
        rows.append([op, f"{ours:.1f}", f"{theirs:.1f}" if theirs else "-", ratio(ours, theirs)])
    print_table(
        f"Per-op overhead: microseconds per op, forward + backward, chain of {length} ops "
        "on a 4-element float32 tensor (median of "
        f"{repeats})",
        ["op", "tinygan µs", "PyTorch µs", "tinygan / PyTorch"],
        rows,
    )

    rows = []
    for kind, measure in (("chain", chain_backward), ("branch sum", branches_backward)):
        for n in sizes:
            ours = measure(tinygan, n, 3)
            theirs = measure(torch, n, 3) if torch else None
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
