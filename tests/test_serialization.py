"""Checkpoints: save/load round-trip any supported structure bit for bit, never run code, never
move or change what they save, write atomically, and answer every damaged file with
CheckpointError."""

from __future__ import annotations

import collections
import json
import math
import os
import pathlib
import pickle
import signal
import socket
import subprocess
import sys
import time

import numpy as np
import pytest
from conftest import STANDIN_BACKEND
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tinygan
from tinygan import backend, random
from tinygan.serialization import CheckpointError, load, save

# The fuzz tests below run this many times the profile's examples: each example is one load of
# a small file, far cheaper than the gradient checks the profiles are sized for.
FUZZ_EXAMPLES = 10 * settings().max_examples


@pytest.fixture
def standin(monkeypatch):
    """Device 'cuda' backed by the CuPy stand-in, for tests that do not run on every device."""
    monkeypatch.setattr(backend, "_cuda", STANDIN_BACKEND)
    monkeypatch.setattr(random, "_cuda", None)
    return "cuda"


def assert_same(loaded, original, where="obj"):
    """``loaded`` is ``original`` rebuilt exactly: the same types (dict keys included), dtypes,
    shapes, devices, requires_grad and bytes."""
    assert type(loaded) is type(original), f"{where}: {type(loaded)} is not {type(original)}"
    if isinstance(original, dict):
        assert list(loaded) == list(original), f"{where}: keys differ"
        for key_loaded, key in zip(loaded, original):
            assert type(key_loaded) is type(key), f"{where}: key {key!r} changed type"
            assert_same(loaded[key], original[key], f"{where}[{key!r}]")
    elif isinstance(original, (list, tuple)):
        assert len(loaded) == len(original), f"{where}: lengths differ"
        for i, (a, b) in enumerate(zip(loaded, original)):
            assert_same(a, b, f"{where}[{i}]")
    elif isinstance(original, tinygan.Tensor):
        assert loaded.is_leaf and loaded.grad is None, f"{where}: not a fresh leaf"
        assert loaded.requires_grad == original.requires_grad, f"{where}: requires_grad differs"
        assert loaded.device == original.device, f"{where}: device differs"
        assert_same_bytes(loaded.data, original.data, where)
    elif isinstance(original, float):
        assert repr(loaded) == repr(original), f"{where}: {loaded!r} != {original!r}"  # nan, -0.0
    elif isinstance(original, (np.ndarray, STANDIN_BACKEND.xp.ndarray)) or hasattr(
        original, "__cuda_array_interface__"
    ):
        assert_same_bytes(loaded, original, where)
    else:
        assert loaded == original, f"{where}: {loaded!r} != {original!r}"


def assert_same_bytes(loaded, original, where):
    assert backend.device_of(loaded) == backend.device_of(original), f"{where}: device differs"
    loaded, original = backend.to_numpy(loaded), backend.to_numpy(original)
    assert loaded.dtype == original.dtype and loaded.shape == original.shape, where
    assert loaded.tobytes() == original.tobytes(), f"{where}: values differ"


def small_checkpoint():
    """A structure with one of each kind, small enough to fuzz every byte of its file."""
    return {
        "w": tinygan.tensor([[1.5, -2.0], [0.25, 3.0]], requires_grad=True),
        "ids": np.arange(3),
        0: {"step": 7, "lr": 0.1, "betas": (0.5, 0.999)},
        "name": "generator",
        "done": False,
        "note": None,
    }


@pytest.fixture
def good_file(tmp_path):
    """(path, bytes, structure) of a valid small checkpoint."""
    path = tmp_path / "good.npz"
    obj = small_checkpoint()
    save(obj, path)
    return path, path.read_bytes(), obj


def load_bytes(data: bytes, path):
    path.write_bytes(data)
    return load(path)


# ---- round trips --------------------------------------------------------------------------------

DTYPES = [np.float32, np.float64, np.int64, np.bool_]


