"""Turn pydantic validation errors into one paragraph naming file, line, key, value and rule."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from standup.notify.text import quote_bounded

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_.\"' -]+?)\s*=")
_MAX_ERRORS = 3
_MAX_LINE = 300  # a message quoting a 20 MB value must still fit a bubble and a status reply


AllowedKeys = Callable[[tuple[str, ...]], list[str]]


def describe_validation_error(
    error: ValidationError, origins: Mapping[tuple[str, ...], str], allowed: AllowedKeys
) -> str:
    lines = [
        quote_bounded(_describe_one(item, origins, allowed), _MAX_LINE)
        for item in error.errors()[:_MAX_ERRORS]
    ]
    more = error.error_count() - _MAX_ERRORS
    if more > 0:
        lines.append(f"(and {more} more)")
    return "\n".join(lines)


def _describe_one(
    item: Mapping[str, Any], origins: Mapping[tuple[str, ...], str], allowed: AllowedKeys
) -> str:
    loc = tuple(item["loc"])
    key = dotted(loc)
    where = _where(loc, origins)
    kind = item["type"]
    if kind == "extra_forbidden":
        table = tuple(str(p) for p in loc[:-1] if not isinstance(p, int))
        names = allowed(table)
        hint = f" (allowed here: {', '.join(names)})" if names else ""
        return f"{where}: unknown key {key}{hint}"
    if kind == "missing":
        return f"{where}: {key} is required"
    message = str(item["msg"]).removeprefix("Value error, ").removeprefix("Assertion failed, ")
    if loc and "input" in item and not isinstance(item["input"], dict):
        return f"{where}: {key} = {_toml_value(item['input'])}: {message}"
    return f"{where}: {key or 'config'}: {message}"


def dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _where(loc: tuple[Any, ...], origins: Mapping[tuple[str, ...], str]) -> str:
    strings = tuple(str(p) for p in loc if not isinstance(p, int))
    for n in range(len(strings), 0, -1):
        origin = origins.get(strings[:n])
        if origin is None:
            continue
        if origin.startswith("environment variable"):
            return origin
        line = None
        with contextlib.suppress(OSError):
            line = find_key_line(Path(origin).read_text(encoding="utf-8"), loc)
        return f"{origin}, line {line}" if line else origin
    return "config"


def _toml_value(value: Any) -> str:
    """The bad value as TOML would write it, cut to a bounded prefix."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return quote_bounded(text, 60)


def find_key_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The 1-based line where the key at `loc` is set, or its table starts; None if not found.

    Understands [table], [[array.of.tables]] (with the index in `loc`) and dotted keys.
    """
    want = [str(p) for p in loc]
    best: int | None = None
    best_depth = 0
    table: list[str] = []
    counts: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header:
            name = _unquote_path(header.group(2))
            if header.group(1) == "[[":
                joined = ".".join(name)
                index = counts.get(joined, -1) + 1
                counts[joined] = index
                table = [*name, str(index)]
            else:
                table = name
            if table and want[: len(table)] == table and len(table) > best_depth:
                best, best_depth = number, len(table)
            continue
        assign = _ASSIGN.match(line)
        if assign:
            full = [*table, *_unquote_path(assign.group(1))]
            if full == want[: len(full)] and full:
                return number
    return best


def _unquote_path(text: str) -> list[str]:
    return [part.strip().strip("\"'") for part in text.split(".")]
