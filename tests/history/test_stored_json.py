"""Bounded JSON for stored values: hostile texts are refused with ValueError, good ones read."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress

import pytest
from hypothesis import given, settings, strategies as st

from standup.history.stored_json import (
    MAX_BRACKETS,
    MAX_CHARS,
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_ITEMS,
    UnreadableJSON,
    decode,
)


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


# The hostile values the audit found, and their neighbours: each must be refused as a
# ValueError (UnreadableJSON), never RecursionError, OverflowError or anything else.
HOSTILE = {
    "open brackets x 100,000": "[" * 100_000,
    "open braces x 100,000": '{"a":' * 100_000,
    "nested 17 deep, few brackets": nested(MAX_DEPTH + 1),
    "nested 5,000 deep under the bracket cap": "[" * 5_000,
    "deep inside an object": '{"version":1,"steps":' + nested(MAX_DEPTH) + "}",
    "1e999": '{"version":1,"seed":1e999}',
    "-1e999": "[-1e999]",
    "NaN": "[NaN]",
    "Infinity": '{"credit":Infinity}',
    "10**5000": "[1" + "0" * 5000 + "]",
    "a whole number one digit too long": "[" + "9" * (MAX_INT_DIGITS + 1) + "]",
    "a float of 10,000 digits": "[0." + "1" * 10_000 + "]",
    "truncated": '{"version":1,"se',
    "not JSON": "not json",
    "empty": "",
    "trailing garbage": "[1] [2]",
    "control character in a string": '["a\x01b"]',
}


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_texts_are_refused_as_value_errors(text: str) -> None:
    with pytest.raises(UnreadableJSON):
        decode(text)


@pytest.mark.parametrize("value", [b"[1]", 5, None, ["a"]], ids=repr)
def test_what_is_not_text_is_refused(value: object) -> None:
    with pytest.raises(UnreadableJSON, match="not text"):
        decode(value)


def test_size_is_checked_before_anything_is_parsed() -> None:
    with pytest.raises(UnreadableJSON, match="characters"):
        decode("[" + "0," * 40 + "0]", max_chars=50)
    assert decode("[0]", max_chars=3) == [0]
    with pytest.raises(UnreadableJSON, match="characters"):
        decode(" " * (MAX_CHARS + 1))


def test_too_many_brackets_are_refused_even_flat() -> None:
    flat = "[" + ",".join(["[]"] * (MAX_BRACKETS // 2)) + "]"
    with pytest.raises(UnreadableJSON, match="brackets"):
        decode(flat)
    assert len(decode("[" + ",".join(["[]"] * (MAX_BRACKETS // 2 - 1)) + "]")) > 0


def test_a_flood_of_tiny_values_is_refused_before_parsing() -> None:
    with pytest.raises(UnreadableJSON, match="items"):
        decode("[" + "0," * (MAX_ITEMS + 1) + "0]")
    assert len(decode("[" + "0," * MAX_ITEMS + "0]")) == MAX_ITEMS + 1


def test_long_numbers_are_refused_even_with_the_interpreters_guard_off() -> None:
    before = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        with pytest.raises(UnreadableJSON, match="digits"):
            decode("[1" + "0" * 5000 + "]")
        assert decode("[" + "9" * MAX_INT_DIGITS + "]") == [int("9" * MAX_INT_DIGITS)]
    finally:
        sys.set_int_max_str_digits(before)


def test_the_depth_limit_is_exact() -> None:
    assert decode(nested(MAX_DEPTH)) is not None
    with pytest.raises(UnreadableJSON, match="nested"):
        decode(nested(MAX_DEPTH + 1))


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(["[" * 40]),  # brackets inside a string are not nesting
        json.dumps({"{" * 30: "]" * 30, "k": nested(3)}),
        json.dumps(['\\"' + "[" * 40, '"', "\\", "\\\\[[[["]),  # escaped quotes and backslashes
        json.dumps([r"\u0022" + "[" * 30]),  # a quote written as an escape
    ],
)
def test_brackets_in_strings_do_not_count_as_depth(text: str) -> None:
    assert decode(text) == json.loads(text)


def test_escaped_quotes_cannot_hide_real_nesting() -> None:
    # A string that ends in an escaped backslash: the bracket run after it is real nesting.
    text = '["a\\\\", ' + nested(MAX_DEPTH) + "]"
    with pytest.raises(UnreadableJSON, match="nested"):
        decode(text)


def test_numbers_in_range_and_whole_numbers_stay_exact() -> None:
    seed = 2**63 - 1
    big = int("9" * MAX_INT_DIGITS)
    assert decode(f'{{"seed":{seed},"credit":-1.5e308,"big":{big},"neg":-{big}}}') == {
        "seed": seed,
        "credit": -1.5e308,
        "big": big,
        "neg": -big,
    }


@contextmanager
def recursion_limit(extra: int) -> Iterator[None]:
    """A recursion limit just above the current depth: deep decoding would hit it."""
    frame, depth = sys._getframe(), 0
    while frame is not None:
        frame, depth = frame.f_back, depth + 1  # type: ignore[assignment]
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(depth + extra)
    try:
        yield
    finally:
        sys.setrecursionlimit(before)


def test_refusing_deep_nesting_needs_no_stack() -> None:
    """Bounded by construction: with room for little more than MAX_DEPTH frames, deep
    nesting is still refused as a ValueError, the depth is never reached."""
    with recursion_limit(MAX_DEPTH + 40):
        with pytest.raises(UnreadableJSON):
            decode(nested(5_000))
        assert decode(nested(MAX_DEPTH)) is not None


SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(alphabet='[]{}"\\ab,:\n\u00e9')  # what could confuse the depth scan
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner),
    max_leaves=20,
)


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


@settings(max_examples=400, deadline=None)
@given(value=JSON_VALUES)
def test_every_value_within_the_limits_reads_back_and_deeper_ones_are_refused(
    value: object,
) -> None:
    text = json.dumps(value)
    if _depth(value) <= MAX_DEPTH:
        assert decode(text) == value
    else:
        with pytest.raises(UnreadableJSON):
            decode(text)


@settings(max_examples=600, deadline=None)
@given(text=st.text(alphabet='[]{}"\\,:01e9-.aNIn tu', max_size=200))
def test_any_text_is_read_or_refused_as_a_value_error(text: str) -> None:
    with suppress(UnreadableJSON):  # anything else escaping fails the test
        decode(text)
