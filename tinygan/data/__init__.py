"""Data for the demos: small distributions whose true density is known, so results can be scored."""

from .toy import GaussianMixture, gaussian_1d, grid, ring
