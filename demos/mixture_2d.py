"""A GAN learns a mixture of 2-D Gaussians: the ring of 8, or the grid of 25.

    python demos/mixture_2d.py                      # the ring, about a minute on a CPU
    python demos/mixture_2d.py --data grid
    python demos/mixture_2d.py --pack 1 --ema 0 --lr-g 2e-4 --lr-d 2e-4 --iters 4000
                                                    # the plain GAN: it collapses
    python demos/mixture_2d.py --info               # InfoGAN: one code per mode, no bridges
    python demos/mixture_2d.py --clusters 50 --lr-schedule linear
                                                    # self-conditioned: the best of them all

The defaults are the remedies that work here: PacGAN's packing (D judges 2 samples at once,
so a generator that puts both on one mode gives itself away), and a moving average of the
generator's weights (the average of a generator that jitters around the modes is sharper than
the generator at any one step).

G is a continuous function of one Gaussian z, so it cannot put all its mass on separate modes:
it must stretch across the gaps, and what lands there ("bridges") is low quality. --info gives
G a categorical code beside z, with one value per mode (InfoGAN, Chen et al. 2016: D must also
guess the code from the sample, so G makes each code's samples unlike the others'). The jumps
between modes then happen between codes, and z only has to cover one mode. That uses the number
of modes, which the other settings do not know, and G must still find which code goes where: now
and then two codes settle on one mode and one code straddles two.

--clusters K removes that search (the self-conditioned GAN, Liu et al. 2020): k-means splits a
large data sample into K clusters before training, and G and D are both told a sample's cluster,
as in a conditional GAN. Each cluster lies inside one mode once K is at least the number of
modes (50 serves both benchmarks), and the clusters are asked for as often as they occur in the
data, so the mass per mode comes out right. (The paper clusters D's features, and again during
training, because pixels are poor features; in 2-D the coordinates themselves will do.)

These are the benchmarks of the mode-collapse tables (VEEGAN, Srivastava et al. 2017; PacGAN,
Lin et al. 2018): a generator that covers only some of the modes is easy to see and to count.
The script trains with tinygan's GAN loop, then writes into --out:

  samples.png   generated samples at several points of training
  final.png     the discriminator's D(x) as a heatmap, real (black) and generated (orange)
                samples, and arrows of the generator's gradient: where its samples are pushed
  curves.png    both losses, and D(x) on real and generated samples, over training
  training.gif  final.png's picture over training
  metrics.json  modes captured, high-quality fraction and KL over modes, on 2,500 samples,
                beside the same numbers for 2,500 samples of the data itself
"""

import argparse
import json
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.animation import FuncAnimation, PillowWriter  # noqa: E402

import tinygan  # noqa: E402
from tinygan import gan, nn, plots  # noqa: E402
from tinygan.data import toy  # noqa: E402
from tinygan.data.kmeans import kmeans  # noqa: E402
from tinygan.metrics.mixtures import mode_coverage  # noqa: E402

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument("--data", default="ring", choices=["ring", "grid"])
parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--iters", type=int, default=12000, help="generator steps")
parser.add_argument("--out", default=None, help="output folder (default runs/<data>)")
parser.add_argument("--objective", default="non_saturating", choices=sorted(gan.OBJECTIVES))
parser.add_argument("--batch-size", type=int, default=512)
parser.add_argument("--lr-g", type=float, default=5e-4)
parser.add_argument("--lr-d", type=float, default=5e-4)
parser.add_argument("--d-steps", type=int, default=1)
parser.add_argument(
    "--pack", type=int, default=None, help="PacGAN: samples D judges together (2; --info: 1)"
)
parser.add_argument("--r1", type=float, default=0.0, help="R1 penalty weight (gamma)")
parser.add_argument("--gp", type=float, default=0.0, help="WGAN-GP penalty weight (lambda)")
parser.add_argument("--clip", type=float, default=0.0, help="WGAN: clip D's weights to +-this")
parser.add_argument("--ema", type=float, default=0.999, help="moving average of G's weights")
parser.add_argument("--lr-schedule", default="constant", choices=gan.LR_SCHEDULES)
parser.add_argument("--width", type=int, default=128, help="hidden units per layer")
parser.add_argument("--info", action="store_true", help="InfoGAN: a code with one value per mode")
parser.add_argument("--info-weight", type=float, default=1.0, help="InfoGAN's lambda")
parser.add_argument(
    "--clusters", type=int, default=0, help="self-conditioned GAN: k-means clusters (0: off)"
)
parser.add_argument("--frames", type=int, default=24, help="snapshots for the GIF")
args = parser.parse_args()
if args.info and args.clusters:
    parser.error("choose one of --info and --clusters")
if args.pack is None:
    args.pack = 1 if args.info or args.clusters else 2
