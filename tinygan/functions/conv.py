"""2-D convolution and transposed convolution, each the other's input-gradient.

Layouts follow PyTorch: input [N, C_in, H, W]; conv2d weight [C_out, C_in, kH, kW];
conv_transpose2d weight [C_in, C_out, kH, kW].

conv2d gathers every kernel-sized window of the padded input into one row of a matrix
(im2col) and multiplies it by the weight: one matrix product. Its transpose multiplies each
input pixel by the kernel (one product) and adds the results back over the windows (col2im).
Both work channels-last inside, [N, H, W, C], so that a window is kH * kW contiguous runs of C
numbers: gathering from [N, C, H, W] instead jumps across memory for every number and took
longer than the product itself. The outputs stay channels-last in memory: [N, C, H, W] views of
[N, H, W, C] arrays (NumPy's element-wise ops keep that order), so the next layer's im2col reads
them without a transpose. Three bilinear ops close the loop for any-order gradients:

    conv2d(x, W)            -> d/dx: conv_transpose2d(gy, W)   d/dW: conv2d_weight(x, gy)
    conv_transpose2d(x, W)  -> d/dx: conv2d(gy, W)             d/dW: conv2d_weight(gy, x)
    conv2d_weight(x, g)     -> d/dx: conv_transpose2d(g, G)    d/dg: conv2d(x, G)
"""

from __future__ import annotations

from ..backend import get_array_module
from ..function import Function
from .operands import require_tensors


def _pair(value, name, smallest=0):
    pair = (value, value) if isinstance(value, int) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, int) for v in pair):
        raise TypeError(f"{name} must be an int or a pair of ints, got {value!r}")
    if min(pair) < smallest:
        raise ValueError(f"{name} must be at least {smallest}, got {value!r}")
    return pair


