"""Every MNIST metric for a set of generated digits, each beside its value for real digits the
generator never saw, so a number can be read against what "perfect" scores here.

    report = mnist_report(generated, train_images, held_out_images, classifier)
    report["classifier_score"]  ->  {"generated": 9.61, "real": 9.87}

``generated`` and the real images are (N, 1, 28, 28) or (N, 784) arrays (or tensors) with pixels
in [-1, 1]. The real reference for each metric:
- classifier score, class histogram: the held-out digits themselves;
- Fréchet distance: as many training digits as there are held-out ones, against the held-out
  (the generated side usually has more images, which lowers its estimate's bias a little);
- conditional accuracy (when ``asked`` is given): the evaluator's accuracy on the held-out digits;
- code purity (when InfoGAN's ``codes`` are given): the held-out digits grouped by their labels;
- Parzen window: training digits as the kernel centres instead of generated ones (as many as
  there are generated images, or all of them when there are fewer: 8,000 against 10,000 in the
  demos, which favours the generated side slightly). The held-out digits are split in two: the
  first half chooses the window width, the second is scored.
"""

from __future__ import annotations

import numpy as np

from ..tensor import Tensor
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


def mnist_report(
    generated,
    train_images,
    held_out_images,
    classifier,
    asked=None,
    held_out_labels=None,
    parzen: bool = True,
    codes=None,
) -> dict:
    """{metric: {"generated": value, "real": value}} (see the module's docstring)."""
    generated = _host(generated)
    train_images, held_out_images = _host(train_images), _host(held_out_images)
    p_fake, f_fake = classifier_outputs(classifier, generated)
    p_real, f_real = classifier_outputs(classifier, held_out_images)
    _, f_train = classifier_outputs(classifier, train_images[: len(held_out_images)])
    fake_classes, real_classes = class_histogram(p_fake), class_histogram(p_real)
    report = {
        "classifier_score": {
            "generated": classifier_score(p_fake),
            "real": classifier_score(p_real),
        },
        "frechet_distance": {
            "generated": frechet_distance(f_fake, f_real),
            "real": frechet_distance(f_train, f_real),
        },
        "digits_covered": {"generated": fake_classes["covered"], "real": real_classes["covered"]},
        "class_kl_from_uniform": {
            "generated": fake_classes["kl_from_uniform"],
            "real": real_classes["kl_from_uniform"],
        },
        "class_counts": {"generated": fake_classes["counts"], "real": real_classes["counts"]},
    }
    if asked is not None:
        if held_out_labels is None:
            raise ValueError("mnist_report: with `asked`, give `held_out_labels` for the reference")
        report["conditional_accuracy"] = {
            "generated": conditional_accuracy(p_fake, asked),
            "real": conditional_accuracy(p_real, held_out_labels),
        }
    if codes is not None:
        if held_out_labels is None:
            raise ValueError("mnist_report: with `codes`, give `held_out_labels` for the reference")
        fake_purity, fake_digits = code_purity(p_fake, codes)
        real_purity, real_digits = code_purity(p_real, held_out_labels)
        report["code_purity"] = {"generated": fake_purity, "real": real_purity}
        report["code_digits"] = {"generated": fake_digits, "real": real_digits}
    if parzen:
        report["parzen_log_likelihood"] = {
            "generated": _parzen(generated, held_out_images),
            "real": _parzen(train_images[: len(generated)], held_out_images),
        }
    return report


def _host(images) -> np.ndarray:
    array = images.numpy() if isinstance(images, Tensor) else np.asarray(images)
    return array.reshape(len(array), -1).astype(np.float32)


def _parzen(centres, held_out):
    """The paper's protocol with pixels in [0, 1]: width chosen on one half, scored on the other.
    Returns {"mean", "standard_error", "sigma"}."""
    centres, held_out = (centres + 1) / 2, (held_out + 1) / 2
    half = len(held_out) // 2
    sigma = choose_parzen_sigma(centres, held_out[:half])
    mean, error = parzen_log_likelihood(centres, held_out[half:], sigma)
    return {"mean": mean, "standard_error": error, "sigma": sigma}
