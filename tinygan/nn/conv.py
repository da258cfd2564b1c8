"""Conv2d and ConvTranspose2d layers (the math is in tinygan/functions/conv.py).

Geometry may be given positionally, as in PyTorch code (``Conv2d(1, 64, 4, 2, 1)``); the
other settings are keyword-only. There is no ``groups``.
"""

from __future__ import annotations

from .. import dtypes
from ..creation import zeros
from ..functions.conv import _pair, conv2d, conv_transpose2d
from . import init
from ._validate import positive_int
from .module import Module
from .parameter import Parameter


class _ConvNd(Module):
    def __init__(
        self,
        name,
        in_channels,
        out_channels,
        kernel_size,
        stride,
        padding,
        dilation,
        bias,
        device,
        dtype,
        weight_shape,
    ):
        super().__init__()
        self.in_channels = positive_int(name, "in_channels", in_channels)
        self.out_channels = positive_int(name, "out_channels", out_channels)
        self.kernel_size = _pair(kernel_size, f"{name}: kernel_size", 1)
        self.stride = _pair(stride, f"{name}: stride", 1)
        self.padding = _pair(padding, f"{name}: padding", 0)
        self.dilation = _pair(dilation, f"{name}: dilation", 1)
        dtype = dtype or dtypes.get_default_dtype()
        self.weight = Parameter(zeros(*weight_shape, *self.kernel_size, dtype=dtype, device=device))
        self.bias = Parameter(zeros(out_channels, dtype=dtype, device=device)) if bias else None
        init.default_layer_init_(self.weight, self.bias)

    def extra_repr(self) -> str:
        text = (
            f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
            f"stride={self.stride}"
        )
        if self.padding != (0, 0):
            text += f", padding={self.padding}"
        if self.dilation != (1, 1):
            text += f", dilation={self.dilation}"
        if self.bias is None:
            text += ", bias=False"
        return text


class Conv2d(_ConvNd):
    """2-D convolution: weight [out_channels, in_channels, kH, kW]."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        *,
        dilation=1,
        bias: bool = True,
        device=None,
        dtype=None,
    ):
        super().__init__(
            "Conv2d",
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            bias,
            device,
            dtype,
            (out_channels, in_channels),
        )

    def forward(self, input):
        return conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation)


class ConvTranspose2d(_ConvNd):
    """Transposed convolution, the learnable upsampling of DCGAN's generator:
    weight [in_channels, out_channels, kH, kW]."""

    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        *,
        dilation=1,
        bias: bool = True,
        device=None,
        dtype=None,
    ):
        super().__init__(
            "ConvTranspose2d",
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            bias,
            device,
            dtype,
            (in_channels, out_channels),
        )
        self.output_padding = _pair(output_padding, "ConvTranspose2d: output_padding", 0)

    def forward(self, input):
        return conv_transpose2d(
            input,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.output_padding,
            dilation=self.dilation,
        )

    def extra_repr(self) -> str:
        text = super().extra_repr()
        if self.output_padding != (0, 0):
            text += f", output_padding={self.output_padding}"
        return text