def _out_size(size, kernel, stride, padding, dilation):
    return (size + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1


def _columns(x, kernel, stride, padding, dilation):
    """im2col: each kernel-sized window of x (zero-padded) as one row, ordered (kH, kW, C).
    Returns the [N * H_out * W_out, kH * kW * C] matrix, H_out and W_out."""
    xp = get_array_module(x)
    (ph, pw), (sh, sw), (dh, dw), (kh, kw) = padding, stride, dilation, kernel
    n, c, h, w = x.shape
    padded = xp.zeros((n, h + 2 * ph, w + 2 * pw, c), dtype=x.dtype)  # channels last
    padded[:, ph : ph + h, pw : pw + w, :] = x.transpose(0, 2, 3, 1)
    h_out, w_out = _out_size(h, kh, sh, ph, dh), _out_size(w, kw, sw, pw, dw)
    s_n, s_h, s_w, s_c = padded.strides
    windows = xp.lib.stride_tricks.as_strided(  # a view [N, H_out, W_out, kH, kW, C]
        padded,
        shape=(n, h_out, w_out, kh, kw, c),
        strides=(s_n, s_h * sh, s_w * sw, s_h * dh, s_w * dw, s_c),
    )
    return windows.reshape(n * h_out * w_out, kh * kw * c), h_out, w_out  # the one copy


class Conv2d(Function):
    def __init__(self, stride, padding, dilation):
        self.stride, self.padding, self.dilation = stride, padding, dilation

    def forward(self, x, weight):
        c_out = weight.shape[0]
        columns, h_out, w_out = _columns(
            x, weight.shape[2:], self.stride, self.padding, self.dilation
        )
        # y[n, o, i, j] = sum over (a, b, c) of window(n, i, j)[a, b, c] * W[o, c, a, b]
        y = columns @ weight.transpose(2, 3, 1, 0).reshape(-1, c_out)
        return y.reshape(x.shape[0], h_out, w_out, c_out).transpose(0, 3, 1, 2)

    def backward(self, gy):
        x, weight = self.inputs
        need_x, need_w = self.needs_input_grad
        # y = conv(x, W) is linear in each: dx = conv^T(gy, W), dW = correlate(x, gy)
        return (
            conv_transpose2d(
                gy,
                weight,
                None,
                self.stride,
                self.padding,
                _output_padding(x.shape, gy.shape, weight.shape, self),
                dilation=self.dilation,
            )
            if need_x
            else None,
            conv2d_weight(x, gy, weight.shape[2:], self.stride, self.padding, self.dilation)
            if need_w
            else None,
        )


class ConvTranspose2d(Function):
    def __init__(self, stride, padding, output_padding, dilation):
        self.stride, self.padding = stride, padding
        self.output_padding, self.dilation = output_padding, dilation

    def forward(self, x, weight):
        xp = get_array_module(x)
        n, _, h, w = x.shape
        _, c_out, kh, kw = weight.shape
        (sh, sw), (ph, pw), (dh, dw) = self.stride, self.padding, self.dilation
        oph, opw = self.output_padding
        c_in = x.shape[1]
        # each input pixel times the kernel, channels last: [N, H, W, kH, kW, C_out]
        pixels = x.transpose(0, 2, 3, 1).reshape(-1, c_in)
        contributions = (pixels @ weight.transpose(0, 2, 3, 1).reshape(c_in, -1)).reshape(
            n, h, w, kh, kw, c_out
        )
        full = xp.zeros(
            (
                n,
                (h - 1) * sh + dh * (kh - 1) + 1 + oph,
                (w - 1) * sw + dw * (kw - 1) + 1 + opw,
                c_out,
            ),
            dtype=contributions.dtype,
        )
        # col2im: kernel tap (i, j) of input pixel (r, c) lands on output (r * s + i * d, ...)
        for i in range(kh):
            for j in range(kw):
                rows = slice(i * dh, i * dh + (h - 1) * sh + 1, sh)
                cols = slice(j * dw, j * dw + (w - 1) * sw + 1, sw)
                full[:, rows, cols, :] += contributions[:, :, :, i, j, :]
        cropped = full[:, ph : full.shape[1] - ph, pw : full.shape[2] - pw, :]
        return cropped.transpose(0, 3, 1, 2)

    def backward(self, gy):
        x, weight = self.inputs
        need_x, need_w = self.needs_input_grad
        # the adjoint of conv^T is conv: dx = conv(gy, W), dW = correlate(gy, x)
        return (
            conv2d(gy, weight, None, self.stride, self.padding, self.dilation) if need_x else None,
            conv2d_weight(gy, x, weight.shape[2:], self.stride, self.padding, self.dilation)
            if need_w
            else None,
        )


class Conv2dWeight(Function):
    """The weight gradient of conv2d: sum over the batch and positions of window(x) * g."""

    def __init__(self, kernel, stride, padding, dilation):
        self.kernel, self.stride, self.padding, self.dilation = kernel, stride, padding, dilation

    def forward(self, x, g):
        xp = get_array_module(x)
        (kh, kw), c_out = self.kernel, g.shape[1]
        columns, _, _ = _columns(x, self.kernel, self.stride, self.padding, self.dilation)
        # gW[o, c, a, b] = sum over (n, i, j) of g[n, o, i, j] * window(n, i, j)[a, b, c]
        gw = g.transpose(0, 2, 3, 1).reshape(-1, c_out).T @ columns  # [C_out, kH * kW * C_in]
        return xp.ascontiguousarray(gw.reshape(c_out, kh, kw, -1).transpose(0, 3, 1, 2))

    def backward(self, gw):
        x, g = self.inputs
        need_x, need_g = self.needs_input_grad
        # bilinear in (x, g): d/dx = conv^T(g, gw), d/dg = conv(x, gw)
        return (
            conv_transpose2d(
                g,
                gw,
                None,
                self.stride,
                self.padding,
                _output_padding(x.shape, g.shape, gw.shape, self),
                dilation=self.dilation,
            )
            if need_x
            else None,
            conv2d(x, gw, None, self.stride, self.padding, self.dilation) if need_g else None,
        )


def _output_padding(x_shape, y_shape, w_shape, op):
    """The output_padding that makes conv_transpose2d give back exactly x's height and width
    (with stride > 1 several input sizes give the same conv2d output size)."""
    return tuple(
        x_shape[2 + i]
        - (
            (y_shape[2 + i] - 1) * op.stride[i]
            - 2 * op.padding[i]
            + op.dilation[i] * (w_shape[2 + i] - 1)
            + 1
        )
        for i in range(2)
    )


def _check_4d(op_name, input, weight, channels_axis):
    if input.ndim != 4 or weight.ndim != 4:
        raise RuntimeError(
            f"{op_name}: expected a 4-D input [N, C, H, W] and a 4-D weight, got shapes "
            f"{input.shape} and {weight.shape}"
        )
    if input.shape[1] != weight.shape[channels_axis]:
        raise RuntimeError(
            f"{op_name}: input has {input.shape[1]} channels but the weight {weight.shape} "
            f"expects {weight.shape[channels_axis]}"
        )
    if input.dtype != weight.dtype:
        raise TypeError(f"{op_name}: input dtype {input.dtype} differs from weight {weight.dtype}")


def _add_bias(y, bias, op_name):
    if bias is None:
        return y
    if bias.shape != (y.shape[1],):
        raise RuntimeError(f"{op_name}: bias of shape {bias.shape} for {y.shape[1]} channels")
    if bias.dtype != y.dtype:
        raise TypeError(f"{op_name}: bias dtype {bias.dtype} differs from input dtype {y.dtype}")
    return y + bias.reshape(1, -1, 1, 1)


def conv2d(input, weight, bias=None, stride=1, padding=0, dilation=1):
    """2-D cross-correlation, as ``torch.nn.functional.conv2d`` (without groups)."""
    require_tensors("conv2d", input=input, weight=weight)
    require_tensors("conv2d", bias=bias, none_ok=True)
    _check_4d("conv2d", input, weight, 1)
    stride, padding = _pair(stride, "stride", 1), _pair(padding, "padding")
    dilation = _pair(dilation, "dilation", 1)
    for i in range(2):
        if (
            _out_size(input.shape[2 + i], weight.shape[2 + i], stride[i], padding[i], dilation[i])
            < 1
        ):
            raise RuntimeError(
                f"conv2d: the kernel {weight.shape[2:]} (dilation {dilation}) is larger than the "
                f"padded input {input.shape[2:]} + 2*{padding}"
            )
    return _add_bias(Conv2d(stride, padding, dilation)(input, weight), bias, "conv2d")


def conv_transpose2d(
    input, weight, bias=None, stride=1, padding=0, output_padding=0, *, dilation=1
):
    """The transpose (adjoint) of conv2d, as ``torch.nn.functional.conv_transpose2d``.

    Output size: (H - 1) * stride - 2 * padding + dilation * (kH - 1) + output_padding + 1.
    """
    require_tensors("conv_transpose2d", input=input, weight=weight)
    require_tensors("conv_transpose2d", bias=bias, none_ok=True)
    _check_4d("conv_transpose2d", input, weight, 0)
    stride, padding = _pair(stride, "stride", 1), _pair(padding, "padding")
    output_padding, dilation = (
        _pair(output_padding, "output_padding"),
        _pair(dilation, "dilation", 1),
    )
    for i in range(2):
        if not 0 <= output_padding[i] < stride[i]:
            raise ValueError(
                f"conv_transpose2d: output_padding {output_padding} must be non-negative and "
                f"smaller than the stride {stride} (it picks among the input sizes that a "
                "strided conv2d maps to the same output size)"
            )
        full = (input.shape[2 + i] - 1) * stride[i] + dilation[i] * (weight.shape[2 + i] - 1) + 1
        if full + output_padding[i] - 2 * padding[i] < 1:
            raise RuntimeError(f"conv_transpose2d: padding {padding} leaves an empty output")
    y = ConvTranspose2d(stride, padding, output_padding, dilation)(input, weight)
    return _add_bias(y, bias, "conv_transpose2d")


def conv2d_weight(input, grad_output, kernel_size, stride=1, padding=0, dilation=1):
    """d conv2d(input, W) / dW applied to ``grad_output``: a weight-shaped tensor."""
    require_tensors("conv2d_weight", input=input, grad_output=grad_output)
    return Conv2dWeight(
        tuple(kernel_size),
        _pair(stride, "stride", 1),
        _pair(padding, "padding"),
        _pair(dilation, "dilation", 1),
    )(input, grad_output)
