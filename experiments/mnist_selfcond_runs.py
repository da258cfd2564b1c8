"""The self-conditioned DCGAN's runs.

- docs/results.md's MNIST table (and README.md's): python experiments/run.py mnist_selfcond_runs
  --runs w128-16k sn-ttur-c100-24k sn-ttur-c100-seed1-24k sn-ttur-c100-seed2-24k
  sn-ttur-c100-seed3-24k
- docs/mnist_experiments.md, its DiffAugment table and the table of remedies at 8,000 steps:
  --runs 8k aug-2-0-8k aug-4-14-8k c100-8k r1-8k linear-8k sn-8k sn-ttur-8k sn-ttur-c100-8k
  sn-w128-8k sn-ttur-w128-8k
- all the runs (no --runs): those, and every self-conditioned row of its every-run table.
"""

from mnist_table import mnist_table, runs  # beside this file

DEMO = "demos/mnist_selfcond.py"
SN_TTUR = {"spectral_norm": True, "lr_d": 4e-4}
SN_TTUR_C100 = SN_TTUR | {"clusters": 100}
RUNS = {
    **runs("", {}, (4, 8, 16)),
    **runs("seed1", {"seed": 1}, (8, 16)),
    **runs("c100", {"clusters": 100}, (4, 8)),
    **runs("c25", {"clusters": 25}, (8,)),
    **runs("w128", {"width": 128}, (8, 16, 24)),
    **runs("w128-seed1", {"width": 128, "seed": 1}, (16,)),
    **runs("sn", {"spectral_norm": True}, (8, 16, 24)),
    **runs("sn-ttur", SN_TTUR, (8, 16, 24)),
    **runs("sn-ttur-c100", SN_TTUR_C100, (8, 16, 24)),
    **runs("sn-ttur-c100-seed1", SN_TTUR_C100 | {"seed": 1}, (16, 24)),
    **runs("sn-ttur-c100-seed2", SN_TTUR_C100 | {"seed": 2}, (16, 24)),
    **runs("sn-ttur-c100-seed3", SN_TTUR_C100 | {"seed": 3}, (16, 24)),
    **runs("sn-w128", {"spectral_norm": True, "width": 128}, (8,)),
    **runs("sn-ttur-w128", SN_TTUR | {"width": 128}, (8,)),
    **runs("aug-2-0", {"augment_shift": 2}, (8,)),
    **runs("aug-4-14", {"augment_shift": 4, "augment_cutout": 14}, (8,)),
    **runs("r1", {"r1": 1.0}, (8,)),
    **runs("linear", {"lr_schedule": "linear"}, (8,)),
}


def table(results: dict) -> str:
    return mnist_table(results, RUNS)
