"""The pictures of demos/gaussian_1d.py, drawn as in Figure 1 of Goodfellow et al. (2014): the
data density (black, dotted), D(x) (blue, dashed), the generator's density (green) and, below,
the map z -> x = G(z). Also the x grid and the z points the demo measures for them."""

import math
from pathlib import Path
from statistics import NormalDist

import matplotlib

matplotlib.use("Agg")  # draw into files, no display needed (set before pyplot is imported)
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib import animation  # noqa: E402

X_LOW, X_HIGH = -1.5, 6.5  # the x axis of every panel
EDGES = np.linspace(X_LOW, X_HIGH, 161)  # p_g's histogram: bins 0.05 wide
CENTRES = (EDGES[:-1] + EDGES[1:]) / 2


def normal_quantiles(m):
    """m equal-probability points of N(0, 1): z_i = Phi^-1((i + 1/2) / m)."""
    return np.array([NormalDist().inv_cdf((i + 0.5) / m) for i in range(m)])


# The z -> x map is drawn at 21 equal-probability points of p_z: each arrow carries the same
# mass, so the arrows crowd where p_g is high, as in the paper.
Z_LINES = normal_quantiles(21)
LEGEND = [
    plt.Line2D([], [], color="k", ls=":", lw=2, label="p_data"),
    plt.Line2D([], [], color="b", ls="--", lw=1.5, label="D(x)"),
    plt.Line2D([], [], color="g", ls="-", lw=1.5, label="p_g (histogram of G(z))"),
    plt.Line2D([], [], color="0.3", lw=0.6, label="z -> x = G(z), equal-mass z"),
]


def draw(ax, ax_map, xs, p_data, snap, title):
    """One panel of Figure 1: p_data, D and p_g above; the z -> x map below."""
    ax.clear()
    ax_map.clear()
    ax.axhline(0.5, color="0.85", lw=0.8, zorder=0)  # where D should end
    ax.plot(xs, p_data, "k:", lw=2)
    ax.plot(xs, snap["d"], "b--", lw=1.5)
    ax.plot(CENTRES, snap["p_g"], "g-", lw=1.5)
    ax.set_xlim(X_LOW, X_HIGH)
    ax.set_ylim(0, 1.05)
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    peak = snap["p_g"].max()
    if peak > 1.05:  # keep the figure honest: say what the axis cuts off
        x_peak = CENTRES[snap["p_g"].argmax()]
        ax.text(x_peak + 0.15, 0.97, f"p_g peaks at {peak:.1f}", color="g", fontsize=8, va="top")
    # The map, as in the paper: z on the lower line, x = G(z) on the upper line (on the x scale
    # of the panel above). z has its own scale: it is drawn at 2.5 + 0.9 z, mid-picture.
    z_shown = (X_LOW + X_HIGH) / 2 + 0.9 * Z_LINES
    for z, x in zip(z_shown, snap["mapped"]):
        ax_map.annotate(
            "",
            (x, 1),
            xytext=(z, 0),
            arrowprops={"arrowstyle": "->", "color": "0.3", "lw": 0.6, "shrinkA": 0, "shrinkB": 0},
            annotation_clip=False,
        )
    ax_map.plot([X_LOW, X_HIGH], [1, 1], "k-", lw=0.8)
    ax_map.plot([X_LOW, X_HIGH], [0, 0], "k-", lw=0.8)
    ax_map.text(X_LOW, 0.9, " x", fontsize=9, va="top")
    ax_map.text(X_LOW, 0.1, " z", fontsize=9, va="bottom")
    ax_map.set_xlim(X_LOW, X_HIGH)
    ax_map.set_ylim(-0.02, 1.02)
    ax_map.axis("off")


