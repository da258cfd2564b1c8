"""Every differentiable op of tinygan, one module per family; each module shows an op's
forward and backward side by side."""

from . import tensor_methods  # gives Tensor its operators and methods, now that the ops exist
from .activations import elu, leaky_relu, log_sigmoid, relu, sigmoid, softplus, tanh
from .arithmetic import add, div, mul, neg, pow, sub
from .broadcast import broadcast_to, sum_to
from .conv import conv2d, conv2d_weight, conv_transpose2d
from .dropout import dropout
from .elementwise import abs, clamp, exp, log, maximum, minimum, sqrt, to_device, where
from .indexing import embedding, getitem
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    mse_loss,
    nll_loss,
)
from .matmul import linear, matmul
from .normalization import batch_norm
from .operands import _operand_array, cast, compare
from .reductions import (
    amax,
    amin,
    argmax,
    argmin,
    log_softmax,
    logsumexp,
    max,
    mean,
    min,
    softmax,
    std,
    sum,
    var,
)
from .shape import (
    cat,
    expand,
    flatten,
    matrix_transpose,
    pad,
    permute,
    reshape,
    split,
    squeeze,
    stack,
    transpose,
    unsqueeze,
    view,
)
