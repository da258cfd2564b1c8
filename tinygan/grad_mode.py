"""Grad mode: whether ops record the graph that backward will walk.

Recording costs memory and time, so evaluation code turns it off with ``no_grad()``. The
switch is per thread, as in PyTorch: one thread evaluating under ``no_grad`` never stops
another thread's training step from recording.
"""

from __future__ import annotations

import functools
import threading


class _ThreadState(threading.local):
    def __init__(self):
        self.grad_enabled = True
        self.anomaly_enabled = False
        self.anomaly_backward_of = None  # the Function whose backward runs, in anomaly mode


state = _ThreadState()


def is_grad_enabled() -> bool:
    return state.grad_enabled


class set_grad_enabled:
    """Turn recording on or off inside a ``with`` block (or around a function, as a decorator)."""

    def __init__(self, mode: bool):
        self.mode = bool(mode)

    def __enter__(self):
        self.previous = state.grad_enabled
        state.grad_enabled = self.mode

    def __exit__(self, *exc_info):
        state.grad_enabled = self.previous

    def __call__(self, function):
        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            with set_grad_enabled(self.mode):
                return function(*args, **kwargs)

        return wrapper


class no_grad(set_grad_enabled):
    """Ops inside record no graph: ``with tinygan.no_grad(): y = model(x)``, or ``@no_grad()``."""

    def __init__(self):
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Ops inside record the graph again, even within ``no_grad``."""

    def __init__(self):
        super().__init__(True)
