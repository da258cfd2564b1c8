"""A CPU stand-in for ``cupy`` so that GPU-only code paths are exercised in CPU CI.

CI has no GPU, yet tinygan's 'cuda' device keeps its arrays in CuPy, and the usual GPU bugs
are host/device mix-ups: handing a device array to NumPy, mixing a NumPy array into device
arithmetic, or relying on NumPy returning scalars where CuPy returns 0-d arrays. On a
CPU-only machine real CuPy cannot even be imported, so those bugs would first show up on a
GPU. This module imitates the parts of CuPy that tinygan uses, backed by NumPy, and is just
as unforgiving, so that any code path that would break on a real GPU fails in CPU CI too.

What it enforces:

* :class:`ndarray` wraps a private NumPy array and is *not* a NumPy subclass. Implicit
  conversion (``np.asarray(x)``, ``np.array(x)``) raises ``TypeError``; ``x.get()`` and
  :func:`asnumpy` are the explicit ways back to the host.
* NumPy functions and ufuncs refuse stand-in arrays (``np.exp(x)``, ``np.sum(x)``). Real
  CuPy would dispatch many of those through ``__array_ufunc__``/``__array_function__``;
  the stand-in is stricter on purpose, because calling NumPy on a device array is exactly
  the mistake we want CI to catch. Use the array module (``xp.exp(x)``) instead.
* Operators and stand-in functions refuse NumPy arrays, 0-d ones included: there is no
  implicit host-to-device copy. Python and NumPy scalars are accepted, as in CuPy.
  Explicit conversions (:func:`asarray`, :func:`array`, :func:`ascontiguousarray`) do
  accept host data.
* Results are always stand-in arrays; reductions and scalar indexing give 0-d arrays.

The rest of NumPy's top-level namespace is reachable through this module (module
``__getattr__``): functions are adapted to take and return stand-in arrays, while types
and constants (``float32``, ``pi``, ``newaxis``) are NumPy's own, as CuPy re-exports them.
Also provided: ``linalg``, ``fft``, ``lib.stride_tricks.as_strided``,
``random.RandomState``, ``cuda`` (one fake device) and :func:`scatter_add`, the stand-in
for ``cupyx.scatter_add`` (tinygan's backend maps ``cupyx.scatter_add`` to it).
"""

import operator as _operator
import sys as _sys
import types as _types

import numpy as _np

_IMPLICIT_CONVERSION_MESSAGE = (
    "Implicit conversion to a NumPy array is not allowed. "
    "Please use `.get()` to construct a NumPy array explicitly."
)
_STANDIN_TYPE = f"{__name__}.ndarray"
_SCALAR_TYPES = (int, float, complex, _np.generic)
_UFUNC_METHODS = ("accumulate", "at", "outer", "reduce", "reduceat")
_MISSING = object()


def _type_name(value):
    """``module.qualname`` of ``value``'s type, for error messages."""
    kind = type(value)
    return f"{kind.__module__}.{kind.__qualname__}"


def _from_numpy(array):
    """Wrap a NumPy array (no copy) in a stand-in array."""
    wrapper = ndarray.__new__(ndarray)
    wrapper._array = array
    return wrapper


def _same_or_new(original, array):
    """``original`` itself if it already wraps ``array``, else a new wrapper of ``array``."""
    return original if original._array is array else _from_numpy(array)


def _rebuild(sequence, items):
    """A list or tuple of the same kind as ``sequence`` (namedtuples included) of ``items``."""
    if isinstance(sequence, list):
        return items
    if hasattr(sequence, "_fields"):
        return type(sequence)(*items)
    return tuple(items)


def _unwrap(value, caller, seen=None, host_ok=False):
    """Replace stand-in arrays in ``value`` (also inside lists and tuples) by their buffers.

    Each stand-in met is appended to ``seen`` when given. NumPy arrays raise ``TypeError``
    naming ``caller`` unless ``host_ok`` (explicit host-to-device conversions).
    """
    if isinstance(value, ndarray):
        if seen is not None:
            seen.append(value)
        return value._array
    if isinstance(value, _np.ndarray) and not host_ok:
        raise TypeError(
            f"{caller}: got a numpy.ndarray where a {_STANDIN_TYPE} is required; "
            "host arrays are not copied to the device implicitly, use asarray() first"
        )
    if isinstance(value, (list, tuple)):
        return _rebuild(value, [_unwrap(item, caller, seen, host_ok) for item in value])
    return value


def _wrap(value, inputs=()):
    """Turn NumPy results (arrays, scalars, lists and tuples of them) into stand-in arrays.

    A result that is the very buffer of one of ``inputs`` (``out=`` arguments, no-op
    conversions) comes back as that input, as CuPy returns the same object.
    """
    if isinstance(value, _np.ndarray):
        for original in inputs:
            if original._array is value:
                return original
        return _from_numpy(value)
    if isinstance(value, _np.generic):
        return _from_numpy(_np.asarray(value))
    if isinstance(value, (list, tuple)):
        return _rebuild(value, [_wrap(item, inputs) for item in value])
    return value


def _call(func, caller, args, kwargs, inputs=()):
    """Call the NumPy callable ``func`` on unwrapped arguments and wrap its result."""
    seen = list(inputs)
    args = _unwrap(args, caller, seen)
    kwargs = {key: _unwrap(value, caller, seen) for key, value in kwargs.items()}
    return _wrap(func(*args, **kwargs), seen)


def _device_function(func, name):
    """Adapt the NumPy callable ``func`` to take and return stand-in arrays."""

    def call(*args, **kwargs):
        return _call(func, f"{__name__}.{name}()", args, kwargs)

    call.__name__ = name.rpartition(".")[2]
    call.__qualname__ = name
    call.__doc__ = getattr(func, "__doc__", None)
    return call


def _require_standin(value, caller):
    """Raise ``TypeError`` unless ``value`` is a stand-in array."""
    if not isinstance(value, ndarray):
        raise TypeError(f"{caller}: expected a {_STANDIN_TYPE}, got {_type_name(value)}")


def _operand(value, left, right, symbol):
    """The NumPy-level value of ``value``, the other operand of ``left <symbol> right``.

    Returns ``NotImplemented`` for unsupported types (Python then raises ``TypeError``) and
    raises ``TypeError`` naming both types for NumPy arrays.
    """
    if isinstance(value, ndarray):
        return value._array
    if isinstance(value, _np.ndarray):
        raise TypeError(
            f"unsupported operand types for {symbol}: '{_type_name(left)}' and "
            f"'{_type_name(right)}' (NumPy arrays are not copied to the device "
            "implicitly; use asarray() first)"
        )
    if isinstance(value, _SCALAR_TYPES):
        return value
    return NotImplemented


def _binary(ufunc, symbol):
    """``(forward, reflected, in-place)`` operator methods computing ``ufunc``."""

    def forward(self, other):
        operand = _operand(other, self, other, symbol)
        if operand is NotImplemented:
            return NotImplemented
        return _wrap(ufunc(self._array, operand))

    def reflected(self, other):
        operand = _operand(other, other, self, symbol)
        if operand is NotImplemented:
            return NotImplemented
        return _wrap(ufunc(operand, self._array))

    def in_place(self, other):
        operand = _operand(other, self, other, symbol + "=")
        if operand is NotImplemented:
            return NotImplemented
        ufunc(self._array, operand, out=self._array)
        return self

    return forward, reflected, in_place


def _comparison(ufunc, symbol):
    """A comparison operator method computing ``ufunc``."""
    return _binary(ufunc, symbol)[0]


def _unary(ufunc):
    """A unary operator method computing ``ufunc``."""

    def method(self):
        return _wrap(ufunc(self._array))

    return method


def _method(name):
    """An ``ndarray`` method delegating to the NumPy method ``name`` of the buffer."""

    def method(self, *args, **kwargs):
        bound = getattr(self._array, name)
        return _call(bound, f"{_STANDIN_TYPE}.{name}()", args, kwargs, inputs=(self,))

    method.__name__ = name
    method.__doc__ = f"Like ``numpy.ndarray.{name}``; returns stand-in arrays."
    return method


def _attribute(name, wrapped=False):
    """A read-only property exposing the buffer's attribute ``name``."""
    if wrapped:
        return property(lambda self: _from_numpy(getattr(self._array, name)))
    return property(lambda self: getattr(self._array, name))


