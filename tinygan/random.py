"""Random numbers: one seeded generator per device, so that runs are reproducible.

``manual_seed(s)`` re-seeds every device. Like PyTorch, tinygan starts from a fixed seed, so
a script that never seeds still gives the same numbers on every run. The same seed gives the
same numbers on the same device; the CPU (NumPy's PCG64) and the GPU (CuPy's generator)
produce different streams.
"""

from __future__ import annotations

import numpy

from . import backend, dtypes

_DEFAULT_SEED = 67280421310721 % 2**32  # PyTorch's default seed, folded to 32 bits
_seed = _DEFAULT_SEED
_cpu = numpy.random.Generator(numpy.random.PCG64(_seed))
_cuda = None  # (CuPy module, its RandomState), created on first use


def manual_seed(seed: int) -> None:
    """Seed the generators of every device."""
    global _seed, _cpu, _cuda
    if not isinstance(seed, (int, numpy.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"manual_seed: the seed must be a non-negative int, got {seed!r}")
    _seed = int(seed)
    _cpu = numpy.random.Generator(numpy.random.PCG64(_seed))
    _cuda = None


def initial_seed() -> int:
    return _seed


def get_rng_state() -> dict:
    """The CPU generator's state (a dict of ints and strings), for checkpoints."""
    return _cpu.bit_generator.state


def set_rng_state(state: dict) -> None:
    _cpu.bit_generator.state = state


def _cuda_generator():
    global _cuda
    xp = backend.cuda_backend().xp
    if _cuda is None or _cuda[0] is not xp:
        _cuda = (xp, xp.random.RandomState(_seed))
    return _cuda[1]


def normal(shape, dtype, device):
    """Standard normal samples (mean 0, std 1)."""
    draw_dtype = dtypes.float64 if dtype == dtypes.float64 else dtypes.float32
    if device == "cpu":
        values = _cpu.standard_normal(shape, dtype=draw_dtype)
    else:
        values = _cuda_generator().standard_normal(shape, dtype=draw_dtype)
    return values.astype(dtype, copy=False)


def uniform(shape, dtype, device):
    """Samples uniform on [0, 1)."""
    draw_dtype = dtypes.float64 if dtype == dtypes.float64 else dtypes.float32
    if device == "cpu":
        values = _cpu.random(shape, dtype=draw_dtype)
    else:
        values = _cuda_generator().random_sample(shape, dtype=draw_dtype)
    return values.astype(dtype, copy=False)


def integers(low, high, shape, device):
    """int64 samples uniform on [low, high)."""
    if device == "cpu":
        return _cpu.integers(low, high, shape, dtype=numpy.int64)
    return _cuda_generator().randint(low, high, shape, dtype=numpy.int64)


def permutation(n, device):
    """A random ordering of 0 .. n-1 (int64)."""
    if device == "cpu":
        return _cpu.permutation(n).astype(numpy.int64, copy=False)
    return _cuda_generator().permutation(n).astype(numpy.int64, copy=False)
