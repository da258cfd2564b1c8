"""GAN benchmark: milliseconds per GAN iteration in tinygan and, side by side, in PyTorch.

    python benchmarks/gan.py                  # toy2d, mlp, dcgan, then the engine's tables
    python benchmarks/gan.py --device cuda    # the same on the GPU (CuPy against torch.cuda)
    python benchmarks/gan.py --models mlp --repeats 30 --no-engine --no-separate
    python benchmarks/gan.py --quick          # a smoke run: one block each, small graphs

One iteration: a discriminator step on a real and a fake batch, then a generator step; the
non-saturating loss through binary_cross_entropy_with_logits; Adam, lr 2e-4, betas (0.5, 0.999).
The models (the speed issue's):
  toy2d  G 2-128-128-128-2, D 2-128-128-128-1 (ReLU), batch 512
  mlp    G 100-256-512-1024-784 (LeakyReLU 0.2, tanh), D 784-512-256-1 (LeakyReLU 0.2), batch 64
  dcgan  28x28x1: G Linear to 128x7x7, BN, ReLU, ConvT 128->64, BN, ReLU, ConvT 64->1, tanh;
         D Conv 1->64, LeakyReLU, Conv 64->128, BN, LeakyReLU, Linear 6272->1; batch 64

Both libraries run the same loop, written out below, with the same thread count, timed in
alternating blocks so that the machine's drift touches both alike; the table gives medians and
the ratio tinygan / PyTorch. A second table times each library alone, in fresh processes taking
turns: in one process, each library's idle BLAS or OpenMP threads keep spinning into the other's
blocks (on a 2-core machine that made PyTorch look up to 2x slower), so that table's ratio is the
one to trust where the two disagree. FLOPs count the matrix products and convolutions only (2 per
multiply-add; a backward pass as twice its forward), so GFLOP/s is the useful work rate. The
floor is the iteration's products alone, each timed in NumPy at its own shape on this machine:
no iteration made of them can be faster, so "tinygan / floor" is how far tinygan is from it.
Peak memory: on the CPU, the most tinygan's new arrays took at once during one iteration
(tracemalloc; the parameters and optimizer state allocated before it are not counted), and in
the separate-process table each library's peak resident memory above its imports (VmHWM, the
one measure that sees PyTorch's CPU allocations); on the GPU, CuPy's memory pool after the
iteration (everything, parameters included) beside torch.cuda.max_memory_allocated.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import statistics
import subprocess
import sys
import time
import tracemalloc

import numpy as np

import tinygan
import tinygan.nn.functional as tF
from tinygan import nn, optim

try:
    import torch
except ImportError:
    torch = None

MODELS = {  # name: (batch size, latent size, data shape)
    "toy2d": (512, 2, (2,)),
    "mlp": (64, 100, (784,)),
    "dcgan": (64, 100, (1, 28, 28)),
}


def build(lib, name):
    """(G, D) for ``name`` with ``lib`` = tinygan.nn or torch.nn: the same layers in both."""
    if name == "toy2d":

        def mlp(i, o):
            return lib.Sequential(
                lib.Linear(i, 128),
                lib.ReLU(),
                lib.Linear(128, 128),
                lib.ReLU(),
                lib.Linear(128, 128),
                lib.ReLU(),
                lib.Linear(128, o),
            )

        return mlp(2, 2), mlp(2, 1)
    if name == "mlp":
        generator = lib.Sequential(
            lib.Linear(100, 256),
            lib.LeakyReLU(0.2),
            lib.Linear(256, 512),
            lib.LeakyReLU(0.2),
            lib.Linear(512, 1024),
            lib.LeakyReLU(0.2),
            lib.Linear(1024, 784),
            lib.Tanh(),
        )
        discriminator = lib.Sequential(
            lib.Linear(784, 512),
            lib.LeakyReLU(0.2),
            lib.Linear(512, 256),
            lib.LeakyReLU(0.2),
            lib.Linear(256, 1),
        )
        return generator, discriminator
    generator = lib.Sequential(
        lib.Linear(100, 128 * 7 * 7),
        lib.Unflatten(1, (128, 7, 7)),
        lib.BatchNorm2d(128),
        lib.ReLU(),
        lib.ConvTranspose2d(128, 64, 4, 2, 1),
        lib.BatchNorm2d(64),
        lib.ReLU(),
        lib.ConvTranspose2d(64, 1, 4, 2, 1),
        lib.Tanh(),
    )
    discriminator = lib.Sequential(
        lib.Conv2d(1, 64, 4, 2, 1),
        lib.LeakyReLU(0.2),
        lib.Conv2d(64, 128, 4, 2, 1),
        lib.BatchNorm2d(128),
        lib.LeakyReLU(0.2),
        lib.Flatten(),
        lib.Linear(128 * 7 * 7, 1),
    )
    return generator, discriminator


def gemm_shapes(model, input_shape) -> list[tuple[int, int, int]]:
    """(rows per sample, k, n) of the forward product of each layer of a tinygan Sequential that
    multiplies matrices: a sample's [rows, k] @ [k, n], as the layer computes it (im2col for a
    convolution: one row per output pixel; a transposed one: one row per input pixel)."""
    x = tinygan.zeros(1, *input_shape)
    shapes = []
    with tinygan.no_grad():
        for layer in model.children():
            y = layer(x)
            if isinstance(layer, nn.Linear):
                shapes.append((1, layer.in_features, layer.out_features))
            elif isinstance(layer, nn.Conv2d):  # every output pixel: C_in * k * k per channel
                c_out, c_in, kh, kw = layer.weight.shape
                shapes.append((y.numel() // c_out, c_in * kh * kw, c_out))
            elif isinstance(layer, nn.ConvTranspose2d):  # every input pixel: C_out * k * k
                c_in, c_out, kh, kw = layer.weight.shape
                shapes.append((x.numel() // c_in, c_in, c_out * kh * kw))
            x = y
    return shapes


def forward_flops(model, input_shape) -> int:
    """FLOPs of one sample's forward pass through the products of a tinygan Sequential."""
    return sum(2 * rows * k * n for rows, k, n in gemm_shapes(model, input_shape))


