"""Text that reaches a notification server or the log exactly as the user wrote it.

Most servers parse the body as a small subset of HTML when they advertise `body-markup`, so a
custom exercise with "1 < 2 & 3" would lose its tail or show nothing. Control characters are
worse: a NUL in a string gets the client disconnected from the bus. No I/O here.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, and the C1 range; NUL is among them.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Unicode's own line and paragraph separators and the BOM make a bubble break or vanish too.
_ODD_SPACE = re.compile("[\u2028\u2029\ufeff]")


def clean_text(text: str) -> str:
    """`text` without control characters: tabs become spaces, newlines stay, the rest go."""
    text = text.replace("\r\n", "\n").replace("\t", " ")
    return _ODD_SPACE.sub(" ", _CONTROL.sub("", text))


def clean_line(text: str) -> str:
    """`clean_text`, on one line: for the log and for titles."""
    return " ".join(clean_text(text).split())


def escape_markup(text: str) -> str:
    """Escape the three characters the notification markup subset treats as syntax."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def quote_bounded(value: str, limit: int = 60) -> str:
    """A bad value as an error message may quote it: one line, at most `limit` characters."""
    line = clean_line(value)
    if len(line) <= limit:
        return line
    return line[: limit - 1].rstrip() + "…"
