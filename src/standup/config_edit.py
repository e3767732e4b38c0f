"""Set one key in a TOML file by editing lines, so comments and layout survive byte for byte.

A full TOML writer would re-emit the whole file and lose the user's comments. We only ever need
"set this dotted key": replace the value on the key's line inside the right [table] (keeping the
indentation, spacing and a trailing comment), else add the key to the table, else append the
table. The caller validates the result by loading it; no I/O here.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass

from standup.errors import ConfigError

Key = tuple[str, ...]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def parse_key(text: str) -> Key:
    """ "schedule.sit" -> ("schedule", "sit"); quoted parts keep their dots."""
    parts = _split_key(text)
    if parts is None or not all(parts):
        raise ConfigError(f"{text!r} is not a config key", hint='keys look like "schedule.sit"')
    return tuple(parts)


def value_literal(text: str) -> str:
    """VALUE as TOML: as typed when it is a TOML value (5, true, ["a"], "50m"), else a string."""
    stripped = text.strip()
    try:
        tomllib.loads(f"v = {stripped}")
    except tomllib.TOMLDecodeError:
        return string_literal(text)
    return string_literal(text) if "\n" in stripped else stripped


def string_literal(text: str) -> str:
    # JSON's escapes are TOML's; DEL must be escaped in TOML, not in JSON.
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def check_key(
    key: Key, allowed: Callable[[Key], list[str]], where: str, nested_tables: set[Key]
) -> None:
    """Refuse keys the config does not know, worded like the loader's "unknown key" errors.

    `allowed(table)` lists a model table's keys ([] below a free-form mapping such as weights);
    `nested_tables` are keys that hold arrays of tables, which `set` cannot edit.
    """
    for depth in range(1, len(key) + 1):
        table = key[: depth - 1]
        names = allowed(table)
        if not names:  # inside a mapping with free keys: the loader judges them
            return
        if key[depth - 1] not in names:
            dotted = ".".join(key[:depth])
            raise ConfigError(
                f"{where}: unknown key {dotted} (allowed here: {', '.join(names)})",
                hint="`standup config show` lists every key with its value",
            )
        if key[:depth] in nested_tables:
            raise ConfigError(
                f"{where}: {'.'.join(key[:depth])} is a list of tables",
                hint="change it with `standup config edit`",
            )
    names = allowed(key)
    if names:
        raise ConfigError(
            f"{where}: {'.'.join(key)} is a table, not a value (its keys: {', '.join(names)})",
            hint=f"set one of them, e.g. `standup config set {'.'.join(key)}.{names[0]} ...`",
        )


@dataclass(frozen=True)
class _Assignment:
    table: Key
    key: Key
    start: int  # first line index
    end: int  # last line index (values may span lines)
    value_at: int  # column where the value starts on the first line
    value_end: int  # column where it ends on the last line (a comment may follow)


def set_value(text: str, key: Key, literal: str) -> str:
    """`text` with `key` set to the TOML `literal`; every other line unchanged."""
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    headers, assignments = _scan(lines)
    for item in assignments:
        if (*item.table, *item.key) == key:
            return "".join(_replace(lines, item, literal))
    # Add it to the deepest table that exists, as a dotted key when needed (valid TOML).
    for depth in range(len(key) - 1, 0, -1):
        table = key[:depth]
        if table in headers:
            rest = dotted(key[depth:])
            at = _insert_point(lines, headers[table], assignments, table)
            if at > 0 and not lines[at - 1].endswith(("\n", "\r")):
                lines[at - 1] += newline
            lines.insert(at, f"{rest} = {literal}{newline}")
            return "".join(lines)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += newline
    if lines and lines[-1].strip():
        lines.append(newline)
    header = dotted(key[:-1])
    lines.append(f"[{header}]{newline}{_key_text(key[-1])} = {literal}{newline}")
    return "".join(lines)


def _replace(lines: list[str], item: _Assignment, literal: str) -> list[str]:
    first, last = lines[item.start], lines[item.end]
    body = last.rstrip("\r\n")
    ending = last[len(body) :]
    # Keep a trailing comment after the value ("sit = "50m"  # why").
    rest = body[item.value_end :]
    comment = rest if rest.strip().startswith("#") else ""
    new = first[: item.value_at] + literal + comment + ending
    return [*lines[: item.start], new, *lines[item.end + 1 :]]


def _insert_point(
    lines: list[str], header_line: int, assignments: list[_Assignment], table: Key
) -> int:
    # A table is declared once, so the keys scanned under its header are its body.
    mine = [a for a in assignments if a.table == table]
    if mine:
        return max(a.end for a in mine) + 1
    # No keys yet: after the header and the comment lines glued to it.
    at = header_line + 1
    while at < len(lines) and lines[at].lstrip().startswith("#"):
        at += 1
    return at


def _scan(lines: list[str]) -> tuple[dict[Key, int], list[_Assignment]]:
    """Table headers (-> line) and assignments, skipping lines inside multi-line values."""
    headers: dict[Key, int] = {}
    assignments: list[_Assignment] = []
    table: Key = ()
    index = 0
    while index < len(lines):
        line = lines[index].rstrip("\r\n")
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        if stripped.startswith("["):
            array = stripped.startswith("[[")
            inner = stripped[2:] if array else stripped[1:]
            close = _find_close(inner, "]]" if array else "]")
            parts = _split_key(inner[:close]) if close >= 0 else None
            # Keys under [[array.of.tables]] never match a plain table's key.
            table = ("[[", *parts) if array and parts else tuple(parts or ("[?",))
            if not array and parts:
                headers[table] = index
            index += 1
            continue
        eq = _find_equals(line)
        if eq < 0:
            index += 1
            continue
        key = _split_key(line[:eq])
        value_at = eq + 1
        while value_at < len(line) and line[value_at] in " \t":
            value_at += 1
        end, value_end = _value_extent(lines, index, value_at)
        if key:
            assignments.append(_Assignment(table, tuple(key), index, end, value_at, value_end))
        index = end + 1
    return headers, assignments


def _value_extent(lines: list[str], start: int, column: int) -> tuple[int, int]:
    """The last line of the value that starts at (start, column), and its end column there."""
    state = _Scanner()
    index = start
    text = lines[start][column:]
    offset = column
    while True:
        end = state.feed(text)
        if state.complete() or index + 1 >= len(lines):
            return index, offset + len(text[:end].rstrip())
        index += 1
        text, offset = lines[index], 0


class _Scanner:
    """Tracks strings and brackets across lines to find where a TOML value ends."""

    def __init__(self) -> None:
        self.depth = 0
        self.quote = ""  # the open string's delimiter: " ' """ or '''
        self.started = False

    def feed(self, text: str) -> int:
        """Consume a line; return the column where the value (on this line) ended."""
        i = 0
        while i < len(text):
            if self.quote:
                if self.quote in ('"', '"""') and text[i] == "\\":
                    i += 2
                    continue
                if text.startswith(self.quote, i):
                    i += len(self.quote)
                    self.quote = ""
                    if self.depth == 0:
                        return i
                    continue
                i += 1
                continue
            char = text[i]
            if char == "#" or (char in "\r\n" and self.depth == 0):
                return i
            if char in " \t\r\n,":
                i += 1
                continue
            self.started = True
            if text.startswith(('"""', "'''"), i):
                self.quote = text[i : i + 3]
                i += 3
            elif char in "\"'":
                self.quote = char
                i += 1
            elif char in "[{":
                self.depth += 1
                i += 1
            elif char in "]}":
                self.depth -= 1
                i += 1
                if self.depth == 0:
                    return i
            else:
                i += 1
        return i

    def complete(self) -> bool:
        return self.started and not self.quote and self.depth <= 0


