"""InfoGAN's runs.

- docs/results.md's MNIST table: python experiments/run.py mnist_infogan_runs --runs 48k
- every InfoGAN row of docs/mnist_experiments.md: python experiments/run.py mnist_infogan_runs
"""

from mnist_table import mnist_table, runs  # beside this file

DEMO = "demos/mnist_infogan.py"
RUNS = {**runs("", {}, (8, 16, 24, 32, 40, 48)), **runs("sn", {"spectral_norm": True}, (8, 16))}


def table(results: dict) -> str:
    return mnist_table(results, RUNS)
