"""The CuPy stand-in must be exactly as unforgiving as a real GPU array, and otherwise correct.

Each test names the property it checks; see ``cupy_standin``'s docstring for why it exists.
"""

import copy
import operator

import cupy_standin as xp
import numpy as np
import pytest


def on_device(data, dtype=np.float32):
    """A stand-in array holding ``data``."""
    return xp.asarray(np.asarray(data, dtype=dtype))


def host(a):
    """The NumPy copy of the stand-in array ``a``, checking it is one first."""
    assert isinstance(a, xp.ndarray)
    return a.get()


@pytest.fixture
def x():
    return on_device(np.arange(6).reshape(2, 3) + 1.0)


# --- NumPy refuses stand-in arrays -------------------------------------------------------


@pytest.mark.parametrize("convert", [np.asarray, np.array, np.ascontiguousarray])
def test_numpy_conversion_of_standin_array_raises_cupy_message(x, convert):
    with pytest.raises(TypeError, match=r"Implicit conversion to a NumPy array is not allowed"):
        convert(x)


def test_numpy_array_of_list_of_standin_arrays_raises(x):
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.array([x, x])


@pytest.mark.parametrize(
    "call",
    [
        lambda a: np.exp(a),
        lambda a: np.add(a, 1.0),
        lambda a: np.maximum(1.0, a),
        lambda a: np.add.at(a, [0], 1.0),
    ],
)
def test_numpy_ufuncs_refuse_standin_arrays(x, call):
    with pytest.raises(TypeError):
        call(x)


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("sum", lambda a: np.sum(a)),
        ("mean", lambda a: np.mean(a, axis=0)),
        ("concatenate", lambda a: np.concatenate([a, a])),
        ("where", lambda a: np.where(True, a, 0.0)),
    ],
)
def test_numpy_functions_refuse_standin_arrays_naming_the_function(x, name, call):
    with pytest.raises(TypeError, match=rf"numpy\.{name}\(\)"):
        call(x)


# --- operators ---------------------------------------------------------------------------

BINARY_OPERATORS = [
    operator.add,
    operator.sub,
    operator.mul,
    operator.truediv,
    operator.floordiv,
    operator.mod,
    operator.pow,
    operator.lt,
    operator.le,
    operator.gt,
    operator.ge,
    operator.eq,
    operator.ne,
    divmod,
]
INTEGER_OPERATORS = [operator.and_, operator.or_, operator.xor, operator.lshift, operator.rshift]
IN_PLACE_OPERATORS = [
    operator.iadd,
    operator.isub,
    operator.imul,
    operator.itruediv,
    operator.ifloordiv,
    operator.imod,
    operator.ipow,
]


def assert_same_result(result, expected):
    """``result`` holds stand-in arrays wherever NumPy's ``expected`` holds arrays/scalars."""
    if isinstance(expected, tuple):
        assert isinstance(result, tuple)
        assert len(result) == len(expected)
        for item, expected_item in zip(result, expected, strict=True):
            assert_same_result(item, expected_item)
        return
    expected = np.asarray(expected)
    got = host(result)
    assert got.dtype == expected.dtype
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("op", BINARY_OPERATORS)
@pytest.mark.parametrize("other", [2.0, 3, np.float32(2.5), "array"])
def test_binary_operators_match_numpy_in_both_orders(op, other):
    a = np.array([[1.0, 2.0, 3.5], [4.0, 0.5, 6.0]], dtype=np.float32)
    b = np.full_like(a, 1.5) if isinstance(other, str) else other
    b_device = on_device(b) if isinstance(other, str) else other
    assert_same_result(op(xp.asarray(a), b_device), op(a, b))
    assert_same_result(op(b_device, xp.asarray(a)), op(b, a))


@pytest.mark.parametrize("op", INTEGER_OPERATORS)
def test_bitwise_and_shift_operators_match_numpy(op):
    a = np.array([1, 6, 12], dtype=np.int64)
    b = np.array([3, 1, 2], dtype=np.int64)
    assert_same_result(op(xp.asarray(a), xp.asarray(b)), op(a, b))
    assert_same_result(op(xp.asarray(a), 2), op(a, 2))
    assert_same_result(op(2, xp.asarray(b)), op(2, b))


