"""Smoke runs of the MNIST scripts on small IDX files the tests write (the real digits are never
needed): the GAN demos write every picture and metric and resume from their checkpoint, and on
images of bars the GANs and the evaluator's training script each learn, by a loose threshold."""

from __future__ import annotations

import importlib
import json
import runpy
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import use_device

import tinygan
from tinygan import backend, nn, random
from tinygan.data import load_mnist, scale, write_idx
from tinygan.data.kmeans import kmeans
from tinygan.metrics import load_classifier

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def fake_mnist(tmp_path_factory):
    folder = tmp_path_factory.mktemp("mnist")
    rng = np.random.default_rng(0)
    write_idx(folder / "train-images-idx3-ubyte.gz", rng.integers(0, 256, (300, 28, 28), np.uint8))
    write_idx(folder / "train-labels-idx1-ubyte.gz", rng.integers(0, 10, 300, np.uint8))
    return folder


def run(script, *flags):
    result = subprocess.run(
        [sys.executable, str(ROOT / "demos" / script), *map(str, flags)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def demo(name):
    """The module demos/mnist_<name>.py, whose main(**settings) trains and scores in-process."""
    if str(ROOT / "demos") not in sys.path:
        sys.path.insert(0, str(ROOT / "demos"))
    return importlib.import_module(f"mnist_{name}")


def train(name, capsys, **settings):
    """Runs the demo's main() and returns what it printed and the metrics it returned."""
    metrics = demo(name).main(**settings)
    return capsys.readouterr().out, metrics


@pytest.fixture(scope="module")
def bars(tmp_path_factory):
    """300 images a GAN can learn in a few hundred steps: one white bar, 4 pixels wide,
    across a black square, horizontal or vertical (the label) at a random place."""
    folder = tmp_path_factory.mktemp("bars")
    rng = np.random.default_rng(0)
    images = np.zeros((300, 28, 28), np.uint8)
    vertical = rng.integers(0, 2, 300)
    for image, is_vertical, place in zip(images, vertical, rng.integers(6, 22, 300)):
        bar = (slice(4, 24), slice(place - 2, place + 2))
        image[bar if is_vertical else bar[::-1]] = 255  # rows and columns swapped: horizontal
    write_idx(folder / "train-images-idx3-ubyte.gz", images)
    write_idx(folder / "train-labels-idx1-ubyte.gz", vertical.astype(np.uint8))
    return folder


MODELS = ["mlp", "dcgan", "cgan", "infogan", "selfcond"]
TINY = {"held_out": 100, "eval_samples": 50}  # on the 300 images of fake_mnist


def test_dcgan_recipe():
    model = nn.Sequential(nn.ConvTranspose2d(4, 2, 3), nn.BatchNorm2d(2), nn.Conv2d(2, 2, 3))
    model.apply(demo("common").dcgan_init_)
    conv_weights = np.concatenate(
        [model[0].weight.numpy().ravel(), model[2].weight.numpy().ravel()]
    )
    assert abs(conv_weights.std() - 0.02) < 0.01
    assert np.all(model[0].bias.numpy() == 0) and np.all(model[1].bias.numpy() == 0)
    assert np.all(np.abs(model[1].weight.numpy() - 1) < 0.1)


def test_dcgan_init_reaches_the_trained_weight_under_spectral_norm():
    layer = nn.utils.spectral_norm(nn.Conv2d(8, 16, 3))
    demo("common").dcgan_init_(layer)
    assert abs(layer.weight_orig.numpy().std() - 0.02) < 0.005


@pytest.mark.parametrize("model", MODELS)
def test_mnist_demo_writes_pictures_and_metrics_and_resumes(tmp_path, fake_mnist, capsys, model):
    settings = {"data_dir": fake_mnist, "out": tmp_path, "held_out": 100, "eval_samples": 150}
    settings |= {"snapshot_every": 2, "checkpoint_every": 2}
    train(model, capsys, **settings, iters=3)
    output, returned = train(model, capsys, **settings, iters=5)
    assert "resuming" in output and "from step 3" in output
    for name in [
        "samples_over_training.png",
        "final.png",
        "training.gif",
        "interpolation.png",
        "curves.png",
        "checkpoint.npz",
    ]:
        assert (tmp_path / name).stat().st_size > 0, name
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics == json.loads(json.dumps(returned, default=str))  # main returns what it wrote
    assert metrics["steps"] == 5 and metrics["eval_samples"] == 150
    assert metrics["model"] == metrics["settings"]["model"] == model
    for name in ["classifier_score", "frechet_distance", "digits_covered", "parzen_log_likelihood"]:
        assert set(metrics[name]) == {"generated", "real"}, name
    assert 1 <= metrics["classifier_score"]["generated"] <= 10
    assert metrics["frechet_distance"]["generated"] >= 0
    assert np.isfinite(metrics["parzen_log_likelihood"]["generated"]["mean"])
    called_real = metrics["d_calls_real"]
    assert set(called_real) == {"training_digits", "held_out_digits"}
    assert all(0 <= fraction <= 1 for fraction in called_real.values())
    training, held_out = (f"{called_real[k]:.0%}" for k in ("training_digits", "held_out_digits"))
    assert f"D calls {training} of training digits real and {held_out} of held-out" in output


@pytest.mark.parametrize(
    "model, steps", [("mlp", 300), ("dcgan", 60), ("cgan", 60), ("infogan", 60), ("selfcond", 60)]
)
def test_mnist_demo_learns_the_training_images(tmp_path, bars, capsys, model, steps):
    """A loose threshold on learning: trained on for a few hundred steps, G's images come much
    nearer the held-out bars than after one step, by Parzen log-likelihood and by Fréchet
    distance (seed 0 gains 140-340 nats and 25-75 %). G itself is scored (ema 0): its
    moving average would still be close to the untrained G."""
    settings = {"data_dir": bars, "out": tmp_path, "held_out": 100, "ema": 0}
    settings |= {"eval_samples": 200, "checkpoint_every": 1000}
    if model == "selfcond":
        settings["clusters"] = 4

    def parzen_and_frechet_after(iters):
        _, metrics = train(model, capsys, **settings, iters=iters)
        parzen = metrics["parzen_log_likelihood"]["generated"]["mean"]
        return parzen, metrics["frechet_distance"]["generated"]

    parzen_before, frechet_before = parzen_and_frechet_after(1)
    parzen_after, frechet_after = parzen_and_frechet_after(steps)  # resumes from step 1
    assert parzen_after > parzen_before + 50, (parzen_before, parzen_after)
    assert frechet_after < 0.85 * frechet_before, (frechet_before, frechet_after)


def test_mnist_dcgan_width_and_learning_rates_reach_the_models(tmp_path, fake_mnist, capsys):
    settings = {"data_dir": fake_mnist, "out": tmp_path, "iters": 1, **TINY}
    train("dcgan", capsys, **settings, width=8, lr_g=1e-4, lr_d=4e-4)
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["generator"]["0.weight"].shape == (2 * 8 * 7 * 7, 100)  # Linear to 16x7x7
    assert checkpoint["discriminator"]["0.weight"].shape == (8, 1, 4, 4)  # Conv 1 -> 8
    assert checkpoint["g_optimizer"]["param_groups"][0]["lr"] == pytest.approx(1e-4)
    assert checkpoint["d_optimizer"]["param_groups"][0]["lr"] == pytest.approx(4e-4)


def test_mnist_dcgan_diffaugment_r1_and_schedule_reach_the_trainer(tmp_path, fake_mnist, capsys):
    settings = {"data_dir": fake_mnist, "out": tmp_path, "iters": 2, **TINY}
    settings |= {"augment_shift": 2, "augment_cutout": 5, "r1": 0.5, "lr_schedule": "linear"}
    train("dcgan", capsys, **settings)
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    config = checkpoint["config"]
    assert config["augment"] == "DiffAugment(max_shift=2, cutout=5, fill=-1.0)"
    assert config["r1"] == 0.5 and config["lr_schedule"] == "linear"
    # the last of 2 steps ran at half the rate: 1 - 1/2
    assert checkpoint["g_optimizer"]["param_groups"][0]["lr"] == pytest.approx(1e-4)


def test_mnist_infogan_has_a_code_head_and_reports_what_the_codes_became(
    tmp_path, fake_mnist, capsys
):
    settings = {"data_dir": fake_mnist, "out": tmp_path, "iters": 2, **TINY}
    output, metrics = train("infogan", capsys, **settings)
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["discriminator"]["6.weight"].shape == (1 + 10, 2 * 64 * 7 * 7)  # + Q head
    assert checkpoint["generator"]["code.weight"].shape == (10, 10)  # G takes the code
    assert all("info_loss" in record for record in checkpoint["history"])
    assert 0.1 <= metrics["code_purity"]["generated"] <= 1
    assert len(metrics["code_digits"]["generated"]) == 10
    assert "codes 0-9 became the digits" in output


def test_mnist_selfcond_learns_from_clusters_not_labels(tmp_path, fake_mnist, capsys):
    settings = {"data_dir": fake_mnist, "out": tmp_path, "iters": 2, **TINY}
    output, metrics = train("selfcond", capsys, **settings, clusters=7)
    checkpoint = tinygan.load(tmp_path / "checkpoint.npz")
    assert checkpoint["generator"]["code.weight"].shape == (7, 10)  # G is told the cluster
    assert checkpoint["discriminator"]["label_direction.weight"].shape == (7, 2 * 64 * 7 * 7)
    assert len(metrics["code_digits"]["generated"]) == 7 and "conditional_accuracy" not in metrics
    assert "clusters 0-6 became the digits" in output
    # the clusters' purity against the labels, which only this report reads
    images, labels = load_mnist(fake_mnist)
    _, clusters = kmeans(scale(images)[:-100].reshape(200, -1), 7, seed=0)
    expected = sum(np.bincount(labels[:-100][clusters == k]).max() for k in set(clusters)) / 200
    assert metrics["cluster_label_purity"] == pytest.approx(expected)
    assert f"k-means: 7 clusters; {expected:.1%} of the training digits" in output


def test_mnist_dcgan_spectral_norm_replaces_batch_norm_in_the_discriminator(
    tmp_path, fake_mnist, capsys
):
    settings = {"data_dir": fake_mnist, "out": tmp_path, "iters": 1, **TINY}
    train("dcgan", capsys, **settings, width=8, spectral_norm=True)
    discriminator = tinygan.load(tmp_path / "checkpoint.npz")["discriminator"]
    assert {"0.weight_orig", "0.weight_u", "2.weight_orig", "5.weight_orig"} <= set(discriminator)
    assert not any("running_mean" in name for name in discriminator)  # no batch norm left


def test_mnist_demo_refuses_a_setting_it_does_not_have(tmp_path):
    with pytest.raises(TypeError, match=r"mnist_mlp.main: unknown settings \['width'\]"):
        demo("mlp").main(out=tmp_path, width=8)  # the MLP has no width


@pytest.mark.parametrize(
    "model, flags",
    [
        ("mlp", []),
        ("dcgan", ["--spectral-norm"]),
        ("cgan", []),
        ("infogan", ["--info-weight"]),
        ("selfcond", ["--clusters", "--spectral-norm", "--lr-d"]),
    ],
)
def test_mnist_demo_command_line_has_the_common_flags_and_its_own(
    model, flags, capsys, monkeypatch
):
    demo("common")  # puts demos/ on the path, as running the script from there would
    monkeypatch.setattr(sys, "argv", [f"mnist_{model}.py", "--help"])
    with pytest.raises(SystemExit):
        runpy.run_path(str(ROOT / "demos" / f"mnist_{model}.py"), run_name="__main__")
    shown = capsys.readouterr().out
    for flag in ["--data-dir", "--iters", "--seed", "--out", "--device", *flags]:
        assert flag in shown, flag


@pytest.mark.parametrize("model", ["cgan", "infogan", "selfcond"])
@pytest.mark.parametrize("name", ["standin", "cuda"])
def test_mnist_demo_runs_unchanged_on_the_cuda_device(
    name, model, tmp_path, fake_mnist, capsys, monkeypatch
):
    """'standin' is device 'cuda' backed by the CuPy stand-in, which refuses any implicit trip
    to NumPy; 'cuda' is a real GPU, skipped where there is none."""
    monkeypatch.setattr(backend, "_cuda", backend._cuda)  # restored after the test
    monkeypatch.setattr(random, "_cuda", None)
    device = use_device(name)
    settings = {"data_dir": fake_mnist, "out": tmp_path, "iters": 2, **TINY}
    _, metrics = train(model, capsys, **settings, device=device)
    assert metrics["settings"]["device"] == "cuda" and metrics["steps"] == 2
    score = "conditional_accuracy" if model == "cgan" else "code_purity"
    assert 0 <= metrics[score]["generated"] <= 1


def test_train_evaluator_learns_and_writes_weights_the_metrics_load(tmp_path, bars):
    """Five epochs on the bars take the held-out accuracy from chance (0.52 after the first)
    to at least 0.95, and the weights it writes give that accuracy again when loaded."""
    weights = tmp_path / "classifier.npz"
    flags = ["--data-dir", bars, "--held-out", 100, "--epochs", 5, "--out", weights]
    output = run("train_evaluator.py", *flags)
    saved = tinygan.load(weights)
    assert saved["held_out_accuracy"] >= 0.95
    assert f"held-out accuracy {saved['held_out_accuracy']:.4f}" in output
    images, labels = load_mnist(bars)
    with tinygan.no_grad():
        logits = load_classifier(path=weights)(tinygan.tensor(scale(images)[-100:, None]))
    reloaded_accuracy = (logits.argmax(1).numpy() == labels[-100:]).mean()
    assert reloaded_accuracy == pytest.approx(saved["held_out_accuracy"])


def test_parzen_real_digits_rises_with_the_number_of_kernels(tmp_path, fake_mnist, capsys):
    """Digits near 20 prototypes: more real digits as kernels put one nearer each held-out
    digit, so the log-likelihood rises and the nearest distance falls from row to row; a run's
    generated.npz gets a row of its own."""
    rng = np.random.default_rng(1)
    prototypes = rng.integers(0, 256, (20, 28, 28))
    noisy = prototypes[rng.integers(0, 20, 1300)] + rng.normal(0, 40, (1300, 28, 28))
    write_idx(tmp_path / "train-images-idx3-ubyte", np.clip(noisy, 0, 255).astype(np.uint8))
    write_idx(tmp_path / "train-labels-idx1-ubyte", np.zeros(1300, np.uint8))
    demo("mlp").main(data_dir=fake_mnist, out=tmp_path / "run", iters=1, **TINY)
    assert tinygan.load(tmp_path / "run" / "generated.npz")["images"].shape == (50, 1, 28, 28)
    output = run(
        "parzen_real_digits.py",
        *("--data-dir", tmp_path, "--held-out", 100),
        *("--generated", tmp_path / "run" / "generated.npz"),
    )
    rows = [line.split() for line in output.splitlines()[1:-1]]  # between header and footer
    assert [row[0] for row in rows] == [
        "500",
        "1,000",
        "1,200",
        str(tmp_path / "run" / "generated.npz"),
    ]
    likelihoods = [float(row[-5]) for row in rows[:3]]
    nearest = [float(row[-2]) for row in rows[:3]]
    assert likelihoods[0] < likelihoods[1] < likelihoods[2]
    assert nearest[0] > nearest[1] > nearest[2]


@pytest.mark.parametrize("config", [f"mnist_{model}_runs" for model in MODELS])
def test_mnist_experiment_config_runs_its_demo_and_tables_it(config, tmp_path, bars, capsys):
    """Every run of the config is settings its demo's main() takes; its first run, shortened to
    2 steps on the bars, gives a table row."""
    if str(ROOT / "experiments") not in sys.path:
        sys.path.insert(0, str(ROOT / "experiments"))
    experiment = importlib.import_module(config)
    module = demo(Path(experiment.DEMO).stem.removeprefix("mnist_"))
    for name, settings in experiment.RUNS.items():
        assert set(settings) <= set(module.SETTINGS), name
    first = next(iter(experiment.RUNS))
    tiny = {"data_dir": bars, "out": tmp_path, "iters": 2, **TINY}
    metrics = json.loads(json.dumps(module.main(**experiment.RUNS[first] | tiny), default=str))
    table = experiment.table({first: metrics})
    assert table.splitlines()[2].startswith(f"| `{first}` | 2 |")
