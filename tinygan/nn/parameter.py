"""Parameter: a tensor that a Module registers as something to train."""

from __future__ import annotations

from .. import backend
from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf tensor that requires grad; assigning one to a Module attribute registers it.

    ``Parameter(tensor)`` shares the tensor's memory, as in PyTorch.
    """

    __slots__ = ()

    def __init__(self, data, requires_grad: bool = True):
        array = data.data if isinstance(data, Tensor) else data
        backend.get_array_module(array)  # a clear error for anything but an array
        super().__init__(array, requires_grad=requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()
