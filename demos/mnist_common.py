"""What the MNIST GAN demos share: the data and its split, the DCGAN players and their
initialization, the training run with its snapshots and checkpoint, and the evaluation (pictures,
generated.npz, metrics.json). Each demo (mnist_dcgan.py, mnist_mlp.py, mnist_cgan.py,
mnist_infogan.py, mnist_selfcond.py) builds its players and calls these in order.

Written into a run's out folder:
  samples_over_training.png  the grid of 64 fixed noise vectors at several steps (a conditioned
                             G: 80, one row per digit, code or cluster)
  final.png                  that grid at the end
  training.gif               the grid at every snapshot
  interpolation.png          G along straight lines between pairs of noise vectors
  curves.png                 losses, D(x) and D(G(z)) over training
  checkpoint.npz             models, optimizers, step and random state: run again to resume
  generated.npz              the digits the metrics were computed on, as 8-bit pixels
  metrics.json               classifier score, Fréchet distance, digits covered, Parzen
                             log-likelihood, each for the generated and for real digits; how
                             often D calls training digits real against held-out ones
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import tinygan
from tinygan import gan, nn, plots
from tinygan.data import load_mnist, scale
from tinygan.metrics import load_classifier, mnist_report

LATENT = 100  # the length of z

# Every setting a demo's main() takes, with its default; a demo adds its own (SETTINGS | ...).
SETTINGS = {
    "data_dir": None,  # folder with the MNIST IDX files (None: tinygan.data's default)
    "device": "cpu",
    "seed": 0,
    "iters": 3000,  # generator steps in all
    "out": None,  # output folder (None: runs/mnist-<model>)
    "snapshot_every": 100,  # steps between grids
    "checkpoint_every": 500,
    "eval_samples": 10_000,  # digits generated for the metrics
    "ema": 0.999,  # moving average of G; 0: off
    "lr_g": 2e-4,  # G's Adam learning rate
    "lr_d": 2e-4,  # D's (TTUR: higher than G's)
    "augment_shift": 0,  # DiffAugment: D sees images shifted up to N px
    "augment_cutout": 0,  # DiffAugment: and an N x N square cut out
    "lr_schedule": "constant",  # linear/cosine: both rates fall to 0 at iters
    "r1": 0.0,  # R1 penalty's gamma on real digits; 0: off
    "held_out": 2000,  # the last N digits: never trained on
}
DCGAN_SETTINGS = {
    "width": 64,  # channels of G's last and D's first layer (64: the benchmark's DCGAN)
    "spectral_norm": False,  # D's layers spectrally normalized, and no batch norm in D
}


def settings(model: str, given: dict, defaults: dict) -> dict:
    """The defaults updated with the settings given to main(); an unknown one is refused."""
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise TypeError(
            f"mnist_{model}.main: unknown settings {unknown}; known: {sorted(defaults)}"
        )
    chosen = defaults | given
    return chosen | {"model": model, "out": str(chosen["out"] or f"runs/mnist-{model}")}


def start(model: str, given: dict, defaults: dict) -> tuple[dict, Digits]:
    """A run's settings (see settings()), its seed set, and its digits."""
    s = settings(model, given, defaults)
    tinygan.manual_seed(s["seed"])
    return s, load_digits(s["data_dir"], s["held_out"])


