"""Numbers that score generated MNIST digits, each computed from NumPy arrays on the host.

The classifier-based ones read the evaluator's outputs (``classifier_outputs``): the class
probabilities p(y|x) and the 64 penultimate features of each image.

- classifier score  exp E_x[KL(p(y|x) || p(y))], the MNIST analogue of the Inception score
                    (Salimans et al. 2016): high when each image is clearly one digit (p(y|x)
                    peaked) and all digits appear (p(y) flat); 10 at most.
- Fréchet distance  between Gaussians fitted to two sets of features (Heusel et al. 2017):
                    |mu_a - mu_b|^2 + tr(C_a + C_b - 2 (C_a C_b)^(1/2)); 0 for equal statistics.
- class histogram   how many generated images the classifier puts in each class, the digits
                    covered, and the KL divergence of the histogram from the uniform one.
- Parzen window     the log-likelihood of real test digits under a Gaussian kernel density
                    centred on the generated samples, as in Table 1 of Goodfellow et al. (2014).
"""

from __future__ import annotations

import math

import numpy as np

from .. import functions as F
from ..creation import tensor
from ..grad_mode import no_grad
from ..tensor import Tensor


def classifier_outputs(classifier, images, batch_size: int = 500):
    """(probabilities (N, 10), features (N, 64)) of the evaluator on ``images``: a tensor or a
    NumPy array of shape (N, 1, 28, 28) or (N, 784), pixels in [-1, 1]. float64 NumPy arrays."""
    device = next(classifier.parameters()).device
    probabilities, features = [], []
    with no_grad():
        for start in range(0, len(images), batch_size):
            batch = images[start : start + batch_size]
            if not isinstance(batch, Tensor):
                batch = tensor(np.asarray(batch, np.float32), device=device)
            batch = batch.reshape(-1, 1, 28, 28)
            hidden = classifier.features(batch)
            probabilities.append(F.softmax(classifier.head(hidden), dim=1).numpy())
            features.append(hidden.numpy())
    return (
        np.concatenate(probabilities).astype(np.float64),
        np.concatenate(features).astype(np.float64),
    )


def classifier_score(probabilities: np.ndarray) -> float:
    """exp of the mean KL divergence from the marginal p(y) to each p(y|x)."""
    p = np.clip(probabilities, 1e-12, 1)
    marginal = p.mean(axis=0)
    return float(np.exp((p * (np.log(p) - np.log(marginal))).sum(axis=1).mean()))


def frechet_distance(features_a: np.ndarray, features_b: np.ndarray) -> float:
    """The Fréchet distance between Gaussians fitted to two sets of feature vectors (rows)."""
    mean_a, mean_b = features_a.mean(axis=0), features_b.mean(axis=0)
    cov_a, cov_b = np.cov(features_a, rowvar=False), np.cov(features_b, rowvar=False)
    # tr (C_a C_b)^(1/2) = sum of sqrt(eigenvalues of C_a^(1/2) C_b C_a^(1/2)): a symmetric
    # matrix similar to C_a C_b, so its eigenvalues are real and not negative (up to rounding).
    values, vectors = np.linalg.eigh(cov_a)
    root_a = (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T
    middle = np.linalg.eigvalsh(root_a @ cov_b @ root_a)
    trace_root = np.sqrt(np.clip(middle, 0, None)).sum()
    distance = ((mean_a - mean_b) ** 2).sum() + np.trace(cov_a) + np.trace(cov_b) - 2 * trace_root
    return float(max(distance, 0.0))


def class_histogram(probabilities: np.ndarray, num_classes: int = 10) -> dict:
    """Counts of the predicted classes; the digits covered (those given at least a tenth of
    their fair share, N / num_classes / 10, so a stray image does not count as covering one);
    the KL divergence of the histogram from the uniform one (log 10 = 2.30 for one digit only)."""
    counts = np.bincount(probabilities.argmax(axis=1), minlength=num_classes)
    share = counts / counts.sum()
    seen = share > 0
    return {
        "counts": counts.tolist(),
        "covered": int((counts >= counts.sum() / num_classes / 10).sum()),
        "kl_from_uniform": float((share[seen] * np.log(share[seen] * num_classes)).sum()),
    }


def conditional_accuracy(probabilities: np.ndarray, asked: np.ndarray) -> float:
    """The fraction of images the classifier reads as the digit they were generated for."""
    return float((probabilities.argmax(axis=1) == np.asarray(asked)).mean())


def code_purity(probabilities: np.ndarray, codes: np.ndarray, num_classes: int = 10):
    """How well unsupervised codes (InfoGAN's) match the digits: each code is named after the
    digit the classifier reads most often among its images, and purity is the fraction of all
    images read as their code's digit. Returns (purity, the digit of each code 0, 1, ...)."""
    predicted, codes = probabilities.argmax(axis=1), np.asarray(codes)
    counts = np.zeros((codes.max() + 1, num_classes), dtype=np.int64)  # [code, digit read]
    np.add.at(counts, (codes, predicted), 1)
    return float(counts.max(axis=1).sum() / len(codes)), counts.argmax(axis=1).tolist()


def parzen_log_likelihood(samples: np.ndarray, test: np.ndarray, sigma: float, chunk: int = 200):
    """(mean, standard error) over the test rows of log p(x), where p is the average of
    Gaussians N(s_i, sigma^2 I) centred on the samples (all flattened to vectors)."""
    distances = _squared_distances(samples, test, chunk)
    return _parzen_from_distances(distances, sigma, *_count_and_dimensions(samples))


def choose_parzen_sigma(samples, validation, sigmas=None, chunk: int = 200) -> float:
    """The window width that gives the validation digits the highest mean log-likelihood
    (the paper's procedure); by default 25 widths, log-spaced from 0.05 to 1 (pixels in [0, 1])."""
    sigmas = np.geomspace(0.05, 1.0, 25) if sigmas is None else np.asarray(sigmas)
    distances = _squared_distances(samples, validation, chunk)  # shared by all the widths
    n, dims = _count_and_dimensions(samples)
    scores = [_parzen_from_distances(distances, s, n, dims)[0] for s in sigmas]
    return float(sigmas[int(np.argmax(scores))])


def _squared_distances(samples, test, chunk):
    """|x - s|^2 for every test row x and sample s, (len(test), len(samples)), in float64."""
    samples = np.asarray(samples, np.float64).reshape(len(samples), -1)
    test = np.asarray(test, np.float64).reshape(len(test), -1)
    sample_norms = (samples**2).sum(axis=1)
    rows = []
    for start in range(0, len(test), chunk):
        x = test[start : start + chunk]
        rows.append((x**2).sum(axis=1)[:, None] - 2 * x @ samples.T + sample_norms[None, :])
    return np.clip(np.concatenate(rows), 0, None)


def _count_and_dimensions(samples):
    return len(samples), int(np.prod(np.shape(samples)[1:]))


def _parzen_from_distances(distances, sigma, n, dims):
    """Mean and standard error of log p(x) over the rows of ``distances`` (to n samples)."""
    # log p(x) = logsumexp_i(-|x - s_i|^2 / (2 sigma^2)) - log n - (d / 2) log(2 pi sigma^2)
    exponents = -distances / (2 * sigma**2)
    top = exponents.max(axis=1, keepdims=True)
    log_sum = top[:, 0] + np.log(np.exp(exponents - top).sum(axis=1))
    log_p = log_sum - math.log(n) - dims / 2 * math.log(2 * math.pi * sigma**2)
    return float(log_p.mean()), float(log_p.std(ddof=1) / math.sqrt(len(log_p)))
