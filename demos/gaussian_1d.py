"""Figure 1 of the GAN paper, trained for real: a generator learns a 1-D Gaussian.

    python demos/gaussian_1d.py                    # CPU, about 15 seconds
    python demos/gaussian_1d.py --device cuda
    python demos/gaussian_1d.py --iters 150 --out /tmp/g1   # a smoke run

Goodfellow et al. (2014) explain adversarial training with one picture (their Figure 1): the
data density (black, dotted), the discriminator D(x) (blue, dashed), the generator's density
(green, solid) and, below, the map z -> x = G(z) that pushes noise onto the data line. As the
game is played, p_g travels to p_data and D flattens to 1/2, because at the optimum
D*(x) = p_data(x) / (p_data(x) + p_g(x)) and p_g = p_data.

This script plays that game with tinygan's GANTrainer and writes into --out:

    figure1.png    four moments of training side by side, drawn as in the paper
    training.gif   the same drawing at 40 moments
    curves.png     losses, D on real and fake samples, and the distances over training
    metrics.json   the final distances with their floor, mean |D(x) - 1/2|, settings, timings
"""

import argparse
import json
import math
import time
from pathlib import Path
from statistics import NormalDist

import matplotlib

matplotlib.use("Agg")  # draw into files, no display needed (set before pyplot is imported)
import matplotlib.pyplot as plt
import numpy as np
from matplotlib import animation

import tinygan
import tinygan.nn.functional as F
from tinygan import gan, nn
from tinygan.data import toy
from tinygan.metrics import jensen_shannon_histograms, wasserstein_1d

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--iters", type=int, default=5000, help="training steps (one D, one G)")
parser.add_argument("--out", default="runs/gaussian_1d", help="folder for pictures and metrics")
args = parser.parse_args()
if args.iters < 1:
    parser.error("--iters must be at least 1")
out = Path(args.out)
out.mkdir(parents=True, exist_ok=True)
tinygan.manual_seed(args.seed)
started = time.perf_counter()

# ---- Data -------------------------------------------------------------------------------------
# p_data = N(4, 0.5^2): a narrow bump well away from 0, where a fresh generator puts its mass, so
# the pictures show p_g travelling to the data and narrowing onto it.
data = toy.gaussian_1d()
MEAN, STD = float(data.centres[0, 0]), data.std


def sample_real(n):
    return data.sample(n, device=args.device)  # [n, 1], drawn on the device


# ---- Noise ------------------------------------------------------------------------------------
# z ~ N(0, 1). (The paper draws z uniformly; then G would have to bend a bounded interval into
# the Gaussian's unbounded tails, which a small MLP learns slowly and only roughly. From normal
# noise the ideal G is a straight line, x = 4 + 0.5 z, so what remains is the game itself.)
def sample_noise(n):
    return tinygan.randn(n, 1, device=args.device)


# ---- Models -----------------------------------------------------------------------------------
# Small MLPs on 1-D inputs.
#
# G's activation is softplus, log(1 + e^u): smooth, so p_g is smooth, and unbounded, so the
# tails of z can become the tails of x. With tanh, G is bounded: all of z's upper tail lands on
# one ceiling, a spike in p_g, where the saturated units pass back almost no gradient to move
# it. With (leaky) ReLU, G is piecewise linear and p_g jumps at every kink.
class Softplus(nn.Module):
    """softplus(u) = log(1 + exp(u)), elementwise. (tinygan.nn has the function, not a layer.)"""

    def forward(self, u):
        return F.softplus(u)


generator = nn.Sequential(
    nn.Linear(1, 32), Softplus(), nn.Linear(32, 32), Softplus(), nn.Linear(32, 1)
).to(args.device)


class Standardize(nn.Module):
    """x -> (x - mean) / std with constants measured once on the data.

    A freshly initialized Linear(1, k) puts its units' bends (ReLU's kink, tanh's knee) at
    |x| < 1 or so. The data lives near x = 4, where such a network is almost a straight line:
    it could tell that p_g sits too far left but not that p_g is too narrow. Rescaling the
    input, as one normalizes any dataset, puts the bends where the data is."""

    def __init__(self, mean: float, std: float):
        super().__init__()
        self.mean, self.std = mean, std  # plain floats: they work on any device

    def forward(self, x):
        return (x - self.mean) / self.std

    def extra_repr(self) -> str:
        return f"mean={self.mean:.3f}, std={self.std:.3f}"


