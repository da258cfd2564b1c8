"""The conditional DCGAN's run in docs/results.md's MNIST table (and in the every-run table
of docs/mnist_experiments.md): python experiments/run.py mnist_cgan_runs"""

from mnist_table import mnist_table, runs  # beside this file

DEMO = "demos/mnist_cgan.py"
RUNS = runs("", {}, (3,))


def table(results: dict) -> str:
    return mnist_table(results, RUNS)