@st.composite
def host_arrays(draw):
    dtype = draw(st.sampled_from(DTYPES))
    shape = draw(hnp.array_shapes(min_dims=0, max_dims=3, min_side=0, max_side=4))
    return draw(hnp.arrays(dtype, shape))


def make_tensor(values, device, requires_grad):
    tensor = tinygan.tensor(values, device=device)
    tensor.requires_grad = requires_grad and tinygan.dtypes.is_floating(tensor.dtype)
    return tensor


def structures(device):
    """Nested dicts (str and int keys), lists and tuples of every leaf a checkpoint holds."""
    devices = st.sampled_from(sorted({"cpu", device}))
    leaves = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=2**64, max_value=2**300).flatmap(lambda n: st.sampled_from([n, -n])),
        st.floats(),  # nan, inf, -0.0 and subnormals included
        st.text(),
        st.builds(make_tensor, host_arrays(), devices, st.booleans()),
        st.builds(backend.move, host_arrays(), devices),
    )
    keys = st.text() | st.integers()
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=4),
            st.lists(children, max_size=4).map(tuple),
            st.dictionaries(keys, children, max_size=4),
        ),
        max_leaves=12,
    )


@given(data=st.data())
def test_any_nested_structure_round_trips_exactly(device, tmp_path, data):
    obj = data.draw(structures(device), label="obj")
    save(obj, tmp_path / "ckpt.npz")
    assert_same(load(tmp_path / "ckpt.npz"), obj)


def test_save_on_a_device_then_load_on_the_cpu_and_back(device, tmp_path):
    w = tinygan.randn(3, 2, device=device, requires_grad=True)
    obj = {"w": w, "b": tinygan.zeros(2, device=device), "cpu": tinygan.ones(1)}
    save(obj, tmp_path / "gpu.npz")

    on_cpu = load(tmp_path / "gpu.npz", map_location="cpu")
    assert {t.device for t in on_cpu.values()} == {"cpu"}
    np.testing.assert_array_equal(on_cpu["w"].numpy(), w.numpy())
    assert on_cpu["w"].requires_grad

    save(on_cpu, tmp_path / "cpu.npz")
    back = load(tmp_path / "cpu.npz", map_location=device)
    assert {t.device for t in back.values()} == {device}
    assert_same_bytes(back["w"].data, w.data, "w")

    as_saved = load(tmp_path / "gpu.npz")  # map_location=None: each where it was
    assert_same(as_saved, obj)


def test_saving_never_moves_or_changes_what_it_saves(device, tmp_path):
    w = tinygan.randn(4, device=device, requires_grad=True)
    (w * w).sum().backward()
    y = w * 3.0  # not a leaf: its graph must survive too
    array = tinygan.ones(2, device=device).data
    before = (w.data, w.numpy().copy(), w._version, w.grad, y.grad_fn, backend.to_numpy(array))

    save({"w": w, "y": y, "array": array}, tmp_path / "ckpt.npz")

    assert w.data is before[0] and w.device == device and w.requires_grad
    np.testing.assert_array_equal(w.numpy(), before[1])
    assert w._version == before[2] and w.grad is before[3] and y.grad_fn is before[4]
    assert backend.device_of(array) == device
    np.testing.assert_array_equal(backend.to_numpy(array), before[5])


def test_loaded_tensors_are_fresh_leaves_with_their_own_memory(tmp_path):
    w = tinygan.tensor([1.0, 2.0], requires_grad=True)
    y = w * 2.0
    save({"w": w, "y": y}, tmp_path / "ckpt.npz")
    loaded = load(tmp_path / "ckpt.npz")
    assert loaded["y"].is_leaf and loaded["y"].requires_grad
    with tinygan.no_grad():
        loaded["w"].add_(1.0)
    assert w.tolist() == [1.0, 2.0]
    (loaded["w"] * loaded["w"]).sum().backward()
    assert loaded["w"].grad.tolist() == [4.0, 6.0]


