"""The IDX file format of MNIST (LeCun et al.), read with the standard library and NumPy.

An IDX file is a header, then the array's bytes in C order, big-endian:

    bytes 0-1   zero
    byte 2      the element type: 0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32,
                0x0D float32, 0x0E float64
    byte 3      the number of dimensions, d
    4 * d bytes each dimension's size, a big-endian unsigned 32-bit integer
    the rest    prod(sizes) elements

Files may be gzip-compressed (the official downloads are). Every kind of damage ends in an
``IDXError`` that names the file and says what is wrong with it.
"""

from __future__ import annotations

import gzip
import math
import zlib
from pathlib import Path

import numpy as np

ELEMENT_TYPES = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
GZIP_MAGIC = b"\x1f\x8b"


class IDXError(ValueError):
    """An IDX file that cannot be read: missing, truncated, or not IDX at all."""


def read_idx(path) -> np.ndarray:
    """The array an IDX file holds (gzip or raw), in native byte order."""
    path = Path(path)
    return parse_idx(_read_bytes(path), name=str(path))


def _read_bytes(path: Path) -> bytes:
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise IDXError(f"{path}: cannot read it ({error.strerror or error})") from error
    if not raw.startswith(GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:
        raise IDXError(
            f"{path}: a damaged gzip file ({error}); download it again, or put the "
            "uncompressed file in its place"
        ) from error


def parse_idx(raw: bytes, name: str = "<bytes>") -> np.ndarray:
    """Parse an IDX file's (uncompressed) bytes; ``name`` is what error messages call it."""
    if len(raw) < 4:
        raise IDXError(f"{name}: {len(raw)} bytes, too short for an IDX header (4 bytes)")
    if raw[0] != 0 or raw[1] != 0:
        raise IDXError(
            f"{name}: not an IDX file (its first two bytes are {raw[:2].hex()}, not 0000)"
        )
    type_code, ndim = raw[2], raw[3]
    if type_code not in ELEMENT_TYPES:
        known = ", ".join(f"0x{code:02X}" for code in ELEMENT_TYPES)
        raise IDXError(f"{name}: unknown element type 0x{type_code:02X} (known: {known})")
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise IDXError(
            f"{name}: truncated header ({len(raw)} bytes; {ndim} dimensions need {header_size})"
        )
    shape = tuple(int(size) for size in np.frombuffer(raw, ">u4", count=ndim, offset=4))
    dtype = ELEMENT_TYPES[type_code]
    expected = math.prod(shape) * dtype.itemsize  # Python ints: no overflow for any header
    found = len(raw) - header_size
    if found != expected:
        problem = "truncated" if found < expected else "has extra bytes at the end"
        raise IDXError(
            f"{name}: {problem}: its header promises shape {_brief(shape)} of {dtype.name} "
            f"({_brief_count(expected)} bytes of data), but it holds {found}"
        )
    array = np.frombuffer(raw, dtype, offset=header_size).reshape(shape)
    return array.astype(dtype.newbyteorder("="))  # a native-order copy we own


def _brief(shape: tuple) -> str:
    """A shape for a message: a damaged header can claim up to 255 dimensions."""
    if len(shape) <= 6:
        return str(shape)
    return f"({', '.join(map(str, shape[:3]))}, ..., {shape[-1]}) with {len(shape)} dimensions"


def _brief_count(count: int) -> str:
    """A byte count for a message; a damaged header's can have thousands of digits."""
    return str(count) if count < 10**15 else f"over 10^{len(str(count)) - 1}"


def write_idx(path, array: np.ndarray, compress: bool | None = None) -> None:
    """Write ``array`` as an IDX file (gzip when the name ends in .gz, or when ``compress``)."""
    path = Path(path)
    codes = {dtype.newbyteorder("="): code for code, dtype in ELEMENT_TYPES.items()}
    dtype = np.dtype(array.dtype).newbyteorder("=")
    if dtype not in codes:
        raise IDXError(f"write_idx: IDX has no element type for {array.dtype}")
    header = bytes([0, 0, codes[dtype], array.ndim]) + np.asarray(array.shape, ">u4").tobytes()
    raw = header + np.ascontiguousarray(array, ELEMENT_TYPES[codes[dtype]]).tobytes()
    if compress if compress is not None else path.suffix == ".gz":
        raw = gzip.compress(raw)
    path.write_bytes(raw)