class ndarray:
    """Device-array stand-in: a NumPy buffer that refuses to mix with NumPy implicitly."""

    __slots__ = ("_array",)
    __hash__ = None
    # NumPy's documented opt-out: every ufunc raises TypeError on a stand-in array, and a
    # binary operator with a NumPy operand on the left defers to our reflected method, which
    # accepts NumPy scalars (as CuPy does) and refuses NumPy arrays.
    __array_ufunc__ = None

    def __init__(self, shape, dtype=float, order="C"):
        """Uninitialised array, like ``cupy.ndarray(shape, dtype)``; wrap data with asarray()."""
        self._array = _np.empty(shape, dtype=dtype, order=order)

    def __array__(self, dtype=None, copy=None):
        """Refuse implicit conversion to NumPy, with CuPy's message."""
        raise TypeError(_IMPLICIT_CONVERSION_MESSAGE)

    def __array_function__(self, func, types, args, kwargs):
        """Refuse NumPy functions (``np.sum(x)``); stricter than CuPy on purpose."""
        raise TypeError(
            f"numpy.{getattr(func, '__name__', func)}() was called on a {_STANDIN_TYPE}; "
            "NumPy functions do not take device arrays here, call them through the array "
            "module (xp = get_array_module(x)) or convert explicitly with .get()"
        )

    def get(self, stream=None):
        """A NumPy copy of the data (``stream`` is accepted for CuPy compatibility)."""
        return self._array.copy()

    shape = _attribute("shape")
    dtype = _attribute("dtype")
    ndim = _attribute("ndim")
    size = _attribute("size")
    itemsize = _attribute("itemsize")
    nbytes = _attribute("nbytes")
    strides = _attribute("strides")
    flags = _attribute("flags")
    T = _attribute("T", wrapped=True)
    real = _attribute("real", wrapped=True)
    imag = _attribute("imag", wrapped=True)

    @property
    def mT(self):
        """Transpose of the last two axes (``numpy.ndarray.mT`` exists only from NumPy 2)."""
        return _from_numpy(self._array.swapaxes(-1, -2))

    __add__, __radd__, __iadd__ = _binary(_np.add, "+")
    __sub__, __rsub__, __isub__ = _binary(_np.subtract, "-")
    __mul__, __rmul__, __imul__ = _binary(_np.multiply, "*")
    __truediv__, __rtruediv__, __itruediv__ = _binary(_np.true_divide, "/")
    __floordiv__, __rfloordiv__, __ifloordiv__ = _binary(_np.floor_divide, "//")
    __mod__, __rmod__, __imod__ = _binary(_np.remainder, "%")
    __pow__, __rpow__, __ipow__ = _binary(_np.power, "**")
    __matmul__, __rmatmul__, __imatmul__ = _binary(_np.matmul, "@")
    __and__, __rand__, __iand__ = _binary(_np.bitwise_and, "&")
    __or__, __ror__, __ior__ = _binary(_np.bitwise_or, "|")
    __xor__, __rxor__, __ixor__ = _binary(_np.bitwise_xor, "^")
    __lshift__, __rlshift__, __ilshift__ = _binary(_np.left_shift, "<<")
    __rshift__, __rrshift__, __irshift__ = _binary(_np.right_shift, ">>")
    __divmod__, __rdivmod__ = _binary(_np.divmod, "divmod()")[:2]

    __lt__ = _comparison(_np.less, "<")
    __le__ = _comparison(_np.less_equal, "<=")
    __gt__ = _comparison(_np.greater, ">")
    __ge__ = _comparison(_np.greater_equal, ">=")
    __eq__ = _comparison(_np.equal, "==")
    __ne__ = _comparison(_np.not_equal, "!=")

    __neg__ = _unary(_np.negative)
    __pos__ = _unary(_np.positive)
    __abs__ = _unary(_np.absolute)
    __invert__ = _unary(_np.invert)

    all = _method("all")
    any = _method("any")
    argmax = _method("argmax")
    argmin = _method("argmin")
    argsort = _method("argsort")
    astype = _method("astype")
    clip = _method("clip")
    conj = _method("conj")
    copy = _method("copy")
    cumprod = _method("cumprod")
    cumsum = _method("cumsum")
    diagonal = _method("diagonal")
    dot = _method("dot")
    fill = _method("fill")
    flatten = _method("flatten")
    max = _method("max")
    mean = _method("mean")
    min = _method("min")
    nonzero = _method("nonzero")
    prod = _method("prod")
    ravel = _method("ravel")
    repeat = _method("repeat")
    reshape = _method("reshape")
    round = _method("round")
    sort = _method("sort")
    squeeze = _method("squeeze")
    std = _method("std")
    sum = _method("sum")
    swapaxes = _method("swapaxes")
    take = _method("take")
    trace = _method("trace")
    transpose = _method("transpose")
    var = _method("var")
    view = _method("view")

    def item(self, *args):
        """The element as a Python scalar (a host transfer, as in CuPy)."""
        return self._array.item(*args)

    def tolist(self):
        """The data as nested Python lists (a host transfer, as in CuPy)."""
        return self._array.tolist()

    def __getitem__(self, key):
        """Index like NumPy; a single element comes back as a 0-d view, as in CuPy."""
        key = _unwrap(key, f"{_STANDIN_TYPE}.__getitem__()")
        result = self._array[key]
        if isinstance(result, _np.generic):
            # All-integer indexing: with a trailing Ellipsis NumPy returns a 0-d view instead.
            result = self._array[(key if isinstance(key, tuple) else (key,)) + (Ellipsis,)]
        return _from_numpy(result)

    def __setitem__(self, key, value):
        """Assign into the buffer; NumPy keys and values are refused."""
        caller = f"{_STANDIN_TYPE}.__setitem__()"
        self._array[_unwrap(key, caller)] = _unwrap(value, caller)

    def __len__(self):
        return len(self._array)

    def __iter__(self):
        """Iterate over the first axis, yielding stand-in views (0-d for 1-d arrays)."""
        return (self[i] for i in range(len(self)))

    def __bool__(self):
        return bool(self._array)

    def __int__(self):
        return int(self._array)

    def __float__(self):
        return float(self._array)

    def __complex__(self):
        return complex(self._array)

    def __index__(self):
        """Only 0-d integer arrays, as in NumPy."""
        return _operator.index(self._array)

    def __format__(self, format_spec):
        return format(self._array, format_spec)

    def __copy__(self):
        return _from_numpy(self._array.copy())

    def __deepcopy__(self, memo):
        return self.__copy__()

    def __repr__(self):
        prefix = "standin."
        return prefix + repr(self._array).replace("\n", "\n" + " " * len(prefix))

    def __str__(self):
        return str(self._array)


