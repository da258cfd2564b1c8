"""GANs on MNIST digits: DCGAN (Radford et al. 2016), the fully connected GAN of the original
paper (Goodfellow et al. 2014), a conditional DCGAN that draws the digit it is asked for
(Mirza and Osindero 2014), or InfoGAN (Chen et al. 2016): a DCGAN whose G also takes a code
of 10 values that D must guess, so that G learns 10 kinds of image without seeing a label, or a
self-conditioned DCGAN (Liu et al. 2020): k-means splits the training digits into --clusters
groups by their pixels, and the conditional DCGAN is trained on those groups instead of labels.
Each is scored by the evaluator's numbers beside those of real digits.

    python demos/mnist_gan.py --data-dir ../shared/data/mnist-10k               # DCGAN
    python demos/mnist_gan.py --data-dir ../shared/data/mnist-10k --model mlp   # the paper's MLPs
    python demos/mnist_gan.py --data-dir ../shared/data/mnist-10k --model cgan  # conditional
    python demos/mnist_gan.py --data-dir ../shared/data/mnist-10k --model infogan
    python demos/mnist_gan.py --data-dir ../shared/data/mnist-10k --model selfcond
    python demos/mnist_gan.py ... --iters 8000      # run longer: it resumes from its checkpoint
    python demos/mnist_gan.py ... --spectral-norm   # D spectrally normalized, without batch norm
    python demos/mnist_gan.py ... --lr-g 1e-4 --lr-d 4e-4   # TTUR: D learns faster than G
    python demos/mnist_gan.py ... --augment-shift 2   # DiffAugment: D sees every image shifted
    python demos/mnist_gan.py ... --r1 1   # R1: D's gradient at real digits penalized
    python demos/mnist_gan.py ... --lr-schedule linear   # both rates fall to 0 at --iters
    python demos/mnist_gan.py ... --model selfcond --spectral-norm --lr-d 4e-4 --clusters 100
        # with --iters 24000: meets the score and Parzen targets together (4 seeds of 4)

Trained on the first 8,000 digits of the folder; the last 2,000 are held out for the metrics.
Written into --out (default runs/mnist-<model>):
  samples_over_training.png  the grid of 64 fixed noise vectors at several steps (cgan: 80, one
                             row per digit; infogan: 80, one row per code;
                             selfcond: 80, one row for each of the first 10 clusters)
  final.png                  that grid at the end
  training.gif               the grid at every snapshot
  interpolation.png          G along straight lines between pairs of noise vectors
  curves.png                 losses, D(x) and D(G(z)) over training
  checkpoint.npz             models, optimizers, step and random state: run again to resume
  generated.npz              the 10,000 digits the metrics were computed on, as 8-bit pixels
  metrics.json               classifier score, Fréchet distance, digits covered, Parzen
                             log-likelihood (cgan: also the fraction classified as the digit
                             asked for; infogan: the digit each code became, and the fraction
                             of images read as it; selfcond: the same for each cluster):
                             each for 10,000 generated and real digits; and how often D
                             calls training digits real against held-out ones
"""

import argparse
import json
import time
from pathlib import Path

import numpy as np

import tinygan
from tinygan import gan, nn, plots
from tinygan.data import load_mnist, scale
from tinygan.data.kmeans import kmeans, nearest_centroid
from tinygan.metrics import code_purity, load_classifier, mnist_report

parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
parser.add_argument(
    "--model", default="dcgan", choices=["dcgan", "mlp", "cgan", "infogan", "selfcond"]
)
parser.add_argument("--data-dir", default=None, help="folder with the MNIST IDX files")
parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
parser.add_argument("--seed", type=int, default=0)
parser.add_argument("--iters", type=int, default=3000, help="generator steps in all")
parser.add_argument("--out", default=None, help="output folder (default runs/mnist-<model>)")
parser.add_argument("--snapshot-every", type=int, default=100, help="steps between grids")
parser.add_argument("--checkpoint-every", type=int, default=500)
parser.add_argument("--eval-samples", type=int, default=10_000, help="generated for metrics")
parser.add_argument("--ema", type=float, default=0.999, help="moving average of G; 0: off")
parser.add_argument("--lr-g", type=float, default=2e-4, help="G's Adam learning rate")
parser.add_argument("--lr-d", type=float, default=2e-4, help="D's (TTUR: higher than G's)")
parser.add_argument(
    "--width", type=int, default=64, help="dcgan/cgan: channels of G's last and D's first layer"
)
parser.add_argument(
    "--spectral-norm",
    action="store_true",
    help="dcgan/cgan: D's layers spectrally normalized, and no batch norm in D (SNGAN)",
)
parser.add_argument(
    "--info-weight", type=float, default=1.0, help="infogan: lambda of the code's loss"
)
parser.add_argument(
    "--augment-shift", type=int, default=0, help="DiffAugment: D sees images shifted up to N px"
)
parser.add_argument(
    "--augment-cutout", type=int, default=0, help="DiffAugment: and an N x N square cut out"
)
parser.add_argument(
    "--lr-schedule",
    default="constant",
    choices=gan.LR_SCHEDULES,
    help="linear/cosine: both rates fall to 0 at --iters (resuming to more steps lifts them again)",
)
parser.add_argument(
    "--r1", type=float, default=0.0, help="R1 penalty's gamma on real digits; 0: off"
)
parser.add_argument("--clusters", type=int, default=50, help="selfcond: k-means clusters")
parser.add_argument(
    "--held-out", type=int, default=2000, help="the last N digits: never trained on"
)
args = parser.parse_args()
out = Path(args.out or f"runs/mnist-{args.model}")
out.mkdir(parents=True, exist_ok=True)
tinygan.manual_seed(args.seed)
device = args.device

# ---- the data: all but the last 2,000 digits to learn from -----------------------------------
images, labels = load_mnist(args.data_dir)
digits = scale(images)[:, None]  # (N, 1, 28, 28) in [-1, 1], the range of G's tanh
if len(digits) <= 2 * args.held_out:
    raise SystemExit(
        f"{len(digits)} digits are too few to hold out {args.held_out}; lower --held-out"
    )
train, held_out = digits[: -args.held_out], digits[-args.held_out :]
train_labels = labels[: -args.held_out].astype(np.int64)
LATENT = 100
CONDITIONAL = args.model in ("cgan", "selfcond")  # D is told each image's label
INFO = args.model == "infogan"
SELF_CONDITIONED = args.model == "selfcond"
CODED = CONDITIONAL or INFO  # G takes a category beside z: a label, or InfoGAN's code
# The self-conditioned GAN's labels are clusters of the pixels: no digit label is used. k-means
# is seeded, so a resumed run finds the same clusters (checked at one and two BLAS threads).
if SELF_CONDITIONED:
    centroids, train_labels = kmeans(train.reshape(len(train), -1), args.clusters, seed=args.seed)
    # How well the pixels' clusters match the digits: training never reads the labels; only
    # this line and the evaluation do
    cluster_purity = code_purity(np.eye(10)[labels[: -args.held_out]], train_labels)[0]
    print(f"k-means: {args.clusters} clusters; {cluster_purity:.1%} of the training digits carry")
    print("         the most common label of their cluster")
CATEGORIES = args.clusters if SELF_CONDITIONED else 10
train_on_device = tinygan.tensor(train, device=device)  # moved once; batches are drawn there
labels_on_device = tinygan.tensor(train_labels, device=device)


def sample_real(n):
    chosen = tinygan.randint(0, len(train), (n,), device=device)
    if CONDITIONAL:
        return train_on_device[chosen], labels_on_device[chosen]  # D sees each image's label
    return train_on_device[chosen]


def sample_noise(n):
    z = tinygan.randn(n, LATENT, device=device)
    if SELF_CONDITIONED:  # the clusters of random training digits: each cluster is
        return z, sample_real(n)[1]  # asked for as often as it occurs
    if CODED:  # the digits G is asked for (cgan), or the code it must make visible (infogan)
        return z, tinygan.randint(0, 10, (n,), device=device)
    return z


# ---- the players --------------------------------------------------------------------------------
WIDTH = args.width  # 64: the benchmark's DCGAN


