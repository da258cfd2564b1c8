"""The columns of the MNIST tables in docs/results.md and docs/mnist_experiments.md, for the
configs mnist_<model>.py beside this file: one row per finished run, in the order of RUNS."""

from __future__ import annotations

DATA = {"data_dir": "../shared/data/mnist-10k"}  # from the repository root

HEADER = (
    "| run | steps | s / step | classifier score | Fréchet distance | "
    "digits covered, KL from uniform | asked-for digit, or category read as its digit | "
    "D calls real (training / held-out) | Parzen log-likelihood |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


def runs(name: str, settings: dict, thousands) -> dict:
    """One run per length on the digits: <name>-<k>k trains k thousand steps (a row continued
    to more steps in the docs is here a run of its own; a resumed run trains bit for bit as one
    that never stopped)."""
    prefix = f"{name}-" if name else ""
    return {f"{prefix}{k}k": DATA | settings | {"iters": k * 1000} for k in thousands}


def row(name: str, metrics: dict) -> str:
    fake = {key: value["generated"] for key, value in metrics.items() if _scored(value)}
    asked = fake.get("conditional_accuracy", fake.get("code_purity"))
    called = metrics["d_calls_real"]
    parzen = fake["parzen_log_likelihood"]
    cells = [
        f"`{name}`",
        f"{metrics['steps']:,}",
        f"{metrics['seconds_per_step']:.2f}",
        f"{fake['classifier_score']:.2f}",
        f"{fake['frechet_distance']:.1f}",
        f"{fake['digits_covered']}, {fake['class_kl_from_uniform']:.3f}",
        "" if asked is None else f"{asked:.1%}",
        f"{called['training_digits']:.0%} / {called['held_out_digits']:.0%}",
        f"{parzen['mean']:.0f} ± {parzen['standard_error']:.0f}",
    ]
    return "| " + " | ".join(cells) + " |"


def _scored(value) -> bool:
    return isinstance(value, dict) and "generated" in value


def mnist_table(results: dict[str, dict], runs: dict) -> str:
    """The finished runs among runs (the config's RUNS), as a Markdown table."""
    rows = [row(name, results[name]) for name in runs if name in results]
    return "\n".join([HEADER, *rows])
