"""Argument types for the demos' command lines: each checks its value when the command line is
read, so that a bad flag ends in argparse's usage message naming the flag
(``argument --iters: must be an int >= 1, got '-5'``), never in a traceback mid-run.

    parser.add_argument("--iters", type=at_least(1), default=3000)
    parser.add_argument("--ema", type=fraction(upper_inclusive=False), default=0.999)
"""

from __future__ import annotations

import argparse
import math


def at_least(lowest: int):
    """An int no smaller than ``lowest``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < lowest:
            raise argparse.ArgumentTypeError(f"must be an int >= {lowest}, got {text!r}")
        return value

    parse.__name__ = f"int >= {lowest}"
    return parse


def non_negative(text: str) -> float:
    """A finite number >= 0 (a penalty's weight, a learning rate)."""
    value = _finite(text, "a finite number >= 0")
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be a finite number >= 0, got {text!r}")
    return value


def fraction(upper_inclusive: bool = True):
    """A number in [0, 1], or [0, 1) when 1 itself makes no sense (a moving average's decay)."""
    wanted = "a number in [0, 1]" if upper_inclusive else "a number in [0, 1)"

    def parse(text: str) -> float:
        value = _finite(text, wanted)
        if not (0 <= value <= 1) or (value == 1 and not upper_inclusive):
            raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}")
        return value

    parse.__name__ = wanted
    return parse


def _finite(text: str, wanted: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be {wanted}, got {text!r}")
    return value