def dcgan_generator(inputs=LATENT):
    """The DCGAN paper's guidelines at MNIST's size: strided transposed convolutions instead of
    upsampling, batch norm, ReLU, a tanh output."""
    return nn.Sequential(
        nn.Linear(inputs, 2 * WIDTH * 7 * 7),
        nn.Unflatten(1, (2 * WIDTH, 7, 7)),
        nn.BatchNorm2d(2 * WIDTH),
        nn.ReLU(),
        nn.ConvTranspose2d(2 * WIDTH, WIDTH, 4, stride=2, padding=1),  # 7x7 -> 14x14
        nn.BatchNorm2d(WIDTH),
        nn.ReLU(),
        nn.ConvTranspose2d(WIDTH, 1, 4, stride=2, padding=1),  # 14x14 -> 28x28
        nn.Tanh(),
    )


def dcgan_discriminator(outputs=1):
    """Strided convolutions instead of pooling, batch norm, LeakyReLU(0.2). With
    --spectral-norm, each layer's weight is divided by its largest singular value instead, so D
    is 1-Lipschitz layer by layer and needs no batch norm (Miyato et al. 2018)."""
    if args.spectral_norm:
        sn = nn.utils.spectral_norm
        return nn.Sequential(
            sn(nn.Conv2d(1, WIDTH, 4, stride=2, padding=1)),
            nn.LeakyReLU(0.2),
            sn(nn.Conv2d(WIDTH, 2 * WIDTH, 4, stride=2, padding=1)),
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            sn(nn.Linear(2 * WIDTH * 7 * 7, outputs)),
        )
    return nn.Sequential(
        nn.Conv2d(1, WIDTH, 4, stride=2, padding=1),  # 28x28 -> 14x14
        nn.LeakyReLU(0.2),
        nn.Conv2d(WIDTH, 2 * WIDTH, 4, stride=2, padding=1),  # 14x14 -> 7x7
        nn.BatchNorm2d(2 * WIDTH),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(2 * WIDTH * 7 * 7, outputs),
    )


def mlp():
    """Fully connected players on flattened digits, as in the original paper's MNIST model."""
    generator = nn.Sequential(
        nn.Linear(LATENT, 256),
        nn.LeakyReLU(0.2),
        nn.Linear(256, 512),
        nn.LeakyReLU(0.2),
        nn.Linear(512, 1024),
        nn.LeakyReLU(0.2),
        nn.Linear(1024, 784),
        nn.Tanh(),
        nn.Unflatten(1, (1, 28, 28)),
    )
    discriminator = nn.Sequential(
        nn.Flatten(),
        nn.Linear(784, 512),
        nn.LeakyReLU(0.2),
        nn.Linear(512, 256),
        nn.LeakyReLU(0.2),
        nn.Linear(256, 1),
    )
    return generator, discriminator


class ConditionalGenerator(nn.Module):
    """G(z, y): the DCGAN generator fed z beside a learned 10-dimensional vector for the
    category y (the digit asked for, a cluster, or InfoGAN's code)."""

    def __init__(self):
        super().__init__()
        self.code = nn.Embedding(CATEGORIES, 10)
        self.body = dcgan_generator(inputs=LATENT + 10)

    def forward(self, z, digit):
        return self.body(tinygan.cat([z, self.code(digit)], dim=1))


class ProjectionDiscriminator(nn.Module):
    """D(x, y) = w . phi(x) + e_y . phi(x) (Miyato and Koyama 2018): the DCGAN discriminator's
    features phi(x), scored once for "real digit?" and once against the embedding of label y,
    so an image that looks like a different digit than y is judged fake."""

    def __init__(self):
        super().__init__()
        body = dcgan_discriminator()
        self.features = body[:-1]  # everything before the last Linear
        self.score = body[-1]
        self.label_direction = nn.Embedding(CATEGORIES, 2 * WIDTH * 7 * 7)
        nn.init.normal_(self.label_direction.weight, 0.0, 0.02)  # small, like the other weights

    def forward(self, x, digit):
        phi = self.features(x)
        return self.score(phi) + (self.label_direction(digit) * phi).sum(dim=1, keepdim=True)


if CONDITIONAL:
    generator, discriminator = ConditionalGenerator(), ProjectionDiscriminator()
elif INFO:  # D's 11 outputs: the real/fake logit, then its guess of the code (InfoGAN's Q)
    generator, discriminator = ConditionalGenerator(), dcgan_discriminator(outputs=1 + 10)
else:
    generator, discriminator = (
        (dcgan_generator(), dcgan_discriminator()) if args.model == "dcgan" else mlp()
    )
