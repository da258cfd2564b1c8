"""tinygan.memory: glibc's thresholds are raised at import, unless the environment opts out."""

from __future__ import annotations

import platform

import pytest

from tinygan import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
def test_glibc_accepts_the_settings():
    assert memory.keep_freed_memory() is True


@pytest.mark.parametrize("setting, applied", [("0", False), ("1", True), (None, True)])
def test_the_environment_variable_turns_it_off(monkeypatch, setting, applied):
    calls = []
    monkeypatch.setattr(memory, "keep_freed_memory", lambda: calls.append(1))
    if setting is None:
        monkeypatch.delenv("TINYGAN_KEEP_FREED_MEMORY", raising=False)
    else:
        monkeypatch.setenv("TINYGAN_KEEP_FREED_MEMORY", setting)
    memory._apply_default()
    assert bool(calls) == applied
