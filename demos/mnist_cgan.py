# %% [markdown]
# # A conditional DCGAN on MNIST: G draws the digit it is asked for
#
#     python demos/mnist_cgan.py --data-dir ../shared/data/mnist-10k
#     python demos/mnist_cgan.py ... --iters 6000   # run longer: it resumes from its checkpoint
#
# The conditional GAN of Mirza and Osindero (2014) built on the DCGAN of mnist_dcgan.py: G(z, y)
# is fed a learned 10-number vector for the digit y beside z, and D(x, y) judges the image
# together with its label by projection (Miyato and Koyama 2018): D's features phi(x) are scored
# once for "real digit?" and once against the embedding of y, so an image that looks like a
# different digit than y is judged fake. Its grids have one row per digit, and metrics.json adds
# the fraction of generated digits the evaluator reads as the digit asked for.
#
# The files it writes into --out (default runs/mnist-cgan) are listed in mnist_common.py; main()
# takes every setting of mnist_common.SETTINGS and DCGAN_SETTINGS as a keyword.
# ConditionalGenerator and ProjectionDiscriminator serve mnist_infogan.py and mnist_selfcond.py
# too, whose categories are a code and a cluster.

# %%
import mnist_common as common  # beside this file
import numpy as np

import tinygan
from tinygan import nn

SETTINGS = common.SETTINGS | common.DCGAN_SETTINGS  # what main() takes, and their defaults


# %% The players: the DCGAN's, told a category y.
class ConditionalGenerator(nn.Module):
    """G(z, y): the DCGAN generator fed z beside a learned 10-dimensional vector for the
    category y (the digit asked for, a cluster, or InfoGAN's code)."""

    def __init__(self, categories: int, width: int = 64):
        super().__init__()
        self.code = nn.Embedding(categories, 10)
        self.body = common.dcgan_generator(width, inputs=common.LATENT + 10)

    def forward(self, z, category):
        return self.body(tinygan.cat([z, self.code(category)], dim=1))


class ProjectionDiscriminator(nn.Module):
    """D(x, y) = w . phi(x) + e_y . phi(x): the DCGAN discriminator's features phi(x), scored
    for "real digit?" and against the embedding e_y of the category y."""

    def __init__(self, categories: int, width: int = 64, spectral_norm: bool = False):
        super().__init__()
        body = common.dcgan_discriminator(width, spectral_norm)
        self.features = body[:-1]  # everything before the last Linear
        self.score = body[-1]
        self.label_direction = nn.Embedding(categories, 2 * width * 7 * 7)
        nn.init.normal_(self.label_direction.weight, 0.0, 0.02)  # small, like the other weights

    def forward(self, x, category):
        phi = self.features(x)
        return self.score(phi) + (self.label_direction(category) * phi).sum(dim=1, keepdim=True)


# %% The data with its labels, training, pictures, numbers.
def main(**settings) -> dict:
    s, digits = common.start("cgan", settings, SETTINGS)
    device = s["device"]
    real = tinygan.tensor(digits.train, device=device)  # moved once; batches are drawn there
    labels = tinygan.tensor(digits.train_labels, device=device)

    def sample_real(n):
        chosen = tinygan.randint(0, len(real), (n,), device=device)
        return real[chosen], labels[chosen]  # D sees each image's label

    def sample_noise(n):  # and the digits G is asked for
        return tinygan.randn(n, common.LATENT, device=device), tinygan.randint(
            0, 10, (n,), device=device
        )

    generator = ConditionalGenerator(10, s["width"])
    discriminator = ProjectionDiscriminator(10, s["width"], s["spectral_norm"])
    trainer = common.trainer(generator, discriminator, sample_real, sample_noise, s)
    grids, seconds = common.train(trainer, s, categories=10)
    common.save_pictures(trainer, grids, s, categories=10)

    asked = np.arange(s["eval_samples"]) % 10  # each digit equally often
    generated = common.generate_for_metrics(trainer, asked, s, conditioned=True)
    report = common.score(generated, digits, s, asked=asked)
    told = (digits.train_labels, digits.held_out_labels)  # what D is told of each digit
    report["d_calls_real"] = common.d_calls_real(trainer, digits, s, told)
    return common.write_metrics(s, trainer, seconds, generated, report)


# %%
if __name__ == "__main__":
    main(**common.command_line("A conditional DCGAN on MNIST digits."))
