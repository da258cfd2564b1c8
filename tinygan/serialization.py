"""Checkpoints: ``tinygan.save(obj, path)`` and ``tinygan.load(path)``, without pickle.

A checkpoint is a nested structure of dicts, lists, tuples, Tensors, NumPy/CuPy arrays and
plain Python values (int, float, bool, str, None): a model's weights, an optimizer's state, the
random generator's state, the epoch. PyTorch pickles such structures, so opening a checkpoint
from the internet can run any code. tinygan writes arrays and a JSON description instead, and
reads them with ``numpy.load(..., allow_pickle=False)``: opening a file never runs code.

    >>> tinygan.save({"step": 3, "w": tinygan.randn(2, 3, requires_grad=True)}, "ckpt.npz")
    >>> tinygan.load("ckpt.npz")["w"].requires_grad
    True

Saving never changes what it saves: GPU arrays are *copied* to the host for the file, the model
stays where it is. The file is written next to its destination and renamed onto it, so a crash
mid-save leaves the previous checkpoint intact.

The file format, version 1
--------------------------
The file is an uncompressed ``.npz`` archive (a zip archive of ``.npy`` files, as written by
``numpy.savez``) with these members:

- ``header.npy``: a 1-D ``uint8`` array holding a UTF-8 (in fact ASCII) JSON object::

      {"format": "tinygan-checkpoint",
       "version": 1,
       "tree": <node>,
       "checksums": ["<sha256 of a0>", "<sha256 of a1>", ...]}

- ``a0.npy``, ``a1.npy``, ...: one C-ordered array per Tensor or array in the structure,
  numbered in the order a depth-first walk meets them (dict entries in insertion order).
  ``checksums[i]`` is the SHA-256 (lowercase hex) of the raw bytes of ``a<i>``
  (``hashlib.sha256(array.tobytes())``); there are exactly ``len(checksums)`` such members.

A ``<node>`` is a JSON object whose ``"kind"`` says what it stands for:

- ``{"kind": "none"}``
- ``{"kind": "bool", "value": true}``
- ``{"kind": "int", "value": "-0x1f"}``: a hexadecimal string, ``int(value, 16)``, so that ints
  of any size survive (JSON readers often round numbers beyond 2**53).
- ``{"kind": "float", "value": "0.1"}``: Python's ``repr``, ``float(value)``; ``"nan"``,
  ``"inf"`` and ``"-inf"`` too (which JSON numbers cannot hold). The sign of a NaN is not kept.
- ``{"kind": "str", "value": "..."}``
- ``{"kind": "list", "items": [<node>, ...]}`` and the same with ``"tuple"``.
- ``{"kind": "dict", "items": [[<key node>, <node>], ...]}``: keys are "str" or "int" nodes,
  in the dict's order.
- ``{"kind": "tensor", "array": i, "dtype": "<f4", "shape": [2, 3], "device": "cpu",
  "requires_grad": false}``: a Tensor whose values are member ``a<i>``; ``dtype`` is NumPy's
  ``dtype.str``, ``device`` where the tensor was when it was saved ('cpu' or 'cuda').
- ``{"kind": "ndarray", "array": i, "dtype": "<f4", "shape": [2, 3], "device": "cuda"}``: a
  NumPy array ('cpu') or a CuPy array ('cuda').

So plain NumPy reads a checkpoint like this::

    with numpy.load(path, allow_pickle=False) as archive:
        header = json.loads(archive["header"].tobytes().decode("utf-8"))
        arrays = [archive[f"a{i}"] for i in range(len(header["checksums"]))]

A Tensor's ``.grad`` and graph are not saved (as in PyTorch); a loaded tensor is a fresh leaf.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import socket
import stat
import tempfile
import time

import numpy

from . import backend, dtypes
from .tensor import Tensor

FORMAT = "tinygan-checkpoint"
VERSION = 1  # the newest format version this tinygan writes and reads

_HEADER = "header"
_ZIP_MAGIC = b"PK\x03\x04"  # every zip archive with at least one member starts with this
_ARRAY_KINDS = "biufc"  # bool, signed and unsigned integers, floats, complex numbers
_SUPPORTED = (
    "a checkpoint holds dicts (with str or int keys), lists, tuples, Tensors, NumPy/CuPy "
    "arrays, int, float, bool, str and None"
)


class CheckpointError(Exception):
    """A file could not be loaded as a tinygan checkpoint; the message says which and why."""


# ---- save -------------------------------------------------------------------------------------


def save(obj, path: str | os.PathLike) -> None:
    """Write ``obj`` (a nested structure of dicts, lists, tuples, Tensors, arrays and plain
    values) to ``path`` as a checkpoint, atomically.

    Raises TypeError, naming where in ``obj``, for anything a checkpoint cannot hold.
    """
    path = os.fsdecode(path)
    arrays = []
    tree = _describe(obj, "obj", arrays, on_path=set())
    header = {
        "format": FORMAT,
        "version": VERSION,
        "tree": tree,
        "checksums": [_sha256(array) for array in arrays],
    }
    # ensure_ascii also escapes lone surrogates, which Python strings may hold but UTF-8 cannot.
    header_bytes = json.dumps(header, ensure_ascii=True).encode("utf-8")
    members = {_HEADER: numpy.frombuffer(header_bytes, dtype=numpy.uint8)}
    members.update((f"a{i}", array) for i, array in enumerate(arrays))
    _write_atomically(path, lambda file: numpy.savez(file, **members))


def save_json(obj, path: str | os.PathLike) -> None:
    """Write ``obj`` (dicts, lists, strings, numbers) as JSON, atomically as ``save`` does.

    A NaN or an infinity becomes ``null``: Python's json module would write ``NaN`` or
    ``Infinity``, which is not JSON, and other readers refuse the whole file.
    """
    text = json.dumps(_finite_or_none(obj), indent=2, allow_nan=False) + "\n"
    _write_atomically(os.fspath(path), lambda file: file.write(text.encode()))


def _finite_or_none(value):
    if isinstance(value, dict):
        return {key: _finite_or_none(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite_or_none(item) for item in value]
    if isinstance(value, float | numpy.floating) and not math.isfinite(value):
        return None
    return value.item() if isinstance(value, numpy.generic) else value


def _describe(value, where: str, arrays: list, on_path: set) -> dict:
    """The JSON node for ``value``; its arrays join ``arrays`` (GPU ones copied to the host).

    ``where`` is the Python expression that reaches ``value`` (``obj['model'][0]``), for error
    messages; ``on_path`` holds the ids of the containers being described, to catch cycles.
    Types are checked exactly (``type(x) is float``): a NumPy scalar or an OrderedDict would
    otherwise come back as a different type.
    """
    if isinstance(value, Tensor):
        node = _describe_array(value.data, where, arrays, kind="tensor")
        node["requires_grad"] = value.requires_grad
        return node
    if isinstance(value, numpy.generic):
        raise TypeError(
            f"save: {where} is a NumPy scalar ({type(value).__name__}); convert it with "
            f".item() or numpy.asarray(). {_SUPPORTED}."
        )
    if value is None:
        return {"kind": "none"}
    if type(value) in (bool, int, float, str):
        return _describe_scalar(value)
    if type(value) in (list, tuple, dict):
        if id(value) in on_path:
            raise TypeError(f"save: {where} contains itself; a checkpoint cannot hold cycles")
        on_path.add(id(value))
        if type(value) is dict:
            node = {"kind": "dict", "items": []}
            for key, item in value.items():
                key_where = f"{where}[{key!r}]"
                if type(key) not in (str, int):
                    raise TypeError(
                        f"save: {key_where} has a key of type {type(key).__name__}; "
                        "checkpoint dict keys must be str or int"
                    )
                item_node = _describe(item, key_where, arrays, on_path)
                node["items"].append([_describe_scalar(key), item_node])
        else:
            items = [
                _describe(item, f"{where}[{i}]", arrays, on_path) for i, item in enumerate(value)
            ]
            node = {"kind": type(value).__name__, "items": items}
        on_path.remove(id(value))
        return node
    if _is_array(value):
        return _describe_array(value, where, arrays, kind="ndarray")
    raise TypeError(f"save: {where} is {_a(type(value).__name__)}; {_SUPPORTED}.")


def _describe_scalar(value) -> dict:
    """The node of a bool, int, float or str (bool first: True is also an int)."""
    if type(value) is bool:
        return {"kind": "bool", "value": value}
    if type(value) is int:
        return {"kind": "int", "value": hex(value)}
    if type(value) is float:
        return {"kind": "float", "value": repr(value)}
    return {"kind": "str", "value": value}


def _is_array(value) -> bool:
    """True for NumPy and CuPy arrays."""
    try:
        backend.get_array_module(value)
    except TypeError:
        return False
    return True


def _describe_array(array, where: str, arrays: list, kind: str) -> dict:
    """The node of a Tensor's or array's data, whose C-ordered host copy joins ``arrays``."""
    if array.dtype.kind not in _ARRAY_KINDS:
        if array.dtype.kind == "O":
            reason = "object arrays can only be stored by pickling, which could run code on load"
        else:
            reason = "only bool, integer, float and complex arrays can be saved"
        raise TypeError(f"save: {where} has dtype {array.dtype}; {reason}")
    host = backend.to_numpy(array)  # a copy for GPU arrays; the original is left alone
    if not host.flags.c_contiguous:
        host = host.copy(order="C")
    arrays.append(host)
    return {
        "kind": kind,
        "array": len(arrays) - 1,
        "dtype": host.dtype.str,
        "shape": list(host.shape),
        "device": backend.device_of(array),
    }


def _sha256(array: numpy.ndarray) -> str:
    """SHA-256 of a C-contiguous array's bytes (hashlib reads the buffer without a copy)."""
    return hashlib.sha256(array).hexdigest()