measured = sample_real(10_000).numpy()
discriminator = nn.Sequential(
    Standardize(float(measured.mean()), float(measured.std())),
    nn.Linear(1, 64),
    nn.LeakyReLU(0.2),  # leaky: a unit never dies, so D cannot go blind in some region
    nn.Linear(64, 64),
    nn.LeakyReLU(0.2),
    nn.Linear(64, 1),  # a logit: D(x) = sigmoid(logit)
).to(args.device)
print(generator)
print(discriminator)

# ---- Objective --------------------------------------------------------------------------------
# Non-saturating: G minimizes -log D(G(z)) instead of the minimax log(1 - D(G(z))). Both have
# the same fixed point, p_g = p_data with D = 1/2, but at the start G's samples sit near 0, far
# from the data; D rejects them confidently and log(1 - D) is flat there, so the minimax G
# would barely move. The paper recommends this switch for exactly that reason.
#
# TTUR (Heusel et al. 2017): D learns 4x faster than G, so G chases a D that is close to
# D*(x) = p_data / (p_data + p_g), the D the paper's picture assumes.
#
# The learning rates fall linearly to 0 over the run (lr_schedule="linear"). At a constant rate the
# two players keep circling the equilibrium and G's mean keeps wandering around 4 (ending 0.05 to
# 0.1 off in our constant-rate runs); with ever smaller steps the circles shrink, and D settles
# at 1/2 because p_g has settled on p_data. (With equal rates, 1e-3 each, G collapsed instead:
# a spike of std 0.15 that the slower D failed to push apart.)
LR_G, LR_D = 5e-4, 2e-3
config = gan.TrainingConfig(
    objective="non_saturating", batch_size=256, lr_g=LR_G, lr_d=LR_D, lr_schedule="linear"
)
trainer = gan.GANTrainer(generator, discriminator, sample_real, sample_noise, config)

# ---- What the pictures and numbers look at ----------------------------------------------------
X_LOW, X_HIGH = -1.5, 6.5
xs = np.linspace(X_LOW, X_HIGH, 801)
xs_device = tinygan.tensor(xs[:, None], dtype=tinygan.float32, device=args.device)
p_data = data.density(xs)
# The central 99 % of p_data: where "D ends near 1/2 on the data's support" is measured, as the
# mean of |D(x) - 1/2| weighted by p_data on the grid (the expectation over data samples that
# fall in it), and as the worst grid point (near the edges, where data is scarce). Off the
# support D is unconstrained: neither density has mass there, so D* = 0/0, and the pictures
# show D's logit simply extrapolating.
Q = NormalDist().inv_cdf(0.995)
SUPPORT = (MEAN - Q * STD, MEAN + Q * STD)
on_support = (xs > SUPPORT[0]) & (xs < SUPPORT[1])
# p_g is a histogram of G at M equal-probability points of p_z, z_i = Phi^-1((i + 1/2) / M):
# each carries mass 1/M, like a sample, but without a sample's noise, so the green curve does
# not flicker from frame to frame. (G need not be monotone for this, as the exact formula
# p_g(x) = p_z(z) / |G'(z)| would need.) Bins are 0.05 wide.
M = 20_000
EDGES = np.linspace(X_LOW, X_HIGH, 161)
CENTRES = (EDGES[:-1] + EDGES[1:]) / 2


def normal_quantiles(m):
    return np.array([NormalDist().inv_cdf((i + 0.5) / m) for i in range(m)])


z_quantiles = tinygan.tensor(
    normal_quantiles(M)[:, None], dtype=tinygan.float32, device=args.device
)
# The z -> x map is drawn at 21 equal-probability points of p_z: each arrow carries the same
# mass, so the arrows crowd where p_g is high, as in the paper.
Z_LINES = normal_quantiles(21)
z_lines = tinygan.tensor(Z_LINES[:, None], dtype=tinygan.float32, device=args.device)
# Distances, during training on M points against a fixed data sample of M, at the end on fresh
# random samples (see Numbers): JSD between histograms of 100 bins over p_data's mean +- 4 std
# (plus one bin below and one above, so mass far away still counts), 1-Wasserstein exactly.
JSD_BINS, JSD_RANGE = 100, (MEAN - 4 * STD, MEAN + 4 * STD)
reference = sample_real(M).numpy()[:, 0]


def d_minus_half(d):
    """(mean, max) of |D(x) - 1/2| on the central 99 %: mean weighted by p_data, max on the grid."""
    gap = np.abs(d[on_support] - 0.5)
    weights = p_data[on_support]
    return float((gap * weights).sum() / weights.sum()), float(gap.max())


