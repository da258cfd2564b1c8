"""The original paper's MLP GAN in docs/results.md's MNIST table (20k) and in the every-run table
of docs/mnist_experiments.md (20k, 50k): python experiments/run.py mnist_mlp_runs [--runs 20k]"""

from mnist_table import mnist_table, runs  # beside this file

DEMO = "demos/mnist_mlp.py"
RUNS = runs("", {}, (20, 50))


def table(results: dict) -> str:
    return mnist_table(results, RUNS)