def _find_equals(line: str) -> int:
    quote = ""
    for i, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "=":
            return i
        elif char == "#":
            return -1
    return -1


def _find_close(text: str, close: str) -> int:
    quote = ""
    for i, char in enumerate(text):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif text.startswith(close, i):
            return i
    return -1


def _split_key(text: str) -> list[str] | None:
    """A dotted key's parts, unquoted; None when it is not a key."""
    parts: list[str] = []
    current = ""
    quote = ""
    quoted = False
    for char in text:
        if quote:
            if char == quote:
                quote = ""
            else:
                current += char
        elif char in "\"'":
            quote, quoted, current = char, True, current.strip()
        elif quoted and char in " \t":
            continue  # blanks between a quoted part and the next dot
        elif char == ".":
            if not quoted and not _BARE.match(current.strip()):
                return None
            parts.append(current if quoted else current.strip())
            current, quoted = "", False
        else:
            current += char
    if quote or (not quoted and not _BARE.match(current.strip())):
        return None
    parts.append(current if quoted else current.strip())
    return parts


def dotted(key: Key) -> str:
    """A key as TOML writes it: schedule.sit, exercises.weights."hamstrings.strength"."""
    return ".".join(_key_text(p) for p in key)


def _key_text(part: str) -> str:
    return part if _BARE.match(part) else string_literal(part)