def _write_atomically(path: str, write) -> None:
    """Call ``write(file)`` on a temporary file beside ``path``, then rename it onto ``path``.

    The rename is atomic, so ``path`` always holds either the old checkpoint or the complete
    new one, never half of one. The fsyncs make sure the data, then the rename, reach the disk
    before we report success, so a power cut cannot leave an empty file under the new name.
    """
    path = os.path.realpath(path)  # through a symlink (latest.npz -> run/ckpt.npz): its target
    directory = os.path.dirname(path)
    _remove_stale_temporaries(path)
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=_temporary_prefix(path), suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, _permissions_for(path))
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temporary)
        raise
    _fsync_directory(directory)


# ---- temporaries left behind by writers that died mid-save ---------------------------------------
#
# A writer killed with SIGKILL (or by a power cut) never reaches its cleanup, and its temporary,
# as big as a checkpoint, would stay forever. Each temporary is therefore named after its target
# and its writer: ".ckpt.npz.<pid>-<host>.<random>.tmp". Before writing, a save removes those of
# the same target whose writer, on this host, is no longer alive. A live writer's temporary is
# never touched, so two processes may save the same target at once (the last rename wins).
# Temporaries of another host (a shared file system), whose pids mean nothing here, and those
# named by earlier versions of tinygan (".ckpt.npz.<random>.tmp", no pid) are removed once
# untouched for a day: a writer that is alive keeps touching its file.

