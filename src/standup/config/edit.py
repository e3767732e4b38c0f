"""Set one key in a TOML file with tomlkit, so comments, layout and key order survive.

tomlkit parses the file into a document that remembers every byte around the values; we change
one value (or add one key) and render it back. The rules on top of it are ours: a value is
replaced in place, keeping its key's spacing and trailing comment; a new key goes after the last
key of the deepest table that exists (as a dotted key when needed), not after the comments that
introduce the next table; with no such table, the table is appended at the end. Whether the
result is a valid config is the loader's call: the caller loads it before saving. No I/O here.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from typing import Any

from standup.errors import ConfigError
from standup.i18n import _

Key = tuple[str, ...]

_BARE = re.compile(r"^[A-Za-z0-9_-]+$")


def parse_key(text: str) -> Key:
    """ "schedule.sit" -> ("schedule", "sit"); quoted parts keep their dots."""
    # TOML's own reading of a dotted key, twice: `KEY = 1` must be one chain of tables ending
    # in that 1, and `KEY = 2` in that 2 (a KEY like `a = 0 #` would end in its own 0).
    parts = [_key_path(text, value) for value in (1, 2)]
    if parts[0] is None or parts[0] != parts[1] or not all(parts[0]):
        said = _("{key} is not a config key").format(key=repr(text))
        raise ConfigError(said, hint=_('keys look like "schedule.sit"'))
    return tuple(parts[0])


def _key_path(text: str, value: int) -> list[str] | None:
    try:
        data: Any = tomllib.loads(f"{text} = {value}")
    except tomllib.TOMLDecodeError:
        return None
    parts: list[str] = []
    while isinstance(data, dict) and len(data) == 1:
        ((name, data),) = data.items()
        parts.append(name)
    return parts if data == value and not isinstance(data, bool) else None


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
            said = _("{where}: unknown key {key} (allowed here: {names})")
            raise ConfigError(
                said.format(where=where, key=dotted(key[:depth]), names=", ".join(names)),
                hint=_("`standup config show` lists every key with its value"),
            )
        if key[:depth] in nested_tables:
            said = _("{where}: {key} is a list of tables").format(
                where=where, key=dotted(key[:depth])
            )
            raise ConfigError(said, hint=_("change it with `standup config edit`"))
    names = allowed(key)
    if names:
        said = _("{where}: {key} is a table, not a value (its keys: {names})")
        hint = _("set one of them, e.g. `standup config set {key}.{name} ...`")
        raise ConfigError(
            said.format(where=where, key=dotted(key), names=", ".join(names)),
            hint=hint.format(key=dotted(key), name=names[0]),
        )


def set_value(text: str, key: Key, literal: str) -> str:
    """`text` with `key` set to the TOML `literal`; every other line unchanged. Only the
    tables on the key's way are handed to tomlkit, which takes a minute over many megabytes."""
    if len(key) < 2:
        said = _("{key} is not inside a table").format(key=dotted(key))
        raise ConfigError(said, hint=_('keys look like "schedule.sit"'))
    newline = "\r\n" if "\r\n" in text else "\n"
    if text and not text.endswith(("\n", "\r")):
        text += newline  # a last line without its newline would run into what we add
    quick = _set_in_part(text, key, literal, newline)
    if quick is not None:
        return quick
    edited = _edit(text, key, literal, newline)
    return edited if edited is not None else _append_table(text, key, literal, newline)


def _set_in_part(text: str, key: Key, literal: str, newline: str) -> str | None:
    """The edit made on the tables on the key's way alone (the root, [a], [a.b] for a.b.c),
    put back into `text`; None when nothing could be left out, or the part does not read as
    itself with the key set (then the whole text is edited).

    On well-formed TOML the sections are exact; on other text the edit is refused all the
    same when the result is loaded."""
    from standup.config.sections import split_sections

    sections = split_sections(text)
    if sections is None:
        return None
    kept = [s for s in sections if len(s.key) < len(key) and s.key == key[: len(s.key)]]
    if len(kept) == len(sections):
        return None
    part = "".join(text[s.start : s.end] for s in kept)
    try:
        edited = _edit(part, key, literal, newline)
    except ConfigError:
        return None
    if edited is None:  # the table is appended, after everything
        edited = _append_table(part, key, literal, newline)
        new: str | None = _append_table(text, key, literal, newline)
    else:
        new = _splice(text, kept, part, edited)
    return new if new is not None and _reads_as_set(edited, part, key, literal) else None