if (args.info or args.clusters) and args.pack != 1:
    parser.error("--info and --clusters judge one sample at a time: use them without --pack")
out = Path(args.out or f"runs/{args.data}")
out.mkdir(parents=True, exist_ok=True)
tinygan.manual_seed(args.seed)
device = args.device

# ---- the data: a mixture with known modes ---------------------------------------------------
data = toy.ring() if args.data == "ring" else toy.grid()
extent = 1.5 if args.data == "ring" else 5.5  # the square the pictures show


if args.clusters:  # self-conditioned GAN: k-means finds the clusters of a large data sample
    centroids, _ = kmeans(data.sample(10_000).numpy(), args.clusters, seed=args.seed)
    centroids = tinygan.tensor(centroids, dtype=tinygan.float32, device=device)


def cluster_of(x):
    """The label of each point: the index of its nearest centroid."""
    return ((x.unsqueeze(1) - centroids) ** 2).sum(2).argmin(1)


def sample_real(n):
    x = data.sample(n, device=device)
    return (x, cluster_of(x)) if args.clusters else x


# G's second input: InfoGAN's code (one value per mode) or the cluster label; none by default.
LABELS = data.num_modes if args.info else args.clusters


def sample_noise(n):
    z = tinygan.randn(n, 2, device=device)
    if args.info:  # (z, code), the code uniform over its values
        return z, tinygan.randint(0, LABELS, (n,), device=device)
    if args.clusters:  # (z, label): the labels of a fresh real batch, so each cluster is
        return z, sample_real(n)[1]  # asked for as often as it occurs in the data
    return z


# ---- the players: two small MLPs ------------------------------------------------------------
def mlp(inputs, outputs):
    w = args.width
    return nn.Sequential(
        nn.Linear(inputs, w),
        nn.ReLU(),
        nn.Linear(w, w),
        nn.ReLU(),
        nn.Linear(w, w),
        nn.ReLU(),
        nn.Linear(w, outputs),
    ).to(device)


def one_hot(labels):
    return (labels.reshape(-1, 1) == tinygan.arange(LABELS, device=device)).float()


class Labelled(nn.Module):
    """An MLP fed its input beside a label, one-hot: G(z, code or cluster) or D(x, cluster)."""

    def __init__(self, inputs, outputs):
        super().__init__()
        self.body = mlp(inputs + LABELS, outputs)

    def forward(self, x, label):
        return self.body(tinygan.cat([x, one_hot(label)], dim=1))


if args.info:  # D's outputs: the real/fake logit, then one logit per code value (its guess)
    generator, discriminator = Labelled(2, 2), mlp(2, 1 + LABELS)
elif args.clusters:  # a conditional GAN: both players are told the cluster
    generator, discriminator = Labelled(2, 2), Labelled(2, 1)
else:
    generator, discriminator = mlp(2, 2), mlp(2 * args.pack, 1)  # D sees `pack` samples at once
config = gan.TrainingConfig(
    objective=args.objective,
    batch_size=args.batch_size,
    d_steps=args.d_steps,
    lr_g=args.lr_g,
    lr_d=args.lr_d,
    pack=args.pack,
    r1=args.r1,
    gradient_penalty=args.gp,
    weight_clip=args.clip,
    ema_decay=args.ema,
    lr_schedule=args.lr_schedule,
    info_weight=args.info_weight if args.info else 0.0,
)
trainer = gan.GANTrainer(generator, discriminator, sample_real, sample_noise, config)


# ---- what a snapshot shows ------------------------------------------------------------------
# The same z (and codes or labels) at every snapshot, as a tuple of G's arguments.
fixed_noise = sample_noise(2500) if LABELS else (sample_noise(2500),)
side = np.linspace(-extent, extent, 80)
grid_points = np.stack(np.meshgrid(side, side), -1).reshape(-1, 2)


def judge(points, labels):
    """D's real/fake logits (InfoGAN's D: without the guesses of the code)."""
    logits = discriminator(points, labels) if args.clusters else discriminator(points)
    return logits[:, :1]


def discriminator_map():
    """D(x) on a grid (for PacGAN, D judging `pack` copies of the same point; for the
    self-conditioned GAN, each point judged as a member of its nearest cluster)."""
    points = tinygan.tensor(np.tile(grid_points, args.pack), dtype=tinygan.float32, device=device)
    with tinygan.no_grad():
        logits = judge(points, cluster_of(points) if args.clusters else None)
    values = trainer.objective.discriminator_output(logits)  # a probability, or a critic's score
    return values.numpy().reshape(len(side), len(side))


def generator_arrows(count=120):
    """-d(generator loss)/d(sample) at a few generated samples: the direction D pushes them."""
    arguments = [part[:count] for part in fixed_noise]
    samples = generator(*arguments).detach().requires_grad_()
    labels = arguments[1] if args.clusters else None
    loss = trainer.objective.generator_loss(judge(gan.pack(samples, args.pack), labels))
    (push,) = tinygan.grad(loss, samples)
    return samples.numpy(), -push.numpy()