def test_matmul_operator_matches_numpy():
    a = np.arange(6.0).reshape(2, 3)
    b = np.arange(12.0).reshape(3, 4)
    assert_same_result(xp.asarray(a) @ xp.asarray(b), a @ b)


@pytest.mark.parametrize("op", [operator.neg, operator.pos, abs])
def test_unary_operators_match_numpy(op):
    a = np.array([1.5, -2.0, 0.0], dtype=np.float32)
    assert_same_result(op(xp.asarray(a)), op(a))


def test_invert_operator_matches_numpy():
    a = np.array([True, False])
    assert_same_result(~xp.asarray(a), ~a)


def test_float32_array_times_python_float_stays_float32(x):
    assert (x * 2.0).dtype == np.float32
    assert (2.0 * x).dtype == np.float32
    assert (x * np.float32(2)).dtype == np.float32
    assert (np.float32(2) * x).dtype == np.float32


def test_numpy_scalar_on_the_left_gives_standin_array(x):
    for result in (np.float32(2) * x, np.float64(1) - x, np.int64(1) + x, np.float32(3) > x):
        assert isinstance(result, xp.ndarray)
    np.testing.assert_array_equal(host(np.float64(1) - x), 1.0 - host(x))


@pytest.mark.parametrize("op", [*BINARY_OPERATORS, operator.matmul, operator.iadd, operator.imul])
@pytest.mark.parametrize("numpy_operand", [np.ones((2, 3), np.float32), np.array(1.0)])
def test_operator_with_numpy_array_raises_naming_both_types(x, op, numpy_operand):
    both_types = r"(?=.*'numpy\.ndarray')(?=.*'cupy_standin\.ndarray')"
    with pytest.raises(TypeError, match=both_types):
        op(x, numpy_operand)


@pytest.mark.parametrize("op", [*BINARY_OPERATORS, operator.matmul])
@pytest.mark.parametrize("numpy_operand", [np.ones((2, 3), np.float32), np.array(1.0)])
def test_numpy_array_on_the_left_raises_instead_of_object_array(x, op, numpy_operand):
    with pytest.raises(TypeError):
        op(numpy_operand, x)


def test_numpy_array_in_place_with_standin_operand_raises_and_leaves_it_unchanged(x):
    target = np.zeros((2, 3), np.float32)
    with pytest.raises(TypeError):
        target += x
    assert not target.any()


@pytest.mark.parametrize("other", ["text", [1.0, 2.0, 3.0], (1.0, 2.0, 3.0), None])
def test_operators_refuse_non_scalar_python_operands(x, other):
    with pytest.raises(TypeError):
        x + other
    with pytest.raises(TypeError):
        other * x


@pytest.mark.parametrize("op", IN_PLACE_OPERATORS)
def test_in_place_operators_mutate_the_buffer_and_views_share_it(op):
    base = on_device([[1.0, 2.0], [3.0, 4.0]])
    row = base[1]
    expected = host(base)
    expected[1] = op(expected[1], np.float32(2.0))
    result = op(row, 2.0)
    assert result is row
    np.testing.assert_array_equal(host(base), expected)


def test_in_place_operator_with_standin_operand_keeps_identity_and_dtype(x):
    alias = x
    x += on_device([10.0, 20.0, 30.0])
    x *= 2
    assert x is alias
    assert x.dtype == np.float32
    np.testing.assert_array_equal(host(x), 2 * (np.arange(6).reshape(2, 3) + 1.0 + [10, 20, 30]))


# --- 0-d results ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reduce",
    [
        lambda a: a.sum(),
        lambda a: a.mean(),
        lambda a: a.max(),
        lambda a: a.argmax(),
        lambda a: a.var(),
        lambda a: a.all(),
        lambda a: xp.sum(a),
        lambda a: xp.linalg.norm(a),
        lambda a: a[1, 2],
        lambda a: a[0][1],
        lambda a: a.sum() * 2.0,
        lambda a: -a.sum(),
    ],
)
def test_reductions_and_scalar_results_are_zero_dim_standin_arrays(x, reduce):
    result = reduce(x)
    assert isinstance(result, xp.ndarray)
    assert result.ndim == 0
    assert result.shape == ()


