"""tinygan.plots: where each image lands in a grid, and that every picture is written."""

from __future__ import annotations

import numpy as np

import tinygan
from tinygan import plots


def test_image_grid_places_images_row_by_row_with_padding():
    images = np.full((5, 1, 3, 3), -1.0)  # background everywhere...
    for i in range(5):
        images[i, 0, 0, 0] = 2 * (i + 1) / 10 - 1  # ...but one pixel per image: (i + 1) / 10
    grid = plots.image_grid(images, rows=2, padding=1)
    assert grid.shape == (2 * 4 + 1, 3 * 4 + 1)  # 2 rows x 3 columns of 3x3 plus padding
    for i in range(5):
        top, left = 1 + (i // 3) * 4, 1 + (i % 3) * 4
        assert np.isclose(grid[top, left], (i + 1) / 10)
    assert np.isclose(grid.sum(), sum((i + 1) / 10 for i in range(5)))  # padding is background


def test_image_grid_clips_to_the_pixel_range_and_takes_tensors():
    grid = plots.image_grid(tinygan.tensor(np.full((1, 2, 2), 3.0)), padding=0)
    np.testing.assert_array_equal(grid, np.ones((2, 2)))


def test_every_picture_is_written(tmp_path):
    images = np.random.default_rng(0).uniform(-1, 1, (6, 1, 28, 28))
    grids = [(0, images), (10, -images)]
    plots.save_image_grid(images, tmp_path / "grid.png", rows=2, title="t")
    plots.save_grids_over_training(grids, tmp_path / "over.png", rows=2)
    plots.save_gif(grids, tmp_path / "grids.gif", rows=2)
    history = [
        {"step": s, "d_loss": 1.0, "g_loss": 0.5, "d_real": 0.6, "d_fake": 0.4} for s in (1, 2)
    ]
    plots.save_training_curves(history, tmp_path / "curves.png")
    for name in ("grid.png", "over.png", "curves.png"):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    assert (tmp_path / "grids.gif").read_bytes()[:6] in (b"GIF89a", b"GIF87a")
