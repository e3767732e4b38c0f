"""A TOML text whose lines look like table headers but are not: inside strings of every kind,
arrays and comments, with CRLF lines among them. Shared by the section splitter's tests and
the config editor's, which must both see only the real headers."""

from __future__ import annotations

HOSTILE = (
    "# [not] a header\n"
    "x = 1  # [nor] this\n"
    "[a]\n"
    'basic = """\n[in.basic]\n\\"""\n[still.basic]\n"""\n'
    "literal = '''\n[in.literal]\n'''\n"
    'ends = """a""""\n'
    'ends5 = """b"""""\n'
    "arr = [\n  [1, 2],\n[3],\n  { q = '[' },\n]\n"
    '"key]" = "]"\n'
    "\r\n"
    '  [ "b" . "c]" ]  # spaced, quoted\r\n'
    "y = 'x'\r\n"
    "[[a.list]]\n"
    'z = "\\"[x]\\""\n'
)
