"""Times of day as the user's locale writes them: "14:50", or "2:50 PM" where it counts to 12.

Where standup speaks a translation, the locale's LC_TIME (LC_ALL, LC_TIME, LANG) says which,
through the C library's own record of it; no library beyond the standard one. In English,
24 hours as always: English output is the same in every locale. The locale is read once per
setting, and put back at once: strftime elsewhere (the logs, the files' names) stays as it was.
A locale the system has not generated reads as C: 24 hours, as standup has always shown them.
"""

from __future__ import annotations

import _thread  # the lock without threading's import cost: `status` formats times too
import functools
import os
import re
from datetime import datetime, time

from standup.i18n import _, language, pgettext

# The C locale's, and standup's before it followed the locale.
_C_FORMAT = "%H:%M:%S"
# Seconds, with the separator before them and a unit after them ("%S秒"), and time zones; and
# a directive. Patterns, not compiled ones: `re` caches what it compiles on first use.
_SECONDS = r"[:.]?%S[^\s%]*|\s*%[Zz]"
_DIRECTIVE = r"%(.)"
# setlocale changes the whole process: one reading at a time, so each puts back what it found.
_LOCALE_LOCK = _thread.allocate_lock()


class ClockStyle:
    """How the locale writes a time of day without seconds: a strftime-like pattern over %H,
    %k, %I, %l, %M and %p, and its words for before and after noon. (A plain class: a
    NamedTuple costs `status` a quarter of a millisecond at import.)"""

    __slots__ = ("am", "pattern", "pm")

    def __init__(self, pattern: str, am: str = "", pm: str = "") -> None:
        self.pattern, self.am, self.pm = pattern, am, pm

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ClockStyle):
            return NotImplemented
        return (self.pattern, self.am, self.pm) == (other.pattern, other.am, other.pm)

    def __hash__(self) -> int:
        return hash((self.pattern, self.am, self.pm))

    def __repr__(self) -> str:
        return f"ClockStyle({self.pattern!r}, {self.am!r}, {self.pm!r})"

    @property
    def twelve_hours(self) -> bool:
        return "%I" in self.pattern or "%l" in self.pattern


def style_of(t_fmt: str, t_fmt_ampm: str = "", am: str = "", pm: str = "") -> ClockStyle:
    """The style of a locale whose time format (T_FMT) is `t_fmt`, without the seconds."""
    pattern = t_fmt.replace("%r", t_fmt_ampm or "%I:%M:%S %p")
    pattern = pattern.replace("%T", "%H:%M:%S").replace("%R", "%H:%M")
    pattern = re.sub(_SECONDS, "", pattern).strip()
    if "%M" not in pattern:  # a format this reading does not know: 24 hours, as before
        pattern = "%H:%M"
    return ClockStyle(pattern, am, pm)


def clock_style() -> ClockStyle:
    """The style of the user's locale now (see the module's docstring). Where standup speaks
    English, 24 hours as it always has: an English text looks the same in every locale."""
    if language() == "en":
        return style_of(_C_FORMAT)
    key = tuple(os.environ.get(name, "") for name in ("LC_ALL", "LC_TIME", "LANG", "LOCPATH"))
    return _read_locale(key)


@functools.lru_cache(maxsize=4)
def _read_locale(_key: tuple[str, ...]) -> ClockStyle:
    import locale

    with _LOCALE_LOCK:
        try:
            before = locale.setlocale(locale.LC_TIME)
            locale.setlocale(locale.LC_TIME, "")
        except locale.Error:  # not generated on this system
            return style_of(_C_FORMAT)
        try:
            info = locale.nl_langinfo
            return style_of(
                info(locale.T_FMT),
                info(locale.T_FMT_AMPM),
                info(locale.AM_STR),
                info(locale.PM_STR),
            )
        finally:
            locale.setlocale(locale.LC_TIME, before)


def format_clock(moment: datetime | time, style: ClockStyle | None = None) -> str:
    """`moment`'s hour and minute in `style` (the user's locale's by default): a 12-hour clock
    shows no leading zero ("9:05 AM")."""
    style = style or clock_style()
    twelve = moment.hour % 12 or 12

    def one(match: re.Match[str]) -> str:
        code = match.group(1)
        return {
            "H": f"{moment.hour:02d}",
            "k": f"{moment.hour:2d}",
            "I": str(twelve),
            "l": str(twelve),
            "M": f"{moment.minute:02d}",
            "p": style.am if moment.hour < 12 else style.pm,
            "P": (style.am if moment.hour < 12 else style.pm).lower(),
            "%": "%",
        }.get(code, "")

    return re.sub(_DIRECTIVE, one, style.pattern).strip()


def _weekday(moment: datetime) -> str:
    # The day's and month's names in the language of the text around them, not LC_TIME's.
    return (
        pgettext("weekday", "Mon"),
        pgettext("weekday", "Tue"),
        pgettext("weekday", "Wed"),
        pgettext("weekday", "Thu"),
        pgettext("weekday", "Fri"),
        pgettext("weekday", "Sat"),
        pgettext("weekday", "Sun"),
    )[moment.weekday()]


def _month(moment: datetime) -> str:
    return (
        pgettext("month", "Jan"),
        pgettext("month", "Feb"),
        pgettext("month", "Mar"),
        pgettext("month", "Apr"),
        pgettext("month", "May"),
        pgettext("month", "Jun"),
        pgettext("month", "Jul"),
        pgettext("month", "Aug"),
        pgettext("month", "Sep"),
        pgettext("month", "Oct"),
        pgettext("month", "Nov"),
        pgettext("month", "Dec"),
    )[moment.month - 1]


def format_weekday_clock(moment: datetime) -> str:
    """ "Tue 12:30": a time within the next week."""
    # Translators: a time within the next week, e.g. "Tue 12:30".
    return _("{weekday} {time}").format(weekday=_weekday(moment), time=format_clock(moment))


def format_day_clock(moment: datetime) -> str:
    """ "Tue 3 Mar 12:30": a date and time that need no year."""
    # Translators: a date and time without the year, e.g. "Tue 3 Mar 12:30".
    return _("{weekday} {day} {month} {time}").format(
        weekday=_weekday(moment), day=moment.day, month=_month(moment), time=format_clock(moment)
    )
