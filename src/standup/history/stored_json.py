"""JSON read back from the state store, bounded in size, nesting and numbers before it is parsed.

The standard decoder recurses once per level of nesting and reads any run of digits, so a
stored `[` x 100,000 raises RecursionError and `1e999` becomes infinity, which a later `int()`
turns into OverflowError. Here size and nesting are checked before parsing and numbers as
they are read, never by catching what the decoder raises, and every refusal is a ValueError:
a reader that catches ValueError has caught everything a stored value can do. Linear in the
length of the text, which is bounded too. Pure: no I/O.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

# Every value the daemon stores is far inside these: the rotation of the largest catalogue a
# 16 MiB config can hold is under 16 MiB, with a handful of arrays and objects 4 levels deep
# and one comma per exercise (at most some 170,000 entries of 100 bytes each).
MAX_CHARS = 32 * 1024 * 1024
MAX_DEPTH = 16
MAX_BRACKETS = 20_000  # `[`, `]`, `{` and `}` anywhere, strings included: a few dozen in use
MAX_ITEMS = 500_000  # commas anywhere: bounds the time and memory a flood of tiny values costs
MAX_INT_DIGITS = 40  # the rotation's seed, the largest number stored, has 19
MAX_FLOAT_CHARS = 64  # a float as Python writes it takes at most 24

_BRACKET = re.compile(r"[\[\]{}]")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class UnreadableJSON(ValueError):
    """A stored text that is not JSON, or passes the limits above."""


def decode(text: object, *, max_chars: int = MAX_CHARS) -> Any:
    """The JSON value in `text`; UnreadableJSON when it is not text, not JSON, or too large,
    too deep or holds a number out of range."""
    if not isinstance(text, str):
        raise UnreadableJSON(f"not text but {type(text).__name__}")
    if len(text) > max_chars:
        raise UnreadableJSON(f"{len(text):,} characters, more than {max_chars:,}")
    brackets = sum(text.count(bracket) for bracket in _STEP)
    if brackets > MAX_BRACKETS:
        raise UnreadableJSON(f"{brackets:,} brackets, more than {MAX_BRACKETS:,}")
    if text.count(",") > MAX_ITEMS:
        raise UnreadableJSON(f"more than {MAX_ITEMS:,} items")
    if brackets > MAX_DEPTH:  # fewer brackets than the limit cannot nest deeper than it
        _check_depth(text)
    try:
        # The hooks cost a Python call per number; MAX_ITEMS bounds how many.
        return json.loads(text, parse_int=_int, parse_float=_float, parse_constant=_no_constant)
    except UnreadableJSON:
        raise
    except ValueError as error:
        raise UnreadableJSON(f"not JSON: {str(error)[:120]}") from error


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH, outside strings.

    With the escaped backslashes and then the escaped quotes taken out, every quote left opens
    or closes a string, so the parity of the quotes before a bracket tells whether it is inside
    one. Up to the first error the decoder would meet, this reads the text as the decoder does,
    so the decoder can never go deeper than this scan saw."""
    plain = text.replace("\\\\", "").replace('\\"', "")
    depth, inside, scanned = 0, False, 0
    for match in _BRACKET.finditer(plain):  # at most MAX_BRACKETS of them
        at = match.start()
        if plain.count('"', scanned, at) % 2:
            inside = not inside
        scanned = at
        if not inside:
            depth += _STEP[match.group()]
            if depth > MAX_DEPTH:
                raise UnreadableJSON(f"nested more than {MAX_DEPTH} levels deep")


def _int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise UnreadableJSON(f"a number of {len(digits):,} digits")
    return int(digits)


def _float(text: str) -> float:
    if len(text) > MAX_FLOAT_CHARS:
        raise UnreadableJSON(f"a number of {len(text):,} characters")
    value = float(text)
    if not math.isfinite(value):  # 1e999 reads as infinity
        raise UnreadableJSON(f"the number {text[:40]} is out of range")
    return value


def _no_constant(name: str) -> float:
    raise UnreadableJSON(f"{name} is not a number")