def snapshot():
    model = trainer.ema if trainer.ema is not None else generator
    with tinygan.no_grad():
        samples = model(*fixed_noise).numpy()
    points, arrows = generator_arrows()
    return {
        "step": trainer.step,
        "samples": samples,
        "map": discriminator_map(),
        "arrow_points": points,
        "arrows": arrows,
    }


# ---- training, with snapshots along the way --------------------------------------------------
started = time.perf_counter()
snapshots = [snapshot()]
every = max(1, args.iters // args.frames)


def take_snapshot(trainer):
    if trainer.step % every == 0 or trainer.step == args.iters:
        snapshots.append(snapshot())


trainer.fit(args.iters, out=out, callback=take_snapshot)
seconds = time.perf_counter() - started

# ---- the numbers ----------------------------------------------------------------------------
final = snapshots[-1]["samples"]
ours = mode_coverage(final, data.centres, data.std)
reference = mode_coverage(data.sample(2500).numpy(), data.centres, data.std)
metrics = {
    "data": args.data,
    "modes": ours["modes"],
    "num_modes": data.num_modes,
    "high_quality": ours["high_quality"],
    "kl": ours["kl"],
    "counts": ours["counts"],
    "reference": {k: reference[k] for k in ("modes", "high_quality", "kl")},
    "seconds": seconds,
    "steps": trainer.step,
    "settings": vars(args),
}
(out / "metrics.json").write_text(json.dumps(metrics, indent=2))


# ---- the pictures ---------------------------------------------------------------------------
def draw(axis, shot):
    axis.imshow(
        shot["map"],
        extent=(-extent, extent, -extent, extent),
        origin="lower",
        cmap="Blues",
        vmin=0 if shot["map"].min() >= 0 else None,
        alpha=0.8,
    )
    real = data.sample(500).numpy()
    axis.scatter(real[:, 0], real[:, 1], s=2, c="black", label="real")
    axis.scatter(
        shot["samples"][:500, 0], shot["samples"][:500, 1], s=2, c="tab:orange", label="generated"
    )
    scale = np.abs(shot["arrows"]).max() or 1.0
    axis.quiver(
        shot["arrow_points"][:, 0],
        shot["arrow_points"][:, 1],
        shot["arrows"][:, 0] / scale,
        shot["arrows"][:, 1] / scale,
        color="tab:red",
        width=0.003,
        scale=12,
    )
    axis.set(
        xlim=(-extent, extent), ylim=(-extent, extent), aspect="equal", title=f"step {shot['step']}"
    )
    axis.set_xticks([]), axis.set_yticks([])


figure, axis = plt.subplots(figsize=(6, 6))
draw(axis, snapshots[-1])
axis.legend(loc="upper right", markerscale=4)
axis.set_title(
    f"{args.data}: {ours['modes']}/{data.num_modes} modes, "
    f"{100 * ours['high_quality']:.1f} % high quality, KL {ours['kl']:.3f}"
)
figure.savefig(out / "final.png", dpi=100, bbox_inches="tight")
plt.close(figure)

shown = [snapshots[i] for i in np.linspace(0, len(snapshots) - 1, 6).astype(int)]
figure, axes = plt.subplots(1, len(shown), figsize=(3 * len(shown), 3))
for axis, shot in zip(axes, shown):
    axis.scatter(shot["samples"][:, 0], shot["samples"][:, 1], s=1, c="tab:orange")
    axis.scatter(data.centres[:, 0], data.centres[:, 1], s=12, c="black", marker="x")
    axis.set(
        xlim=(-extent, extent), ylim=(-extent, extent), aspect="equal", title=f"step {shot['step']}"
    )
    axis.set_xticks([]), axis.set_yticks([])
figure.savefig(out / "samples.png", dpi=90, bbox_inches="tight")
plt.close(figure)

plots.save_training_curves(trainer.history, out / "curves.png")

figure, axis = plt.subplots(figsize=(4, 4))
animation = FuncAnimation(
    figure, lambda i: (axis.clear(), draw(axis, snapshots[i])), frames=len(snapshots)
)
animation.save(out / "training.gif", writer=PillowWriter(fps=4), dpi=60)
plt.close(figure)

print(
    f"{args.data}: {ours['modes']}/{data.num_modes} modes, {100 * ours['high_quality']:.1f} % "
    f"high-quality samples, KL {ours['kl']:.3f} (the data itself: "
    f"{100 * reference['high_quality']:.1f} %, KL {reference['kl']:.3f}); {seconds:.0f} s"
)
print(f"pictures and metrics.json in {out}/")
