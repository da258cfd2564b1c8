"""Data for the demos: small distributions whose true density is known, so results can be
scored; MNIST from its official IDX files; and mini-batches."""

from .batching import batches
from .idx import IDXError, read_idx, write_idx
from .mnist import load_mnist, scale
from .toy import GaussianMixture, gaussian_1d, grid, ring
