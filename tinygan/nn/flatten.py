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
        if not -input.ndim <= self.dim < input.ndim:
            raise IndexError(f"Unflatten: dim {self.dim} is out of range for input {input.shape}")
        dim = self.dim % input.ndim
        known = 1
        for s in self.unflattened_size:
            if s != -1:
                known *= s
        fits = (
            input.shape[dim] % known == 0
            if self.unflattened_size.count(-1) == 1
            else input.shape[dim] == known and -1 not in self.unflattened_size
        )
        if not fits:
            raise ValueError(
                f"Unflatten: dim {self.dim} of the input {input.shape} has size "
                f"{input.shape[dim]}, which {self.unflattened_size} does not split"
            )
        return reshape(input, input.shape[:dim] + self.unflattened_size + input.shape[dim + 1 :])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"