def command_line(description: str, *extra: tuple[str, dict]) -> dict:
    """The flags every demo has, and the demo's own (name, argparse options): main's settings."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--data-dir", default=None, help="folder with the MNIST IDX files")
    parser.add_argument("--iters", type=int, default=SETTINGS["iters"], help="generator steps")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=None, help="output folder (default runs/mnist-<model>)")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    for flag, options in extra:
        parser.add_argument(flag, **options)
    return vars(parser.parse_args())


# ---- the data: all but the last held_out digits to learn from ---------------------------------
@dataclass
class Digits:
    train: np.ndarray  # (N, 1, 28, 28) in [-1, 1], the range of G's tanh
    held_out: np.ndarray
    train_labels: np.ndarray  # int64; read only by the conditional GAN and the evaluation
    held_out_labels: np.ndarray


def load_digits(data_dir, held_out: int) -> Digits:
    images, labels = load_mnist(data_dir)
    digits = scale(images)[:, None]
    if len(digits) <= 2 * held_out:
        raise SystemExit(
            f"{len(digits)} digits are too few to hold out {held_out}; lower held_out (--held-out)"
        )
    labels = labels.astype(np.int64)
    return Digits(digits[:-held_out], digits[-held_out:], labels[:-held_out], labels[-held_out:])


# ---- the players: the DCGAN paper's guidelines at MNIST's size --------------------------------
def dcgan_generator(width: int = 64, inputs: int = LATENT) -> nn.Module:
    """Strided transposed convolutions instead of upsampling, batch norm, ReLU, a tanh output."""
    return nn.Sequential(
        nn.Linear(inputs, 2 * width * 7 * 7),
        nn.Unflatten(1, (2 * width, 7, 7)),
        nn.BatchNorm2d(2 * width),
        nn.ReLU(),
        nn.ConvTranspose2d(2 * width, width, 4, stride=2, padding=1),  # 7x7 -> 14x14
        nn.BatchNorm2d(width),
        nn.ReLU(),
        nn.ConvTranspose2d(width, 1, 4, stride=2, padding=1),  # 14x14 -> 28x28
        nn.Tanh(),
    )


def dcgan_discriminator(width: int = 64, spectral_norm: bool = False, outputs: int = 1):
    """Strided convolutions instead of pooling, batch norm, LeakyReLU(0.2). With spectral_norm,
    each layer's weight is divided by its largest singular value instead, so D is 1-Lipschitz
    layer by layer and needs no batch norm (Miyato et al. 2018)."""
    if spectral_norm:
        sn = nn.utils.spectral_norm
        return nn.Sequential(
            sn(nn.Conv2d(1, width, 4, stride=2, padding=1)),
            nn.LeakyReLU(0.2),
            sn(nn.Conv2d(width, 2 * width, 4, stride=2, padding=1)),
            nn.LeakyReLU(0.2),
            nn.Flatten(),
            sn(nn.Linear(2 * width * 7 * 7, outputs)),
        )
    return nn.Sequential(
        nn.Conv2d(1, width, 4, stride=2, padding=1),  # 28x28 -> 14x14
        nn.LeakyReLU(0.2),
        nn.Conv2d(width, 2 * width, 4, stride=2, padding=1),  # 14x14 -> 7x7
        nn.BatchNorm2d(2 * width),
        nn.LeakyReLU(0.2),
        nn.Flatten(),
        nn.Linear(2 * width * 7 * 7, outputs),
    )


def dcgan_init_(module: nn.Module) -> None:
    """The DCGAN recipe (Radford et al. 2016) for one module; use ``model.apply(dcgan_init_)``.

    Weights of convolutions and linear layers N(0, 0.02) (the paper: "all weights"), batch-norm
    weights N(1, 0.02), biases 0. Other modules are left alone.
    """
    if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
        # under spectral_norm the trained weight is weight_orig (weight is derived from it)
        nn.init.normal_(getattr(module, "weight_orig", module.weight), 0.0, 0.02)
        if module.bias is not None:
            nn.init.zeros_(module.bias)
    elif isinstance(module, (nn.BatchNorm1d, nn.BatchNorm2d)) and module.weight is not None:
        nn.init.normal_(module.weight, 1.0, 0.02)
        nn.init.zeros_(module.bias)


def trainer(generator, discriminator, sample_real, sample_noise, s, info_weight=0.0):
    """The players initialized by the DCGAN recipe, on the device, and their trainer.

    Adam 2e-4, beta1 0.5 (the DCGAN paper's settings), the non-saturating loss, batch 64. lr_d
    above lr_g is the two time-scale update rule (TTUR, Heusel et al. 2017). With ema, the
    pictures and numbers come from a moving average of G's weights, which smooths out the jitter
    of the last steps (Yazici et al. 2019); ema 0 shows G itself.
    """
    for model in (generator, discriminator):
        model.apply(dcgan_init_)
        model.to(s["device"])
    shift, cutout = s["augment_shift"], s["augment_cutout"]
    config = gan.TrainingConfig(
        batch_size=64,
        lr_g=s["lr_g"],
        lr_d=s["lr_d"],
        betas=(0.5, 0.999),
        lr_schedule=s["lr_schedule"],
        ema_decay=s["ema"],
        info_weight=info_weight,
        r1=s["r1"],  # R1 (Mescheder et al. 2018): D flat at the training digits, less to memorize
        # DiffAugment (Zhao et al. 2020): against a D that learns the 8,000 digits by heart
        augment=gan.DiffAugment(shift, cutout, fill=-1.0) if shift or cutout else None,
    )
    return gan.GANTrainer(generator, discriminator, sample_real, sample_noise, config)


def generate(trainer, noise, categories=None):
    """G's images (its moving average's, if any) for noise, and for categories if G takes them."""
    model = trainer.ema if trainer.ema is not None else trainer.generator
    model.eval()  # batch norm with its running statistics, as at evaluation time
    with tinygan.no_grad():
        images = model(noise) if categories is None else model(noise, categories)
    trainer.generator.train()  # (the average stays in eval mode)
    return images


def by_row(rows: int, per_row: int, categories: int | None, device: str):
    """Row r of a grid asks for category r (cycling through them); None for a G without any."""
    if categories is None:
        return None
    return tinygan.tensor(np.repeat(np.arange(rows) % categories, per_row), device=device)


# ---- training, with a snapshot of the grid every snapshot_every steps ---------------------------
def train(trainer, s, categories=None):
    """Trains to s["iters"] steps, resuming from out/checkpoint.npz if there is one; returns the
    grids of fixed noise [(step, images)] and the seconds this run trained. categories: how many
    G takes beside z (None: G(z) alone); the grids then have a row for each of the first 10."""
    out, device = Path(s["out"]), s["device"]
    out.mkdir(parents=True, exist_ok=True)
    checkpoint = out / "checkpoint.npz"
    grids_file = out / "grids.npz"  # the fixed-noise grids so far, so the GIF survives a resume
    grids = []
    if checkpoint.exists():
        trainer.load_checkpoint(checkpoint)
        saved = tinygan.load(grids_file) if grids_file.exists() else {}
        grids = [(int(step), saved[step].numpy() / 127.5 - 1) for step in sorted(saved, key=int)]
        grids = [(step, g) for step, g in grids if step <= trainer.step]
        print(f"resuming {checkpoint} from step {trainer.step}")
    # The fixed noise comes from its own generator, so it is the same after a resume
    shown = 64 if categories is None else 80
    fixed_noise = tinygan.tensor(
        np.random.default_rng(s["seed"]).standard_normal((shown, LATENT)),
        tinygan.float32,
        device=device,
    )
    fixed_categories = by_row(10, 8, categories, device)

    def take_snapshot(trainer):
        if trainer.step % s["snapshot_every"] and trainer.step != s["iters"]:
            return
        grids.append((trainer.step, generate(trainer, fixed_noise, fixed_categories).numpy()))
        as_bytes = {str(step): tinygan.tensor(to_bytes(g)) for step, g in grids}
        tinygan.save(as_bytes, grids_file)  # as 8-bit pixels: a quarter of the size

    started = time.perf_counter()
    if not grids:
        grids.append((trainer.step, generate(trainer, fixed_noise, fixed_categories).numpy()))
    stopped = trainer.fit(
        s["iters"], out=out, checkpoint_every=s["checkpoint_every"], callback=take_snapshot
    )
    if stopped != "done":
        raise SystemExit(f"training {stopped}; run the same command again to resume")
    return grids, time.perf_counter() - started


def to_bytes(images: np.ndarray) -> np.ndarray:
    return np.round((images + 1) * 127.5).astype(np.uint8)


# ---- pictures -----------------------------------------------------------------------------------
def save_pictures(trainer, grids, s, categories=None) -> None:
    out, device = Path(s["out"]), s["device"]
    rows = 8 if categories is None else 10
    plots.save_grids_over_training(grids, out / "samples_over_training.png", rows=rows)
    last = f"step {trainer.step}"
    plots.save_image_grid(grids[-1][1], out / "final.png", rows=rows, title=last)
    plots.save_gif(grids, out / "training.gif", rows=rows)
    every = max(1, trainer.step // 2000)
    plots.save_training_curves(trainer.history, out / "curves.png", every=every)
    ends = np.random.default_rng(s["seed"] + 1).standard_normal((2, 8, LATENT))
    ends = tinygan.tensor(ends, tinygan.float32).numpy()
    weights = np.linspace(0, 1, 10)[None, :, None]  # 8 rows of 10 steps from one z to another
    line = (1 - weights) * ends[0][:, None] + weights * ends[1][:, None]
    line = tinygan.tensor(line.reshape(-1, LATENT), tinygan.float32, device=device)
    line_categories = by_row(8, 10, categories, device)  # row r: category r
    interpolation = generate(trainer, line, line_categories)
    plots.save_image_grid(interpolation, out / "interpolation.png", rows=8)


# ---- numbers ------------------------------------------------------------------------------------
def generate_for_metrics(trainer, asked: np.ndarray, s, conditioned: bool) -> np.ndarray:
    """len(asked) images, in chunks of at most 500, G told asked[i] if conditioned; kept in
    out/generated.npz (for demos/parzen_real_digits.py)."""
    device = s["device"]
    chunks = np.array_split(asked, -(-len(asked) // 500))
    generated = np.concatenate(
        [
            generate(
                trainer,
                tinygan.randn(len(chunk), LATENT, device=device),
                tinygan.tensor(chunk, device=device) if conditioned else None,
            ).numpy()
            for chunk in chunks
        ]
    )
    saved = {"images": tinygan.tensor(to_bytes(generated)), "asked": tinygan.tensor(asked)}
    tinygan.save(saved, Path(s["out"]) / "generated.npz")
    return generated


def d_calls_real(trainer, digits: Digits, s, categories=None) -> dict:
    """D's memory (Karras et al. 2020): with few training digits D learns them by heart, and
    calls the training digits real far more often than held-out digits of the same kind.
    categories: what a conditional D is told of (training, held-out) digits; None: nothing."""
    device = s["device"]

    def fraction_called_real(images, told):
        batch = min(trainer.batch_size, len(images))  # whole batches, as batch norm saw them
        calls = []
        for start in range(0, len(images) - batch + 1, batch):
            chunk = tinygan.tensor(images[start : start + batch], device=device)
            if told is not None:
                chunk = (chunk, tinygan.tensor(told[start : start + batch], device=device))
            calls.append(trainer.judge(chunk).numpy() > 0)
        return float(np.concatenate(calls).mean())

    told_train, told_held_out = categories or (None, None)
    return {
        "training_digits": fraction_called_real(digits.train[: s["held_out"]], told_train),
        "held_out_digits": fraction_called_real(digits.held_out, told_held_out),
    }


def score(generated, digits: Digits, s, **options) -> dict:
    """tinygan.metrics.mnist_report: the generated digits' numbers beside the held-out digits'
    (options: asked, the digit each was asked for; codes, the code or cluster each was given)."""
    classifier = load_classifier(s["device"])
    labels = digits.held_out_labels
    train, held_out = digits.train, digits.held_out
    return mnist_report(generated, train, held_out, classifier, held_out_labels=labels, **options)


def write_metrics(s, trainer, seconds, generated, report, extra=None) -> dict:
    """metrics.json in out, printed; returns what it wrote."""
    out = Path(s["out"])
    metrics = {
        "model": s["model"],
        "steps": trainer.step,
        "train_seconds_this_run": seconds,
        "seconds_per_step": float(np.median([1 / r["steps_per_second"] for r in trainer.history])),
        "eval_samples": len(generated),
        **(extra or {}),
        **report,
        "settings": s,
    }
    (out / "metrics.json").write_text(json.dumps(metrics, indent=2, default=str))
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
    called_real = report["d_calls_real"]
    print(
        f"  D calls {called_real['training_digits']:.0%} of training digits real and "
        f"{called_real['held_out_digits']:.0%} of held-out ones (the gap: how much D memorized)"
    )
    print(f"pictures and metrics.json in {out}/")
    return metrics
