"""demos/flags.py: the argument types refuse, by the flag's name, what the demos cannot run."""

import argparse
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "demos"))
import flags  # noqa: E402


def parse(flag_type, text):
    parser = argparse.ArgumentParser(prog="demo", exit_on_error=False)
    parser.add_argument("--value", type=flag_type)
    return parser.parse_args([f"--value={text}"]).value  # `=`: "-5" is no option


@given(st.integers(-(10**6), 10**6), st.integers(-3, 3))
def test_at_least_takes_exactly_the_ints_from_its_bound(value, lowest):
    if value >= lowest:
        assert parse(flags.at_least(lowest), str(value)) == value
    else:
        with pytest.raises(argparse.ArgumentError, match=f"--value: must be an int >= {lowest}"):
            parse(flags.at_least(lowest), str(value))


@pytest.mark.parametrize("text", ["2.5", "", "ten", "1e3"])
def test_at_least_refuses_what_is_not_an_int(text):
    with pytest.raises(argparse.ArgumentError, match="must be an int >= 1"):
        parse(flags.at_least(1), text)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_non_negative_takes_exactly_the_finite_numbers_from_zero(value):
    if value >= 0 and value != float("inf"):
        assert parse(flags.non_negative, repr(value)) == value
    else:
        with pytest.raises(argparse.ArgumentError, match="must be a finite number >= 0"):
            parse(flags.non_negative, repr(value))


@pytest.mark.parametrize(
    "text, upper_inclusive, ok",
    [("0", True, True), ("1", True, True), ("1", False, False), ("0.999", False, True),
     ("-0.1", True, False), ("1.5", True, False), ("nan", True, False)],
)  # fmt: skip
def test_fraction_takes_numbers_in_the_unit_interval(text, upper_inclusive, ok):
    flag_type = flags.fraction(upper_inclusive)
    if ok:
        assert parse(flag_type, text) == float(text)
    else:
        with pytest.raises(argparse.ArgumentError, match="must be a number in \\[0, 1"):
            parse(flag_type, text)
