"""Read one boolean from the user's dconf database, the way GNOME and MATE store settings.

dconf keeps the user's settings in a GVDB file ($XDG_CONFIG_HOME/dconf/user) that every client
maps and reads directly; the dconf service only writes it. So does this module: one small
file read when a reminder is due, no subprocess, no D-Bus call. A key the user never set is
not in the file: the caller's default holds.

GVDB, as far as we need it: a 24-byte header ("GVariant", version, options, root pointer),
then a hash table (bloom words, buckets, then 24-byte items). Each item names a piece of its
key and its parent item, so the full key is the chain of pieces; a value item of type "v"
points to a serialised GVariant variant: the value's bytes, a NUL, and the type string.
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
    except struct.error as exc:  # a pointer past the end: a truncated or damaged file
        raise ValueError(f"{path} is damaged: {exc}") from exc


def find(data: bytes, key: str) -> tuple[bytes, str] | None:
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
    first = start + 8 + 4 * (bloom & 0x07FFFFFF) + 4 * buckets
    count = max(0, (end - first) // _ITEM)
    items = [struct.unpack_from(order + "IIIHccII", data, first + _ITEM * i) for i in range(count)]
    names: dict[int, str] = {}

    def name(index: int, depth: int = 0) -> str:
        if index in names:
            return names[index]
        if depth > 64 or not 0 <= index < count:  # a loop or a bad parent: not a key of ours
            return "\x00"
        _hash, parent, key_start, key_size, _type, _pad, _vs, _ve = items[index]
        piece = data[key_start : key_start + key_size].decode("utf-8", "replace")
        full = piece if parent == _NO_PARENT else name(parent, depth + 1) + piece
        names[index] = full
        return full

    for index, (_h, _p, _ks, _kz, kind, _pad, value_start, value_end) in enumerate(items):
        if kind != b"v" or name(index) != key:
            continue
        if not start <= value_start <= value_end <= len(data):
            return None
        variant = data[value_start:value_end]
        split = variant.rfind(b"\x00")
        if split < 0:
            return None
        return variant[:split], variant[split + 1 :].decode("ascii", "replace")
    return None
