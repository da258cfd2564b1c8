# %% [markdown]
# # Train a small classifier with tinygan.nn and tinygan.optim, save it, and load it back
#
#     python demos/train_classifier.py                 # CPU, a few seconds
#     python demos/train_classifier.py --device cuda
#
# The task: three interleaved spirals in the plane, one class each. A two-hidden-layer network
# learns to tell them apart; the checkpoint holds the model, the optimizer and the random state,
# so training could resume exactly where it stopped.

# %%
import argparse
import sys
from pathlib import Path

import numpy as np

import tinygan
import tinygan.nn.functional as F
from tinygan import nn, optim


# %% Data: 3 noisy spirals of 400 points, made with NumPy; a quarter of the points is held out
# to measure what the network learned, not memorized.
def spirals(rng):
    """(points [1200, 2], labels [1200], training indices, held-out indices)."""
    radius = np.tile(np.linspace(0.05, 1, 400), 3)
    label = np.repeat(np.arange(3), 400)
    angle = label * 2 * np.pi / 3 + radius * 4 + rng.normal(0, 0.3, 1200)
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], 1)
    order = rng.permutation(1200)
    return points, label, order[:900], order[900:]


# %% The model, and its accuracy.
def make_model(device):
    return nn.Sequential(
        nn.Linear(2, 64), nn.ReLU(), nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 3)
    ).to(device)


def accuracy(model, x, y):
    model.eval()
    with tinygan.no_grad():
        correct = (model(x).argmax(1) == y).float().mean().item()
    model.train()
    return correct


# %% Training, the checkpoint, and a fresh model restored from it.
def main(argv=None):
    parser = argparse.ArgumentParser(description="Train, save and reload a small classifier.")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--out", default="runs/classifier", help="folder for the checkpoint")
    args = parser.parse_args(argv)
    tinygan.manual_seed(args.seed)
    device = args.device

    points, label, train, held_out = spirals(np.random.default_rng(args.seed))
    inputs = tinygan.tensor(points[train], dtype=tinygan.float32, device=device)  # moved once
    labels = tinygan.tensor(label[train], device=device)
    test_inputs = tinygan.tensor(points[held_out], dtype=tinygan.float32, device=device)
    test_labels = tinygan.tensor(label[held_out], device=device)

    model = make_model(device)
    optimizer = optim.Adam(model.parameters(), lr=5e-3)
    print(model)
    for step in range(args.steps + 1):
        loss = F.cross_entropy(model(inputs), labels)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if step % 100 == 0:
            train_accuracy = accuracy(model, inputs, labels)
            test_accuracy = accuracy(model, test_inputs, test_labels)
            print(
                f"step {step:4d}  loss {loss.item():.3f}  accuracy {train_accuracy:.3f} "
                f"(train), {test_accuracy:.3f} (held out)"
            )

    # Save everything needed to resume: an atomic write, readable without pickle.
    path = Path(args.out) / "checkpoint.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    tinygan.save(
        {
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "step": args.steps,
            "rng": tinygan.random.get_rng_state(),
        },
        path,
    )

    # A fresh model and optimizer, restored from the file, predict exactly the same.
    checkpoint = tinygan.load(path, map_location=device)
    restored = make_model(device)
    restored.load_state_dict(checkpoint["model"])
    restored_optimizer = optim.Adam(restored.parameters(), lr=5e-3)
    restored_optimizer.load_state_dict(checkpoint["optimizer"])
    with tinygan.no_grad():
        same = bool((restored(inputs) == model(inputs)).all())
    held_out_accuracy = accuracy(restored, test_inputs, test_labels)
    print(f"saved to {path}")
    print(f"reloaded: held-out accuracy {held_out_accuracy:.3f}, identical outputs: {same}")


# %%
if __name__ == "__main__":  # in Jupyter, sys.argv holds the kernel's flags, not the demo's
    main([] if "ipykernel" in sys.modules else None)