def test_scalar_element_is_a_zero_dim_view_like_cupy(x):
    element = x[1, 2]
    element += 100.0
    assert host(x)[1, 2] == 106.0


def test_scalar_conversions_of_size_one_arrays(x):
    total = x.sum()
    assert float(total) == 21.0
    assert isinstance(float(total), float)
    assert int(total) == 21
    assert complex(total) == 21.0
    assert bool(on_device([0.0])) is False
    assert bool(on_device([3.0])) is True
    assert f"{total:.1f}" == "21.0"
    assert [10, 20, 30][xp.asarray(2)] == 30
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)
    with pytest.raises(TypeError):
        operator.index(on_device(2.0))


# --- indexing ---------------------------------------------------------------------------


def test_getitem_basic_indexing_returns_views_sharing_memory(x):
    view = x[:, 1:]
    view[0, 0] = -1.0
    assert host(x)[0, 1] == -1.0
    assert x[None].shape == (1, 2, 3)
    assert x[..., 0].shape == (2,)


def test_getitem_accepts_standin_integer_and_boolean_arrays_and_lists(x):
    rows = xp.asarray(np.array([1, 0, 1]))
    mask = x > 3.0
    np.testing.assert_array_equal(host(x[rows]), host(x)[[1, 0, 1]])
    np.testing.assert_array_equal(host(x[mask]), [4.0, 5.0, 6.0])
    np.testing.assert_array_equal(host(x[[0, 1], [2, 0]]), [3.0, 4.0])
    np.testing.assert_array_equal(host(x[:, xp.asarray(np.array([2, 2]))]), [[3, 3], [6, 6]])
    assert float(x[xp.asarray(1), 0]) == 4.0


@pytest.mark.parametrize(
    "key",
    [np.array([0, 1]), np.array(True), (slice(None), np.array([0])), [np.array([0])]],
)
def test_getitem_and_setitem_with_numpy_index_raise(x, key):
    with pytest.raises(TypeError, match=r"numpy\.ndarray"):
        x[key]
    with pytest.raises(TypeError, match=r"numpy\.ndarray"):
        x[key] = 0.0


def test_setitem_accepts_scalars_standin_values_and_standin_indices(x):
    x[0] = 0.0
    x[1, xp.asarray(np.array([0, 2]))] = on_device([7.0, 9.0])
    x[x > 8.0] = np.float32(-1.0)
    x[1, 1] = x[0, 0]
    np.testing.assert_array_equal(host(x), [[0.0, 0.0, 0.0], [7.0, 0.0, -1.0]])


def test_setitem_with_numpy_value_raises(x):
    with pytest.raises(TypeError, match=r"numpy\.ndarray"):
        x[0] = np.zeros(3, np.float32)


def test_iteration_and_len_yield_standin_arrays(x):
    assert len(x) == 2
    rows = list(x)
    assert all(isinstance(row, xp.ndarray) and row.shape == (3,) for row in rows)
    elements = list(x[0])
    assert all(isinstance(e, xp.ndarray) and e.ndim == 0 for e in elements)
    assert [float(e) for e in elements] == [1.0, 2.0, 3.0]
    with pytest.raises(TypeError):
        iter(x.sum())


# --- attributes and methods ------------------------------------------------------------


def test_attributes_match_numpy():
    a = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    d = xp.asarray(a)
    for name in ("shape", "dtype", "ndim", "size", "itemsize", "nbytes", "strides"):
        assert getattr(d, name) == getattr(a, name)
    assert d.flags.c_contiguous
    np.testing.assert_array_equal(host(d.T), a.T)
    np.testing.assert_array_equal(host(d.mT), a.swapaxes(-1, -2))
    np.testing.assert_array_equal(host(d.real), a)


