"""Where each table of a TOML text begins, found without parsing its values. No I/O here.

`config set` changes one table; on a config of many megabytes (thousands of custom exercises)
tomlkit needs a minute to read the whole text, but only a few lines concern the key. A regular
expression walks the text token by token (strings, comments, brackets, line ends), so a line
inside a multi-line string or array is never taken for a header; what it cannot follow, it
gives up on (None), and the caller reads the whole text.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass

Key = tuple[str, ...]

_SIMPLE = r"[^\"'#\[\]{}\n]"  # no quote, comment, bracket or line end
# No possessive quantifiers or atomic groups: Python 3.11 before 3.11.5 (Debian 12's 3.11.2)
# matches some of them wrongly. Each repeat below meets a character that ends it or a
# single-character choice, so a failed match gives back in linear time all the same.
_BASIC = r"(?!\"\"\")\"(?:[^\"\\\n]|\\.)*\"(?!\")"  # one-line "...", not the start of """
_TOKEN = re.compile(
    rf"""
      (?P<line>{_SIMPLE}*(?:{_BASIC}{_SIMPLE}*)*(?:\#[^\n]*)?\n)  # a whole plain line
    | (?P<plain>{_SIMPLE}+)
    | (?P<comment>\#[^\n]*)
    | (?P<newline>\n)
    | (?P<mlbasic>\"\"\"(?:[^"\\]|\\[\s\S]|"{{1,2}}(?!"))*"{{0,2}}\"\"\")
    | (?P<mlliteral>'''(?:[^']|'{{1,2}}(?!'))*'{{0,2}}''')
    | (?P<basic>{_BASIC})
    | (?P<literal>'[^'\n]*')
    | (?P<open>[\[{{])
    | (?P<close>[\]}}])
    """,
    re.VERBOSE,
)


@dataclass(frozen=True)
class Section:
    """text[start:end]: a header line and the lines up to the next one (the root: no header)."""

    start: int
    end: int
    key: Key  # () for the root
    array: bool  # an [[array.of.tables]] entry


def split_sections(text: str) -> list[Section] | None:
    """The root and every table of `text`, in order; None when the text cannot be followed."""
    heads: list[tuple[int, Key, bool]] = [(0, (), False)]
    names: dict[str, tuple[Key, bool] | None] = {}
    depth, at_line_start, line_start, header_at = 0, True, 0, -1
    pos, size = 0, len(text)
    while pos < size:
        token = _TOKEN.match(text, pos)
        if token is None:
            return None  # an unclosed string: not ours to guess
        kind, pos = token.lastgroup, token.end()
        if kind in ("line", "newline"):
            at_line_start, line_start = True, pos
        elif kind == "plain":
            at_line_start = at_line_start and token.group().isspace()
        elif kind == "open":
            if depth == 0 and at_line_start and token.group() == "[":
                header_at = token.start()
            depth, at_line_start = depth + 1, False
        elif kind == "close":
            depth -= 1
            if depth < 0:
                return None
            if depth == 0 and header_at >= 0:
                header = text[header_at:pos]
                if header not in names:
                    names[header] = _header_key(header)
                found = names[header]
                if found is None:
                    return None
                heads.append((line_start, *found))
                header_at = -1
        else:
            at_line_start = False
    if depth or header_at >= 0:
        return None
    ends = [start for start, _key, _array in heads[1:]] + [size]
    return [Section(s, e, k, a) for (s, k, a), e in zip(heads, ends, strict=True)]


def _header_key(header: str) -> tuple[Key, bool] | None:
    """ "[a.b]" -> (("a", "b"), False); "[[a.b]]" -> (("a", "b"), True); None if not a header."""
    try:
        data = tomllib.loads(header)
    except tomllib.TOMLDecodeError:
        return None
    parts: list[str] = []
    node: object = data
    while isinstance(node, dict) and len(node) == 1:
        ((name, node),) = node.items()
        parts.append(name)
        if isinstance(node, list):
            return tuple(parts), True
    return (tuple(parts), False) if parts else None
