"""Numbers that score a generator: mode coverage on mixtures, distances between 1-D samples."""

from .distances import jensen_shannon, jensen_shannon_histograms, wasserstein_1d
from .mixtures import mode_coverage