def test_map_location_cuda_puts_tensors_and_arrays_on_the_gpu(standin, tmp_path):
    save({"t": tinygan.ones(2), "a": np.arange(3)}, tmp_path / "ckpt.npz")
    loaded = load(tmp_path / "ckpt.npz", map_location="cuda")
    assert loaded["t"].device == "cuda" and backend.device_of(loaded["a"]) == "cuda"
    assert backend.to_numpy(loaded["a"]).tolist() == [0, 1, 2]


def test_loading_cuda_tensors_without_cuda_suggests_map_location_cpu(
    standin, tmp_path, monkeypatch
):
    save({"w": tinygan.ones(2, device="cuda")}, tmp_path / "ckpt.npz")
    monkeypatch.setattr(backend, "cuda_is_available", lambda: False)
    with pytest.raises(CheckpointError, match="map_location='cpu'"):
        load(tmp_path / "ckpt.npz")
    assert load(tmp_path / "ckpt.npz", map_location="cpu")["w"].device == "cpu"


def test_unknown_map_location_is_refused():
    with pytest.raises(ValueError, match="unknown device 'gpu'"):
        load("anything.npz", map_location="gpu")


def test_int_dict_keys_stay_ints_next_to_str_keys(tmp_path):
    state = {0: {"step": 1}, 1: {"step": 2}, "0": "a string key", -(2**70): None}
    save(state, tmp_path / "ckpt.npz")
    loaded = load(tmp_path / "ckpt.npz")
    assert list(loaded) == [0, 1, "0", -(2**70)]
    assert [type(key) for key in loaded] == [int, int, str, int]


def test_rng_state_round_trips_and_restoring_it_repeats_the_draws(tmp_path):
    tinygan.randn(3)  # move away from the seed
    state = random.get_rng_state()
    save({"rng": state}, tmp_path / "ckpt.npz")
    expected = tinygan.randn(5).numpy()
    tinygan.randn(7)

    restored = load(tmp_path / "ckpt.npz")["rng"]
    assert restored == state and restored["cpu"]["state"]["state"] > 2**64
    random.set_rng_state(restored)
    assert tinygan.randn(5).numpy().tobytes() == expected.tobytes()


def test_floats_keep_nan_infinities_and_signed_zero(tmp_path):
    values = [math.nan, math.inf, -math.inf, -0.0, 5e-324, sys.float_info.max, 0.1]
    save(values, tmp_path / "ckpt.npz")
    assert [repr(v) for v in load(tmp_path / "ckpt.npz")] == [repr(v) for v in values]


def test_strings_keep_every_character(tmp_path):
    strings = ["", "é", "生成器", "\U0001d50a", '\x00\n\t"\\', "\ud800 lone surrogate"]
    save(strings, tmp_path / "ckpt.npz")
    assert load(tmp_path / "ckpt.npz") == strings


def test_paths_may_be_str_or_pathlike(tmp_path):
    save([1], str(tmp_path / "a.npz"))
    save([2], pathlib.Path(tmp_path / "b.npz"))
    assert load(tmp_path / "a.npz") == [1] and load(str(tmp_path / "b.npz")) == [2]


def test_the_file_is_readable_with_plain_numpy_as_the_docstring_says(tmp_path):
    save({"w": tinygan.tensor([1.0, 2.0]), "n": 2**100}, tmp_path / "ckpt.npz")
    with np.load(tmp_path / "ckpt.npz", allow_pickle=False) as archive:
        header = json.loads(archive["header"].tobytes().decode("utf-8"))
        arrays = [archive[f"a{i}"] for i in range(len(header["checksums"]))]
    assert (header["format"], header["version"]) == ("tinygan-checkpoint", 1)
    (key_w, w), (key_n, n) = header["tree"]["items"]
    assert key_w == {"kind": "str", "value": "w"}
    assert w == {
        "kind": "tensor",
        "array": 0,
        "dtype": "<f4",
        "shape": [2],
        "device": "cpu",
        "requires_grad": False,
    }
    assert int(n["value"], 16) == 2**100
    assert arrays[0].tolist() == [1.0, 2.0]


# ---- atomic writes ------------------------------------------------------------------------------


