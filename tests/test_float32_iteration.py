"""No silent float64: every floating array made during one float32 GAN iteration is float32.

Each array an op, a backward formula or a factory wraps passes through ``Tensor._from_array``
or ``Tensor.__init__``; the test records their dtypes during one iteration of each benchmark
model and of the trainer with its penalties, then also checks parameters, gradients and the
optimizers' state."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

import tinygan
from tinygan import gan, nn
from tinygan.tensor import Tensor

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("gan_benchmark", ROOT / "benchmarks" / "gan.py")
benchmark = importlib.util.module_from_spec(spec)
spec.loader.exec_module(benchmark)


@pytest.fixture
def recorded_dtypes(monkeypatch):
    seen = []
    wrap, init = Tensor._from_array.__func__, Tensor.__init__

    def from_array(cls, array):
        seen.append((np.dtype(array.dtype), "op output"))
        return wrap(cls, array)

    def tensor_init(self, *args, **kwargs):
        init(self, *args, **kwargs)
        seen.append((np.dtype(self.data.dtype), "factory"))

    monkeypatch.setattr(Tensor, "_from_array", classmethod(from_array))
    monkeypatch.setattr(Tensor, "__init__", tensor_init)
    return seen


def assert_no_float64(seen, modules, optimizers):
    floating = [(dtype, where) for dtype, where in seen if dtype.kind == "f"]
    assert floating, "nothing was recorded: the hook is broken"
    assert {dtype for dtype, _ in floating} == {np.dtype(np.float32)}, sorted(set(floating))
    for module in modules:
        for name, p in module.state_dict().items():
            if np.dtype(p.dtype).kind == "f":
                assert p.dtype == tinygan.float32, name
        for p in module.parameters():
            assert p.grad is None or p.grad.dtype == tinygan.float32
    for optimizer in optimizers:
        for state in optimizer.state.values():
            for key, value in state.items():
                if hasattr(value, "dtype") and np.dtype(str(value.dtype)).kind == "f":
                    assert str(value.dtype) == "float32", key


@pytest.mark.parametrize("name", ["toy2d", "mlp", "dcgan"])
def test_one_benchmark_iteration_stays_float32(recorded_dtypes, name, monkeypatch):
    monkeypatch.setitem(benchmark.MODELS, name, (8, *benchmark.MODELS[name][1:]))  # batch 8
    run = benchmark.tinygan_iteration(name, "cpu")
    run()
    assert_no_float64(recorded_dtypes, [], [])


@pytest.mark.parametrize(
    "options",
    [
        {"objective": "non_saturating", "r1": 1.0, "ema_decay": 0.9, "instance_noise": 0.1},
        {"objective": "wasserstein", "gradient_penalty": 10.0},
        {"objective": "hinge", "pack": 2},
        {"objective": "minimax", "label_smoothing": 0.1},
        {"objective": "least_squares", "weight_clip": 0.1, "lr_schedule": "cosine"},
    ],
)
def test_one_trainer_step_stays_float32(recorded_dtypes, options):
    pack = options.get("pack", 1)
    generator = nn.Sequential(nn.Linear(4, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Linear(16, 3))
    discriminator = nn.Sequential(nn.Linear(3 * pack, 16), nn.LeakyReLU(0.2), nn.Linear(16, 1))
    trainer = gan.GANTrainer(
        generator,
        discriminator,
        lambda n: tinygan.randn(n, 3),
        lambda n: tinygan.randn(n, 4),
        gan.TrainingConfig(batch_size=8, **options),
    )
    trainer.fit(2, progress=False)
    assert_no_float64(
        recorded_dtypes,
        [generator, discriminator, *([trainer.ema] if trainer.ema else [])],
        [trainer.g_optimizer, trainer.d_optimizer],
    )


def test_a_diffaugment_trainer_step_stays_float32(recorded_dtypes):
    """Shifts and cutouts build their matrices and masks in the images' dtype; R1 takes a
    double backward through them."""
    generator = nn.Sequential(nn.Linear(4, 36), nn.Tanh(), nn.Unflatten(1, (1, 6, 6)))
    discriminator = nn.Sequential(nn.Conv2d(1, 4, 3), nn.Flatten(), nn.Linear(64, 1))
    trainer = gan.GANTrainer(
        generator,
        discriminator,
        lambda n: tinygan.rand(n, 1, 6, 6),
        lambda n: tinygan.randn(n, 4),
        gan.TrainingConfig(batch_size=8, r1=1.0, augment=gan.DiffAugment(2, 3, fill=-1.0)),
    )
    trainer.fit(2, progress=False)
    assert_no_float64(
        recorded_dtypes, [generator, discriminator], [trainer.g_optimizer, trainer.d_optimizer]
    )


def test_the_flop_count_follows_the_layer_shapes():
    linear = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    assert benchmark.forward_flops(linear, (3,)) == 2 * (3 * 4 + 4 * 2)
    # 8 output channels of 4x4 pixels, each 2 input channels x 3x3 kernel
    conv = nn.Sequential(nn.Conv2d(2, 8, 3, stride=2, padding=1))
    assert benchmark.forward_flops(conv, (2, 8, 8)) == 2 * 8 * 4 * 4 * 2 * 9
    # every one of 5x5 input pixels of 3 channels spreads over 4 channels x 4x4
    transposed = nn.Sequential(nn.ConvTranspose2d(3, 4, 4, stride=2, padding=1))
    assert benchmark.forward_flops(transposed, (3, 5, 5)) == 2 * 3 * 5 * 5 * 4 * 16