@pytest.mark.parametrize(
    ("name", "args", "kwargs"),
    [
        ("reshape", (3, 2), {}),
        ("reshape", ((-1,),), {}),
        ("transpose", (), {}),
        ("swapaxes", (0, 1), {}),
        ("sum", (), {"axis": 0, "keepdims": True}),
        ("mean", (), {"axis": 1}),
        ("var", (), {"axis": 0}),
        ("std", (), {}),
        ("max", (), {"axis": 1}),
        ("min", (), {}),
        ("argmax", (), {"axis": 0}),
        ("argmin", (), {}),
        ("prod", (), {"axis": 1}),
        ("astype", (np.float64,), {}),
        ("copy", (), {}),
        ("ravel", (), {}),
        ("flatten", (), {}),
        ("squeeze", (), {}),
        ("clip", (2.0, 4.0), {}),
        ("cumsum", (), {"axis": 1}),
        ("any", (), {"axis": 0}),
        ("all", (), {}),
        ("nonzero", (), {}),
        ("view", (np.int32,), {}),
        ("repeat", (2,), {"axis": 0}),
        ("take", ([2, 0],), {"axis": 1}),
        ("argsort", (), {}),
        ("round", (), {}),
        ("diagonal", (), {}),
    ],
)
def test_delegated_methods_match_numpy_and_return_standin_arrays(x, name, args, kwargs):
    expected = getattr(host(x), name)(*args, **kwargs)
    assert_same_result(getattr(x, name)(*args, **kwargs), expected)


def test_methods_unwrap_standin_arguments(x):
    np.testing.assert_array_equal(host(x.dot(x.T)), host(x) @ host(x).T)
    np.testing.assert_array_equal(
        host(x.clip(on_device(2.0), on_device(5.0))), np.clip(host(x), 2, 5)
    )
    np.testing.assert_array_equal(host(x.take(xp.asarray(np.array([1])), axis=1)), [[2], [5]])


@pytest.mark.parametrize(
    "call",
    [
        lambda a: a.dot(np.ones(3, np.float32)),
        lambda a: a.clip(np.array(0.0), 1.0),
        lambda a: a.take(np.array([0])),
        lambda a: a.fill(np.array(1.0)),
    ],
)
def test_methods_refuse_numpy_array_arguments(x, call):
    with pytest.raises(TypeError, match=r"numpy\.ndarray"):
        call(x)


def test_fill_and_views_mutate_the_shared_buffer(x):
    x[0].fill(7.0)
    x.reshape(6)[-1] = 0.0
    np.testing.assert_array_equal(host(x), [[7, 7, 7], [4, 5, 0]])


def test_astype_without_copy_returns_the_same_array_like_cupy(x):
    assert x.astype(np.float32, copy=False) is x
    assert x.astype(np.float32) is not x


def test_item_and_tolist_return_python_values(x):
    assert x.item(4) == 5.0
    assert isinstance(x.sum().item(), float)
    assert x.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]


def test_repr_and_str_are_readable(x):
    assert repr(on_device([1.0, 2.0])) == "standin.array([1., 2.], dtype=float32)"
    assert "\n" in repr(x)
    assert str(on_device([1.0, 2.0])) == "[1. 2.]"


def test_standin_arrays_are_unhashable(x):
    with pytest.raises(TypeError):
        hash(x)


def test_copy_module_copies_data_instead_of_aliasing(x):
    for duplicate in (copy.copy(x), copy.deepcopy(x)):
        duplicate[0, 0] = -5.0
        assert host(x)[0, 0] == 1.0


def test_standin_array_is_not_a_numpy_array_and_takes_no_new_attributes(x):
    assert isinstance(x, xp.ndarray)
    assert not isinstance(x, np.ndarray)
    assert not isinstance(np.zeros(2), xp.ndarray)
    with pytest.raises(AttributeError):
        x.grad = None


def test_ndarray_constructor_allocates_shape_and_dtype():
    a = xp.ndarray((2, 4), dtype=np.float32)
    assert a.shape == (2, 4)
    assert a.dtype == np.float32
    assert xp.ndarray(3).dtype == np.float64


# --- conversions -----------------------------------------------------------------------


