"""GVDB files written by hand for the dconf reader's tests: the hostile shapes dconf never writes.

One hash table, as dconf's own files have: header, bloom words, buckets, 24-byte items, then a
tail of key pieces and values. Items give their pointers relative to the tail.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

KEY = "/org/gnome/desktop/notifications/show-banners"
NO_PARENT = 0xFFFFFFFF
TRUE = b"\x01\x00b"  # a serialised variant: the boolean's byte, a NUL, its type string


def key_hash(key: bytes) -> int:
    """GVDB's djb2 over signed chars (gvdb-reader.c), written out again to check the reader's."""
    value = 5381
    for byte in key:
        value = (value * 33 + (byte - 256 if byte > 127 else byte)) & 0xFFFFFFFF
    return value


KEY_HASH = key_hash(KEY.encode())


@dataclass
class Item:
    key_start: int  # in the tail
    key_size: int
    parent: int = NO_PARENT
    hash: int = KEY_HASH
    kind: bytes = b"v"
    value_start: int = 0  # in the tail
    value_end: int = 0


def table(
    items: list[Item], tail: bytes, *, buckets: list[int] | None = None, order: str = "<"
) -> bytes:
    """A GVDB file holding `items` (all in one bucket unless `buckets` says otherwise)."""
    buckets = [0] if buckets is None else buckets
    start = 24
    first = start + 8 + 4 * len(buckets)
    end = first + 24 * len(items)
    signature = b"GVariant" if order == "<" else b"raVGtnai"
    out = bytearray(signature + struct.pack(order + "IIII", 0, 0, start, end))
    out += struct.pack(order + "II", 0, len(buckets))
    out += b"".join(struct.pack(order + "I", b & 0xFFFFFFFF) for b in buckets)
    for item in items:
        out += struct.pack(
            order + "IIIHccII",
            item.hash & 0xFFFFFFFF,
            item.parent & 0xFFFFFFFF,
            (end + item.key_start) & 0xFFFFFFFF,
            item.key_size & 0xFFFF,
            item.kind,
            b"\x00",
            (end + item.value_start) & 0xFFFFFFFF,
            (end + item.value_end) & 0xFFFFFFFF,
        )
    return bytes(out + tail)


def valid(key: str = KEY, value: bytes = TRUE, order: str = "<") -> bytes:
    """`key` stored as dconf stores it: a directory item, then the value item as its child."""
    folder, _, leaf = key.encode().rpartition(b"/")
    folder += b"/"
    tail = folder + leaf + value
    items = [
        Item(0, len(folder), hash=key_hash(folder), kind=b"L"),
        Item(len(folder), len(leaf), parent=0, hash=key_hash(folder + leaf),
             value_start=len(folder + leaf), value_end=len(tail)),
    ]  # fmt: skip
    return table(items, tail, order=order)


def chain(count: int = 2000, piece: int = 65535) -> bytes:
    """Each item's parent the one before, each with a 64 KiB key piece: a 113 KB file whose
    full names add up to 131 GB."""
    items = [Item(0, piece, parent=i - 1 if i else NO_PARENT) for i in range(count)]
    return table(items, b"k" * piece + TRUE)


def flat(count: int = 20000, piece: int = 65535) -> bytes:
    """The same without parents: a 545 KB file, a 64 KiB name for every item."""
    return table([Item(0, piece) for _ in range(count)], b"k" * piece + TRUE)


def walker(count: int, *, hashed: bool = True) -> bytes:
    """Items that share the key's hash and whose one-byte pieces match it from its end, all
    but the very first: each costs a walk as long as the key. With `hashed` false, a flood of
    items that hash to something else, all in the key's bucket."""
    key = KEY.encode()
    prefix = [Item(i, 1, parent=i - 1 if i else 0, hash=0, kind=b"L") for i in range(len(key) - 1)]
    last = Item(len(key) - 1, 1, parent=len(key) - 2, hash=KEY_HASH if hashed else 7)
    return table(prefix + [last] * count, key)
