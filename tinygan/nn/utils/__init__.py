"""Training utilities: gradient clipping and spectral normalization."""

from .clip_grad import clip_grad_norm_, clip_grad_value_
from .spectral_norm import spectral_norm
