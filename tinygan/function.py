"""Function: one differentiable op, with its forward and backward side by side.

A subclass writes ``forward`` on raw arrays (NumPy or CuPy) and ``backward`` with tensor ops.
Because backward is made of tensor ops, running it with grad mode on records a graph of the
backward pass itself, and gradients can be differentiated again (``create_graph=True``).

When grad mode is on and an input requires grad, calling a Function links the graph:
the output remembers the function (``output.grad_fn``), the function remembers its inputs
(strongly) and its output (weakly, so that no reference cycle keeps the graph alive).
"""

from __future__ import annotations

import itertools
import traceback
import weakref

from . import anomaly
from .grad_mode import state
from .tensor import Tensor

# Functions are numbered as they are created. An op's inputs always come from ops created
# before it, so visiting functions from the highest number down is a topological order.
_sequence = itertools.count()


class Function:
    # Backward reads the values of the inputs (not only their shapes), so an in-place change
    # to an input after the op ran would make the gradient wrong: backward checks for that.
    backward_reads_inputs = True
    # The output shares memory with the first input (reshape, permute, slicing, expand), so an
    # in-place change to one is a change to the other.
    returns_view = False

    # Set on functions that recorded a graph:
    inputs: tuple  # the input Tensors; None once the graph is released
    input_versions: list  # each input's in-place version when the op ran
    output_version: int  # the output's, likewise
    output: weakref.ref  # the output Tensor
    sequence: int  # creation number: the backward order
    needs_input_grad: list  # set by the engine before backward: which inputs want a gradient

    def forward(self, *arrays):
        """Compute the output array from the input arrays."""
        raise NotImplementedError

    def backward(self, grad_output):
        """Given dL/d(output) as a Tensor, return dL/d(input) for each input (or None)."""
        raise NotImplementedError

    def __call__(self, *inputs):
        if len(inputs) > 1:
            first = type(inputs[0].data)
            for x in inputs:
                if type(x.data) is not first:
                    _raise_device_mismatch(self, inputs)
        try:
            output = Tensor._from_array(self.forward(*[x.data for x in inputs]))
        except (ValueError, IndexError) as error:  # NumPy's own message lacks the op's name
            shapes = ", ".join(str(tuple(x.shape)) for x in inputs)
            raise type(error)(
                f"{type(self).__name__} on inputs of shapes {shapes}: {error}"
            ) from None
        if self.returns_view:
            output._version_counter = inputs[0]._version_counter
        if state.grad_enabled:
            for x in inputs:
                if x._requires_grad:
                    self._record(inputs, output)
                    break
        if state.anomaly_enabled:
            anomaly.check_finite(self, "forward", output.data)
        return output

    def _record(self, inputs, output) -> None:
        """Link ``output`` into the graph: it was made by this function from ``inputs``."""
        self.inputs = inputs
        if self.backward_reads_inputs:
            self.input_versions = [x._version_counter[0] for x in inputs]
        self.output = weakref.ref(output)
        self.sequence = next(_sequence)
        self.output_version = output._version_counter[0]
        output.grad_fn = self
        output._requires_grad = True
        if state.anomaly_enabled:
            self.creation_stack = traceback.extract_stack()[:-2]

    def saved_output(self):
        """The output Tensor, for backward formulas written in terms of the output."""
        output = self.output()
        if output._version_counter[0] != self.output_version:
            raise RuntimeError(
                f"{type(self).__name__}: its output (shape {output.shape}) was modified in place "
                "after the op made it, and its backward needs the original values. Compute the "
                "op again after the change, or change a copy."
            )
        return output

    released = False  # set by release()

    def release(self) -> None:
        """Drop the inputs and any arrays saved for backward; the graph can't be walked again."""
        self.__dict__ = {"sequence": self.sequence, "released": True}

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


def _raise_device_mismatch(function, inputs) -> None:
    devices = ", ".join(x.device for x in inputs)
    raise RuntimeError(
        f"{type(function).__name__}: inputs are on different devices ({devices}). "
        "tinygan never copies between devices implicitly: move them with .to(device)."
    )
