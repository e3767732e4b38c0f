"""Turn pydantic validation errors into one paragraph naming file, line, key, value and rule.

pydantic's own wording ("Input should be a valid list") says what failed in Python's terms;
ours says what TOML to write instead: what is allowed and an example line, the default where
there is one.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from standup.i18n import N_, _, ngettext
from standup.notify.text import quote_bounded

_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_ASSIGN = re.compile(r"^\s*([A-Za-z0-9_.\"' -]+?)\s*=")
_MAX_ERRORS = 3
_MAX_LINE = 300  # a message quoting a 20 MB value must still fit a bubble and a status reply


AllowedKeys = Callable[[tuple[str, ...]], list[str]]
# The built-in settings as TOML data, for examples; a callable, read only when an error needs it.
Defaults = Callable[[], Mapping[str, Any]]


def describe_validation_error(
    error: ValidationError,
    origins: Mapping[tuple[str, ...], str],
    allowed: AllowedKeys,
    defaults: Defaults,
) -> str:
    lines = [
        quote_bounded(_describe_one(item, origins, allowed, defaults), _MAX_LINE)
        for item in error.errors()[:_MAX_ERRORS]
    ]
    more = error.error_count() - _MAX_ERRORS
    if more > 0:
        # Translators: after the first three errors of a config, how many more it has.
        lines.append(ngettext("(and {count} more)", "(and {count} more)", more).format(count=more))
    return "\n".join(lines)


def _describe_one(
    item: Mapping[str, Any],
    origins: Mapping[tuple[str, ...], str],
    allowed: AllowedKeys,
    defaults: Defaults,
) -> str:
    loc = tuple(item["loc"])
    key = dotted(loc)
    where = _where(loc, origins)
    kind = item["type"]
    if kind == "extra_forbidden":
        table = tuple(str(p) for p in loc[:-1] if not isinstance(p, int))
        names = allowed(table)
        if names:
            said = _("{where}: unknown key {key} (allowed here: {names})")
            return said.format(where=where, key=key, names=", ".join(names))
        return _("{where}: unknown key {key}").format(where=where, key=key)
    if kind == "missing":
        return _("{where}: {key} is required").format(where=where, key=key)
    # pydantic's own words where ours have none: a message of the model's own validators
    # (translated where they are written), else pydantic's English.
    message = _in_our_words(item, loc, defaults) or str(item["msg"]).removeprefix(
        "Value error, "
    ).removeprefix("Assertion failed, ")
    if loc and "input" in item and not isinstance(item["input"], dict):
        # Translators: a bad value: where it is, the key, the value as written, what is wrong.
        said = _("{where}: {key} = {value}: {message}")
        return said.format(where=where, key=key, value=_toml_value(item["input"]), message=message)
    # Translators: a bad key or table: where it is, the key (or "config"), what is wrong.
    return _("{where}: {key}: {message}").format(
        where=where, key=key or _("config"), message=message
    )


_WHOLE = ("int_type", "int_parsing", "int_from_float")
_NUMBER = ("float_type", "float_parsing", "finite_number")
_BOOL = ("bool_type", "bool_parsing")
_BOUNDS = {
    "greater_than_equal": "ge",
    "greater_than": "gt",
    "less_than_equal": "le",
    "less_than": "lt",
}
# Each rule said of a value, and of each entry of a list (`days[2]`).
_RULES = {
    "literal_error": (
        # Translators: {example} is a line of TOML, e.g. `priority = "normal"`: keep it as is.
        N_("the value must be one of {choices}; e.g. {example}"),
        N_("each entry must be one of {choices}; e.g. {example}"),
    ),
    "greater_than_equal": (
        N_("the value must be at least {bound}; e.g. {example}"),
        N_("each entry must be at least {bound}; e.g. {example}"),
    ),
    "greater_than": (
        N_("the value must be more than {bound}; e.g. {example}"),
        N_("each entry must be more than {bound}; e.g. {example}"),
    ),
    "less_than_equal": (
        N_("the value must be at most {bound}; e.g. {example}"),
        N_("each entry must be at most {bound}; e.g. {example}"),
    ),
    "less_than": (
        N_("the value must be less than {bound}; e.g. {example}"),
        N_("each entry must be less than {bound}; e.g. {example}"),
    ),
    "whole": (
        N_("the value must be a whole number, without quotes; e.g. {example}"),
        N_("each entry must be a whole number, without quotes; e.g. {example}"),
    ),
    "number": (
        N_("the value must be a finite number, without quotes; e.g. {example}"),
        N_("each entry must be a finite number, without quotes; e.g. {example}"),
    ),
    "bool": (
        N_("the value must be true or false, without quotes; e.g. {example}"),
        N_("each entry must be true or false, without quotes; e.g. {example}"),
    ),
    "string_type": (
        N_("the value must be text in double quotes; e.g. {example}"),
        N_("each entry must be text in double quotes; e.g. {example}"),
    ),
}


def _in_our_words(item: Mapping[str, Any], loc: tuple[Any, ...], defaults: Defaults) -> str | None:
    """What is allowed and an example, for the errors pydantic words in its own terms."""
    kind, ctx = item["type"], item.get("ctx") or {}
    entry = bool(loc) and isinstance(loc[-1], int)  # one entry of a list: `days[2]`
    field_loc = loc[:-1] if entry else loc
    leaf = _key_text(str(field_loc[-1])) if field_loc else "key"
    default = _default(field_loc, defaults)

    def rule(name: str, example: Any, fallback: Any = None, **values: Any) -> str:
        said = _(_RULES[name][entry])  # of the value, or of each entry
        return said.format(example=_example(leaf, example, fallback), **values)

    if kind == "literal_error":
        choices = _choices(str(ctx.get("expected", "")))
        example = default if default is not None else (choices[0] if not entry else choices[:1])
        return rule(kind, example, choices=", ".join(map(_toml, choices)))
    if kind in ("list_type", "tuple_type"):
        given = item.get("input")
        example = _example(leaf, default if default else [given])
        return _("a list goes in square brackets; e.g. {example}").format(example=example)
    if kind == "too_short":
        least = ctx.get("min_length", 1)
        said = ngettext(
            "the list needs at least {count} entry; e.g. {example}",
            "the list needs at least {count} entries; e.g. {example}",
            least,
        )
        return said.format(count=least, example=_example(leaf, default))
    if kind in _BOUNDS:
        bound = ctx.get(_BOUNDS[kind])
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)  # "at least 0", not "at least 0.0"
        return rule(kind, default, bound, bound=bound)
    if kind in _WHOLE:
        return rule("whole", default, 1)
    if kind in _NUMBER:
        return rule("number", default, 0.5)
    if kind in _BOOL:
        return rule("bool", default, True)
    if kind == "string_type":
        return rule(kind, default, "text")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        said = _("{table} is a table: write [{table}] with its keys below")
        return said.format(table=dotted(field_loc))
    return None


def _example(leaf: str, example: Any, fallback: Any = None) -> str:
    """`leaf = value` in TOML: `example`, else `fallback`, else `leaf = ...`."""
    value = fallback if example is None or example in ([], {}) else example
    return f"{leaf} = {_toml(value)}" if value is not None else f"{leaf} = ..."


def _choices(expected: str) -> list[Any]:
    """pydantic's "'low', 'normal' or 'critical'" (or "1 or 2") as the values themselves."""
    found = re.findall(r"'((?:[^'\\]|\\.)*)'|(-?\d+)", expected)
    return [int(number) if number else text for text, number in found]