def checkpoint_in(tmp_path):
    """A good checkpoint at tmp_path/ckpt.npz, to be overwritten by a save that fails."""
    path = tmp_path / "ckpt.npz"
    save({"epoch": 1, "w": tinygan.ones(3)}, path)
    return path


def assert_good_checkpoint_intact(path):
    assert sorted(os.listdir(path.parent)) == [path.name], "a temporary file was left behind"
    loaded = load(path)
    assert loaded["epoch"] == 1 and loaded["w"].tolist() == [1.0, 1.0, 1.0]


def test_a_crash_while_writing_leaves_the_previous_checkpoint_and_no_temp_files(
    tmp_path, monkeypatch
):
    path = checkpoint_in(tmp_path)

    def write_half_then_crash(file, **members):
        file.write(b"PK\x03\x04 half a checkpoint")
        raise OSError("No space left on device")

    monkeypatch.setattr(np, "savez", write_half_then_crash)
    with pytest.raises(OSError, match="No space left"):
        save({"epoch": 2, "w": tinygan.zeros(3)}, path)
    assert_good_checkpoint_intact(path)


def test_a_failed_rename_leaves_the_previous_checkpoint_and_no_temp_files(tmp_path, monkeypatch):
    path = checkpoint_in(tmp_path)

    def refuse(source, destination):
        raise PermissionError("rename refused")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(PermissionError):
        save({"epoch": 2, "w": tinygan.zeros(3)}, path)
    assert_good_checkpoint_intact(path)


# ---- temporaries left by writers that were killed --------------------------------------------

KILLED_WRITER = """
import os, sys, time
import numpy as np
import tinygan

def write_half_then_hang(file, **members):
    file.write(b"PK half a checkpoint" * 1000)
    file.flush()
    print("writing", flush=True)
    time.sleep(60)

np.savez = write_half_then_hang
tinygan.save({"w": tinygan.zeros(3)}, sys.argv[1])
"""


