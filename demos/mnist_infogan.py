# %% [markdown]
# # InfoGAN on MNIST: 10 kinds of digit without a label
#
#     python demos/mnist_infogan.py --data-dir ../shared/data/mnist-10k
#     python demos/mnist_infogan.py ... --iters 48000   # longer: it resumes from its checkpoint
#
# InfoGAN (Chen et al. 2016): the DCGAN of mnist_dcgan.py whose G also takes a code of 10 values
# beside z (the ConditionalGenerator of mnist_cgan.py), and whose D has 10 more outputs, its guess
# Q of the code that made an image. G and Q are also trained to make that guess right (the
# cross-entropy, weighted by --info-weight), which maximizes a lower bound on the mutual
# information between the code and the image: G learns 10 kinds of image without seeing a label.
# Its grids have one row per code; metrics.json says which digit each code became and the
# fraction of images read as it.
#
# The files it writes into --out (default runs/mnist-infogan) are listed in mnist_common.py;
# main() takes every setting of mnist_common.SETTINGS and DCGAN_SETTINGS, and info_weight.

# %%
import mnist_common as common  # beside this file
import numpy as np
from mnist_cgan import ConditionalGenerator

import tinygan

SETTINGS = common.SETTINGS | common.DCGAN_SETTINGS | {"info_weight": 1.0}  # lambda of the code


# %% The data (no labels), G(z, c), D with the code's head, training, pictures, numbers.
def main(**settings) -> dict:
    s, digits = common.start("infogan", settings, SETTINGS)
    device = s["device"]
    real = tinygan.tensor(digits.train, device=device)  # moved once; batches are drawn there

    def sample_real(n):
        return real[tinygan.randint(0, len(real), (n,), device=device)]

    def sample_noise(n):  # and the code G must make visible
        z = tinygan.randn(n, common.LATENT, device=device)
        return z, tinygan.randint(0, 10, (n,), device=device)

    generator = ConditionalGenerator(10, s["width"])
    # D's 11 outputs: the real/fake logit, then its guess of the code (InfoGAN's Q)
    discriminator = common.dcgan_discriminator(s["width"], s["spectral_norm"], outputs=1 + 10)
    trainer = common.trainer(
        generator, discriminator, sample_real, sample_noise, s, info_weight=s["info_weight"]
    )
    grids, seconds = common.train(trainer, s, categories=10)
    common.save_pictures(trainer, grids, s, categories=10)

    codes = np.arange(s["eval_samples"]) % 10  # each code equally often
    generated = common.generate_for_metrics(trainer, codes, s, conditioned=True)
    report = common.score(generated, digits, s, codes=codes)  # the digit each code became
    report["d_calls_real"] = common.d_calls_real(trainer, digits, s)
    metrics = common.write_metrics(s, trainer, seconds, generated, report)
    print(f"  codes 0-9 became the digits {report['code_digits']['generated']}")
    return metrics


# %%
if __name__ == "__main__":
    weight = {
        "type": float,
        "default": SETTINGS["info_weight"],
        "help": "lambda of the code's loss",
    }
    main(**common.command_line("InfoGAN on MNIST digits.", ("--info-weight", weight)))
