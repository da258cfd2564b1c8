# %% [markdown]
# # What the Parzen-window log-likelihood measures
#
#     python demos/parzen_real_digits.py --data-dir ../shared/data/mnist-10k
#     python demos/parzen_real_digits.py ... --generated runs/mnist-selfcond/generated.npz
#
# The same protocol as the MNIST demos' metrics (mnist_common.py), with kernels on 500, 1,000,
# ... real training digits, and on the digits of finished runs.
#
# Each doubling of the real digits raises the figure by about 40 nats, because the window scores
# each held-out digit mostly by its distance to the nearest kernel, and more digits put a near
# one closer. So a generator's figure reads as "worth this many real digits", and the paper's
# 225 as a number of distinct, well-drawn digits rather than as their quality alone. The table
# also gives each held-out digit's squared distance to its nearest and its 10th-nearest kernel
# (pixels in [0, 1]), averaged, among no more kernels than there are real training digits (the
# first 8,000 of a run's 10,000): a generator whose digits are all typical has near 10th
# neighbours but far nearest ones.

# %%
import argparse
import sys

import numpy as np

import tinygan
from tinygan.data import load_mnist, scale
from tinygan.data.kmeans import squared_distances
from tinygan.metrics import choose_parzen_sigma, parzen_log_likelihood


# %% The kernel sets: doubling numbers of real digits, then each run's generated ones.
def kernel_sets(train, generated_files):
    counts = [500]
    while counts[-1] * 2 < len(train):
        counts.append(counts[-1] * 2)
    sets = [(f"{count:,} real digits", train[:count]) for count in counts + [len(train)]]
    for path in generated_files:
        generated = tinygan.load(path)["images"].numpy()
        sets.append((path, scale(generated, 0, 1).reshape(len(generated), -1)))
    return sets


# %% One row per kernel set.
def main(argv=None):
    parser = argparse.ArgumentParser(description="What the Parzen-window figure measures.")
    parser.add_argument("--data-dir", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--held-out", type=int, default=2000, help="the last N digits")
    parser.add_argument(
        "--generated", nargs="*", default=[], help="generated.npz files the MNIST demos wrote"
    )
    args = parser.parse_args(argv)

    images, _ = load_mnist(args.data_dir)
    pixels = scale(images, 0, 1).reshape(len(images), -1)  # the paper's scale: [0, 1]
    train, held_out = pixels[: -args.held_out], pixels[-args.held_out :]
    half = len(held_out) // 2  # the window width is chosen on one half, the score on the other

    print(f"{'kernels':>44s} {'width':>6s} {'log-likelihood':>15s} {'nearest':>8s} {'10th':>6s}")
    for name, kernels in kernel_sets(train, args.generated):
        sigma = choose_parzen_sigma(kernels, held_out[:half])
        mean, error = parzen_log_likelihood(kernels, held_out[half:], sigma)
        # distances to at most as many kernels as there are real digits, to compare like with like
        nearest = np.sort(squared_distances(held_out[half:], kernels[: len(train)]), axis=1)
        print(
            f"{name:>44s} {sigma:6.3f} {mean:10.0f} ± {error:<3.0f} "
            f"{nearest[:, 0].mean():8.1f} {nearest[:, 9].mean():6.1f}"
        )
    print("Goodfellow et al. (2014), 10,000 GAN samples: 225 ± 2")


# %%
if __name__ == "__main__":  # in Jupyter, sys.argv holds the kernel's flags, not the demo's
    main([] if "ipykernel" in sys.modules else None)