def snapshot(step):
    """What the figure shows and the numbers measure at this step (host NumPy arrays)."""
    with tinygan.no_grad():
        d = tinygan.sigmoid(discriminator(xs_device)).numpy()[:, 0]
        fake = generator(z_quantiles).numpy()[:, 0]
        mapped = generator(z_lines).numpy()[:, 0]
    counts, _ = np.histogram(fake, bins=EDGES)
    mean_gap, max_gap = d_minus_half(d)
    return {
        "step": step,
        "d": d,
        "p_g": counts / (M * np.diff(EDGES)),  # a density: counts / (M * bin width)
        "mapped": mapped,
        "wasserstein_1": wasserstein_1d(fake, reference),
        "jensen_shannon": jensen_shannon_histograms(
            fake, reference, bins=JSD_BINS, range=JSD_RANGE
        ),
        "mean_abs_d_minus_half": mean_gap,
        "max_abs_d_minus_half": max_gap,
    }


# ---- Training ---------------------------------------------------------------------------------
# 40 snapshots, spaced quadratically: the travelling happens early, the settling takes long.
FRAMES = 40
snapshot_steps = sorted({round(args.iters * (k / (FRAMES - 1)) ** 2) for k in range(FRAMES)})
snapshots = [snapshot(0)]
snapshot_seconds = 0.0


def take_snapshot(trainer):
    """fit() calls this after every step (one D step on a real and a fake batch, one G step)."""
    global snapshot_seconds
    if trainer.step not in snapshot_steps:
        return
    taken = time.perf_counter()
    snapshots.append(snapshot(trainer.step))
    snapshot_seconds += time.perf_counter() - taken
    if len(snapshots) % 5 == 0 or trainer.step == args.iters:
        record, last = trainer.history[-1], snapshots[-1]
        print(
            f"step {trainer.step:5d}  D(x) {record['d_real']:.3f}  D(G(z)) {record['d_fake']:.3f}"
            f"  W1 {last['wasserstein_1']:.4f}  JSD {last['jensen_shannon']:.4f}  "
            f"mean |D - 1/2| {last['mean_abs_d_minus_half']:.4f}"
        )


loop_started = time.perf_counter()
if trainer.fit(args.iters, progress=False, callback=take_snapshot) != "done":
    raise SystemExit("training stopped early (see the message above); lower the rates")
train_seconds = time.perf_counter() - loop_started - snapshot_seconds


# ---- Pictures ---------------------------------------------------------------------------------
def draw(ax, ax_map, snap, title):
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


LEGEND = [
    plt.Line2D([], [], color="k", ls=":", lw=2, label="p_data"),
    plt.Line2D([], [], color="b", ls="--", lw=1.5, label="D(x)"),
    plt.Line2D([], [], color="g", ls="-", lw=1.5, label="p_g (histogram of G(z))"),
    plt.Line2D([], [], color="0.3", lw=0.6, label="z -> x = G(z), equal-mass z"),
]


def closest(step):
    return min(snapshots, key=lambda s: abs(s["step"] - step))


# figure1.png: (a) the start, (b) on the way, (c) arrived, not settled, (d) the end.
panels = [snapshots[0], closest(args.iters * 0.006), closest(args.iters * 0.08), snapshots[-1]]
fig, axes = plt.subplots(2, 4, figsize=(16, 4.8), gridspec_kw={"height_ratios": [3, 1]})
fig.subplots_adjust(left=0.03, right=0.99, top=0.84, bottom=0.02, wspace=0.12, hspace=0.18)
for i, snap in enumerate(panels):
    draw(axes[0, i], axes[1, i], snap, f"({'abcd'[i]}) step {snap['step']}")
fig.legend(handles=LEGEND, loc="upper center", ncol=4, fontsize=9, frameon=False)
fig.savefig(out / "figure1.png", dpi=100)
plt.close(fig)

# training.gif: every snapshot, the same drawing.
fig, (ax, ax_map) = plt.subplots(2, 1, figsize=(6, 4.4), gridspec_kw={"height_ratios": [3, 1]})
fig.subplots_adjust(left=0.07, right=0.98, top=0.83, bottom=0.02, hspace=0.2)
fig.legend(handles=LEGEND, loc="upper center", ncol=2, fontsize=7, frameon=False)


def frame(i):
    snap = snapshots[i]
    draw(ax, ax_map, snap, f"step {snap['step']} of {args.iters}")


movie = animation.FuncAnimation(fig, frame, frames=len(snapshots))
movie.save(out / "training.gif", writer=animation.PillowWriter(fps=6), dpi=70)
plt.close(fig)

# curves.png: what trainer.history recorded at every step, and the distances at the snapshots.
history = trainer.history
steps = np.array([r["step"] for r in history])