_STALE_AFTER_SECONDS = 24 * 3600


def _host() -> str:
    """This machine's name, kept to characters that cannot be confused with the separators."""
    return re.sub(r"[^A-Za-z0-9]", "_", socket.gethostname())[:40] or "host"


def _temporary_prefix(path: str) -> str:
    """A hidden name that says whose it is, cut short so that it stays a legal file name."""
    return f".{os.path.basename(path)[:100]}.{os.getpid()}-{_host()}."


def _remove_stale_temporaries(path: str) -> None:
    """Remove the temporaries of ``path`` left by dead writers (best effort, never raises)."""
    directory = os.path.dirname(path)
    pattern = re.compile(
        re.escape(f".{os.path.basename(path)[:100]}.")
        + r"(?:(?P<pid>\d+)-(?P<host>\w+)\.)?[a-z0-9_]{8}\.tmp"  # mkstemp adds 8 characters
    )
    try:
        names = os.listdir(directory)
    except OSError:
        return
    for name in names:
        match = pattern.fullmatch(name)
        if match is None:
            continue
        temporary = os.path.join(directory, name)
        with contextlib.suppress(OSError):  # gone already, or not ours to remove
            if match["host"] == _host() and os.name == "posix":
                stale = not _is_alive(int(match["pid"]))
            else:
                stale = time.time() - os.stat(temporary).st_mtime > _STALE_AFTER_SECONDS
            if stale:
                os.remove(temporary)


def _is_alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine. POSIX only: signal 0 asks and sends
    nothing (on Windows, os.kill would terminate the process; there the age rule decides)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # alive, and another user's
    return True


def _permissions_for(path: str) -> int:
    """mkstemp makes files only their owner can read: keep the permissions of the checkpoint
    being replaced, or give a new one what any new file gets here (rw-rw-rw- minus the umask)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except FileNotFoundError:
        umask = os.umask(0)  # the only way to read the umask is to set it: put it right back
        os.umask(umask)
        return 0o666 & ~umask


def _fsync_directory(directory: str) -> None:
    """Make the rename durable. Best effort: some platforms (Windows) cannot open folders."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---- load -------------------------------------------------------------------------------------