def save_figure1(xs, p_data, snapshots, iters, out: Path):
    """figure1.png: (a) the start, (b) on the way, (c) arrived, not settled, (d) the end."""

    def closest(step):
        return min(snapshots, key=lambda s: abs(s["step"] - step))

    panels = [snapshots[0], closest(iters * 0.006), closest(iters * 0.08), snapshots[-1]]
    fig, axes = plt.subplots(2, 4, figsize=(16, 4.8), gridspec_kw={"height_ratios": [3, 1]})
    fig.subplots_adjust(left=0.03, right=0.99, top=0.84, bottom=0.02, wspace=0.12, hspace=0.18)
    for i, snap in enumerate(panels):
        draw(axes[0, i], axes[1, i], xs, p_data, snap, f"({'abcd'[i]}) step {snap['step']}")
    fig.legend(handles=LEGEND, loc="upper center", ncol=4, fontsize=9, frameon=False)
    fig.savefig(out / "figure1.png", dpi=100)
    plt.close(fig)


def save_movie(xs, p_data, snapshots, iters, out: Path):
    """training.gif: every snapshot, drawn as a panel of figure1.png."""
    fig, (ax, ax_map) = plt.subplots(2, 1, figsize=(6, 4.4), gridspec_kw={"height_ratios": [3, 1]})
    fig.subplots_adjust(left=0.07, right=0.98, top=0.83, bottom=0.02, hspace=0.2)
    fig.legend(handles=LEGEND, loc="upper center", ncol=2, fontsize=7, frameon=False)

    def frame(i):
        snap = snapshots[i]
        draw(ax, ax_map, xs, p_data, snap, f"step {snap['step']} of {iters}")

    movie = animation.FuncAnimation(fig, frame, frames=len(snapshots))
    movie.save(out / "training.gif", writer=animation.PillowWriter(fps=6), dpi=70)
    plt.close(fig)


def save_curves(history, snapshots, floors, points, out: Path):
    """curves.png: what trainer.history recorded at every step, and the distances at the
    snapshots beside `floors` (the same distances between two data samples of `points`)."""
    steps = np.array([r["step"] for r in history])

    def plot_recorded(ax, key, colour, label):  # one step is noisy: faint, and averaged over 50
        values = np.array([r[key] for r in history])
        width = max(1, min(50, len(values)))
        average = np.convolve(values, np.ones(width) / width, mode="valid")
        ax.plot(steps, values, colour, alpha=0.2, lw=0.5)
        ax.plot(steps[width - 1 :], average, colour, label=label)

    fig, (ax1, ax2, ax3) = plt.subplots(3, 1, figsize=(7, 8.5), sharex=True)
    plot_recorded(ax1, "d_loss", "b", "D loss")
    plot_recorded(ax1, "g_loss", "g", "G loss (non-saturating)")
    ax1.axhline(math.log(4), color="b", ls=":", lw=0.8, label="log 4: D's loss when D = 1/2")
    ax1.axhline(math.log(2), color="g", ls=":", lw=0.8, label="log 2: G's loss when D = 1/2")
    ax1.set_ylabel("loss")
    ax1.legend(fontsize=8)
    plot_recorded(ax2, "d_real", "k", "D(x), real batch")
    plot_recorded(ax2, "d_fake", "g", "D(G(z)), fake batch")
    ax2.axhline(0.5, color="0.5", ls=":", lw=0.8)
    ax2.set_ylabel("mean of D")
    ax2.set_ylim(0, 1)
    ax2.legend(fontsize=8)
    snap_steps = [s["step"] for s in snapshots]
    for key, colour, label in (
        ("wasserstein_1", "C0", "1-Wasserstein"),
        ("jensen_shannon", "C1", "Jensen-Shannon (100 bins)"),
        ("mean_abs_d_minus_half", "C2", "mean |D(x) - 1/2| on the data"),
    ):
        values = [max(s[key], 1e-6) for s in snapshots]  # a log scale cannot show an exact 0
        ax3.semilogy(snap_steps, values, "o-", color=colour, ms=3, label=label)
        if key in floors:
            ax3.axhline(floors[key], color=colour, ls=":", lw=1)
    ax3.set_xlabel("step")
    ax3.set_ylabel(f"G at {points} points vs data")
    ax3.legend(fontsize=8, title=f"dotted: two data samples of {points}", title_fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "curves.png", dpi=100)
    plt.close(fig)
