"""Activation layers. ``inplace`` is accepted so PyTorch code runs unchanged; tinygan never
overwrites its inputs, so it changes nothing."""

from __future__ import annotations

from ..functions import leaky_relu, relu, sigmoid, tanh
from ._validate import number
from .module import Module


class ReLU(Module):
    def __init__(self, inplace: bool = False):
        super().__init__()

    def forward(self, input):
        return relu(input)


class LeakyReLU(Module):
    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope = number("LeakyReLU", "negative_slope", negative_slope)

    def forward(self, input):
        return leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class Tanh(Module):
    def forward(self, input):
        return tanh(input)


class Sigmoid(Module):
    def forward(self, input):
        return sigmoid(input)
