# %% [markdown]
# # A self-conditioned DCGAN on MNIST: categories found in the pixels
#
#     python demos/mnist_selfcond.py --data-dir ../shared/data/mnist-10k
#     python demos/mnist_selfcond.py ... --spectral-norm --lr-d 4e-4 --clusters 100 --iters 24000
#         # meets the score and Parzen targets together (4 seeds of 4)
#
# The self-conditioned GAN (Liu et al. 2020): k-means splits the training digits into --clusters
# groups by their pixels, and the conditional DCGAN of mnist_cgan.py is trained on those groups
# instead of labels; no digit label is used. Given a category to draw, G stops drawing shapes
# between two digits. --spectral-norm divides each of D's layers by its largest singular value
# (no batch norm in D), and --lr-d above G's 2e-4 lets D learn faster (TTUR, Heusel et al. 2017).
# The grids have one row for each of the first 10 clusters; metrics.json says which digit each
# cluster became, the fraction of images read as it, and how well the clusters match the labels.
#
# The files it writes into --out (default runs/mnist-selfcond) are listed in mnist_common.py;
# main() takes every setting of mnist_common.SETTINGS and DCGAN_SETTINGS, and clusters.

# %%
import mnist_common as common  # beside this file
import numpy as np
from mnist_cgan import ConditionalGenerator, ProjectionDiscriminator

import tinygan
from tinygan.data.kmeans import kmeans, nearest_centroid
from tinygan.metrics import code_purity

SETTINGS = common.SETTINGS | common.DCGAN_SETTINGS | {"clusters": 50}  # k of k-means


# %% The data and its clusters, G(z, k) and D(x, k), training, pictures, numbers.
def main(**settings) -> dict:
    s, digits = common.start("selfcond", settings, SETTINGS)
    device, k = s["device"], s["clusters"]
    # k-means is seeded, so a resumed run finds the same clusters (checked at one and two BLAS
    # threads)
    centroids, clusters = kmeans(digits.train.reshape(len(digits.train), -1), k, seed=s["seed"])
    # How well the pixels' clusters match the digits: training never reads the labels; only
    # this line and the evaluation do
    purity = code_purity(np.eye(10)[digits.train_labels], clusters)[0]
    print(f"k-means: {k} clusters; {purity:.1%} of the training digits carry")
    print("         the most common label of their cluster")
    real = tinygan.tensor(digits.train, device=device)  # moved once; batches are drawn there
    real_clusters = tinygan.tensor(clusters, device=device)

    def sample_real(n):
        chosen = tinygan.randint(0, len(real), (n,), device=device)
        return real[chosen], real_clusters[chosen]  # D sees each image's cluster

    def sample_noise(n):  # the clusters of random training digits: each cluster is
        z = tinygan.randn(n, common.LATENT, device=device)
        return z, sample_real(n)[1]  # asked for as often as it occurs

    generator = ConditionalGenerator(k, s["width"])
    discriminator = ProjectionDiscriminator(k, s["width"], s["spectral_norm"])
    trainer = common.trainer(generator, discriminator, sample_real, sample_noise, s)
    grids, seconds = common.train(trainer, s, categories=k)
    common.save_pictures(trainer, grids, s, categories=k)

    # each cluster as often as in the training digits
    rng = np.random.default_rng(s["seed"])
    asked = clusters[rng.integers(0, len(clusters), s["eval_samples"])]
    generated = common.generate_for_metrics(trainer, asked, s, conditioned=True)
    report = common.score(generated, digits, s, codes=asked)  # the digit each cluster became
    # D is told each held-out digit's cluster: the one with the nearest centre
    held_out = nearest_centroid(digits.held_out.reshape(len(digits.held_out), -1), centroids)
    report["d_calls_real"] = common.d_calls_real(trainer, digits, s, (clusters, held_out))
    extra = {"cluster_label_purity": purity}
    metrics = common.write_metrics(s, trainer, seconds, generated, report, extra)
    print(f"  clusters 0-{k - 1} became the digits {report['code_digits']['generated']}")
    return metrics


# %%
if __name__ == "__main__":
    flags = [
        ("--clusters", {"type": int, "default": SETTINGS["clusters"], "help": "k of k-means"}),
        ("--spectral-norm", {"action": "store_true", "help": "D spectrally normalized"}),
        (
            "--lr-d",
            {"type": float, "default": SETTINGS["lr_d"], "help": "D's learning rate (G's: 2e-4)"},
        ),
    ]
    main(**common.command_line("A self-conditioned DCGAN on MNIST digits.", *flags))