# Products per iteration, for each layer: (forward, gradient of the input, gradient of the
# weight). D step: G forward; D forward and backward on 2 batches. G step: G forward and
# backward; D forward and backward to its input only.
PRODUCTS_PER_ITERATION = {"generator": (2, 1, 1), "discriminator": (3, 3, 2)}


def iteration_flops(name) -> int:
    """FLOPs of the iteration's products: 4 F_G + 8 F_D per sample (F: one forward)."""
    batch, latent, shape = MODELS[name]
    generator, discriminator = build(nn, name)
    f_g, f_d = forward_flops(generator, (latent,)), forward_flops(discriminator, shape)
    return batch * (4 * f_g + 8 * f_d)


def floor_ms(name, repeats=20) -> float:
    """Ms per iteration if it were its matrix products alone, each at the rate NumPy's float32
    product reaches at that very shape on this machine: [m, k] @ [k, n] forward, [m, n] @
    [n, k] for the input's gradient, [k, m] @ [m, n] for the weight's (m = batch * rows)."""
    batch, latent, shape = MODELS[name]
    generator, discriminator = build(nn, name)
    rng = np.random.default_rng(0)
    total = 0.0
    for role, model, input_shape in (
        ("generator", generator, (latent,)),
        ("discriminator", discriminator, shape),
    ):
        for rows, k, n in gemm_shapes(model, input_shape):
            m = batch * rows
            pairs = [((m, k), (k, n)), ((m, n), (n, k)), ((k, m), (m, n))]
            for count, (left, right) in zip(PRODUCTS_PER_ITERATION[role], pairs):
                a = rng.standard_normal(left, dtype=np.float32)
                b = rng.standard_normal(right, dtype=np.float32)
                total += count * median_ms([lambda a=a, b=b: a @ b], repeats, 1)[0]
    return total


