"""Embedding: a trainable lookup table, e.g. one vector per class label in a conditional GAN."""

from __future__ import annotations

from .. import dtypes
from ..creation import zeros
from ..functions import embedding
from . import init
from ._validate import positive_int
from .module import Module
from .parameter import Parameter


class Embedding(Module):
    """Row i of ``weight`` (num_embeddings x embedding_dim) for each index i; N(0, 1) init."""

    def __init__(self, num_embeddings: int, embedding_dim: int, *, device=None, dtype=None):
        super().__init__()
        self.num_embeddings = positive_int("Embedding", "num_embeddings", num_embeddings)
        self.embedding_dim = positive_int("Embedding", "embedding_dim", embedding_dim)
        dtype = dtype or dtypes.get_default_dtype()
        self.weight = Parameter(zeros(num_embeddings, embedding_dim, dtype=dtype, device=device))
        init.normal_(self.weight)

    def forward(self, input):
        return embedding(input, self.weight)

    def extra_repr(self) -> str:
        return f"{self.num_embeddings}, {self.embedding_dim}"
