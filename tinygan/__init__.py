"""tinygan: generative adversarial networks from first principles.

A small reverse-mode autodiff engine whose arrays live in NumPy ('cpu') or CuPy ('cuda'),
with PyTorch's names: ``tinygan.tensor``, ``Tensor.backward``, ``tinygan.no_grad``,
``tinygan.nn.functional``.

``import tinygan`` loads the engine, the ops, ``nn`` and ``optim``. The layers above them are
imported where they are used: ``from tinygan import gan, data, metrics, plots``.
"""

from . import memory, nn, optim, random
from .anomaly import detect_anomaly
from .backend import cuda_is_available, get_array_module, get_default_device, set_default_device
from .creation import (
    arange,
    full,
    full_like,
    linspace,
    ones,
    ones_like,
    rand,
    rand_like,
    randint,
    randn,
    randn_like,
    randperm,
    tensor,
    zeros,
    zeros_like,
)
from .dtypes import (
    bool_,
    float16,
    float32,
    float64,
    get_default_dtype,
    int32,
    int64,
    set_default_dtype,
    uint8,
)
from .engine import grad
from .functions import (
    abs,
    amax,
    amin,
    argmax,
    argmin,
    cat,
    clamp,
    exp,
    flatten,
    log,
    log_softmax,
    logsumexp,
    matmul,
    max,
    maximum,
    mean,
    min,
    minimum,
    permute,
    pow,
    reshape,
    sigmoid,
    softmax,
    split,
    sqrt,
    squeeze,
    stack,
    std,
    sum,
    tanh,
    transpose,
    unsqueeze,
    var,
    where,
)
from .grad_mode import enable_grad, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import GradcheckError, gradcheck, gradgradcheck
from .random import initial_seed, manual_seed
from .serialization import CheckpointError, load, save, save_json
from .tensor import Tensor

__version__ = "0.1.0"

memory._apply_default()  # keep freed blocks for the next step (see memory.py; opt out by env)
