"""Plain text to man(7) markup: escapes, `code` spans and the few macros the pages use.

No I/O here. Text goes through `text()`; a literal word (a command, an option, a value)
through `literal()`, which also turns "-" into the minus sign a reader types.
"""

from __future__ import annotations

import re

_CODE = re.compile(r"`([^`]+)`")


def _escape(value: str) -> str:
    return value.replace("\\", "\\e")


def literal(value: str) -> str:
    """A word to type as it is, e.g. an option: backslashes and minus signs escaped."""
    return _escape(value).replace("-", "\\-")


def bold(value: str) -> str:
    return f"\\fB{literal(value)}\\fR"


def italic(value: str) -> str:
    return f"\\fI{literal(value)}\\fR"


def text(value: str) -> str:
    """Prose: backslashes escaped, `spans` set in bold as literals."""
    out: list[str] = []
    last = 0
    for match in _CODE.finditer(value):
        out.append(_escape(value[last : match.start()]))
        out.append(bold(match.group(1)))
        last = match.end()
    out.append(_escape(value[last:]))
    return "".join(out)


def line(value: str) -> str:
    """One input line: a leading "." or "'" would be read as a request."""
    return f"\\&{value}" if value.startswith((".", "'")) else value


def paragraph(value: str) -> list[str]:
    return [".PP", line(text(value))]


def tagged(tag: str, body: str) -> list[str]:
    """A .TP entry: `tag` already marked up, `body` prose."""
    return [".TP", line(tag), line(text(body))]


def example(lines: list[str]) -> list[str]:
    """Lines shown as they are, in a fixed-width block."""
    return [".PP", ".EX", *(line(literal(item)) for item in lines), ".EE"]


def page(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def quoted(value: str) -> str:
    """A macro argument: in double quotes, with a quote inside written as two."""
    return '"' + value.replace('"', '""') + '"'
