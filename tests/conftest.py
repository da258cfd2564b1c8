"""Shared test setup: hypothesis profiles and the devices every engine test runs on.

Devices:
- 'cpu': NumPy.
- 'standin': device 'cuda' backed by tests/cupy_standin.py, an array type that, like CuPy's,
  refuses implicit conversion to NumPy; any code path that would break on a GPU breaks here.
- 'cuda': real CuPy on a real GPU; skipped (with the reason) where there is none.

Hypothesis profile: $TINYGAN_HYPOTHESIS_PROFILE, else 'ci' when $CI is set, else 'dev'.
"""

from __future__ import annotations

import os

import cupy_standin
import pytest
from hypothesis import HealthCheck, settings

import tinygan
from tinygan import backend, random

# No deadline: gradient checks of convolutions take a while. The device fixture only sets up.
_COMMON = dict(
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.register_profile("ci", max_examples=25, database=None, **_COMMON)
settings.register_profile("dev", max_examples=50, **_COMMON)
settings.register_profile("thorough", max_examples=500, **_COMMON)
settings.load_profile(
    os.environ.get("TINYGAN_HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev")
)

STANDIN_BACKEND = backend.CudaBackend(cupy_standin, cupy_standin.scatter_add)


def _real_cuda_reason():
    """None if real CuPy and a GPU are usable, else why not."""
    saved = backend._cuda
    backend._cuda = None
    try:
        backend.cuda_backend()
    except RuntimeError as error:
        return str(error).split(" (")[0].split(". ")[0]
    finally:
        real = backend._cuda
        backend._cuda = saved
    _REAL_CUDA.append(real)
    return None


_REAL_CUDA = []
REAL_CUDA_SKIP_REASON = _real_cuda_reason()


def use_device(name):
    """Point device 'cuda' at the backend the test asked for; return the tinygan device name."""
    if name == "cpu":
        return "cpu"
    if name == "standin":
        backend._cuda = STANDIN_BACKEND
    else:
        if REAL_CUDA_SKIP_REASON is not None:
            pytest.skip(f"no real GPU: {REAL_CUDA_SKIP_REASON}")
        backend._cuda = _REAL_CUDA[0]
    random._cuda = None  # the generator belongs to the module it was made from
    return "cuda"


@pytest.fixture(params=["cpu", "standin", "cuda"])
def device(request):
    """Each test taking `device` runs on NumPy, on the CuPy stand-in, and on real CuPy."""
    saved = backend._cuda
    yield use_device(request.param)
    backend._cuda = saved
    random._cuda = None


@pytest.fixture(autouse=True)
def _fresh_state():
    """Every test starts seeded, in grad mode, with float32 as the default dtype."""
    tinygan.manual_seed(0)
    yield
    tinygan.set_default_dtype(tinygan.float32)
    assert tinygan.is_grad_enabled(), "a test left grad mode off"
