"""The IDX reader and the MNIST loader, on small files the tests write themselves: valid ones
(gzip and raw), every kind of damage, and random damage from hypothesis, which must always end
in a clear IDXError. The real digits in ../shared are never needed here."""

from __future__ import annotations

import gzip
import hashlib
import io

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygan
from tinygan.data import IDXError, batches, load_mnist, read_idx, scale, write_idx
from tinygan.data import mnist as mnist_module
from tinygan.data.idx import parse_idx


def digits(n, seed=0):
    rng = np.random.default_rng(seed)
    return rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), rng.integers(0, 10, n, dtype=np.uint8)


def write_mnist(folder, n=12, split="train", gz=True, seed=0):
    images, labels = digits(n, seed)
    suffix = ".gz" if gz else ""
    folder.mkdir(parents=True, exist_ok=True)
    write_idx(folder / f"{split}-images-idx3-ubyte{suffix}", images)
    write_idx(folder / f"{split}-labels-idx1-ubyte{suffix}", labels)
    return images, labels


def idx_bytes(array):
    buffer = io.BytesIO()
    header = bytes([0, 0, 0x08, array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    buffer.write(header + array.astype(np.uint8).tobytes())
    return buffer.getvalue()


# ---- the IDX format ---------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
@pytest.mark.parametrize("suffix", ["", ".gz"])
def test_every_element_type_round_trips_raw_and_gzip(tmp_path, dtype, suffix):
    array = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    path = tmp_path / f"a.idx{suffix}"
    write_idx(path, array)
    assert path.read_bytes().startswith(b"\x1f\x8b") == (suffix == ".gz")
    back = read_idx(path)
    assert back.dtype == np.dtype(dtype) and back.dtype.isnative
    np.testing.assert_array_equal(back, array)


def test_the_header_is_big_endian_as_the_format_says():
    raw = idx_bytes(np.zeros((2, 3), np.uint8))
    assert raw[:4] == b"\x00\x00\x08\x02"
    assert raw[4:12] == b"\x00\x00\x00\x02\x00\x00\x00\x03"
    assert parse_idx(raw).shape == (2, 3)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda raw: raw[:3], "too short for an IDX header"),
        (lambda raw: b"\x01" + raw[1:], "not an IDX file"),
        (lambda raw: raw[:2] + b"\x07" + raw[3:], "unknown element type 0x07"),
        (lambda raw: raw[:9], "truncated header"),
        (lambda raw: raw[:-1], "truncated: its header promises shape (2, 3)"),
        (lambda raw: raw + b"\x00", "has extra bytes at the end"),
        (lambda raw: raw[:4] + b"\x00\x00\x00\x09" + raw[8:], "promises shape (9, 3)"),
    ],
)
def test_each_kind_of_damage_gets_its_own_message(tmp_path, damage, message):
    path = tmp_path / "damaged-idx"
    path.write_bytes(damage(idx_bytes(np.ones((2, 3), np.uint8))))
    with pytest.raises(IDXError, match=str(path)) as error:
        read_idx(path)
    assert message in str(error.value)


@pytest.mark.parametrize("damage", ["truncated", "corrupted"])
def test_a_broken_gzip_file_is_reported_as_one(tmp_path, damage):
    packed = gzip.compress(idx_bytes(np.arange(200, dtype=np.uint8).reshape(10, 20)))
    if damage == "truncated":
        packed = packed[: len(packed) // 2]
    else:
        packed = packed[:12] + bytes(b ^ 0xFF for b in packed[12:30]) + packed[30:]
    path = tmp_path / "broken.gz"
    path.write_bytes(packed)
    with pytest.raises(IDXError, match="damaged gzip file"):
        read_idx(path)


def test_a_missing_file_is_an_idx_error_naming_it(tmp_path):
    with pytest.raises(IDXError, match="nothing-here.*cannot read it"):
        read_idx(tmp_path / "nothing-here")


@given(data=st.data())
def test_random_damage_ends_in_idx_error_or_a_consistent_array(tmp_path_factory, data):
    """Truncate, extend or overwrite bytes of a valid file, raw or gzip: the reader returns an
    array exactly as large as its header says, or raises IDXError; never any other exception."""
    raw = idx_bytes(np.arange(60, dtype=np.uint8).reshape(3, 4, 5))
    if data.draw(st.booleans(), label="gzip"):
        raw = gzip.compress(raw)
    raw = bytearray(raw)
    for _ in range(data.draw(st.integers(1, 4), label="edits")):
        edit = data.draw(st.sampled_from(["overwrite", "cut", "append"]), label="edit")
        if edit == "overwrite" and raw:
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
        elif edit == "cut":
            del raw[data.draw(st.integers(0, len(raw))) :]
        else:
            raw += data.draw(st.binary(min_size=1, max_size=8))
    path = tmp_path_factory.mktemp("fuzz") / "file"
    path.write_bytes(bytes(raw))
    try:
        array = read_idx(path)
    except IDXError:
        return
    assert array.dtype.isnative and array.ndim == raw_header_ndim(path)


def raw_header_ndim(path):
    raw = path.read_bytes()
    return (gzip.decompress(raw) if raw[:2] == b"\x1f\x8b" else raw)[3]


# ---- the MNIST loader -------------------------------------------------------------------------


@pytest.mark.parametrize("gz", [True, False])
def test_loads_whatever_number_of_digits_the_files_hold(tmp_path, gz):
    images, labels = write_mnist(tmp_path, n=7, gz=gz)
    got_images, got_labels = load_mnist(tmp_path, download=False)
    assert got_images.dtype == np.uint8 and got_images.shape == (7, 28, 28)
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)


