"""Neural-network building blocks. ``tinygan.nn.functional`` holds the stateless ops."""

from . import functional
