"""Read one boolean from the user's dconf database, the way GNOME and MATE store settings.

dconf keeps the user's settings in a GVDB file ($XDG_CONFIG_HOME/dconf/user) that every client
maps and reads directly; the dconf service only writes it. So does this module: one small
file read when a reminder is due, no subprocess, no D-Bus call. A key the user never set is
not in the file: the caller's default holds.

GVDB, as far as we need it: a 24-byte header ("GVariant", version, options, root pointer),
then a hash table (bloom words, buckets, then 24-byte items). Each item carries the hash of its
full key, a piece of that key and its parent item, so the full key is the chain of pieces; a
value item of type "v" points to a serialised GVariant variant: the value's bytes, a NUL, and
the type string.

The lookup is GVDB's own: hash the key, visit only the items of its bucket whose hash matches,
and match each one's chain of pieces against the key from its end. No item's full name is
ever built, so a hostile file costs at most the file itself in memory, and a budget on the
items and pieces visited bounds the time.
"""

from __future__ import annotations

import os
import stat
import struct
from pathlib import Path

_SIGNATURE = b"GVariant"
_SWAPPED = b"raVGtnai"  # the signature as a big-endian writer leaves it for us
_ITEM = 24
_NO_PARENT = 0xFFFFFFFF
_MAX_FILE = 16 * 1024 * 1024  # far beyond any real settings file; a bigger one is not read
# Items and key pieces one lookup may visit. A real bucket holds a handful of items; a file
# that makes us walk this far was built to, and is refused in well under a second.
_MAX_STEPS = 100_000


def user_database() -> Path:
    config = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(config) / "dconf" / "user"


def read_bool(key: str, path: Path | None = None) -> bool | None:
    """The boolean stored at `key` ("/org/gnome/.../show-banners"), None when unset or not a
    boolean. Raises OSError when the file cannot be read, ValueError when it is not GVDB."""
    value = read_value(key, path or user_database())
    if value is None:
        return None
    data, type_string = value
    if type_string != "b" or len(data) != 1:
        return None
    return data != b"\x00"


def read_value(key: str, path: Path) -> tuple[bytes, str] | None:
    """The serialised value and its GVariant type string at `key`, or None."""
    # O_NONBLOCK: a FIFO planted at the path must not block the daemon in open().
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise ValueError(f"{path} is not a regular file")
        data = handle.read(_MAX_FILE + 1)
    if len(data) > _MAX_FILE:
        raise ValueError(f"{path} is larger than a settings file can be")
    try:
        return find(data, key)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc


def key_hash(key: bytes) -> int:
    """GVDB's hash of a key: djb2 over signed chars, modulo 2**32."""
    value = 5381
    for byte in key:
        value = (value * 33 + (byte - 256 if byte > 127 else byte)) & 0xFFFFFFFF
    return value


def find(data: bytes, key: str) -> tuple[bytes, str] | None:
    """The value at `key` in a GVDB file's bytes; ValueError for a file that is not GVDB, is
    damaged where the lookup leads, or would take too long to search."""
    try:
        return _find(data, key.encode("utf-8", "surrogateescape"))
    except struct.error as exc:  # a pointer past the end: a truncated or damaged file
        raise ValueError(f"damaged: {exc}") from exc


def _find(data: bytes, key: bytes) -> tuple[bytes, str] | None:
    if len(data) < 24:
        raise ValueError("too short for a GVDB file")
    if data[:8] == _SIGNATURE:
        order = "<"
    elif data[:8] == _SWAPPED:
        order = ">"
    else:
        raise ValueError("not a GVDB file")
    start, end = struct.unpack_from(order + "II", data, 16)
    if not 24 <= start <= end <= len(data) or end - start < 8:
        return None  # an empty database
    bloom, buckets = struct.unpack_from(order + "II", data, start)
    # The bloom filter only speeds up a miss: skipped. Items follow the buckets.
    bucket_table = start + 8 + 4 * (bloom & 0x07FFFFFF)
    first = bucket_table + 4 * buckets
    if buckets == 0 or first > end:
        return None  # no table to look in
    count = (end - first) // _ITEM
    hashed = key_hash(key)
    bucket = hashed % buckets
    (bucket_first,) = struct.unpack_from(order + "I", data, bucket_table + 4 * bucket)
    last = count  # the last bucket runs to the end; any other to where the next one starts
    if bucket + 1 < buckets:
        last = min(count, struct.unpack_from(order + "I", data, bucket_table + 4 * bucket + 4)[0])
    items = _Items(data, struct.Struct(order + "IIIHcxII"), first, count)
    steps = 0
    for index in range(bucket_first, last):
        item_hash, _parent, _ks, _kz, kind, value_start, value_end = items.get(index)
        if steps > _MAX_STEPS:
            raise ValueError("too many items to search; the file looks built to stall readers")
        steps += 1
        if item_hash != hashed:
            continue
        matched, walked = items.names(index, key)
        steps += walked
        if not matched or kind != b"v":
            continue
        if not start <= value_start <= value_end <= len(data):
            return None
        split = data.rfind(b"\x00", value_start, value_end)
        if split < 0:
            return None
        return data[value_start:split], data[split + 1 : value_end].decode("ascii", "replace")
    return None


class _Items:
    """The hash items of one GVDB table, unpacked one at a time as the lookup reaches them."""

    def __init__(self, data: bytes, item: struct.Struct, first: int, count: int) -> None:
        self.data, self.item, self.first, self.count = data, item, first, count

    def get(self, index: int) -> tuple[int, int, int, int, bytes, int, int]:
        return self.item.unpack_from(self.data, self.first + _ITEM * index)

    def names(self, index: int, key: bytes) -> tuple[bool, int]:
        """Whether item `index` names `key`, and how many items that took to tell.

        Its pieces are matched from the key's end back through its parents, as GVDB's
        gvdb_table_check_name does. Only the first piece may be empty, so the walk is never
        longer than the key, whatever the file says."""
        remaining = len(key)
        walked = 0
        while True:
            walked += 1
            _hash, parent, key_start, key_size, _kind, _vs, _ve = self.get(index)
            if key_size > remaining or key_start + key_size > len(self.data):
                return False, walked
            if not self.data.startswith(key[remaining - key_size : remaining], key_start):
                return False, walked
            remaining -= key_size
            if remaining == 0 and parent == _NO_PARENT:
                return True, walked
            if key_size == 0 or parent >= self.count:
                return False, walked
            index = parent
