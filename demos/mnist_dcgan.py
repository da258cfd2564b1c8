# %% [markdown]
# # DCGAN on MNIST digits
#
#     python demos/mnist_dcgan.py --data-dir ../shared/data/mnist-10k
#     python demos/mnist_dcgan.py ... --iters 8000     # run longer: it resumes from its checkpoint
#     python demos/mnist_dcgan.py ... --spectral-norm  # D spectrally normalized, no batch norm
#
# The deep convolutional GAN of Radford et al. (2016): G turns 100 numbers of noise into a digit
# through strided transposed convolutions, batch norm and ReLU, ending in a tanh; D reads a digit
# through strided convolutions, batch norm and LeakyReLU(0.2). Both start from N(0, 0.02) weights
# and learn by Adam at 2e-4 with beta1 0.5. With --spectral-norm, each of D's layers is divided
# by its largest singular value and D has no batch norm (SNGAN, Miyato et al. 2018).
#
# Trained on all but the last 2,000 digits of the folder, which are held out for the metrics: the
# evaluator's numbers for 10,000 generated digits beside those of real ones, and how often D calls
# training digits real against held-out ones. The files it writes into --out (default
# runs/mnist-dcgan) are listed in mnist_common.py, which also holds the players; main() takes
# every setting of mnist_common.SETTINGS and DCGAN_SETTINGS as a keyword.

# %%
import mnist_common as common  # beside this file
import numpy as np

import tinygan

SETTINGS = common.SETTINGS | common.DCGAN_SETTINGS  # what main() takes, and their defaults


# %% An unconditional GAN on the digits: data, training, pictures, numbers (mnist_mlp.py's too).
def train_and_score(generator, discriminator, s, digits) -> dict:
    device = s["device"]
    real = tinygan.tensor(digits.train, device=device)  # moved once; batches are drawn there

    def sample_real(n):
        return real[tinygan.randint(0, len(real), (n,), device=device)]

    def sample_noise(n):
        return tinygan.randn(n, common.LATENT, device=device)

    trainer = common.trainer(generator, discriminator, sample_real, sample_noise, s)
    grids, seconds = common.train(trainer, s)
    common.save_pictures(trainer, grids, s)

    asked = np.arange(s["eval_samples"]) % 10  # (G is asked for nothing; kept for the record)
    generated = common.generate_for_metrics(trainer, asked, s, conditioned=False)
    report = common.score(generated, digits, s)
    report["d_calls_real"] = common.d_calls_real(trainer, digits, s)
    return common.write_metrics(s, trainer, seconds, generated, report)


# %% The DCGAN players.
def main(**settings) -> dict:
    s, digits = common.start("dcgan", settings, SETTINGS)
    generator = common.dcgan_generator(s["width"])
    discriminator = common.dcgan_discriminator(s["width"], s["spectral_norm"])
    return train_and_score(generator, discriminator, s, digits)


# %%
if __name__ == "__main__":
    sn = {"action": "store_true", "help": "D's layers spectrally normalized, no batch norm in D"}
    main(**common.command_line("DCGAN on MNIST digits.", ("--spectral-norm", sn)))
