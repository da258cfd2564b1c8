"""Argument checks shared by the layers: a bad size or hyperparameter fails at construction,
with the layer's name, not deep inside the first forward."""

from __future__ import annotations

import math
import operator


def positive_int(layer: str, name: str, value) -> int:
    """An int > 0; NumPy integers are accepted (``Linear(np.prod(shape), 10)``), bools not."""
    try:
        number = operator.index(value)
    except TypeError:
        number = None
    if number is None or isinstance(value, bool) or number <= 0:
        raise ValueError(f"{layer}: {name} must be a positive int, got {value!r}")
    return number


def _real(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def probability(layer: str, name: str, value) -> float:
    if not _real(value) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{layer}: {name} must be a number in [0, 1], got {value!r}")
    return float(value)


def positive_number(layer: str, name: str, value) -> float:
    if not _real(value) or not value > 0:
        raise ValueError(f"{layer}: {name} must be a finite positive number, got {value!r}")
    return float(value)


def number(layer: str, name: str, value) -> float:
    if not _real(value):
        raise ValueError(f"{layer}: {name} must be a finite number, got {value!r}")
    return float(value)


def flag(layer: str, name: str, value) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{layer}: {name} must be True or False, got {value!r}")
    return value
