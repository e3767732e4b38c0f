"""Text measured as a screen shows it: East Asian wide characters take two columns, and a line
of Japanese or Chinese may break between any two of its characters, as notification servers
break it (Pango does), where `textwrap` would count each character once and find no place to
break at all."""

from __future__ import annotations

import functools
import re

# A run of characters that is never broken (a word, with the space before it: a no-break space,
# as French puts before ":", joins the words around it), or one wide character, which a line may
# end after.
_GLUE = "\u00a0\u2007\u202f"  # no-break, figure and narrow no-break spaces
_BREAK = rf"[^\S{_GLUE}]"
_PIECE = rf"{_BREAK}*(?:[^\s\u1100-\uffef]|[{_GLUE}])+|{_BREAK}*[\u1100-\uffef]"


@functools.cache
def _pieces() -> re.Pattern[str]:
    # Compiled when first wrapped, not at import: `standup status` imports this and never
    # wraps, and the pattern's wide ranges take milliseconds to compile.
    return re.compile(_PIECE)


def columns(text: str) -> int:
    """The display columns `text` takes: wide and full-width characters count two."""
    if text.isascii():
        return len(text)
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """`text` in lines of at most `width` columns, broken at spaces or between wide characters;
    a word longer than a line is broken where the line ends."""
    lines: list[str] = []
    line = ""
    for piece in _pieces().findall(text):
        if columns(line + piece) <= width:
            line += piece
            continue
        if line:
            lines.append(line.rstrip())
        line = piece.lstrip()
        while columns(line) > width:  # one word longer than a whole line
            cut = _fitting(line, width)
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _fitting(text: str, width: int) -> int:
    """How many leading characters of `text` fit in `width` columns (at least one)."""
    used = 0
    for n, char in enumerate(text):
        used += columns(char)
        if used > width:
            return max(n, 1)
    return len(text)
