"""Anomaly detection: find the op where a NaN or inf first appeared.

Inside ``with tinygan.detect_anomaly():`` every op checks its output, and every backward
step checks the gradients it produced. The first non-finite value (NaN, and also inf, which
PyTorch's anomaly mode lets through) raises an error naming the op and the line of user code
that created it. It costs a device sync per op: it is for debugging, not for training runs.
"""

from __future__ import annotations

import os
import traceback

import numpy

from .backend import get_array_module
from .grad_mode import state

_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class detect_anomaly:
    """Context manager: raise at the first op whose forward or backward makes a NaN or inf."""

    def __enter__(self):
        self.previous = state.anomaly_enabled
        state.anomaly_enabled = True

    def __exit__(self, *exc_info):
        state.anomaly_enabled = self.previous


class running_backward:
    """Marks the backward of ``function`` as running, so that a NaN made by one of the ops its
    backward formula uses is blamed on ``function`` itself."""

    def __init__(self, function):
        self.function = function

    def __enter__(self):
        self.previous = state.anomaly_backward_of
        state.anomaly_backward_of = self.function

    def __exit__(self, *exc_info):
        state.anomaly_backward_of = self.previous


def check_finite(function, phase: str, array) -> None:
    """Raise if ``array`` (made by ``function`` during ``phase``) holds a NaN or inf."""
    if not numpy.issubdtype(array.dtype, numpy.inexact):
        return
    xp = get_array_module(array)
    if bool(xp.isfinite(array).all()):
        return
    step = ""
    if state.anomaly_backward_of is not None:
        function, phase = state.anomaly_backward_of, "backward"
        step = " (in one of the ops of its backward formula)"
    stack = getattr(function, "creation_stack", None) or traceback.extract_stack()
    raise FloatingPointError(
        f"{type(function).__name__} produced a NaN or inf in its {phase} pass{step}. "
        f"The op was created at {_user_frame(stack)}."
    )


def _user_frame(stack) -> str:
    """The innermost frame outside tinygan itself: where the user called the op."""
    for frame in reversed(stack):
        if not os.path.abspath(frame.filename).startswith(_PACKAGE_DIR):
            return f"{frame.filename}:{frame.lineno}, in {frame.name}\n    {frame.line}"
    return "an unknown place"
