"""Human durations: "50m", "1h30m", "90s", "1.5h", or a whole number of seconds.

What a user types is the same in every language; what `describe()` writes ("1 h 30 min") and
the errors are in the user's.
"""

from __future__ import annotations

import math
import re
from datetime import timedelta

from standup.i18n import _, ngettext

# Longest spelling first, so "min" is not read as "m" followed by "in".
_PART = re.compile(
    r"(\d+(?:\.\d+)?)\s*(days|day|d|hours|hour|hrs|hr|h|mins|min|m|secs|sec|s)",
    re.IGNORECASE,
)
_UNITS = {"d": 86400, "h": 3600, "m": 60, "s": 1}
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
        text = ngettext(
            'must be at most {days} day (a duration like "50m", "1h30m", "90s" or a whole '
            "number of seconds)",
            'must be at most {days} days (a duration like "50m", "1h30m", "90s" or a whole '
            "number of seconds)",
            LONGEST.days,
        )
        raise ValueError(text.format(days=LONGEST.days))
    return timedelta(seconds=seconds)


def _seconds(value: object) -> float:
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, bool):
        raise ValueError(_expected())
    if isinstance(value, int | float):
        if isinstance(value, float) and math.isfinite(value) and not value.is_integer():
            raise ValueError(
                _(
                    'a number of seconds must be whole; write a duration like "50m", "1h30m", '
                    '"90s" or a whole number of seconds'
                )
            )
        return float(value)
    if not isinstance(value, str):
        raise ValueError(_expected())
    text = value.strip().replace(" ", "")
    if re.fullmatch(r"[+-]?\d{1,4000}", text):
        return float(int(text))
    if len(text) > LONGEST_TEXT:
        raise ValueError(
            _(
                'too long for a duration; expected a duration like "50m", "1h30m", "90s" or a '
                "whole number of seconds"
            )
        )
    sign = -1 if text.startswith("-") else 1
    body = text.lstrip("+-")
    parts = _PART.findall(body)
    if not parts or "".join(n + u for n, u in parts).lower() != body.lower():
        raise ValueError(_expected())
    return sign * sum(float(n) * _UNITS[u[0].lower()] for n, u in parts)


def _expected() -> str:
    # Translators: "50m", "1h30m" and "90s" are typed the same in every language: keep them.
    return _('expected a duration like "50m", "1h30m", "90s" or a whole number of seconds')


def parse_positive_duration(value: object) -> timedelta:
    duration = parse_duration(value)
    if duration <= timedelta(0):
        raise ValueError(
            _(
                'must be longer than zero (a duration like "50m", "1h30m", "90s" or a whole '
                "number of seconds)"
            )
        )
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
    """For people, in their language: "10 min", "1 h 30 min", "45 s"."""
    total = round(duration.total_seconds())
    hours, rest = divmod(total, 3600)
    minutes, seconds = divmod(rest, 60)
    if hours and minutes and seconds:
        # Translators: a duration, its units short (no plural): hours, minutes and seconds.
        text = _("{hours} h {minutes} min {seconds} s")
    elif hours and minutes:
        text = _("{hours} h {minutes} min")
    elif hours and seconds:
        text = _("{hours} h {seconds} s")
    elif hours:
        text = _("{hours} h")
    elif minutes and seconds:
        text = _("{minutes} min {seconds} s")
    elif minutes:
        text = _("{minutes} min")
    else:
        text = _("{seconds} s")
    return text.format(hours=hours, minutes=minutes, seconds=seconds)
