"""Saving and resuming: a run interrupted halfway, saved, and resumed in a fresh model and
optimizer ends with parameters identical, bit for bit, to the run that never stopped."""

from __future__ import annotations

import numpy as np

import tinygan
import tinygan.nn.functional as F
from tinygan import nn, optim

FEATURES = np.random.default_rng(0).standard_normal((64, 4)).astype(np.float32)
LABELS = (FEATURES[:, 0] > 0).astype(np.int64) + (FEATURES[:, 1] > 0)


def build(seed):
    tinygan.manual_seed(seed)
    model = nn.Sequential(
        nn.Linear(4, 16), nn.BatchNorm1d(16), nn.LeakyReLU(0.2), nn.Dropout(0.2), nn.Linear(16, 3)
    )
    return model, optim.Adam(model.parameters(), lr=1e-2, betas=(0.5, 0.999))


def train(model, optimizer, steps):
    features, labels = tinygan.tensor(FEATURES), tinygan.tensor(LABELS)
    for _ in range(steps):
        batch = tinygan.randint(0, 64, (16,))  # draws from the seeded generator
        loss = F.cross_entropy(model(features[batch]), labels[batch])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def test_resumed_training_matches_the_uninterrupted_run_bit_for_bit(tmp_path):
    model, optimizer = build(seed=0)
    train(model, optimizer, 20)

    first_half, first_optimizer = build(seed=0)
    train(first_half, first_optimizer, 10)
    path = tmp_path / "halfway.npz"
    tinygan.save(
        {
            "model": first_half.state_dict(),
            "optimizer": first_optimizer.state_dict(),
            "rng": tinygan.random.get_rng_state(),
        },
        path,
    )
    resumed, resumed_optimizer = build(seed=99)  # different weights until loaded
    tinygan.manual_seed(12345)  # a different random state until restored
    checkpoint = tinygan.load(path)
    resumed.load_state_dict(checkpoint["model"])
    resumed_optimizer.load_state_dict(checkpoint["optimizer"])
    tinygan.random.set_rng_state(checkpoint["rng"])
    train(resumed, resumed_optimizer, 10)

    expected, got = model.state_dict(), resumed.state_dict()
    assert list(expected) == list(got)
    for name in expected:
        np.testing.assert_array_equal(got[name].numpy(), expected[name].numpy(), err_msg=name)
