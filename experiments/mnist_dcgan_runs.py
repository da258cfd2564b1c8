"""The DCGAN's runs.

- docs/results.md's MNIST table: python experiments/run.py mnist_dcgan_runs --runs 24k sn-32k
- every DCGAN row of docs/mnist_experiments.md: python experiments/run.py mnist_dcgan_runs
"""

from mnist_table import mnist_table, runs  # beside this file

DEMO = "demos/mnist_dcgan.py"
RUNS = {
    **runs("", {}, (8, 16, 24)),
    **runs("sn", {"spectral_norm": True}, (8, 16, 24, 32)),
    **runs("no-ema", {"ema": 0.0}, (3,)),
    **runs("ttur", {"lr_g": 1e-4, "lr_d": 4e-4}, (8,)),
}


def table(results: dict) -> str:
    return mnist_table(results, RUNS)