def a_dead_pid() -> int:
    """The pid of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def temporary_of(target: pathlib.Path, pid: int, host: str | None = None) -> pathlib.Path:
    """A temporary named as save names its own, written by process ``pid`` on ``host``."""
    host = socket.gethostname() if host is None else host
    return target.parent / f".{target.name}.{pid}-{host}.abcd1234.tmp"


@pytest.mark.skipif(os.name != "posix", reason="kill -9 and pids as on POSIX")
def test_a_save_removes_the_temporary_of_a_writer_killed_mid_save(tmp_path):
    path = checkpoint_in(tmp_path)
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(path)],
        stdout=subprocess.PIPE,
        cwd=pathlib.Path(__file__).resolve().parent.parent,
    )
    assert writer.stdout.readline() == b"writing\n"
    os.kill(writer.pid, signal.SIGKILL)
    writer.wait()
    (left_behind,) = [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
    assert left_behind.startswith(f".ckpt.npz.{writer.pid}-")

    save({"epoch": 1, "w": tinygan.ones(3)}, path)
    assert_good_checkpoint_intact(path)


@pytest.mark.skipif(os.name != "posix", reason="pids as on POSIX")
def test_a_save_leaves_alone_the_temporaries_of_live_writers_and_of_other_files(tmp_path):
    path = checkpoint_in(tmp_path)
    dead = a_dead_pid()
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as alive:
        kept = [
            temporary_of(path, alive.pid),  # another process saving the same target right now
            temporary_of(path, os.getpid()),  # another thread of this process, likewise
            temporary_of(path, dead, host="another_host"),  # its pids are not ours to judge
            temporary_of(tmp_path / "other.npz", dead),  # a temporary of another target
            tmp_path / f".ckpt.npz.{dead}.tmp",  # not a name save makes
            tmp_path / "ckpt.npz.tmp",
        ]
        for file in kept:
            file.write_bytes(b"in use")
        save({"epoch": 1, "w": tinygan.ones(3)}, path)
        alive.kill()
    assert all(file.exists() for file in kept)


def test_a_save_removes_old_temporaries_named_by_earlier_versions_but_not_recent_ones(tmp_path):
    path = checkpoint_in(tmp_path)
    old, recent = tmp_path / ".ckpt.npz.k3j_9x2a.tmp", tmp_path / ".ckpt.npz.q8w2e5r7.tmp"
    for file in (old, recent):
        file.write_bytes(b"left by a tinygan that named temporaries without a pid")
    a_day_ago = time.time() - 24 * 3600
    os.utime(old, (a_day_ago, a_day_ago))
    save({"epoch": 1, "w": tinygan.ones(3)}, path)
    assert not old.exists() and recent.exists()


def test_an_unsupported_object_is_refused_before_the_file_is_touched(tmp_path):
    path = checkpoint_in(tmp_path)
    with pytest.raises(TypeError):
        save({"epoch": 2, "w": {1, 2}}, path)
    assert_good_checkpoint_intact(path)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_checkpoints_get_ordinary_permissions_not_the_private_temp_file_ones(tmp_path):
    previous = os.umask(0o027)  # a new file gets 0o666 minus the umask, as any file does
    try:
        save([1], tmp_path / "new.npz")
    finally:
        os.umask(previous)
    assert (tmp_path / "new.npz").stat().st_mode & 0o777 == 0o640
    (tmp_path / "new.npz").chmod(0o600)
    save([2], tmp_path / "new.npz")  # replacing keeps the permissions the file had
    assert (tmp_path / "new.npz").stat().st_mode & 0o777 == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX symlinks")
def test_saving_through_a_symlink_replaces_its_target(tmp_path):
    target = tmp_path / "run" / "checkpoint.npz"
    target.parent.mkdir()
    save({"step": 1}, target)
    link = tmp_path / "latest.npz"
    link.symlink_to(target)
    save({"step": 2}, link)
    assert link.is_symlink() and load(target)["step"] == 2


# ---- what save refuses --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad, where, says",
    [
        ({"model": {"w": {1, 2}}}, "obj['model']['w'] is a set", "dicts (with str or int keys)"),
        ([1, object()], "obj[1] is an object", "lists, tuples"),
        ({"loss": np.float64(0.5)}, "obj['loss'] is a NumPy scalar (float64)", ".item()"),
        ({"m": collections.OrderedDict()}, "obj['m'] is an OrderedDict", "dicts"),
        ({1.5: "x"}, "obj[1.5] has a key of type float", "keys must be str or int"),
        ({True: "x"}, "obj[True] has a key of type bool", "keys must be str or int"),
        ({"a": np.array([None])}, "obj['a'] has dtype object", "pickling"),
        ({"s": np.array(["text"])}, "obj['s'] has dtype <U4", "bool, integer, float"),
        ((lambda: None,), "obj[0] is a function", "None"),
    ],
)
def test_unsupported_objects_raise_type_error_naming_where_they_are(tmp_path, bad, where, says):
    with pytest.raises(TypeError) as error:
        save(bad, tmp_path / "ckpt.npz")
    assert f"save: {where}" in str(error.value) and says in str(error.value)
    assert not list(tmp_path.iterdir())


def test_a_structure_containing_itself_is_refused(tmp_path):
    loop = {"a": []}
    loop["a"].append(loop)
    with pytest.raises(TypeError, match=r"obj\['a'\]\[0\] contains itself"):
        save(loop, tmp_path / "ckpt.npz")


# ---- what load refuses --------------------------------------------------------------------------


def read_members(path):
    """(header, {name: array}) of a checkpoint, read with plain NumPy."""
    with np.load(path, allow_pickle=False) as archive:
        members = {name: archive[name] for name in archive.files}
    return json.loads(members.pop("header").tobytes()), members


def write_members(path, header, members, allow_pickle=False):
    """Write a checkpoint-shaped .npz with any header (a dict, or raw text) and members."""
    text = header if isinstance(header, str) else json.dumps(header)
    np.savez(path, header=np.frombuffer(text.encode("utf-8"), np.uint8), **members)


def edit_header(change):
    def make(path, header, members):
        change(header)
        write_members(path, header, members)

    return make


def edit_members(change):
    def make(path, header, members):
        change(members)
        write_members(path, header, members)

    return make


class RunsCodeWhenUnpickled:
    ran = []

    def __reduce__(self):
        return (RunsCodeWhenUnpickled.ran.append, ("code ran",))


def write_pickle(path, header, members):
    path.write_bytes(pickle.dumps(RunsCodeWhenUnpickled()))


def write_object_array(path, header, members):
    members["a0"] = np.array([RunsCodeWhenUnpickled()], dtype=object)
    header["tree"]["items"][0][1]["dtype"] = "|O"
    np.savez(
        path,
        header=np.frombuffer(json.dumps(header).encode(), np.uint8),
        **members,
    )


def set_tree_node(name, **fields):
    """Change fields of the tree node of obj[name] (a top-level entry)."""

    def change(header):
        for key, node in header["tree"]["items"]:
            if key["value"] == name:
                node.update(fields)

    return edit_header(change)


BAD_FILES = {
    "empty": (lambda path, header, members: path.write_bytes(b""), "not a tinygan checkpoint"),
    "text": (lambda path, h, m: path.write_text("epoch 3\n"), "not a tinygan checkpoint"),
    "pickle": (write_pickle, "not a tinygan checkpoint"),
    "npy": (lambda path, h, m: np.save(path.open("wb"), np.zeros(3)), "not a tinygan checkpoint"),
    "foreign npz": (
        lambda path, h, m: np.savez(path, weights=np.zeros(3)),
        "has no 'header' member; it has ['weights']",
    ),
    "wrong format": (
        edit_header(lambda h: h.update(format="other-checkpoint")),
        "format is 'other-checkpoint'",
    ),
    "newer version": (
        edit_header(lambda h: h.update(version=2)),
        "written by a newer tinygan, format version 2; this one reads up to 1",
    ),
    "version not an int": (edit_header(lambda h: h.update(version="1")), "not a format version"),
    "bad json": (lambda path, h, m: write_members(path, "{'format':", m), "not valid JSON"),
    "json not an object": (lambda path, h, m: write_members(path, "[1, 2]", m), "format is None"),
    "header not bytes": (
        lambda path, h, m: np.savez(path, header=np.zeros(3), **m),
        "the header is a float64 array",
    ),
    "no tree": (edit_header(lambda h: h.pop("tree")), "no 'tree'"),
    "member missing": (edit_members(lambda m: m.pop("a1")), "members missing ['a1']"),
    "extra member": (edit_members(lambda m: m.update(a9=np.ones(1))), "unexpected members ['a9']"),
    "checksum mismatch": (
        edit_members(lambda m: m.update(a0=m["a0"] + 1)),
        "member 'a0' fails its sha256 checksum",
    ),
    "shape mismatch": (
        edit_members(lambda m: m.update(a0=m["a0"].reshape(-1))),
        "member 'a0' has dtype <f4 and shape [4], but the header says '<f4' and [2, 2]",
    ),
    "dtype mismatch": (
        edit_members(lambda m: m.update(a0=m["a0"].view(np.int32))),
        "member 'a0' has dtype <i4",
    ),
    "object member": (write_object_array, "member 'a0' cannot be read"),
    "unknown kind": (set_tree_node("note", kind="module"), "unknown kind 'module'"),
    "array out of range": (set_tree_node("w", array=5), "'array' is out of range"),
    "bad int": (
        edit_header(lambda h: h["tree"]["items"][2][1]["items"][0][1].update(value="0xZZ")),
        "tree[0]['step'] is not a valid int",
    ),
    "integer tensor needs grad": (
        set_tree_node("ids", kind="tensor", requires_grad=True),
        "non-float tensor needing grad",
    ),
    "unknown device": (set_tree_node("w", device="tpu"), "unknown device 'tpu'"),
    "repeated key": (
        edit_header(lambda h: h["tree"]["items"].append(h["tree"]["items"][0])),
        "key 'w' is repeated",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES)
def test_damaged_or_foreign_files_raise_checkpoint_error_saying_what_is_wrong(
    case, good_file, tmp_path
):
    make, says = BAD_FILES[case]
    header, members = read_members(good_file[0])
    path = tmp_path / "bad.npz"
    make(path, header, members)
    with pytest.raises(CheckpointError) as error:
        load(path)
    assert str(path) in str(error.value) and says in str(error.value)
    assert RunsCodeWhenUnpickled.ran == [], "loading ran code from the file"


def test_a_missing_file_or_a_folder_raise_checkpoint_error(tmp_path):
    with pytest.raises(CheckpointError, match="no such file"):
        load(tmp_path / "missing.npz")
    with pytest.raises(CheckpointError, match="directory"):
        load(tmp_path)


def test_a_damaged_array_fails_the_zip_crc_check(good_file, tmp_path):
    path, data, obj = good_file
    values = obj["w"].numpy().tobytes()
    at = data.index(values)
    damaged = data[:at] + bytes([data[at] ^ 0x40]) + data[at + 1 :]
    with pytest.raises(CheckpointError, match="member 'a0' cannot be read.*CRC"):
        load_bytes(damaged, tmp_path / "bad.npz")


# ---- fuzzing --------------------------------------------------------------------------------


@settings(max_examples=FUZZ_EXAMPLES)
@given(data=st.binary(max_size=2000) | st.binary(max_size=2000).map(lambda b: b"PK\x03\x04" + b))
def test_random_bytes_raise_checkpoint_error(tmp_path, data):
    with pytest.raises(CheckpointError):
        load_bytes(data, tmp_path / "random.npz")


def test_every_truncation_of_a_checkpoint_raises_checkpoint_error(good_file, tmp_path):
    _, data, _ = good_file
    for length in range(len(data)):
        with pytest.raises(CheckpointError):
            load_bytes(data[:length], tmp_path / "cut.npz")


@settings(max_examples=FUZZ_EXAMPLES)
@given(data=st.data())
def test_flipped_bits_raise_checkpoint_error_or_change_nothing(good_file, tmp_path, data):
    _, original, obj = good_file
    bits = data.draw(
        st.lists(st.integers(0, 8 * len(original) - 1), min_size=1, max_size=8, unique=True),
        label="bits",
    )
    damaged = bytearray(original)
    for bit in bits:
        damaged[bit // 8] ^= 1 << (bit % 8)
    try:
        loaded = load_bytes(bytes(damaged), tmp_path / "flipped.npz")
    except CheckpointError:
        return
    assert_same(loaded, obj)  # the flips hit bytes nobody reads, such as timestamps


def test_every_damaged_byte_raises_checkpoint_error_or_changes_nothing(good_file, tmp_path):
    _, original, obj = good_file
    for at in range(len(original)):
        damaged = original[:at] + bytes([original[at] ^ 0xFF]) + original[at + 1 :]
        try:
            loaded = load_bytes(damaged, tmp_path / "damaged.npz")
        except CheckpointError:
            continue
        assert_same(loaded, obj, f"byte {at} inverted")


def test_save_json_writes_null_for_nan_and_infinity_so_any_reader_can_parse_it(tmp_path):
    metrics = {
        "loss": float("nan"),
        "scores": [1.5, float("inf"), np.float32("-inf")],
        "steps": np.int64(3),
        "kl": np.float64(0.25),
        "label": "ring",
    }
    tinygan.save_json(metrics, tmp_path / "metrics.json")
    text = (tmp_path / "metrics.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {
        "loss": None,
        "scores": [1.5, None, None],
        "steps": 3,
        "kl": 0.25,
        "label": "ring",
    }


def test_save_json_replaces_the_old_file_whole_or_not_at_all(tmp_path):
    path = tmp_path / "metrics.json"
    tinygan.save_json({"finished": True}, path)
    with pytest.raises(TypeError):
        tinygan.save_json({"oops": object()}, path)  # not JSON: nothing is written
    assert json.loads(path.read_text()) == {"finished": True}
    assert [p.name for p in tmp_path.iterdir()] == ["metrics.json"]  # no temporary left
