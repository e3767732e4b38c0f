"""Random and damaged GVDB files for the dconf reader: it answers, or raises its own ValueError.

Three sources: tables built item by item (hashes that match the key, parents that loop or
point anywhere, pieces of any size), sound files with bytes overwritten or cut off, and bare
bytes behind the signature. Each lookup must also end quickly: the reader's budget bounds it.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import gvdb
from standup.busy import dconf as busy_dconf

# The fuzzers run in the full suite (CI), bounded there; the fast lane leaves them out.
pytestmark = pytest.mark.slow

KEY = gvdb.KEY
LOOKUP_LIMIT = 0.5  # seconds; the reader's budget keeps the worst built file near 0.2 s
FUZZ = settings(
    max_examples=150,
    deadline=None,  # bounded by LOOKUP_LIMIT instead: timing is noisy on shared CI cores
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Keys are prefixes of KEY, whose bytes a built table's tail holds: its slices are pieces.
keys = st.sampled_from([KEY, "/org/gnome/desktop/notifications/", "/org/", "/", ""])
offsets = st.integers(-64, 200) | st.sampled_from([0xFFFFFFF0, 0x7FFFFFFF])
sizes = st.sampled_from([0, 1, 2, 5, 12, 33, 46, 65535]) | st.integers(0, 0xFFFF)
_KEY_AT = len(gvdb.TRUE)  # where KEY sits in a built table's tail, after one value


@st.composite
def items(draw: st.DrawFn, key: bytes, count: int) -> gvdb.Item:
    """An item that may name `key` or a part of it, or may point anywhere at all."""
    if draw(st.integers(0, 3)):  # mostly a slice of the key, hashed as the key or a prefix
        ends = st.tuples(st.integers(0, len(key)), st.integers(0, len(key)))
        cut, end = sorted(draw(st.just((0, len(key))) | ends))  # the whole key, or a slice
        key_start, key_size = _KEY_AT + cut, end - cut
        hashed = gvdb.key_hash(key[: draw(st.integers(0, len(key)))])
        item_hash = draw(st.sampled_from([gvdb.key_hash(key), hashed]))
    else:
        key_start, key_size, item_hash = draw(offsets), draw(sizes), draw(st.integers(0, 2**32 - 1))
    value = draw(
        st.sampled_from([(0, len(gvdb.TRUE)), (0, 1), (1, 0)]) | st.tuples(offsets, offsets)
    )
    return gvdb.Item(
        key_start=key_start,
        key_size=key_size,
        # no parent, a parent (or itself: a loop), or one past the end: damage
        parent=draw(st.just(-1) | st.integers(-1, count + 1)),
        hash=item_hash,
        kind=draw(st.sampled_from([b"v", b"L", b"H", b"\x00"])),
        value_start=value[0],
        value_end=value[1],
    )


@st.composite
def tables(draw: st.DrawFn) -> tuple[bytes, str]:
    """A table built item by item, and the key to look up in it."""
    key = draw(keys)
    count = draw(st.integers(0, 12))
    built = draw(st.lists(items(key.encode(), count), min_size=count, max_size=count))
    buckets = draw(st.none() | st.lists(st.integers(-1, count + 2), min_size=0, max_size=8))
    tail = gvdb.TRUE + KEY.encode() + draw(st.binary(max_size=64))
    return gvdb.table(built, tail, buckets=buckets, order=draw(st.sampled_from("<>"))), key


@st.composite
def damaged(draw: st.DrawFn) -> bytes:
    sound = draw(
        st.sampled_from([gvdb.valid(), gvdb.valid(order=">"), gvdb.chain(3, 8), gvdb.walker(3)])
    )
    data = bytearray(sound)
    for _ in range(draw(st.integers(1, 8))):
        at = draw(st.integers(0, len(data) - 1))
        data[at] = draw(st.integers(0, 255))
    cut = draw(st.none() | st.integers(0, len(data)))
    return bytes(data[:cut])


raw = st.binary(max_size=400).map(lambda body: b"GVariant" + body)
# Files and a key to look up: built tables bring their own.
CASES = {
    "built": tables(),
    "damaged": st.tuples(damaged(), keys),
    "raw": st.tuples(raw, keys),
}


def _lookup(data: bytes, key: str) -> None:
    began = time.perf_counter()
    try:
        found = busy_dconf.find(data, key)
    except ValueError:
        found = None
    assert time.perf_counter() - began < LOOKUP_LIMIT
    if found is not None:
        value, type_string = found
        assert isinstance(value, bytes)
        assert isinstance(type_string, str)


@pytest.mark.parametrize("cases", CASES.values(), ids=CASES.keys())
def test_any_file_is_answered_or_refused(cases: st.SearchStrategy[tuple[bytes, str]]) -> None:
    @FUZZ
    @given(case=cases)
    def run(case: tuple[bytes, str]) -> None:
        _lookup(*case)

    run()
