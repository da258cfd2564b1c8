"""Training utilities: gradient clipping and spectral normalization."""

from .spectral_norm import spectral_norm
