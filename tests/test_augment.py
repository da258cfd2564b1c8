"""DiffAugment: random shifts and cutouts of D's inputs, differentiable, on every device."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygan
from tinygan import gan, nn
from tinygan.gan import DiffAugment, cutout, translate
from tinygan.gradcheck import gradcheck, gradgradcheck

F64 = tinygan.float64


def shifted(image, dy, dx, fill):
    """NumPy reference, pixel by pixel: out[..., i, j] = image[..., i - dy, j - dx], or fill
    where that falls outside the image."""
    height, width = image.shape[-2:]
    out = np.full_like(image, fill)
    for i in range(height):
        for j in range(width):
            if 0 <= i - dy < height and 0 <= j - dx < width:
                out[..., i, j] = image[..., i - dy, j - dx]
    return out


def distinct_images(shape, seed=0):
    """Images whose pixels all differ, so that a shift can be read off the output."""
    rng = np.random.default_rng(seed)
    return rng.permutation(np.prod(shape)).reshape(shape).astype(np.float64) + 1.0


@given(
    n=st.integers(1, 6),
    channels=st.integers(1, 3),
    height=st.integers(1, 7),
    width=st.integers(1, 7),
    max_shift=st.integers(0, 8),
    fill=st.sampled_from([0.0, -1.0, 2.5]),
)
def test_translate_shifts_each_image_by_one_offset_within_range(
    n, channels, height, width, max_shift, fill
):
    images = distinct_images((n, channels, height, width))
    out = translate(tinygan.tensor(images), max_shift, fill).numpy()
    assert out.shape == images.shape and out.dtype == images.dtype
    offsets = range(-max_shift, max_shift + 1)
    for image, result in zip(images, out):
        matches = [
            (dy, dx)
            for dy in offsets
            for dx in offsets
            if np.array_equal(result, shifted(image, dy, dx, fill))
        ]
        assert matches, "an output is not its input shifted by any offset in range"


def test_translate_draws_every_offset_in_range():
    images = tinygan.tensor(distinct_images((400, 1, 5, 5)))
    out = translate(images, 1, fill=0.0).numpy()
    seen = set()
    for image, result in zip(images.numpy(), out):
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                if np.array_equal(result, shifted(image, dy, dx, 0.0)):
                    seen.add((dy, dx))
    assert len(seen) == 9


@given(
    n=st.integers(1, 6),
    height=st.integers(1, 7),
    width=st.integers(1, 7),
    size=st.integers(1, 9),
)
def test_cutout_fills_one_square_clipped_to_the_image(n, height, width, size):
    images = distinct_images((n, 2, height, width))
    out = cutout(tinygan.tensor(images), size, fill=-7.0).numpy()
    for image, result in zip(images, out):
        cut = result != image  # the images have no -7, so every changed pixel was cut
        assert np.all(result[cut] == -7.0)
        assert np.array_equal(cut[0], cut[1]), "every channel loses the same square"
        rows, columns = np.nonzero(cut[0])
        assert rows.size > 0, "the square always covers at least one pixel"
        # a rectangle, at most size x size, touching the edge where it is smaller
        top, bottom, left, right = rows.min(), rows.max(), columns.min(), columns.max()
        assert cut[0, top : bottom + 1, left : right + 1].all()
        assert cut[0].sum() == (bottom - top + 1) * (right - left + 1)
        assert bottom - top + 1 <= size and right - left + 1 <= size
        if bottom - top + 1 < size:
            assert top == 0 or bottom == height - 1
        if right - left + 1 < size:
            assert left == 0 or right == width - 1


def test_cutout_reaches_every_pixel_evenly():
    """The square may hang over the edge, so corners are cut about as often as the centre."""
    size, side, n = 3, 6, 6000
    out = cutout(tinygan.zeros(n, 1, side, side, dtype=F64), size, fill=1.0).numpy()
    frequency = out.mean(axis=(0, 1))
    expected = size * size / (side + size - 1) ** 2  # each square position equally likely
    np.testing.assert_allclose(frequency, expected, atol=0.03)


def test_zero_turns_either_transformation_off():
    images = tinygan.randn(3, 1, 4, 4)
    assert translate(images, 0) is images
    assert cutout(images, 0) is images
    assert DiffAugment()(images) is images


@pytest.mark.parametrize("transform", [lambda x: translate(x, 2, -1.0), lambda x: cutout(x, 3)])
def test_gradients_match_finite_differences(transform, device):
    def augmented(x):
        tinygan.manual_seed(3)  # the same shifts and squares at every evaluation
        return transform(x)

    x = tinygan.randn(3, 2, 5, 6, dtype=F64, device=device, requires_grad=True)
    assert gradcheck(augmented, (x,))
    assert gradgradcheck(augmented, (x,))


def test_runs_on_the_device_of_its_input(device):
    augment = DiffAugment(max_shift=2, cutout=3, fill=-1.0)
    out = augment(tinygan.randn(4, 1, 8, 8, device=device))
    assert out.device == device and out.dtype == tinygan.float32


def test_bad_input_gets_a_clear_error():
    with pytest.raises(ValueError, match=r"translate: expected images of shape \[N, C, H, W\]"):
        translate(tinygan.randn(4, 10), 2)
    with pytest.raises(ValueError, match=r"cutout: .*got shape \(4, 10\)"):
        cutout(tinygan.randn(4, 10), 2)
    for bad in (-1, 1.5, True):
        with pytest.raises(ValueError, match="DiffAugment: max_shift must be an integer >= 0"):
            DiffAugment(max_shift=bad)
    with pytest.raises(ValueError, match="DiffAugment: cutout must be an integer >= 0"):
        DiffAugment(cutout=-2)
    with pytest.raises(ValueError, match=r"translate: max_shift .* got -1"):
        translate(tinygan.randn(2, 1, 4, 4), -1)
    with pytest.raises(ValueError, match=r"cutout: size .* got 2.5"):
        cutout(tinygan.randn(2, 1, 4, 4), 2.5)


def test_the_trainer_shows_d_every_batch_through_the_augmentation(tmp_path):
    """Real and fake in D's step, fake in G's step; G's gradient flows through it; the
    checkpoint records which augmentation was used."""
    seen = []

    def recording(images):
        seen.append((images.shape, images.requires_grad))
        return translate(images, 1, fill=-1.0)

    generator = nn.Sequential(nn.Linear(4, 16), nn.Tanh(), nn.Unflatten(1, (1, 4, 4)))
    discriminator = nn.Sequential(nn.Flatten(), nn.Linear(16, 1))
    trainer = gan.GANTrainer(
        generator,
        discriminator,
        lambda n: tinygan.rand(n, 1, 4, 4) * 2 - 1,
        lambda n: tinygan.randn(n, 4),
        gan.TrainingConfig(batch_size=8, augment=recording),
    )
    trainer.fit(2, progress=False)
    assert seen == [((8, 1, 4, 4), False), ((8, 1, 4, 4), False), ((8, 1, 4, 4), True)] * 2
    assert all(p.grad is not None for p in generator.parameters())
    trainer.save_checkpoint(tmp_path / "run.npz")
    saved = tinygan.load(tmp_path / "run.npz")
    assert "recording" in saved["config"]["augment"]


def test_augmented_training_keeps_the_images_it_learns_unshifted():
    """D sees the images shifted (by 0 one time in nine), yet G learns the unshifted picture:
    augmenting fake images as well as real ones keeps G from learning the shifts. (Without
    augmentation it learns the picture too; this guards against fakes going un-augmented.)"""
    target = -np.ones((1, 1, 6, 6), np.float32)
    target[..., 2:4, 1:5] = 1.0  # a bar in a fixed place
    generator = nn.Sequential(nn.Linear(2, 36), nn.Tanh(), nn.Unflatten(1, (1, 6, 6)))
    discriminator = nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1), nn.LeakyReLU(0.2), nn.Flatten(), nn.Linear(8 * 36, 1)
    )
    trainer = gan.GANTrainer(
        generator,
        discriminator,
        lambda n: tinygan.tensor(np.repeat(target, n, axis=0)),
        lambda n: tinygan.randn(n, 2),
        gan.TrainingConfig(batch_size=32, lr_g=2e-3, lr_d=2e-3, augment=DiffAugment(1, fill=-1.0)),
    )
    trainer.fit(1500, progress=False)
    with tinygan.no_grad():
        made = generator(tinygan.randn(256, 2)).numpy().mean(axis=0)
    assert np.abs(made - target[0]).mean() < 0.1  # the bar shifted a row would be 0.44 away