def test_get_and_asnumpy_round_trip_to_independent_numpy_copies():
    original = np.random.default_rng(0).standard_normal((3, 4)).astype(np.float32)
    d = xp.asarray(original)
    for back in (d.get(), xp.asnumpy(d)):
        assert type(back) is np.ndarray
        assert back.dtype == np.float32
        np.testing.assert_array_equal(back, original)
        back[0, 0] = 99.0
        assert host(d)[0, 0] == original[0, 0]
    np.testing.assert_array_equal(xp.asnumpy(original), original)
    np.testing.assert_array_equal(xp.asnumpy([1, 2]), [1, 2])
    assert xp.asnumpy(3.0) == 3.0


@pytest.mark.parametrize("convert", [xp.asarray, xp.array, xp.ascontiguousarray])
@pytest.mark.parametrize(
    "data", [np.arange(4.0), [0.0, 1.0, 2.0, 3.0], (0, 1, 2, 3), np.array(2.5), 2.5]
)
def test_explicit_conversions_accept_host_data_and_copy_it(convert, data):
    result = convert(data)
    assert isinstance(result, xp.ndarray)
    np.testing.assert_array_equal(host(result), np.asarray(data))
    if isinstance(data, np.ndarray):
        result[...] = -1
        assert (data != -1).all()


def test_explicit_conversions_honour_dtype_and_nested_standin_arrays(x):
    assert xp.asarray([1, 2], dtype=np.float32).dtype == np.float32
    assert xp.array(x, dtype=np.float64).dtype == np.float64
    stacked = xp.asarray([x[0], x[1]])
    np.testing.assert_array_equal(host(stacked), host(x))


def test_conversions_of_standin_arrays_copy_only_when_asked(x):
    assert xp.asarray(x) is x
    assert xp.asarray(x, dtype=np.float32) is x
    assert xp.ascontiguousarray(x) is x
    assert xp.array(x, copy=False) is x
    copied = xp.array(x)
    assert copied is not x
    copied[0, 0] = 0.0
    assert host(x)[0, 0] == 1.0
    transposed = xp.ascontiguousarray(x.T)
    assert transposed.flags.c_contiguous
    np.testing.assert_array_equal(host(transposed), host(x).T)


def test_get_array_module_picks_the_standin_only_for_standin_arrays(x):
    assert xp.get_array_module(x) is xp
    assert xp.get_array_module(np.zeros(2), x) is xp
    assert xp.get_array_module(np.zeros(2), 1.0) is np
    assert xp.get_array_module() is np


# --- module namespace ------------------------------------------------------------------


def test_module_functions_unwrap_nested_standin_arguments(x):
    np.testing.assert_array_equal(host(xp.concatenate([x, x], axis=0)), np.tile(host(x), (2, 1)))
    assert xp.stack((x, x, x)).shape == (3, 2, 3)
    np.testing.assert_array_equal(host(xp.where(x > 3, x, 0.0)), [[0, 0, 0], [4, 5, 6]])
    np.testing.assert_array_equal(host(xp.einsum("ij,kj->ik", x, x)), host(x) @ host(x).T)
    assert xp.zeros_like(x).dtype == np.float32


def test_module_functions_wrap_arrays_inside_returned_sequences(x):
    parts = xp.split(x, 3, axis=1)
    assert isinstance(parts, list)
    assert all(isinstance(p, xp.ndarray) for p in parts)
    values, counts = xp.unique(xp.asarray(np.array([1, 1, 2])), return_counts=True)
    assert isinstance(values, xp.ndarray)
    np.testing.assert_array_equal(host(counts), [2, 1])
    svd = xp.linalg.svd(x)
    assert all(isinstance(part, xp.ndarray) for part in svd)


@pytest.mark.parametrize(
    ("name", "call"),
    [
        ("exp", lambda: xp.exp(np.ones(2))),
        ("concatenate", lambda: xp.concatenate([xp.zeros(2), np.ones(2)])),
        ("stack", lambda: xp.stack((np.ones(2), np.ones(2)))),
        ("zeros_like", lambda: xp.zeros_like(np.ones(2))),
        ("linalg.norm", lambda: xp.linalg.norm(np.ones(2))),
        ("add.at", lambda: xp.add.at(xp.zeros(2), np.array([0]), 1.0)),
    ],
)
def test_module_functions_refuse_numpy_arrays_naming_the_function(name, call):
    with pytest.raises(TypeError, match=rf"cupy_standin\.{name}\(\).*numpy\.ndarray"):
        call()


def test_module_function_out_argument_is_returned_and_filled(x):
    out = xp.empty((2, 3), dtype=np.float32)
    assert xp.multiply(x, 2.0, out=out) is out
    np.testing.assert_array_equal(host(out), 2 * host(x))


def test_ufunc_methods_work_on_standin_arrays(x):
    target = xp.zeros(3)
    xp.add.at(target, xp.asarray(np.array([0, 0, 2])), 1.0)
    np.testing.assert_array_equal(host(target), [2.0, 0.0, 1.0])
    np.testing.assert_array_equal(host(xp.add.reduce(x, axis=0)), [5.0, 7.0, 9.0])
    assert xp.multiply.outer(x[0], x[0]).shape == (3, 3)
    assert xp.add.nin == 2


def test_numpy_types_and_constants_pass_through_unchanged():
    assert xp.float32 is np.float32
    assert xp.float64 is np.float64
    assert xp.int64 is np.int64
    assert xp.bool_ is np.bool_
    assert xp.floating is np.floating
    assert xp.dtype is np.dtype
    assert xp.pi == np.pi
    assert xp.inf == np.inf
    assert np.isnan(xp.nan)
    assert xp.newaxis is None
    assert type(xp.float32(2.0)) is np.float32


def test_dtype_query_functions_return_plain_values(x):
    assert xp.result_type(x, np.float64) == np.float64
    assert isinstance(xp.result_type(x), np.dtype)
    assert xp.issubdtype(x.dtype, xp.floating) is True
    assert xp.finfo(xp.float32).eps == np.finfo(np.float32).eps
    assert xp.iinfo(xp.int32).max == 2**31 - 1
    assert xp.dtype("float32") == np.float32
    assert xp.can_cast(xp.float32, xp.float64) is True
    assert xp.isscalar(x) is False
    assert xp.isscalar(1.0) is True
    assert xp.ndim(x) == 2
    assert xp.shape(x) == (2, 3)
    assert xp.promote_types(xp.float32, xp.float16) == np.float32


@pytest.mark.parametrize("name", ["no_such_function", "_private", "__path__", "ma", "testing"])
def test_missing_private_and_submodule_attributes_raise_attribute_error(name):
    assert not hasattr(xp, name)


def test_linalg_and_fft_namespaces_take_standin_arrays(x):
    np.testing.assert_allclose(float(xp.linalg.norm(x)), np.linalg.norm(host(x)), rtol=1e-6)
    spectrum = xp.fft.rfft(x[0])
    assert isinstance(spectrum, xp.ndarray)
    assert not hasattr(xp.linalg, "_umath_linalg")


# --- stride tricks, scatter_add ------------------------------------------------------------


def test_as_strided_returns_a_view_sharing_memory():
    base = xp.arange(6, dtype=np.float32)
    item = base.itemsize
    windows = xp.lib.stride_tricks.as_strided(base, shape=(4, 3), strides=(item, item))
    np.testing.assert_array_equal(host(windows), [[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]])
    windows[0, 1] = 42.0
    assert host(base)[1] == 42.0
    with pytest.raises(TypeError):
        xp.lib.stride_tricks.as_strided(np.arange(3.0), shape=(3,), strides=(8,))


def test_scatter_add_accumulates_repeated_indices_in_place():
    target = xp.zeros((3, 2), dtype=np.float32)
    rows = xp.asarray(np.array([0, 2, 0, 0]))
    assert xp.scatter_add(target, rows, on_device([[1, 1], [2, 2], [3, 3], [4, 4]])) is None
    np.testing.assert_array_equal(host(target), [[8, 8], [0, 0], [2, 2]])
    xp.scatter_add(target, (rows, xp.asarray(np.array([1, 1, 1, 0]))), 1.0)
    np.testing.assert_array_equal(host(target), [[9, 10], [0, 0], [2, 3]])


