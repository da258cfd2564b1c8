"""MNIST: 28x28 grey-scale handwritten digits with their labels, from the official IDX files.

    images, labels = load_mnist()                      # uint8 (N, 28, 28) and (N,)
    images, labels = load_mnist("path/to/folder")      # a folder holding the four files
    x = scale(images)                                  # float32 in [-1, 1], for a tanh generator

Where the files are looked for: the folder given, else ``$TINYGAN_DATA`` (the files directly in
it, or in its ``mnist/`` subfolder), else ``~/.cache/tinygan/mnist``. Each file may be gzip
(``train-images-idx3-ubyte.gz``) or raw (``train-images-idx3-ubyte``). When they are missing
and ``download`` is true, the official files are fetched into the cache from known mirrors and
checked against their SHA-256; offline, the error says which files to put where.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import urllib.request
from http.client import HTTPException
from pathlib import Path

import numpy as np
from tqdm import tqdm

from .idx import IDXError, read_idx

MIRRORS = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)
# The official files: name -> SHA-256 of its .gz download.
SHA256 = {
    "train-images-idx3-ubyte": "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
    "train-labels-idx1-ubyte": "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
    "t10k-images-idx3-ubyte": "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
    "t10k-labels-idx1-ubyte": "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
}
CACHE = Path.home() / ".cache" / "tinygan" / "mnist"


def load_mnist(root=None, train: bool = True, download: bool = True):
    """(images, labels) of the training split (``train=True``) or the test split: uint8 arrays
    of shape (N, 28, 28) and (N,), for however many digits the files hold."""
    split = "train" if train else "t10k"
    names = (f"{split}-images-idx3-ubyte", f"{split}-labels-idx1-ubyte")
    folder = _find_folder(root, names)
    if folder is None:
        if root is not None or not download:
            raise FileNotFoundError(_missing_message(root, names))
        folder = _download(names)
    images = read_idx(_existing(folder, names[0]))
    labels = read_idx(_existing(folder, names[1]))
    _check_mnist(images, labels, folder)
    return images, labels


def scale(images: np.ndarray, low: float = -1.0, high: float = 1.0) -> np.ndarray:
    """uint8 pixels 0..255 -> float32 in [low, high]: [-1, 1] (the default) suits a tanh
    generator, ``scale(images, 0, 1)`` a sigmoid one."""
    return images.astype(np.float32) * np.float32((high - low) / 255) + np.float32(low)


# ---- where the files are ------------------------------------------------------------------------


def _candidates(root):
    if root is not None:
        return [Path(root)]
    folders = []
    if os.environ.get("TINYGAN_DATA"):
        data = Path(os.environ["TINYGAN_DATA"])
        folders += [data, data / "mnist"]
    return folders + [CACHE]


def _existing(folder: Path, name: str):
    """The file `name`, gzip or raw, in `folder` (None when neither is there)."""
    for candidate in (folder / f"{name}.gz", folder / name):
        if candidate.is_file():
            return candidate
    return None


def _find_folder(root, names):
    for folder in _candidates(root):
        if all(_existing(folder, name) for name in names):
            return folder
    return None


def _missing_message(root, names):
    files = " and ".join(f"{name}.gz" for name in names)
    if root is not None:
        return (
            f"MNIST: {_what_is_in(Path(root), names)}. Give the folder that holds {files} "
            f"(gzip or not), e.g. --data-dir ../shared/data/mnist-10k."
        )
    looked = ", ".join(str(folder) for folder in _candidates(root))
    return (
        f"MNIST: {files} (gzip or not) not found in {looked}, and downloading is off. Put the "
        f"official files there, or set TINYGAN_DATA to the folder that holds them "
        f"(they come from {MIRRORS[0]} and the other mirrors in tinygan.data.mnist.MIRRORS)."
    )


def _what_is_in(folder: Path, names) -> str:
    """Why ``folder`` is not an MNIST folder: missing, not a folder, empty, or which files lack."""
    if not folder.exists():
        return f"the folder {folder} does not exist"
    if not folder.is_dir():
        return f"{folder} is a file, not a folder"
    if not any(folder.iterdir()):
        return f"the folder {folder} is empty"
    missing = [name for name in names if _existing(folder, name) is None]
    return f"the folder {folder} lacks {', '.join(missing)} (gzip or not)"


# ---- downloading --------------------------------------------------------------------------------


def _download(names) -> Path:
    """Fetch the files into the cache, trying each mirror, checking each file's SHA-256."""
    CACHE.mkdir(parents=True, exist_ok=True)
    for name in names:
        filename = f"{name}.gz"
        if _existing(CACHE, name):
            continue
        errors = []
        for mirror in MIRRORS:
            try:
                _fetch(mirror + filename, CACHE / filename, SHA256[name])
                break
            except (OSError, ValueError, HTTPException) as error:  # URLError is an OSError
                errors.append(f"{mirror}: {error}")
        else:
            raise FileNotFoundError(
                f"MNIST: could not download {filename} ({'; '.join(errors)}). Offline? Put the "
                f"official {filename} into {CACHE}, or set TINYGAN_DATA to a folder holding it."
            )
    return CACHE


def _fetch(url: str, target: Path, sha256: str) -> None:
    """Download `url` to `target` with a progress bar; written under a temporary name of its
    own (two downloads at once cannot mix) and moved into place only when its SHA-256 matches,
    so a broken download never looks finished."""
    handle, name = tempfile.mkstemp(dir=target.parent, prefix=target.name + ".", suffix=".part")
    partial = Path(name)
    digest = hashlib.sha256()
    try:
        with urllib.request.urlopen(url, timeout=30) as response, os.fdopen(handle, "wb") as file:
            total = int(response.headers.get("Content-Length") or 0) or None
            with tqdm(total=total, unit="B", unit_scale=True, desc=target.name) as bar:
                while chunk := response.read(1 << 16):
                    file.write(chunk)
                    digest.update(chunk)
                    bar.update(len(chunk))
            file.flush()
            os.fsync(file.fileno())
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    if digest.hexdigest() != sha256:
        partial.unlink()
        raise ValueError(f"SHA-256 mismatch for {url}: got {digest.hexdigest()}, want {sha256}")
    os.replace(partial, target)


# ---- what MNIST must look like ------------------------------------------------------------------


def _check_mnist(images, labels, folder):
    if images.ndim != 3 or images.shape[1:] != (28, 28) or images.dtype != np.uint8:
        raise IDXError(
            f"MNIST in {folder}: the images file holds {images.dtype} of shape {images.shape}, "
            "not uint8 of shape (N, 28, 28)"
        )
    if labels.ndim != 1 or labels.dtype != np.uint8:
        raise IDXError(
            f"MNIST in {folder}: the labels file holds {labels.dtype} of shape {labels.shape}, "
            "not uint8 of shape (N,)"
        )
    if len(images) != len(labels):
        raise IDXError(
            f"MNIST in {folder}: {len(images)} images but {len(labels)} labels; the two files "
            "must come from the same split"
        )
    if labels.size and labels.max() > 9:
        raise IDXError(f"MNIST in {folder}: a label is {labels.max()}; digits are 0 to 9")