def _default(loc: tuple[Any, ...], defaults: Defaults) -> Any:
    """The built-in default at `loc` as TOML data, None when there is none (inside a list)."""
    value: Any = defaults()
    for part in loc:
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)


def _key_text(part: str) -> str:
    return part if re.fullmatch(r"[A-Za-z0-9_-]+", part) else json.dumps(part)


def dotted(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        name = _key_text(str(part))
        out += f"[{part}]" if isinstance(part, int) else (f".{name}" if out else name)
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
        return _at_line().format(file=origin, line=line) if line else origin
    return _("config")


def _at_line() -> str:
    # Translators: where a bad key is, e.g. "/home/me/.config/standup/config.toml, line 3".
    return _("{file}, line {line}")


def renamed(message: str, old: Path | str, new: str, *, lines: bool) -> str:
    """`message` with the file `old` named `new`, its line numbers (as `_where` words them)
    dropped unless `lines`: where `new` does not hold the text they count."""
    place = _at_line()
    at_line = re.escape(place).replace(r"\{file\}", re.escape(str(old)), 1)
    at_line = at_line.replace(r"\{line\}", r"(\d+)", 1)
    message = re.sub(
        at_line, lambda m: place.format(file=new, line=m.group(1)) if lines else new, message
    )
    return message.replace(str(old), new)


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