def asarray(a, dtype=None, order=None):
    """Stand-in array from ``a``: host data is copied, a stand-in array comes back as is
    when no conversion is needed."""
    if isinstance(a, ndarray):
        return _same_or_new(a, _np.asarray(a._array, dtype=dtype, order=order))
    return _from_numpy(_np.array(_unwrap(a, "asarray()", host_ok=True), dtype=dtype, order=order))


# CuPy has no array subclasses, so its asanyarray is asarray.
asanyarray = asarray


def array(obj, dtype=None, copy=True, order="K"):
    """Stand-in array from ``obj``; host data is always copied, stand-in data unless
    ``copy=False`` and no conversion is needed."""
    if isinstance(obj, ndarray) and not copy:
        return asarray(obj, dtype=dtype, order=order)
    return _from_numpy(_np.array(_unwrap(obj, "array()", host_ok=True), dtype=dtype, order=order))


def ascontiguousarray(a, dtype=None):
    """C-contiguous stand-in array (``a`` itself when it already is one of ``dtype``)."""
    result = asarray(a, dtype=dtype)
    return _same_or_new(result, _np.ascontiguousarray(result._array))


def asnumpy(a, stream=None):
    """A NumPy copy of ``a`` (a stand-in array, NumPy array, list or scalar)."""
    if isinstance(a, ndarray):
        return a.get()
    return _np.array(a)


def get_array_module(*args):
    """This module if any argument is a stand-in array, else ``numpy``."""
    if any(isinstance(arg, ndarray) for arg in args):
        return _sys.modules[__name__]
    return _np


def scatter_add(a, slices, value):
    """``cupyx.scatter_add``: ``a[slices] += value`` in place, repeated indices accumulating."""
    _require_standin(a, "scatter_add()")
    _np.add.at(a._array, _unwrap(slices, "scatter_add()"), _unwrap(value, "scatter_add()"))


class _Ufunc:
    """A NumPy ufunc adapted to stand-in arrays, its methods (``at``, ``reduce``...) too."""

    def __init__(self, ufunc, name):
        self._ufunc = ufunc
        self._name = name
        self._call = _device_function(ufunc, name)
        self.__name__ = ufunc.__name__
        self.__doc__ = ufunc.__doc__

    def __call__(self, *args, **kwargs):
        return self._call(*args, **kwargs)

    def __getattr__(self, name):
        value = getattr(self._ufunc, name)
        if name in _UFUNC_METHODS:
            return _device_function(value, f"{self._name}.{name}")
        return value

    def __repr__(self):
        return f"<stand-in ufunc {self._name!r}>"


