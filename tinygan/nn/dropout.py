"""Dropout: a layer that applies F.dropout while training and nothing in evaluation."""

from __future__ import annotations

from ..functions import dropout
from ._validate import probability
from .module import Module


class Dropout(Module):
    def __init__(self, p: float = 0.5, inplace: bool = False):
        super().__init__()
        self.p = probability("Dropout", "p", p)

    def forward(self, input):
        return dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}"
