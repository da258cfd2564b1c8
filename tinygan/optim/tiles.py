"""Tiles: an optimizer step cut into cache-sized pieces and shared among the CPU's cores.

An update rule is a dozen element-wise passes (Adam: the two averages, √v, a division, ...).
Over a whole parameter of a few megabytes, every pass streams it from memory again; over a tile
of 65,536 numbers (256 KB an array in float32), the dozen passes find it in the core's cache.
NumPy's element-wise operations run on one core but release the GIL, so tiles handed to a few
threads run on a few cores. Every number goes through the same operations in the same order as
it would without tiles, so the result is the same, bit for bit, whatever the tile size or the
number of threads.

On the GPU (CuPy) a parameter is one tile: the device already runs each pass in parallel.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import numpy

from ..tensor import Tensor

TILE = 65536  # numbers per tile: 256 KB per float32 array, five arrays well inside a 2 MB L2
THREADS = min(4, os.cpu_count() or 1)  # element-wise passes gain little beyond a few cores
SERIAL_BELOW = 4 * TILE  # fewer numbers than this: handing them to threads costs more

_pool: ThreadPoolExecutor | None = None


def run(update: Callable, work: list[tuple]) -> None:
    """Call ``update(param, grad, state, group)`` on tiles of every ``(param, grad, state,
    group)`` in ``work``; ``state``'s tensors reach ``update`` as arrays (tiles of them)."""
    pieces = [piece for item in work for piece in _tiles(*item)]
    total = sum(piece[0].size for piece in pieces)
    if THREADS == 1 or total < SERIAL_BELOW:
        _apply(update, pieces)
        return
    shares = _shares(pieces, THREADS)
    for _ in _the_pool().map(_apply, [update] * len(shares), shares):
        pass  # reading the results raises what a thread raised


def _tiles(param, grad, state: dict, group: dict) -> list[tuple]:
    """One parameter's ``(param, grad, state, group)`` tiles: flat slices of its arrays when
    it lives in NumPy and every array written is C-contiguous (so that the flat views share
    its memory), else the whole parameter as one tile."""
    arrays = {name: value.data for name, value in state.items() if isinstance(value, Tensor)}
    numbers = {name: value for name, value in state.items() if not isinstance(value, Tensor)}
    written = [param, *arrays.values()]
    if param.size <= TILE or type(param) is not numpy.ndarray:
        return [(param, grad, {**numbers, **arrays}, group)]
    if not all(array.flags.c_contiguous for array in written):
        return [(param, grad, {**numbers, **arrays}, group)]
    flat = {name: array.reshape(-1) for name, array in arrays.items()}
    param, grad = param.reshape(-1), grad.reshape(-1)  # grad is only read: a copy would do
    return [
        (
            param[start : start + TILE],
            grad[start : start + TILE],
            {**numbers, **{name: array[start : start + TILE] for name, array in flat.items()}},
            group,
        )
        for start in range(0, param.size, TILE)
    ]


def _shares(pieces: list[tuple], count: int) -> list[list[tuple]]:
    """``pieces`` cut into ``count`` consecutive runs of about the same number of numbers."""
    total = sum(piece[0].size for piece in pieces)
    shares, done = [[] for _ in range(count)], 0
    for piece in pieces:
        shares[min(count - 1, done * count // total)].append(piece)
        done += piece[0].size
    return [share for share in shares if share]


def _apply(update: Callable, pieces: list[tuple]) -> None:
    for param, grad, state, group in pieces:
        update(param, grad, state, group)


def _the_pool() -> ThreadPoolExecutor:
    """The threads, started at the first step that needs them."""
    global _pool
    if _pool is None:
        _pool = ThreadPoolExecutor(THREADS, thread_name_prefix="tinygan-optim")
    return _pool


def _forget_pool() -> None:
    """In a forked child the parent's threads do not exist: start new ones when needed."""
    global _pool
    _pool = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_forget_pool)