def plot_recorded(ax, key, colour, label):
    """One step's values are noisy: draw them faintly, and their moving average over 50 steps."""
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
# The dotted lines: the same distances between two data samples of M, the floor at this size.
floor_m = sample_real(M).numpy()[:, 0]
for key, colour, label, floor in (
    ("wasserstein_1", "C0", "1-Wasserstein", wasserstein_1d(floor_m, reference)),
    (
        "jensen_shannon",
        "C1",
        f"Jensen-Shannon ({JSD_BINS} bins)",
        jensen_shannon_histograms(floor_m, reference, bins=JSD_BINS, range=JSD_RANGE),
    ),
    ("mean_abs_d_minus_half", "C2", "mean |D(x) - 1/2| on the data", None),
):
    values = [max(s[key], 1e-6) for s in snapshots]  # a log scale cannot show an exact 0
    ax3.semilogy(snap_steps, values, "o-", color=colour, ms=3, label=label)
    if floor is not None:
        ax3.axhline(floor, color=colour, ls=":", lw=1)
ax3.set_xlabel("step")
ax3.set_ylabel(f"G at {M} points vs data")
ax3.legend(fontsize=8, title=f"dotted: two data samples of {M}", title_fontsize=8)
fig.tight_layout()
fig.savefig(out / "curves.png", dpi=100)
plt.close(fig)

# ---- Numbers ----------------------------------------------------------------------------------
# The final distances on fresh random samples, and the floor: the same distances between two
# independent data samples of the same size. Finite samples of one distribution differ by
# chance, so no generator scores much below that floor on these estimators.
N = 100_000
with tinygan.no_grad():
    fake = generator(sample_noise(N)).numpy()[:, 0]
real, real_again = sample_real(N).numpy()[:, 0], sample_real(N).numpy()[:, 0]


def distances(a, b):
    return {
        "wasserstein_1": wasserstein_1d(a, b),
        "jensen_shannon": jensen_shannon_histograms(a, b, bins=JSD_BINS, range=JSD_RANGE),
    }


final, start = snapshots[-1], snapshots[0]
metrics = {
    **distances(fake, real),
    "mean_abs_d_minus_half": final["mean_abs_d_minus_half"],
    "max_abs_d_minus_half": final["max_abs_d_minus_half"],
    "reference": distances(real_again, real),
    "start": {key: start[key] for key in ("wasserstein_1", "jensen_shannon")},
    "how": {
        "samples": f"{N} random samples each of G(z) and of p_data (the start: {M} points)",
        "jensen_shannon": f"nats, between histograms of {JSD_BINS} bins on "
        f"[{JSD_RANGE[0]}, {JSD_RANGE[1]}] plus one bin below and one above",
        "wasserstein_1": "exact, between the two empirical distributions",
        "mean_abs_d_minus_half": f"weighted by p_data on [{SUPPORT[0]:.3f}, {SUPPORT[1]:.3f}], "
        "the central 99 % of p_data",
        "max_abs_d_minus_half": "the largest on a grid of that interval",
    },
    "settings": {
        "seed": args.seed,
        "iters": args.iters,
        "device": args.device,
        "objective": config.objective,
        "lr_g": LR_G,
        "lr_d": LR_D,
        "lr_schedule": "linear to 0",
        "betas": list(config.betas),
        "batch_size": config.batch_size,
        "noise": "z ~ N(0, 1)",
        "data": f"N({MEAN}, {STD}^2)",
        "generator": "MLP 1-32-32-1, softplus",
        "discriminator": "standardize, MLP 1-64-64-1, LeakyReLU(0.2)",
    },
    "train_seconds": train_seconds,
    "wall_seconds": time.perf_counter() - started,
    "history": [
        {
            key: s[key]
            for key in ("step", "wasserstein_1", "jensen_shannon", "mean_abs_d_minus_half")
        }
        for s in snapshots
    ],
}
(out / "metrics.json").write_text(json.dumps(metrics, indent=2))

floor = metrics["reference"]
print(f"\nafter {args.iters} steps, on {N} samples each (data vs data in brackets):")
print(f"  1-Wasserstein   {metrics['wasserstein_1']:.4f}  ({floor['wasserstein_1']:.4f})")
print(f"  Jensen-Shannon  {metrics['jensen_shannon']:.4f}  ({floor['jensen_shannon']:.4f})")
print(
    f"  |D(x) - 1/2|    {metrics['mean_abs_d_minus_half']:.4f} on average over the data's "
    f"central 99 %, {metrics['max_abs_d_minus_half']:.4f} at worst"
)
print(f"trained in {train_seconds:.1f} s; {metrics['wall_seconds']:.1f} s with the pictures")
for name in ("figure1.png", "training.gif", "curves.png", "metrics.json"):
    print(f"wrote {out / name}")