def _public_attribute(module, name, owner):
    """NumPy's ``module.name`` as this module exposes it (see the module docstring).

    Private names, submodules and missing names raise ``AttributeError`` naming ``owner``.
    """
    value = getattr(module, name, _MISSING)
    if name.startswith("_") or value is _MISSING or isinstance(value, _types.ModuleType):
        raise AttributeError(f"{owner} has no attribute {name!r}")
    qualified = name if module is _np else f"{owner}.{name}"
    if isinstance(value, _np.ufunc):
        return _Ufunc(value, qualified)
    if callable(value) and not isinstance(value, type):
        return _device_function(value, qualified)
    return value


class _Namespace:
    """A NumPy submodule (``linalg``, ``fft``) adapted like the top-level namespace."""

    def __init__(self, module, name):
        self._module = module
        self._name = name

    def __getattr__(self, name):
        return _public_attribute(self._module, name, self._name)


linalg = _Namespace(_np.linalg, "linalg")
fft = _Namespace(_np.fft, "fft")


def __getattr__(name):
    """The rest of NumPy's public namespace, adapted and cached on first use."""
    value = _public_attribute(_np, name, f"module {__name__!r}")
    globals()[name] = value
    return value


def _as_strided(x, shape=None, strides=None):
    """``cupy.lib.stride_tricks.as_strided``: a stand-in view of ``x``'s memory."""
    _require_standin(x, "as_strided()")
    return _from_numpy(_np.lib.stride_tricks.as_strided(x._array, shape, strides))


lib = _types.SimpleNamespace(stride_tricks=_types.SimpleNamespace(as_strided=_as_strided))


def _float_dtype(dtype, caller):
    """``dtype`` as a NumPy dtype, which must be float32 or float64 as CuPy requires."""
    dtype = _np.dtype(dtype)
    if dtype not in (_np.dtype(_np.float32), _np.dtype(_np.float64)):
        raise TypeError(f"{caller}: dtype must be float32 or float64, got {dtype}")
    return dtype


def _sample(values, dtype, caller):
    """Host samples as a stand-in array of the float ``dtype``."""
    return _from_numpy(_np.asarray(values).astype(_float_dtype(dtype, caller), copy=False))


class _RandomState:
    """``cupy.random.RandomState`` subset, drawing from a seeded ``numpy.random.RandomState``.

    Samples are drawn in float64 and cast, so a given seed gives the same stream for every
    dtype. Array parameters (``low``, ``loc``...) must be stand-in arrays or scalars.
    """

    def __init__(self, seed=None):
        self._state = _np.random.RandomState(seed)

    def standard_normal(self, size=None, dtype=float):
        return _sample(self._state.standard_normal(size), dtype, "standard_normal()")

    def normal(self, loc=0.0, scale=1.0, size=None, dtype=float):
        loc, scale = _unwrap((loc, scale), "normal()")
        return _sample(self._state.normal(loc, scale, size), dtype, "normal()")

    def random_sample(self, size=None, dtype=float):
        return _sample(self._state.random_sample(size), dtype, "random_sample()")

    def uniform(self, low=0.0, high=1.0, size=None, dtype=float):
        low, high = _unwrap((low, high), "uniform()")
        return _sample(self._state.uniform(low, high, size), dtype, "uniform()")

    def randint(self, low, high=None, size=None, dtype=_np.int64):
        """Integers in ``[low, high)`` (``[0, low)`` without ``high``)."""
        low, high = _unwrap((low, high), "randint()")
        return _from_numpy(_np.asarray(self._state.randint(low, high, size, dtype), dtype))

    def permutation(self, num):
        """A permutation of ``range(num)``, or a shuffled copy of the array ``num``."""
        return _from_numpy(self._state.permutation(_unwrap(num, "permutation()")))


random = _types.SimpleNamespace(RandomState=_RandomState)


class _Device:
    """``cupy.cuda.Device``: the single fake GPU; switching and synchronising are no-ops."""

    def __init__(self, device=None):
        self.id = 0 if device is None else _operator.index(device)

    def use(self):
        """No-op: there is only one device."""

    def synchronize(self):
        """No-op: stand-in work is synchronous."""

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        return None


class _Stream:
    """``cupy.cuda.Stream``; only ``Stream.null.synchronize()`` (a no-op) is provided."""

    null = None  # the default stream, created below

    def synchronize(self):
        """No-op: stand-in work is synchronous."""


_Stream.null = _Stream()


def _get_device_count():
    """``cupy.cuda.runtime.getDeviceCount``: one fake device."""
    return 1


def _is_available():
    """``cupy.cuda.is_available``: the fake device always is."""
    return True


cuda = _types.SimpleNamespace(
    Device=_Device,
    Stream=_Stream,
    is_available=_is_available,
    runtime=_types.SimpleNamespace(getDeviceCount=_get_device_count),
)