for model in (generator, discriminator):
    model.apply(nn.init.dcgan_)  # weights N(0, 0.02), batch-norm scales N(1, 0.02)
    model.to(device)
# Adam 2e-4, beta1 0.5 (the DCGAN paper's settings), the non-saturating loss, batch 64.
# --lr-d above --lr-g is the two time-scale update rule (TTUR, Heusel et al. 2017).
# With --ema, the pictures and numbers come from a moving average of G's weights, which smooths
# out the jitter of the last steps (Yazici et al. 2019); --ema 0 shows G itself.
config = gan.TrainingConfig(
    batch_size=64,
    lr_g=args.lr_g,
    lr_d=args.lr_d,
    betas=(0.5, 0.999),
    lr_schedule=args.lr_schedule,
    ema_decay=args.ema,
    info_weight=args.info_weight if INFO else 0.0,
    r1=args.r1,  # R1 (Mescheder et al. 2018): D flat at the training digits, less to memorize
    # DiffAugment (Zhao et al. 2020): against a D that learns the 8,000 digits by heart
    augment=gan.DiffAugment(args.augment_shift, args.augment_cutout, fill=-1.0)
    if args.augment_shift or args.augment_cutout
    else None,
)
trainer = gan.GANTrainer(generator, discriminator, sample_real, sample_noise, config)

checkpoint = out / "checkpoint.npz"
grids_file = out / "grids.npz"  # the fixed-noise grids so far, so the GIF survives a resume
grids = []
if checkpoint.exists():
    trainer.load_checkpoint(checkpoint)
    saved = tinygan.load(grids_file) if grids_file.exists() else {}
    grids = [(int(step), saved[step].numpy() / 127.5 - 1) for step in sorted(saved, key=int)]
    grids = [(step, g) for step, g in grids if step <= trainer.step]
    print(f"resuming {checkpoint} from step {trainer.step}")

# The fixed noise comes from its own generator, so it is the same after a resume. For the
# conditional GAN: 10 rows of 8, row d asking for digit d.
shown = 80 if CODED else 64
fixed_noise = tinygan.tensor(
    np.random.default_rng(args.seed).standard_normal((shown, LATENT)),
    tinygan.float32,
    device=device,
)
fixed_digits = tinygan.tensor(np.repeat(np.arange(10) % CATEGORIES, 8), device=device)


def generate(noise, digits=None):
    model = trainer.ema if trainer.ema is not None else generator
    model.eval()  # batch norm with its running statistics, as at evaluation time
    with tinygan.no_grad():
        images = model(noise, digits) if CODED else model(noise)
    generator.train()  # (the average stays in eval mode)
    return images


def take_snapshot(trainer):
    if trainer.step % args.snapshot_every and trainer.step != args.iters:
        return
    grids.append((trainer.step, generate(fixed_noise, fixed_digits).numpy()))
    as_bytes = {
        str(step): tinygan.tensor(np.round((g + 1) * 127.5).astype(np.uint8)) for step, g in grids
    }
    tinygan.save(as_bytes, grids_file)  # as 8-bit pixels: a quarter of the size


# ---- training ---------------------------------------------------------------------------------
started = time.perf_counter()
if not grids:
    grids.append((trainer.step, generate(fixed_noise, fixed_digits).numpy()))
stopped = trainer.fit(
    args.iters, out=out, checkpoint_every=args.checkpoint_every, callback=take_snapshot
)
seconds = time.perf_counter() - started
if stopped != "done":
    raise SystemExit(f"training {stopped}; run the same command again to resume")

