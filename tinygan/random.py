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
_cuda_seed = _seed  # what the GPU generator starts from when it is created
_cuda_reseeds = 0  # how many checkpoints have re-seeded it (see get_rng_state)


def manual_seed(seed: int) -> None:
    """Seed the generators of every device."""
    global _seed, _cpu, _cuda, _cuda_seed, _cuda_reseeds
    if not isinstance(seed, (int, numpy.integer)) or isinstance(seed, bool) or seed < 0:
        raise ValueError(f"manual_seed: the seed must be a non-negative int, got {seed!r}")
    _seed = int(seed)
    _cpu = numpy.random.Generator(numpy.random.PCG64(_seed))
    _cuda, _cuda_seed, _cuda_reseeds = None, _seed, 0


def initial_seed() -> int:
    return _seed


def get_rng_state() -> dict:
    """The generators' state, for checkpoints: a dict of ints and strings.

    The CPU generator's state is read as it is. CuPy's generator cannot export its state, so
    when the GPU generator is in use, taking the state re-seeds it with a new seed (derived from
    the initial seed and a count of re-seeds) and records that seed: the run that saved and a
    run resumed with ``set_rng_state`` then draw the same GPU numbers from here on."""
    global _cuda, _cuda_seed, _cuda_reseeds
    state = {"cpu": _cpu.bit_generator.state}
    if _cuda is not None:
        _cuda_reseeds += 1
        _cuda_seed = int(numpy.random.SeedSequence([_seed, _cuda_reseeds]).generate_state(1)[0])
        _cuda = None  # re-created from _cuda_seed at its next use
        state["cuda"] = {"seed": _cuda_seed, "reseeds": _cuda_reseeds}
    return state


def set_rng_state(state: dict) -> None:
    """Restore what ``get_rng_state`` returned (or, from checkpoints of tinygan before the GPU
    generator was saved, the CPU generator's state alone)."""
    global _cuda, _cuda_seed, _cuda_reseeds
    if "bit_generator" in state:  # the earlier format: NumPy's bit-generator state itself
        state = {"cpu": state}
    if "cpu" not in state:
        raise ValueError(
            f"set_rng_state: expected the dict get_rng_state returns, with a 'cpu' entry; got "
            f"one with keys {sorted(state)}"
        )
    _cpu.bit_generator.state = state["cpu"]
    if "cuda" in state:
        _cuda, _cuda_seed, _cuda_reseeds = None, state["cuda"]["seed"], state["cuda"]["reseeds"]


def _cuda_generator():
    global _cuda
    xp = backend.cuda_backend().xp
    if _cuda is None or _cuda[0] is not xp:
        _cuda = (xp, xp.random.RandomState(_cuda_seed))
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
