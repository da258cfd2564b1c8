"""Neural-network building blocks, as ``torch.nn``: ``Module`` and its layers, ``init`` and
``utils``. ``tinygan.nn.functional`` holds the stateless ops the layers call."""

from . import functional, init, utils
from .activation import LeakyReLU, ReLU, Sigmoid, Tanh
from .containers import ModuleList, Sequential
from .conv import Conv2d, ConvTranspose2d
from .dropout import Dropout
from .embedding import Embedding
from .flatten import Flatten, Unflatten
from .linear import Identity, Linear
from .module import Module
from .normalization import BatchNorm1d, BatchNorm2d
from .parameter import Parameter
