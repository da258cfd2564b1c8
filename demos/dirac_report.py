"""What demos/dirac_gan.py shows: two pictures, metrics.json and a printed summary.

The demo computes and this file reports, so that the tutorial reads as the game, the training
and the theory. Paths are (steps + 1, 2) NumPy arrays of (theta, psi), keyed by (game, method).
"""

import json
from pathlib import Path

import matplotlib
import matplotlib.pyplot as plt
import numpy as np

matplotlib.use("Agg")  # draw to files; no display needed


def eigenvalues(matrix):
    """Sorted by imaginary part, as [real, imaginary] pairs (JSON has no complex numbers)."""
    values = sorted(np.linalg.eigvals(matrix), key=lambda z: (z.imag, z.real))
    return [[float(z.real), float(z.imag)] for z in values]


def compare(numeric, derived, step=False):
    """A 2 x 2 Jacobian found by tinygan beside the one derived by hand, with eigenvalues."""
    found = {
        "jacobian_tinygan": numeric.tolist(),
        "jacobian_analytic": derived.tolist(),
        "eigenvalues_tinygan": eigenvalues(numeric),
        "eigenvalues_analytic": eigenvalues(derived),
    }
    if step:  # below 1: each step shrinks the distance near (0, 0); above 1: it grows it
        found["spectral_radius"] = float(np.abs(np.linalg.eigvals(numeric)).max())
    return found


def plot_paths(paths, field, games, methods, lr, out: Path):
    """dirac_gan.png: a row per game, a column per method, each path on the field it follows.

    field(game, method, theta, psi) gives the field (u, v) at the points of the grids theta, psi.
    """
    reach = max(np.abs(path).max() for path in paths.values())
    limit = max(2.0, np.ceil(reach * 1.05 * 2) / 2)  # [-2, 2]^2, wider when a run leaves it
    ticks = np.linspace(-limit, limit, 41)
    grid_theta, grid_psi = np.meshgrid(ticks, ticks)  # theta across, psi up
    iters = len(next(iter(paths.values()))) - 1
    figure, axes = plt.subplots(
        2, 4, figsize=(18, 10), sharex=True, sharey=True, layout="constrained"
    )
    for row, (game, game_title) in enumerate(games.items()):
        for column, (method, title) in enumerate(methods.items()):
            ax, color, path = axes[row, column], f"C{column}", paths[game, method]
            u, v = field(game, method, grid_theta, grid_psi)
            ax.streamplot(ticks, ticks, u, v, color="0.7", linewidth=0.7, density=1.1)
            ax.plot(path[:, 0], path[:, 1], color=color, linewidth=1.2)
            ax.plot(*path[0], "o", color=color, label="start (1, 1)")
            ax.plot(*path[-1], "s", color=color, label=f"after {iters} steps")
            ax.plot(0, 0, "*", color="black", markersize=13, label="equilibrium (0, 0)")
            d = np.hypot(path[:, 0], path[:, 1])
            ax.set_title(f"{title}\ndistance to (0, 0): {d[0]:.2f} -> {d[-1]:.2g}", fontsize=10)
            ax.set_xlim(-limit, limit)
            ax.set_ylim(-limit, limit)
            ax.set_aspect("equal")
            if row == 1:
                ax.set_xlabel(r"$\theta$ (generator: a Dirac at $\theta$)")
            if column == 0:
                ax.set_ylabel(f"{game_title}\n" + r"$\psi$ (discriminator $D(x) = \psi x$)")
    axes[0, 1].legend(loc="lower left", fontsize=8)
    figure.suptitle(
        f"Dirac GAN: {iters} gradient steps of size {lr:g} on the field "
        r"$(-\partial L_G/\partial\theta,\ -\partial L_D/\partial\psi)$"
    )
    figure.savefig(out / "dirac_gan.png", dpi=110)
    plt.close(figure)


def plot_distances(paths, games, methods, out: Path):
    """distance.png: each run's distance to the equilibrium at each step, a panel per game."""
    figure, axes = plt.subplots(1, 2, figsize=(12, 4.5), sharey=True, layout="constrained")
    for ax, (game, game_title) in zip(axes, games.items()):
        for column, (method, title) in enumerate(methods.items()):
            path = paths[game, method]
            ax.semilogy(np.hypot(path[:, 0], path[:, 1]), color=f"C{column}", label=title)
        ax.axhline(1e-2, color="black", linestyle=":", linewidth=0.8, label="converged below 1e-2")
        ax.set_title(game_title)
        ax.set_xlabel("step")
    axes[0].set_ylabel(r"distance to the equilibrium $\sqrt{\theta^2 + \psi^2}$")
    axes[0].legend(fontsize=8)
    figure.savefig(out / "distance.png", dpi=110)
    plt.close(figure)


def write_metrics(out: Path, config, paths, seconds, theory, games, methods):
    """metrics.json: where each run ended and the theory that predicted it; then a summary."""
    metrics = {"config": config, "converged_below": 1e-2}
    half = config["iters"] // 2
    for game, game_title in games.items():
        print(f"{game_title}:")
        runs = {}
        for method, title in methods.items():
            path = paths[game, method]
            d = np.hypot(path[:, 0], path[:, 1])
            runs[method] = {
                "start_distance": float(d[0]),
                "halfway_distance": float(d[half]),
                "final_distance": float(d[-1]),
                "final_point": path[-1].tolist(),
                "converged": bool(d[-1] < 1e-2),
                "seconds": round(seconds[game, method], 3),
            }
            print(
                f"  {title:45s} distance {d[0]:.3f} -> {d[half]:.3g} (step {half})"
                f" -> {d[-1]:.3g}  converged: {runs[method]['converged']}"
            )
        metrics[game] = {"runs": runs, "theory": theory[game]}
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2) + "\n")

    field = theory["minimax"]["gradient_field"]
    jacobian = np.round(field["jacobian_tinygan"], 12).tolist()
    print(f"Jacobian of v at (0, 0), by tinygan: {jacobian}")
    values = ", ".join(f"{re + 0.0:.3g} {im:+.3g}i" for re, im in field["eigenvalues_tinygan"])
    print(f"  eigenvalues {values}  (derived: +-i/2)")
    print("largest |eigenvalue| of one step at (0, 0):")
    for method, meaning in {"simultaneous": ">", "alternating": "=", "r1": "<"}.items():
        radius = theory["minimax"][f"{method}_step"]["spectral_radius"]
        print(f"  {method:12s} {radius:.6f}  ({meaning} 1)")
    print(f"wrote {out / 'dirac_gan.png'}, {out / 'distance.png'} and {out / 'metrics.json'}")