# ---- pictures -----------------------------------------------------------------------------------
rows = 10 if CODED else 8
plots.save_grids_over_training(grids, out / "samples_over_training.png", rows=rows)
plots.save_image_grid(grids[-1][1], out / "final.png", rows=rows, title=f"step {trainer.step}")
plots.save_gif(grids, out / "training.gif", rows=rows)
plots.save_training_curves(trainer.history, out / "curves.png", every=max(1, trainer.step // 2000))
ends = tinygan.tensor(
    np.random.default_rng(args.seed + 1).standard_normal((2, 8, LATENT)), tinygan.float32
)
weights = np.linspace(0, 1, 10)[None, :, None]  # 8 rows of 10 steps from one z to another
line = (1 - weights) * ends.numpy()[0][:, None] + weights * ends.numpy()[1][:, None]
line = tinygan.tensor(line.reshape(-1, LATENT), tinygan.float32, device=device)
line_digits = tinygan.tensor(np.repeat(np.arange(8) % CATEGORIES, 10), device=device)  # row r: r
plots.save_image_grid(generate(line, line_digits), out / "interpolation.png", rows=8)

# ---- numbers ------------------------------------------------------------------------------------
evaluation_started = time.perf_counter()
asked = np.arange(args.eval_samples) % 10  # cgan, infogan: each digit (code) equally often
if SELF_CONDITIONED:  # each cluster as often as in the training digits
    asked = train_labels[np.random.default_rng(args.seed).integers(0, len(train), len(asked))]
generated = np.concatenate(
    [
        generate(
            tinygan.randn(len(chunk), LATENT, device=device), tinygan.tensor(chunk, device=device)
        ).numpy()
        for chunk in np.array_split(asked, -(-args.eval_samples // 500))
    ]
)
as_bytes = np.round((generated + 1) * 127.5).astype(np.uint8)  # for demos/parzen_real_digits.py
tinygan.save(
    {"images": tinygan.tensor(as_bytes), "asked": tinygan.tensor(asked)}, out / "generated.npz"
)
report = mnist_report(
    generated,
    train,
    held_out,
    load_classifier(device),
    asked=asked if args.model == "cgan" else None,
    held_out_labels=labels[-args.held_out :],
    codes=asked if INFO or SELF_CONDITIONED else None,  # the digit each code (cluster) became
)
# D's memory (Karras et al. 2020): with few training digits D learns them by heart, and calls
# the training digits real far more often than held-out digits of the same kind.
# What a conditional D is told of each held-out digit: its label, or (selfcond) its cluster,
# the one with the nearest centre.
if SELF_CONDITIONED:
    held_out_categories = nearest_centroid(held_out.reshape(len(held_out), -1), centroids)
else:
    held_out_categories = labels[-args.held_out :].astype(np.int64)


def fraction_called_real(images, categories):
    batch = min(config.batch_size, len(images))  # whole batches, as batch norm saw in training
    calls = []
    for start in range(0, len(images) - batch + 1, batch):
        chunk = tinygan.tensor(images[start : start + batch], device=device)
        if CONDITIONAL:
            chunk = (chunk, tinygan.tensor(categories[start : start + batch], device=device))
        calls.append(trainer.judge(chunk).numpy() > 0)
    return float(np.concatenate(calls).mean())


report["d_calls_real"] = {
    "training_digits": fraction_called_real(train[: args.held_out], train_labels),
    "held_out_digits": fraction_called_real(held_out, held_out_categories),
}
metrics = {
    "model": args.model,
    "steps": trainer.step,
    "train_seconds_this_run": seconds,
    "seconds_per_step": float(np.median([1 / r["steps_per_second"] for r in trainer.history])),
    "eval_samples": len(generated),
    **({"cluster_label_purity": cluster_purity} if SELF_CONDITIONED else {}),
    **report,
    "settings": vars(args),
}
(out / "metrics.json").write_text(json.dumps(metrics, indent=2))
print(f"metrics on {len(generated)} generated digits (real held-out digits in brackets):")
for name, values in report.items():
    if name in ("class_counts", "code_digits", "d_calls_real"):
        continue
    fake, real = values["generated"], values["real"]
    if isinstance(fake, dict):  # the Parzen window: mean ± standard error
        fake = f"{fake['mean']:.0f} ± {fake['standard_error']:.0f} (sigma {fake['sigma']:.3f})"
        real = f"{real['mean']:.0f} ± {real['standard_error']:.0f}"
    elif isinstance(fake, float):
        fake, real = f"{fake:.3f}", f"{real:.3f}"
    print(f"  {name:24s} {fake}  [{real}]")
if INFO or SELF_CONDITIONED:
    became = report["code_digits"]["generated"]
    print(f"  {'codes' if INFO else 'clusters'} 0-{CATEGORIES - 1} became the digits {became}")
called_real = report["d_calls_real"]
print(
    f"  D calls {called_real['training_digits']:.0%} of training digits real and "
    f"{called_real['held_out_digits']:.0%} of held-out ones (the gap: how much D memorized)"
)
print(f"({time.perf_counter() - evaluation_started:.0f} s); pictures and metrics.json in {out}/")
