# %% [markdown]
# # The original GAN on MNIST: fully connected players
#
#     python demos/mnist_mlp.py --data-dir ../shared/data/mnist-10k
#     python demos/mnist_mlp.py ... --iters 20000   # run longer: it resumes from its checkpoint
#
# The fully connected GAN of the original paper (Goodfellow et al. 2014) on flattened digits: G
# maps 100 numbers of noise through layers of 256, 512 and 1,024 units to 784 pixels, D maps the
# 784 pixels through 512 and 256 units to one logit, LeakyReLU(0.2) between layers. It is trained
# as the DCGAN of mnist_dcgan.py is (the non-saturating loss, Adam 2e-4 with beta1 0.5, N(0, 0.02)
# weights), and scored the same way: the paper's own yardstick is the Parzen-window
# log-likelihood of held-out digits, 225 for its GAN.
#
# The files it writes into --out (default runs/mnist-mlp) are listed in mnist_common.py; main()
# takes every setting of mnist_common.SETTINGS as a keyword.

# %%
import mnist_common as common  # beside this file
from mnist_dcgan import train_and_score

from tinygan import nn

SETTINGS = common.SETTINGS  # what main() takes, and their defaults


# %% The players: no convolution, no batch norm.
def mlp_generator() -> nn.Module:
    return nn.Sequential(
        nn.Linear(common.LATENT, 256),
        nn.LeakyReLU(0.2),
        nn.Linear(256, 512),
        nn.LeakyReLU(0.2),
        nn.Linear(512, 1024),
        nn.LeakyReLU(0.2),
        nn.Linear(1024, 784),
        nn.Tanh(),
        nn.Unflatten(1, (1, 28, 28)),
    )


def mlp_discriminator() -> nn.Module:
    return nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 512),
        nn.LeakyReLU(0.2),
        nn.Linear(512, 256),
        nn.LeakyReLU(0.2),
        nn.Linear(256, 1),
    )


# %% Trained and scored as the DCGAN is.
def main(**settings) -> dict:
    s, digits = common.start("mlp", settings, SETTINGS)
    return train_and_score(mlp_generator(), mlp_discriminator(), s, digits)


# %%
if __name__ == "__main__":
    main(**common.command_line("The original paper's fully connected GAN on MNIST digits."))
