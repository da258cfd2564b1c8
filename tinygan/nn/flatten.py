"""Flatten and Unflatten: reshape between images and vectors inside a Sequential."""

from __future__ import annotations

from ..functions import flatten, reshape
from .module import Module


class Flatten(Module):
    """Merge dims start_dim..end_dim (by default all but the batch dim)."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, input):
        return flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Unflatten(Module):
    """Split dimension ``dim`` into ``unflattened_size``, e.g. (128 * 7 * 7) -> (128, 7, 7)."""

    def __init__(self, dim: int, unflattened_size):
        super().__init__()
        self.dim, self.unflattened_size = dim, tuple(unflattened_size)

    def forward(self, input):
        dim = self.dim % input.ndim
        size = 1
        for s in self.unflattened_size:
            size *= s
        if input.shape[dim] != size:
            raise ValueError(
                f"Unflatten: dim {self.dim} of the input {input.shape} has size "
                f"{input.shape[dim]}, but {self.unflattened_size} holds {size}"
            )
        return reshape(input, input.shape[:dim] + self.unflattened_size + input.shape[dim + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
