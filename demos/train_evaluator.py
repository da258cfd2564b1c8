# %% [markdown]
# # Train the evaluator: the small CNN that scores generated digits (tinygan.metrics.images)
#
#     python demos/train_evaluator.py --data-dir ../shared/data/mnist-10k     # ~10 min on a CPU
#
# It learns from the first 8,000 digits of the folder and is measured on the last 2,000, which it
# never sees: the same 2,000 held-out digits the image metrics compare generators against. The
# weights go to tinygan/metrics/mnist_classifier.npz (committed, so nobody else needs to train it),
# with the held-out accuracy and the command's settings beside them.

# %%
import argparse
import sys
import time
from pathlib import Path

import numpy as np

import tinygan
import tinygan.nn.functional as F
from tinygan import optim
from tinygan.data import batches, load_mnist, scale
from tinygan.metrics.mnist_classifier import WEIGHTS, MnistClassifier


# %% Augmentation, and the accuracy on digits the model never learned from.
def shift(batch, rng, most=2):
    """Each digit moved by up to `most` pixels in x and y (background fills in). A classifier
    that has seen shifted digits is not fooled by a generator's slight offsets."""
    padded = np.pad(batch, ((0, 0), (0, 0), (most, most), (most, most)), constant_values=-1)
    moved = np.empty_like(batch)
    for i, (dy, dx) in enumerate(rng.integers(0, 2 * most + 1, (len(batch), 2))):
        moved[i] = padded[i, :, dy : dy + 28, dx : dx + 28]
    return moved


def accuracy(model, inputs, targets, device):
    model.eval()
    correct = 0
    with tinygan.no_grad():
        for batch_x, batch_y in batches(inputs, targets, batch_size=500, shuffle=False):
            logits = model(tinygan.tensor(batch_x, device=device))
            correct += int((logits.argmax(1).numpy() == batch_y).sum())
    model.train()
    return correct / len(inputs)


# %% The digits, Adam with a cosine decay of the rate to 0, the weights and their accuracy.
def main(argv=None):
    parser = argparse.ArgumentParser(description="Train the evaluator of generated digits.")
    parser.add_argument("--data-dir", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument(
        "--held-out", type=int, default=2000, help="the last N digits, never trained on"
    )
    parser.add_argument("--out", default=str(WEIGHTS), help="where the weights go")
    args = parser.parse_args(argv)
    tinygan.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    images, labels = load_mnist(args.data_dir)
    x = scale(images)[:, None]  # (N, 1, 28, 28) in [-1, 1]: the range a tanh generator produces
    y = labels.astype(np.int64)
    train_x, train_y = x[: -args.held_out], y[: -args.held_out]
    test_x, test_y = x[-args.held_out :], y[-args.held_out :]
    print(f"{len(train_x)} digits to learn from, {len(test_x)} held out")

    model = MnistClassifier().to(args.device)
    optimizer = optim.Adam(model.parameters(), lr=1e-3)
    steps_per_epoch = -(-len(train_x) // 128)
    total_steps, step = args.epochs * steps_per_epoch, 0
    started = time.perf_counter()
    for epoch in range(1, args.epochs + 1):
        for batch_x, batch_y in batches(train_x, train_y, batch_size=128):
            for group in optimizer.param_groups:
                group["lr"] = 1e-3 * 0.5 * (1 + np.cos(np.pi * step / total_steps))
            logits = model(tinygan.tensor(shift(batch_x, rng), device=args.device))
            loss = F.cross_entropy(logits, tinygan.tensor(batch_y, device=args.device))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            step += 1
        print(
            f"epoch {epoch:2d}  loss {loss.item():.4f}  held-out accuracy "
            f"{accuracy(model, test_x, test_y, args.device):.4f}  "
            f"({time.perf_counter() - started:.0f} s)"
        )

    held_out_accuracy = accuracy(model, test_x, test_y, args.device)
    model.cpu()
    tinygan.save(
        {
            "model": model.state_dict(),
            "held_out_accuracy": held_out_accuracy,
            "trained_on": f"the first {len(train_x)} digits of {args.data_dir or 'MNIST'}",
            "settings": {k: v for k, v in vars(args).items() if k != "out"},
        },
        args.out,
    )
    print(f"held-out accuracy {held_out_accuracy:.4f}; weights in {Path(args.out)}")


# %%
if __name__ == "__main__":  # in Jupyter, sys.argv holds the kernel's flags, not the demo's
    main([] if "ipykernel" in sys.modules else None)