def test_the_test_split_is_read_from_the_t10k_files(tmp_path):
    write_mnist(tmp_path, n=3, split="train", seed=1)
    images, _ = write_mnist(tmp_path, n=5, split="t10k", seed=2)
    np.testing.assert_array_equal(load_mnist(tmp_path, train=False, download=False)[0], images)


def test_the_environment_variable_names_the_folder(tmp_path, monkeypatch):
    images, _ = write_mnist(tmp_path / "mnist", n=4)
    monkeypatch.setenv("TINYGAN_DATA", str(tmp_path))
    monkeypatch.setattr(mnist_module, "CACHE", tmp_path / "no-cache")
    np.testing.assert_array_equal(load_mnist(download=False)[0], images)


def test_missing_files_offline_say_which_files_to_put_where(tmp_path, monkeypatch):
    monkeypatch.delenv("TINYGAN_DATA", raising=False)
    monkeypatch.setattr(mnist_module, "CACHE", tmp_path / "cache")
    with pytest.raises(FileNotFoundError) as error:
        load_mnist(download=False)
    message = str(error.value)
    assert "train-images-idx3-ubyte.gz" in message and "train-labels-idx1-ubyte.gz" in message
    assert str(tmp_path / "cache") in message and "TINYGAN_DATA" in message
    with pytest.raises(FileNotFoundError, match=str(tmp_path / "elsewhere")):
        load_mnist(tmp_path / "elsewhere")


def test_a_given_folder_that_is_missing_empty_a_file_or_incomplete_is_told_apart(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "a-file").write_text("not a folder")
    (tmp_path / "half").mkdir()
    write_idx(tmp_path / "half" / "train-images-idx3-ubyte", np.zeros((1, 28, 28), np.uint8))
    expected = {
        "missing": "the folder .*missing does not exist",
        "empty": "the folder .*empty is empty",
        "a-file": "a-file is a file, not a folder",
        "half": "half lacks train-labels-idx1-ubyte \\(gzip or not\\)",
    }
    for name, message in expected.items():
        with pytest.raises(FileNotFoundError, match=message):
            load_mnist(tmp_path / name)


def test_a_header_claiming_255_dimensions_gets_a_short_message(tmp_path):
    path = tmp_path / "huge-idx"
    path.write_bytes(bytes([0, 0, 8, 255]) + np.full(255, 2**25, ">u4").tobytes() + bytes(100))
    with pytest.raises(
        IDXError, match=r"\.\.\., 33554432\) with 255 dimensions.*over 10\^"
    ) as error:
        read_idx(path)
    assert len(str(error.value)) < 300


@pytest.mark.parametrize(
    "images, labels, message",
    [
        (np.zeros((3, 28, 28), np.uint8), np.zeros(4, np.uint8), "3 images but 4 labels"),
        (
            np.zeros((3, 28, 27), np.uint8),
            np.zeros(3, np.uint8),
            r"not uint8 of shape \(N, 28, 28\)",
        ),
        (np.zeros((3, 28, 28), np.int32), np.zeros(3, np.uint8), "the images file holds int32"),
        (np.zeros((3, 28, 28), np.uint8), np.zeros((3, 1), np.uint8), "the labels file holds"),
        (np.zeros((3, 28, 28), np.uint8), np.array([1, 12, 3], np.uint8), "a label is 12"),
    ],
)
def test_files_that_are_valid_idx_but_not_mnist_are_refused(tmp_path, images, labels, message):
    write_idx(tmp_path / "train-images-idx3-ubyte", images)
    write_idx(tmp_path / "train-labels-idx1-ubyte", labels)
    with pytest.raises(IDXError, match=message):
        load_mnist(tmp_path, download=False)