def tinygan_iteration(name, device):
    """A function running one GAN iteration in tinygan."""
    batch, latent, shape = MODELS[name]
    generator, discriminator = (m.to(device) for m in build(nn, name))
    g_opt = optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = tinygan.randn(batch, *shape, device=device)
    ones, zeros = tinygan.ones(batch, 1, device=device), tinygan.zeros(batch, 1, device=device)

    def run():
        with tinygan.no_grad():
            fake = generator(tinygan.randn(batch, latent, device=device))
        d_loss = tF.binary_cross_entropy_with_logits(
            discriminator(real), ones
        ) + tF.binary_cross_entropy_with_logits(discriminator(fake), zeros)
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()
        discriminator.requires_grad_(False)
        g_loss = tF.binary_cross_entropy_with_logits(
            discriminator(generator(tinygan.randn(batch, latent, device=device))), ones
        )
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()
        discriminator.requires_grad_(True)
        g_loss.item()  # wait for the device, as a training loop reading its loss does

    return run


def torch_iteration(name, device):
    """The same iteration in PyTorch, line for line."""
    batch, latent, shape = MODELS[name]
    generator, discriminator = (m.to(device) for m in build(torch.nn, name))
    g_opt = torch.optim.Adam(generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.randn(batch, *shape, device=device)
    ones, zeros = torch.ones(batch, 1, device=device), torch.zeros(batch, 1, device=device)
    bce = torch.nn.functional.binary_cross_entropy_with_logits

    def run():
        with torch.no_grad():
            fake = generator(torch.randn(batch, latent, device=device))
        d_loss = bce(discriminator(real), ones) + bce(discriminator(fake), zeros)
        d_opt.zero_grad()
        d_loss.backward()
        d_opt.step()
        discriminator.requires_grad_(False)
        g_loss = bce(discriminator(generator(torch.randn(batch, latent, device=device))), ones)
        g_opt.zero_grad()
        g_loss.backward()
        g_opt.step()
        discriminator.requires_grad_(True)
        g_loss.item()

    return run


def matmul_ceiling(device):
    """GFLOP/s of one float32 product the size of the dcgan's largest, in NumPy (or CuPy) and
    in PyTorch: the most a library can reach whose iteration is such products and nothing else.
    NumPy's rate depends on the kernels its OpenBLAS chose at load time (OPENBLAS_CORETYPE)."""
    m, k, n = 64 * 7 * 7, 1024, 128
    a, b = tinygan.randn(m, k, device=device).data, tinygan.randn(k, n, device=device).data
    rates = [_gflops(lambda: a @ b, 2 * m * k * n, device)]
    if torch is not None:
        ta, tb = torch.randn(m, k, device=device), torch.randn(k, n, device=device)
        rates.append(_gflops(lambda: ta @ tb, 2 * m * k * n, device))
    return rates


def _gflops(product, flops, device, repeats=30):
    def run():
        product()
        if device == "cuda":  # wait for the device
            tinygan.randn(1, device=device).item()

    median = median_ms([run], repeats, 1)[0]
    return flops / median / 1e6


def median_ms(runs, repeats, block):
    """Median ms per iteration of each run, timed in alternating blocks of ``block``."""
    for run in runs:  # warm-up: first-call costs, allocator pools, BLAS threads
        for _ in range(3):
            run()
    samples = [[] for _ in runs]
    for _ in range(repeats):
        for run, times in zip(runs, samples):
            start = time.perf_counter()
            for _ in range(block):
                run()
            times.append((time.perf_counter() - start) / block * 1e3)
    return [statistics.median(times) for times in samples]


def tinygan_peak_bytes(run, device):
    if device == "cuda":
        import cupy

        pool = cupy.get_default_memory_pool()
        pool.free_all_blocks()
        run()
        return pool.total_bytes()
    tracemalloc.start()
    run()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def torch_peak_bytes(run, device):
    if device != "cuda":
        return None
    torch.cuda.reset_peak_memory_stats()
    run()
    return torch.cuda.max_memory_allocated()


def memory_status_bytes(field: str) -> int:
    """A size from /proc/self/status (Linux): 'VmRSS' now, 'VmHWM' at the highest so far
    (reset by exec, unlike getrusage's ru_maxrss); 0 where unknown."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) * 1024  # in kB
    except OSError:
        pass
    return 0


def peak_rss_growth_bytes(rss_at_start) -> int | None:
    """How far the process's resident memory rose above ``rss_at_start`` at its highest: all
    of a library's memory, PyTorch's included, in a process that ran one model of one library."""
    peak = memory_status_bytes("VmHWM")
    return peak - rss_at_start if peak and rss_at_start else None


def separate_processes(args, rounds):
    """Each library alone in its own process, one model a process, ``rounds`` times each,
    taking turns; the medians. In one process the two libraries' idle BLAS and OpenMP threads
    keep spinning into each other's blocks; this table shows the ratio without that. Alone in
    its process, a library's peak memory is the process's: its resident size at the highest,
    less what it was before the models were built (the imports)."""
    times = {"tinygan": {}, "torch": {}}
    peaks = {"tinygan": {}, "torch": {}}
    for _ in range(rounds):
        for name in args.models:
            for library in times:
                command = [sys.executable, __file__, "--only", library, "--no-engine"]
                command += ["--no-separate", "--no-floor", "--models", name]
                command += ["--device", args.device]
                command += ["--repeats", str(args.repeats), "--block", str(args.block)]
                output = subprocess.run(command, capture_output=True, text=True, check=True)
                column = 1 if library == "tinygan" else 2  # the ms column of that library
                row = re.search(rf"^\| {name} \|(.*)$", output.stdout, re.MULTILINE).group(1)
                times[library].setdefault(name, []).append(float(row.split("|")[column - 1]))
                peak = re.search(r"^peak RSS growth (\S+) MB", output.stdout, re.MULTILINE)
                if peak:
                    peaks[library].setdefault(name, []).append(float(peak.group(1)))
    print(f"\nEach library alone, in separate processes taking turns ({rounds} each):\n")
    print("| model | tinygan ms | PyTorch ms | tinygan / PyTorch | ratio of each round, low-high |")
    print("|---|---|---|---|---|")
    for name in args.models:
        ours, theirs = (statistics.median(times[lib][name]) for lib in ("tinygan", "torch"))
        # each round's tinygan process against the PyTorch process that ran right after it
        per_round = [a / b for a, b in zip(times["tinygan"][name], times["torch"][name])]
        print(
            f"| {name} | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f} "
            f"| {min(per_round):.2f}-{max(per_round):.2f} |",
            flush=True,
        )
    print(
        "\nPeak resident memory above the imports, each library alone (MB, the rounds' highest):\n"
    )
    print("| model | tinygan | PyTorch |")
    print("|---|---|---|")
    for name in args.models:
        rss = [
            f"{max(peaks[lib][name]):.0f}" if peaks[lib].get(name) else "-"
            for lib in ("tinygan", "torch")
        ]
        print(f"| {name} | {rss[0]} | {rss[1]} |", flush=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--repeats", type=int, default=15, help="timed blocks per library")
    parser.add_argument("--block", type=int, default=5, help="iterations per timed block")
    parser.add_argument(
        "--only",
        choices=["tinygan", "torch"],
        help="time one library alone (to check the interleaved ratio against separate runs)",
    )
    parser.add_argument(
        "--no-separate",
        action="store_true",
        help="skip the second table: each library alone, in fresh processes taking turns",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="fresh processes per library, separate table"
    )
    parser.add_argument("--no-engine", action="store_true", help="skip the engine's tables")
    parser.add_argument(
        "--no-floor", action="store_true", help="skip timing each product (the floor column)"
    )
    parser.add_argument("--quick", action="store_true", help="a smoke run, not a measurement")
    args = parser.parse_args()
    if args.quick:
        args.repeats, args.block = 1, 1
    # NumPy's BLAS reads its thread count when it loads: set OMP_NUM_THREADS (or
    # OPENBLAS_NUM_THREADS) before starting the script, and PyTorch is given the same count.
    threads = int(
        os.environ.get("OMP_NUM_THREADS")
        or os.environ.get("OPENBLAS_NUM_THREADS")
        or os.cpu_count()
        or 1
    )
    if torch is not None:
        torch.set_num_threads(threads)
    rss_at_start = memory_status_bytes("VmRSS")
    tinygan.manual_seed(0)
    print(
        f"tinygan {tinygan.__version__}, NumPy {np.__version__}, Python "
        f"{platform.python_version()}, {platform.processor() or platform.machine()}, "
        f"{threads} threads; PyTorch {torch.__version__ if torch else 'not installed'}; "
        f"device {args.device}"
    )
    if args.device == "cpu":
        capability = torch.backends.cpu.get_cpu_capability() if torch else "-"
        coretype = os.environ.get("OPENBLAS_CORETYPE", "not set: OpenBLAS detects the CPU")
        print(f"OPENBLAS_CORETYPE {coretype}; PyTorch's CPU kernels: {capability}")
    ceiling = matmul_ceiling(args.device)
    print(
        f"matrix product [{64 * 49} x 1024] @ [1024 x 128], float32: "
        + ", ".join(f"{lib} {rate:.0f} GFLOP/s" for lib, rate in zip(("NumPy", "PyTorch"), ceiling))
    )
    header = "| model | tinygan ms | PyTorch ms | tinygan / PyTorch | GFLOP / iter "
    header += "| tinygan GFLOP/s | PyTorch GFLOP/s | tinygan peak MB | PyTorch peak MB "
    header += "| floor ms | GEMM GFLOP/s at these shapes | tinygan / floor | PyTorch / floor |"
    print(f"\n{header}")
    print("|" + "---|" * (header.count("|") - 1))
    use_ours = args.only in (None, "tinygan")
    use_torch = torch is not None and args.only in (None, "torch")
    for name in args.models:
        runs = [tinygan_iteration(name, args.device)] if use_ours else []
        if use_torch:
            runs.append(torch_iteration(name, args.device))
        times = median_ms(runs, args.repeats, args.block)
        ours = times[0] if use_ours else None
        theirs = times[-1] if use_torch else None
        flops = iteration_flops(name)
        ours_mb = tinygan_peak_bytes(runs[0], args.device) / 2**20 if use_ours else None
        theirs_bytes = torch_peak_bytes(runs[-1], args.device) if use_torch else None
        cells = [
            name,
            f"{ours:.2f}" if ours else "-",
            f"{theirs:.2f}" if theirs else "-",
            f"{ours / theirs:.2f}" if ours and theirs else "-",
            f"{flops / 1e9:.3f}",
            f"{flops / ours / 1e6:.1f}" if ours else "-",
            f"{flops / theirs / 1e6:.1f}" if theirs else "-",
            f"{ours_mb:.1f}" if ours else "-",
            f"{theirs_bytes / 2**20:.1f}" if theirs_bytes else "-",
        ]
        floor = None if args.no_floor or args.device != "cpu" else floor_ms(name)
        cells += [
            f"{floor:.2f}" if floor else "-",
            f"{flops / floor / 1e6:.0f}" if floor else "-",
            f"{ours / floor:.2f}" if floor and ours else "-",
            f"{theirs / floor:.2f}" if floor and theirs else "-",
        ]
        print("| " + " | ".join(cells) + " |", flush=True)
    if args.only and args.device == "cpu" and len(args.models) == 1:
        growth = peak_rss_growth_bytes(rss_at_start)
        if growth is not None:
            print(f"peak RSS growth {growth / 2**20:.1f} MB (this process, one model)")
    print(
        f"\nmedian of {args.repeats} blocks of {args.block} iterations each, after 3 warm-up "
        "iterations, the two libraries alternating block by block"
    )
    if not args.no_separate and torch is not None and args.only is None:
        separate_processes(args, rounds=1 if args.quick else args.rounds)
    if not args.no_engine:  # the per-op overhead and backward scaling (benchmarks/engine.py)
        sys.argv = [sys.argv[0], *(["--quick"] if args.quick else [])]
        import engine  # beside this file

        engine.main()


if __name__ == "__main__":
    main()