def load(path: str | os.PathLike, map_location: str | None = None):
    """Read a checkpoint written by ``save``: the same structure, with fresh leaf Tensors.

    ``map_location=None`` puts each Tensor and array back on the device it was saved from;
    ``'cpu'`` or ``'cuda'`` puts all of them there. Values and dtypes come back bit for bit;
    Tensor subclasses (such as parameters) come back as plain Tensors, as in a state dict.

    Raises CheckpointError, naming the file and the problem, for any file that is missing,
    not a checkpoint, from a newer tinygan, truncated or corrupted. An unknown
    ``map_location`` raises ValueError, and ``'cuda'`` without CuPy or a GPU RuntimeError.
    """
    path = os.fsdecode(path)
    if map_location is not None:
        backend.check_device(map_location)
    try:
        file = open(path, "rb")
    except FileNotFoundError:
        raise CheckpointError(f"cannot load {path!r}: no such file") from None
    except IsADirectoryError:
        raise CheckpointError(f"cannot load {path!r}: it is a directory, not a file") from None
    except OSError as error:
        raise CheckpointError(f"cannot load {path!r}: {error.strerror or error}") from error
    with file:
        reader = _Reader(path, map_location)
        return reader.read(file)


class _Reader:
    """Reads one checkpoint, checking every byte that could be wrong before trusting it."""

    def __init__(self, path: str, map_location: str | None):
        self.path = path
        self.map_location = map_location
        self.archive = None
        self.checksums = []

    def fail(self, problem: str) -> CheckpointError:
        """The error to raise, naming the file."""
        return CheckpointError(f"cannot load {self.path!r}: {problem}")

    def read(self, file):
        """The structure stored in the open ``file``."""
        start = file.read(len(_ZIP_MAGIC))
        if start != _ZIP_MAGIC:
            # Checked here so that numpy.load only ever sees zip archives.
            raise self.fail(f"not a tinygan checkpoint (not a zip/.npz archive; starts {start!r})")
        file.seek(0)
        try:
            self.archive = numpy.load(file, allow_pickle=False)
        except Exception as error:  # zipfile and numpy raise many types on malformed archives
            raise self.fail(
                "not a tinygan checkpoint, or a truncated or corrupted one: "
                f"the zip archive cannot be read ({_explain(error)})"
            ) from error
        with self.archive:
            header = self.read_header()
            try:
                return self.decode(header["tree"], "tree")
            except RecursionError as error:
                raise self.fail("the header is malformed: it nests too deeply") from error

    def read_member(self, name: str) -> numpy.ndarray:
        """The array stored as ``name``.npy; its bytes are untrusted until checked."""
        try:
            array = self.archive[name]
        except Exception as error:  # zip CRC errors, malformed .npy headers, short data...
            raise self.fail(
                f"the file is corrupted or truncated: member {name!r} cannot be read "
                f"({_explain(error)})"
            ) from error
        if not isinstance(array, numpy.ndarray):  # NpzFile hands back raw bytes for non-.npy
            raise self.fail(f"the file is corrupted: member {name!r} is not a .npy array")
        return array

    def read_header(self) -> dict:
        members = set(self.archive.files)
        if _HEADER not in members:
            raise self.fail(
                f"not a tinygan checkpoint (or a damaged one): the .npz archive has no "
                f"{_HEADER!r} member; it has {_first_few(members)}"
            )
        raw = self.read_member(_HEADER)
        if raw.dtype != numpy.uint8 or raw.ndim != 1:
            raise self.fail(f"the header is a {raw.dtype} array of shape {raw.shape}, not bytes")
        try:
            header = json.loads(raw.tobytes().decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise self.fail(f"the header is not valid JSON ({_explain(error)})") from error
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            found = header.get("format") if isinstance(header, dict) else None
            raise self.fail(f"not a tinygan checkpoint (its header's format is {found!r})")
        version = header.get("version")
        if type(version) is not int or version < 1:
            raise self.fail(f"the header's version {version!r} is not a format version")
        if version > VERSION:
            raise self.fail(
                f"it was written by a newer tinygan, format version {version}; "
                f"this one reads up to {VERSION}. Upgrade tinygan to load it."
            )
        checksums = header.get("checksums")
        if not isinstance(checksums, list) or not all(
            isinstance(checksum, str) for checksum in checksums
        ):
            raise self.fail("the header's checksums are not a list of strings")
        self.checksums = checksums
        expected = {_HEADER} | {f"a{i}" for i in range(len(checksums))}
        if members != expected:
            missing, extra = sorted(expected - members), sorted(members - expected)
            raise self.fail(
                f"the file is corrupted: members missing {_first_few(missing)}, "
                f"unexpected members {_first_few(extra)}"
            )
        if "tree" not in header:
            raise self.fail("the header has no 'tree'")
        return header

    def decode(self, node, where: str):
        """The Python value a header node describes; ``where`` locates it for errors."""
        kind = node.get("kind") if isinstance(node, dict) else None
        if kind == "none":
            return None
        if kind in ("bool", "int", "float", "str"):
            return self.decode_scalar(node, where)
        if kind in ("list", "tuple"):
            items = node.get("items")
            self.require(isinstance(items, list), where, "'items' must be a list")
            values = [self.decode(item, f"{where}[{i}]") for i, item in enumerate(items)]
            return values if kind == "list" else tuple(values)
        if kind == "dict":
            items = node.get("items")
            self.require(isinstance(items, list), where, "'items' must be a list")
            result = {}
            for i, entry in enumerate(items):
                pair = isinstance(entry, list) and len(entry) == 2
                self.require(pair, f"{where}[{i}]", "a dict entry must be [key, value]")
                key_kind = entry[0].get("kind") if isinstance(entry[0], dict) else None
                self.require(key_kind in ("str", "int"), f"{where}[{i}]", "bad key")
                key = self.decode_scalar(entry[0], f"{where}[{i}]")
                self.require(key not in result, f"{where}[{i}]", f"key {key!r} is repeated")
                result[key] = self.decode(entry[1], f"{where}[{key!r}]")
            return result
        if kind in ("tensor", "ndarray"):
            return self.decode_array(node, where)
        raise self.fail(f"the header is malformed: {where} has unknown kind {kind!r}")

    def decode_scalar(self, node: dict, where: str):
        kind, value = node["kind"], node.get("value")
        if kind == "bool":
            self.require(type(value) is bool, where, "a bool needs true or false")
            return value
        self.require(type(value) is str, where, f"a {kind} node needs a string value")
        if kind == "str":
            return value
        try:
            return int(value, 16) if kind == "int" else float(value)
        except ValueError:
            raise self.fail(f"the header is malformed: {where} is not a valid {kind}") from None

    def decode_array(self, node: dict, where: str):
        index, device = node.get("array"), node.get("device")
        self.require(type(index) is int, where, "'array' must be an int")
        self.require(0 <= index < len(self.checksums), where, "'array' is out of range")
        self.require(device in backend.DEVICES, where, f"unknown device {device!r}")
        name = f"a{index}"
        array = self.read_member(name)
        if array.dtype.str != node.get("dtype") or list(array.shape) != node.get("shape"):
            raise self.fail(
                f"the file is corrupted: member {name!r} has dtype {array.dtype.str} and shape "
                f"{list(array.shape)}, but the header says {node.get('dtype')!r} and "
                f"{node.get('shape')!r}"
            )
        if array.dtype.kind not in _ARRAY_KINDS:
            raise self.fail(f"member {name!r} has dtype {array.dtype}, which tinygan never saves")
        if _sha256(numpy.ascontiguousarray(array)) != self.checksums[index]:
            raise self.fail(f"the file is corrupted: member {name!r} fails its sha256 checksum")
        array = backend.move(array, self.device_for(device))
        if node["kind"] == "ndarray":
            return array
        requires_grad = node.get("requires_grad")
        self.require(type(requires_grad) is bool, where, "'requires_grad' must be a bool")
        if requires_grad and not dtypes.is_floating(array.dtype):
            raise self.fail(f"the header is malformed: {where} is a non-float tensor needing grad")
        return Tensor(array, requires_grad=requires_grad)

    def device_for(self, saved_device: str) -> str:
        """Where a tensor saved on ``saved_device`` goes."""
        if self.map_location is not None:
            return self.map_location
        if saved_device == "cuda" and not backend.cuda_is_available():
            raise self.fail(
                "it holds tensors saved on 'cuda', but CUDA is not available here; "
                "pass map_location='cpu' to load them onto the CPU"
            )
        return saved_device

    def require(self, condition: bool, where: str, problem: str) -> None:
        if not condition:
            raise self.fail(f"the header is malformed: at {where}, {problem}")


def _explain(error: BaseException) -> str:
    """``TypeName: message``, the way a traceback's last line reads."""
    return f"{type(error).__name__}: {error}"


def _first_few(names, shown: int = 5) -> str:
    """Member names for a message, sorted; a long list is cut short."""
    names = sorted(names)
    more = f" and {len(names) - shown} more" if len(names) > shown else ""
    return f"{names[:shown]}{more}"


def _a(noun: str) -> str:
    """``noun`` with its indefinite article: 'a set', 'an OrderedDict'."""
    return f"{'an' if noun[0] in 'aeiouAEIOU' else 'a'} {noun}"