class FakeResponse(io.BytesIO):
    headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_download_checks_sha256_and_falls_back_to_the_next_mirror(tmp_path, monkeypatch):
    images, labels = digits(5)
    files = {
        "train-images-idx3-ubyte.gz": gzip.compress(idx_bytes(images)),
        "train-labels-idx1-ubyte.gz": gzip.compress(idx_bytes(labels)),
    }
    sums = {name[:-3]: hashlib.sha256(body).hexdigest() for name, body in files.items()}
    fetched = []

    def urlopen(url, timeout):
        fetched.append(url)
        mirror, name = url.rsplit("/", 1)
        if "first" in mirror:
            return FakeResponse(b"not the file")  # wrong bytes: the SHA-256 check rejects them
        return FakeResponse(files[name])

    monkeypatch.delenv("TINYGAN_DATA", raising=False)
    monkeypatch.setattr(mnist_module, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(mnist_module, "MIRRORS", ("https://first/", "https://second/"))
    monkeypatch.setattr(mnist_module, "SHA256", sums)
    monkeypatch.setattr(mnist_module.urllib.request, "urlopen", urlopen)
    got_images, got_labels = load_mnist()
    np.testing.assert_array_equal(got_images, images)
    np.testing.assert_array_equal(got_labels, labels)
    assert fetched[:2] == ["https://first/train-images-idx3-ubyte.gz"] + [
        "https://second/train-images-idx3-ubyte.gz"
    ]
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(files)  # no .part


def test_download_failing_everywhere_says_what_to_do_offline(tmp_path, monkeypatch):
    def urlopen(url, timeout):
        raise OSError("no route to host")

    monkeypatch.delenv("TINYGAN_DATA", raising=False)
    monkeypatch.setattr(mnist_module, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(mnist_module.urllib.request, "urlopen", urlopen)
    with pytest.raises(FileNotFoundError, match="could not download.*no route to host.*Offline"):
        load_mnist()
    assert not any((tmp_path / "cache").iterdir())


# ---- scaling and batches ----------------------------------------------------------------------


def test_scale_maps_the_pixel_range_onto_the_one_asked_for():
    pixels = np.array([0, 51, 255], np.uint8)
    np.testing.assert_allclose(scale(pixels), [-1, -0.6, 1], atol=1e-6)
    np.testing.assert_allclose(scale(pixels, 0, 1), [0, 0.2, 1], atol=1e-6)
    assert scale(pixels).dtype == np.float32


def test_batches_cover_every_row_once_in_a_seeded_order():
    x, y = np.arange(10) * 10, np.arange(10)
    tinygan.manual_seed(3)
    first = list(batches(x, y, batch_size=4))
    tinygan.manual_seed(3)
    again = list(batches(x, y, batch_size=4))
    assert [len(b[0]) for b in first] == [4, 4, 2]
    assert sorted(np.concatenate([b[1] for b in first])) == list(range(10))
    for (bx, by), (ax, _) in zip(first, again):
        np.testing.assert_array_equal(bx, by * 10)  # rows stay together
        np.testing.assert_array_equal(bx, ax)
    assert [len(b[0]) for b in batches(x, batch_size=4, drop_last=True)] == [4, 4]
    ordered = list(batches(x, batch_size=3, shuffle=False))
    np.testing.assert_array_equal(np.concatenate([b[0] for b in ordered]), x)


def test_batches_refuse_arrays_of_different_lengths():
    with pytest.raises(ValueError, match=r"differ in their first dimension \(\(3,\), \(4,\)\)"):
        next(batches(np.zeros(3), np.zeros(4), batch_size=2))


def test_a_header_whose_sizes_overflow_64_bits_is_still_an_idx_error():
    # four dimensions of 65536 multiply to 2**64: zero in 64-bit integers, not in Python's
    raw = bytes([0, 0, 0x08, 4]) + np.asarray([65536] * 4, ">u4").tobytes()
    with pytest.raises(IDXError, match="truncated"):
        parse_idx(raw)
