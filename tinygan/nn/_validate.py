"""Argument checks shared by the layers: a bad size or hyperparameter fails at construction,
with the layer's name, not deep inside the first forward."""

from __future__ import annotations


def positive_int(layer: str, name: str, value) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value <= 0:
        raise ValueError(f"{layer}: {name} must be a positive int, got {value!r}")
    return value


def probability(layer: str, name: str, value) -> float:
    if not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
        raise ValueError(f"{layer}: {name} must be in [0, 1], got {value!r}")
    return float(value)


def positive_number(layer: str, name: str, value) -> float:
    if not isinstance(value, (int, float)) or not value > 0:
        raise ValueError(f"{layer}: {name} must be a positive number, got {value!r}")
    return float(value)