def _splice(text: str, kept: list[Any], part: str, edited: str) -> str | None:
    """`text` with the one change tomlkit made to `part` (made of the `kept` sections) put in
    the section it falls in; an insertion at a section's end belongs to that section."""
    limit = min(len(part), len(edited))
    same = 0
    while same < limit and part[same] == edited[same]:
        same += 1
    tail = 0
    while tail < limit - same and part[-1 - tail] == edited[-1 - tail]:
        tail += 1
    old_end, offset = len(part) - tail, 0
    for section in kept:
        length = section.end - section.start
        if offset <= same and old_end <= offset + length:
            at = section.start + same - offset
            after = section.start + old_end - offset
            return text[:at] + edited[same : len(edited) - tail] + text[after:]
        offset += length
    return None  # the change spans sections: not a one-place edit


def _reads_as_set(new: str, text: str, key: Key, literal: str) -> bool:
    """Whether `new` reads exactly as `text` with `key` set to `literal`."""
    try:
        node = expected = tomllib.loads(text)
        for part in key[:-1]:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):
                return False
            node = child
        node[key[-1]] = tomllib.loads(f"v = {literal}")["v"]
        return tomllib.loads(new) == expected
    except (tomllib.TOMLDecodeError, RecursionError):
        return False


def _edit(text: str, key: Key, literal: str, newline: str) -> str | None:
    """`text` with `key` set by tomlkit; None when the key's table must be appended instead."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        document = tomlkit.parse(text)
    except TOMLKitError as error:  # tomllib read it (the caller checked), tomlkit did not
        raise ConfigError(_("cannot edit this file's TOML: {error}").format(error=error)) from None
    table, depth = _deepest_table(document, key[:-1])
    rest = key[depth:]
    if depth and rest[0] not in table:
        _add(table, rest, literal, newline)
        return tomlkit.dumps(document)
    if len(rest) == 1 and depth and not _is_container(table[rest[0]]):
        table[rest[0]] = _parsed(rest, literal, newline)[1]
        return tomlkit.dumps(document)
    return None


def _append_table(text: str, key: Key, literal: str, newline: str) -> str:
    """No table on the way exists, or something that is not a table is in the way (an array
    of tables, a value): append the table and let the loader say what is wrong, if anything."""
    if text.strip() and not text.endswith(("\n\n", "\r\n\r\n")):
        text += newline
    return f"{text}[{dotted(key[:-1])}]{newline}{_key_text(key[-1])} = {literal}{newline}"


def _deepest_table(document: Any, table_key: Key) -> tuple[Any, int]:
    """The deepest table on `table_key` that the document holds, and how many parts it took."""
    from tomlkit.items import InlineTable, Table

    current, depth = document, 0
    for part in table_key:
        child = current.get(part)
        if not isinstance(child, Table | InlineTable):
            break
        current, depth = child, depth + 1
    return current, depth


def _is_container(item: Any) -> bool:
    from tomlkit.items import AoT, InlineTable, Table

    return isinstance(item, Table | InlineTable | AoT)


def _parsed(rest: Key, literal: str, newline: str) -> tuple[Any, Any]:
    """`rest = literal` as tomlkit reads it: the key (dotted when `rest` has several parts)
    and its item, with the value written exactly as typed."""
    import tomlkit

    snippet = tomlkit.parse(f"{dotted(rest)} = {literal}{newline}")
    return snippet.body[0]


def _add(table: Any, rest: Key, literal: str, newline: str) -> None:
    from tomlkit.items import Table

    key, item = _parsed(rest, literal, newline)
    body = table.value.body if isinstance(table, Table) else []
    last = max((i for i, (k, _item) in enumerate(body) if k is not None), default=None)
    # Comments and blank lines after a table's last key usually introduce the next table:
    # the new key goes above them. tomlkit's public append would put it below them.
    at = last + 1 if last is not None else _after_header_comments(body)
    if at < len(body):
        table.value._insert_at(at, key, item)
    else:
        table.append(key, item)


def _after_header_comments(body: list[tuple[Any, Any]]) -> int:
    """In a table with no keys yet: the index after the comment lines glued to its header."""
    from tomlkit.items import Comment

    at = 0
    while at < len(body) and isinstance(body[at][1], Comment):
        at += 1
    return at


def dotted(key: Key) -> str:
    """A key as TOML writes it: schedule.sit, exercises.weights."hamstrings.strength"."""
    return ".".join(_key_text(p) for p in key)


def _key_text(part: str) -> str:
    return part if _BARE.match(part) else string_literal(part)


def carry_over(text: str, template: str) -> tuple[str, list[Key]]:
    """`template` with its own values commented out, so that it sets nothing, and every value
    `text` sets put in (where the template has the key, else as `config set` would put it); and
    the keys carried. ConfigError when that would lose anything of `text`: comments of its own,
    a list of tables, or a value the template cannot take exactly where it belongs."""
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    try:
        data = tomllib.loads(text)
        document = tomlkit.parse(text)
    except (tomllib.TOMLDecodeError, TOMLKitError) as error:
        raise ConfigError(_("it is not valid TOML ({error})").format(error=error)) from None
    if _has_comments(document):
        raise ConfigError(_("it has comments of its own"))
    values = dict(_values(document))
    # The template's values, left live, would fix every default in the user's file, over
    # what an admin layer ($XDG_CONFIG_DIRS) sets: only the user's own keys are live.
    merged, placed = _commented(template, values)
    for key, literal in values.items():
        if key not in placed:
            merged = set_value(merged, key, literal)
    expected = _merge(tomllib.loads(_commented(template, {})[0]), data)
    if tomllib.loads(merged) != expected:
        raise ConfigError(_("its values do not all fit the example's layout"))
    return merged, list(values)


def _commented(template: str, values: dict[Key, str]) -> tuple[str, set[Key]]:
    """`template` with each value it sets commented out, or replaced by the literal `values`
    holds for its key; and the keys so replaced."""
    lines: list[str] = []
    table: Key = ()
    placed: set[Key] = set()
    chunk = ""  # the lines of one value, gathered until they read as TOML
    for line in template.splitlines(keepends=True):
        stripped = line.strip()
        if not chunk and (not stripped or stripped.startswith("#")):
            lines.append(line)
        elif not chunk and stripped.startswith("["):
            table = parse_key(stripped.strip("[]"))
            lines.append(line)
        elif _reads(chunk + line):
            name = (chunk + line).partition("=")[0].strip()
            key = (*table, *parse_key(name))
            if key in values:
                newline = "\r\n" if line.endswith("\r\n") else "\n"
                lines.append(f"{name} = {values[key]}{newline}")
                placed.add(key)
            else:
                lines.extend("# " + part for part in (chunk + line).splitlines(keepends=True))
            chunk = ""
        else:
            chunk += line
    return "".join(lines) + chunk, placed


def _reads(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


def _values(container: Any, at: Key = ()) -> Any:
    """(key, literal as written) for every value under `container`, tables walked into."""
    from tomlkit.items import AoT, InlineTable, Table

    for name, item in container.items():
        key = (*at, name)
        if isinstance(item, Table | InlineTable):
            yield from _values(item, key)
        elif isinstance(item, AoT):
            raise ConfigError(_("it holds a list of tables ([[{key}]])").format(key=dotted(key)))
        else:
            yield key, item.as_string().strip()


def _has_comments(container: Any) -> bool:
    """Whether a comment line or a trailing comment is anywhere in the document."""
    from tomlkit.container import Container
    from tomlkit.items import AoT, Array, Comment, InlineTable, Table, Whitespace

    body = container.body if isinstance(container, Container) else container.value.body
    for _key, item in body:
        if isinstance(item, Whitespace):
            continue  # blank lines: nothing to lose (and no trivia to ask about)
        if isinstance(item, Comment) or item.trivia.comment:
            return True
        if isinstance(item, Table) and _has_comments(item):
            return True
        if isinstance(item, AoT) and any(_has_comments(table) for table in item.body):
            return True
        if isinstance(item, Array | InlineTable) and "#" in _outside_strings(item.as_string()):
            return True
    return False


def _outside_strings(literal: str) -> str:
    """A value's text with its strings taken out: a "#" left is a comment."""
    return re.sub(r'"(?:[^"\\]|\\.)*"|\'[^\']*\'', "", literal)


def changed_keys(before: dict[str, Any], after: dict[str, Any], at: str = "") -> list[str]:
    """The dotted keys whose values differ between two dumps of the settings."""
    changed = []
    for key in sorted(before.keys() | after.keys()):
        old, new = before.get(key), after.get(key)
        if isinstance(old, dict) and isinstance(new, dict):
            changed += changed_keys(old, new, f"{at}{key}.")
        elif old != new:
            changed.append(at + key)
    return changed


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged
