"""Numbers that score a generator: mode coverage on mixtures, distances between 1-D samples,
and, for MNIST, the evaluator-based scores and the Parzen-window log-likelihood."""

from .distances import jensen_shannon, jensen_shannon_histograms, wasserstein_1d
from .images import (
    choose_parzen_sigma,
    class_histogram,
    classifier_outputs,
    classifier_score,
    code_purity,
    conditional_accuracy,
    frechet_distance,
    parzen_log_likelihood,
)
from .mixtures import mode_coverage
from .mnist_classifier import MnistClassifier, load_classifier
from .report import mnist_report
