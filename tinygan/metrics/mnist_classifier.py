"""The evaluator: a small convolutional network that tells MNIST digits apart, trained with
tinygan (``demos/train_evaluator.py``), its weights shipped with the package.

The image metrics (``tinygan.metrics.images``) judge a generator through it: which digit each
generated image looks like, how sure the network is, and its 64 penultimate features.

    classifier = load_classifier(device="cpu")   # no training: the committed weights
    logits = classifier(images)                  # images: (N, 1, 28, 28) in [-1, 1]
    features = classifier.features(images)       # (N, 64)
"""

from __future__ import annotations

from pathlib import Path

from .. import nn
from ..serialization import load

WEIGHTS = Path(__file__).with_name("mnist_classifier.npz")


class MnistClassifier(nn.Module):
    """28x28 -> 32 maps at 28x28 -> 64 at 14x14 -> 64 at 7x7 -> 64 features -> 10 logits."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(1, 32, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(32, 64, 4, stride=2, padding=1),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.Conv2d(64, 64, 4, stride=2, padding=1),
            nn.BatchNorm2d(64),
            nn.ReLU(),
            nn.Flatten(),
            nn.Linear(64 * 7 * 7, 64),
            nn.ReLU(),
        )
        self.head = nn.Linear(64, 10)

    def features(self, images):
        """The penultimate layer: what the Fréchet distance compares."""
        return self.body(images)

    def forward(self, images):
        return self.head(self.features(images))


def load_classifier(device: str = "cpu", path=WEIGHTS) -> MnistClassifier:
    """The trained evaluator, in eval mode, on ``device``."""
    if not Path(path).exists():
        raise FileNotFoundError(
            f"{path} is missing: train the evaluator with `python demos/train_evaluator.py "
            f"--data-dir <folder with MNIST>`, which writes it"
        )
    classifier = MnistClassifier()
    classifier.load_state_dict(load(path)["model"])
    return classifier.to(device).eval()
