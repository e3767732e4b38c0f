"""Human durations: "50m", "1h30m", "90s", "1.5h", or a whole number of seconds."""

from __future__ import annotations

import math
import re
from datetime import timedelta

# Longest spelling first, so "min" is not read as "m" followed by "in".
_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(days|day|d|hours|hour|hrs|hr|h|mins|min|m|secs|sec|s)",
    re.IGNORECASE,
)
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
HELP = 'a duration like "50m", "1h30m", "90s" or a whole number of seconds'
# Longer than anyone sits, short enough that adding it to any date stays in range.
LONGEST = timedelta(days=366)
# No real duration is longer; a longer text is refused before any parsing (which would take
# quadratic time on a long run of digits).
LONGEST_TEXT = 64


def parse_duration(value: object) -> timedelta:
    """Parse `value`; raise ValueError with a message fit for the user."""
    try:
        seconds = _seconds(value)
    except OverflowError:  # an integer too large for a float
        seconds = math.inf
    if not math.isfinite(seconds) or abs(seconds) > LONGEST.total_seconds():
        raise ValueError(f"must be at most {LONGEST.days} days ({HELP})")
    return timedelta(seconds=seconds)


def _seconds(value: object) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bool):
        raise ValueError(f"expected {HELP}")
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
            raise ValueError(f"a number of seconds must be whole; write {HELP}")
        return float(value)
    if not isinstance(value, str):
        raise ValueError(f"expected {HELP}")
    text = value.strip().replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,4000}", text):
        return float(int(text))
    if len(text) > LONGEST_TEXT:
        raise ValueError(f"too long for a duration; expected {HELP}")
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    parts = _PART.findall(body)
    if not parts or "".join(n + u for n, u in parts).lower() != body.lower():
        raise ValueError(f"expected {HELP}")
    return sign * sum(float(n) * _UNITS[u[0].lower()] for n, u in parts)


def parse_positive_duration(value: object) -> timedelta:
    duration = parse_duration(value)
    if duration <= timedelta(0):
        raise ValueError(f"must be longer than zero ({HELP})")
    return duration


def format_duration(duration: timedelta) -> str:
    """The shortest human form: 3000 s -> "50m", 5400 s -> "1h30m", 0 -> "0s"."""
    total = int(duration.total_seconds())
    if total == 0:
        return "0s"
    sign = "-" if total < 0 else ""
    total = abs(total)
    out = []
    for unit, size in (("h", 3600), ("m", 60), ("s", 1)):
        count, total = divmod(total, size)
        if count:
            out.append(f"{count}{unit}")
    return sign + "".join(out)


def describe(duration: timedelta) -> str:
    """For people: "10 min", "1 h 30 min", "45 s"."""
    total = round(duration.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = []
    if hours:
        parts.append(f"{hours} h")
    if minutes:
        parts.append(f"{minutes} min")
    if seconds or not parts:
        parts.append(f"{seconds} s")
    return " ".join(parts)
