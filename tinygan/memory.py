"""Keeping freed memory in the process, so the next training step reuses it.

A training step allocates the same large arrays every time (activations, gradients, im2col
matrices) and frees them at the end. glibc's malloc hands large freed blocks back to the
operating system (munmap, or trimming the heap top), so each step then page-faults its way
through fresh memory again: measured with benchmarks/gan.py on a 2-core machine, that cost
20-25 % of a step (toy2d 7.3 -> 5.6 ms, mlp 19.5 -> 16.5 ms, dcgan 187 -> 150 ms, one thread).
PyTorch's CPU allocator keeps such memory too. ``keep_freed_memory`` raises glibc's thresholds
so it stays in the process; ``import tinygan`` calls it on Linux with glibc unless the
environment sets ``TINYGAN_KEEP_FREED_MEMORY=0``. Other platforms are left as they are.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform

# mallopt's parameter numbers, from glibc's <malloc.h>
M_TRIM_THRESHOLD, M_TOP_PAD, M_MMAP_THRESHOLD = -1, -2, -3
MIB = 1 << 20


def keep_freed_memory(mmap_threshold=32 * MIB, trim_threshold=1024 * MIB, top_pad=64 * MIB):
    """Ask glibc to serve blocks below ``mmap_threshold`` from its heap (not from fresh mmaps,
    which munmap returns at once), to keep up to ``trim_threshold`` of free heap instead of
    returning it, and to grow the heap ``top_pad`` at a time. Returns True when glibc accepted
    all three settings; False where there is no glibc or it refused one."""
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return False
    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    settings = ((M_MMAP_THRESHOLD, mmap_threshold), (M_TRIM_THRESHOLD, trim_threshold))
    settings += ((M_TOP_PAD, top_pad),)
    accepted = [libc.mallopt(parameter, value) == 1 for parameter, value in settings]  # all tried
    return all(accepted)


def _apply_default() -> None:
    if os.environ.get("TINYGAN_KEEP_FREED_MEMORY", "1") != "0":
        keep_freed_memory()