@pytest.mark.parametrize(
    "call",
    [
        lambda: xp.scatter_add(np.zeros(3), [0], 1.0),
        lambda: xp.scatter_add(xp.zeros(3), np.array([0]), 1.0),
        lambda: xp.scatter_add(xp.zeros(3), [0], np.array(1.0)),
    ],
)
def test_scatter_add_refuses_numpy_arrays(call):
    with pytest.raises(TypeError):
        call()


# --- random ----------------------------------------------------------------------------

SAMPLERS = [
    ("standard_normal", {}),
    ("random_sample", {}),
    ("uniform", {"low": -2.0, "high": 3.0}),
    ("normal", {"loc": 1.0, "scale": 2.0}),
]


@pytest.mark.parametrize(("method", "kwargs"), SAMPLERS)
def test_random_state_is_deterministic_per_seed(method, kwargs):
    def draw(seed):
        return host(getattr(xp.random.RandomState(seed), method)(size=(4, 5), **kwargs))

    np.testing.assert_array_equal(draw(3), draw(3))
    assert not np.array_equal(draw(3), draw(4))


@pytest.mark.parametrize(("method", "kwargs"), SAMPLERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_random_state_honours_float_dtype(method, kwargs, dtype):
    sample = getattr(xp.random.RandomState(0), method)(size=(3, 2), dtype=dtype, **kwargs)
    assert isinstance(sample, xp.ndarray)
    assert sample.shape == (3, 2)
    assert sample.dtype == dtype
    assert getattr(xp.random.RandomState(0), method)(**kwargs).dtype == np.float64


@pytest.mark.parametrize(("method", "kwargs"), SAMPLERS)
def test_random_state_rejects_non_float_dtypes_like_cupy(method, kwargs):
    with pytest.raises(TypeError, match="float32 or float64"):
        getattr(xp.random.RandomState(0), method)(size=2, dtype=np.int32, **kwargs)


def test_random_state_values_are_in_range_and_size_none_gives_zero_dim():
    rs = xp.random.RandomState(1)
    u = host(rs.uniform(-1.0, 1.0, size=1000))
    assert (u >= -1.0).all() and (u < 1.0).all()
    r = host(rs.random_sample(1000))
    assert (r >= 0.0).all() and (r < 1.0).all()
    assert rs.standard_normal().ndim == 0
    assert rs.randint(5).ndim == 0


def test_random_state_randint_and_permutation():
    rs = xp.random.RandomState(0)
    ints = rs.randint(2, 7, size=(100,), dtype=np.int32)
    assert ints.dtype == np.int32
    assert 2 <= int(ints.min()) and int(ints.max()) < 7
    assert rs.randint(3, size=4).dtype == np.int64
    perm = rs.permutation(10)
    assert isinstance(perm, xp.ndarray)
    assert sorted(host(perm).tolist()) == list(range(10))
    shuffled = rs.permutation(xp.arange(5.0))
    assert sorted(host(shuffled).tolist()) == [0.0, 1.0, 2.0, 3.0, 4.0]
    np.testing.assert_array_equal(
        host(xp.random.RandomState(9).permutation(10)),
        host(xp.random.RandomState(9).permutation(10)),
    )


def test_random_state_refuses_numpy_array_parameters():
    with pytest.raises(TypeError, match=r"numpy\.ndarray"):
        xp.random.RandomState(0).normal(np.zeros(3), 1.0)


# --- cuda ------------------------------------------------------------------------------


def test_cuda_namespace_reports_one_device_and_synchronises():
    assert xp.cuda.runtime.getDeviceCount() == 1
    assert xp.cuda.is_available() is True
    with xp.cuda.Device(0) as dev:
        assert dev.id == 0
        dev.synchronize()
    assert xp.cuda.Device().id == 0
    xp.cuda.Device(0).use()
    xp.cuda.Stream.null.synchronize()
