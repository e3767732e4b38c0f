"""Statistics from history: per-day counts, minutes sat, and the answered-reminder streak.

Pure functions over `HistoryEvent` lists; the caller reads the store and passes `now` and a
timezone, so results do not depend on the machine running the tests.

Rules, in one place:
- Days are local calendar days in `tz` (default: the system's local time, DST-aware).
- Minutes sat come from `sat_seconds` on the events that end a sitting stretch. A stretch is
  split across midnight, so each day gets the part sat on that day. The longest stretch of a day
  is the longest one that ended that day, counted whole.
- A reminder is answered when it is followed by `done` or `skipped`. Snoozes and skips given
  before any reminder (marked "ahead") answer nothing and are not counted. A snooze is not an
  answer: it keeps the reminder open, and the reminders that follow it belong to the same
  one. Anything else that ends the stretch first (a natural break, a pause, the daemon
  stopping) leaves it unanswered. An answer counts for the day of the first reminder, even
  after midnight.
- The streak counts consecutive days, back from today, on which every reminder was answered.
  Days without reminders (weekends, days off) neither extend nor break it. Today extends it once
  all its reminders are answered and breaks it as soon as one is left unanswered; a reminder
  still waiting for an answer does neither, because the day is not over.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from standup.i18n import _, ngettext, pgettext
from standup.i18n.clock import _month, _weekday
from standup.i18n.width import columns
from standup.localtime import to_local

if TYPE_CHECKING:  # only for annotations: computing stats needs no database
    from standup.history.store import HistoryEvent

# Events after which the user is no longer sitting; they carry {"sat_seconds": N}.
STRETCH_ENDING = frozenset(
    {"done", "skipped", "natural_break", "paused", "daemon_stopped", "off_hours"}
)
# Events that end an open reminder without answering it.
_ABANDONING = frozenset(
    {"natural_break", "paused", "daemon_stopped", "daemon_started", "off_hours"}
)

BAR_WIDTH = 24
_EIGHTHS = " ▏▎▍▌▋▊▉"


@dataclass
class DayStats:
    """What happened on one local day."""

    day: date
    reminders: int = 0
    done: int = 0
    snoozed: int = 0
    skipped: int = 0
    natural_breaks: int = 0
    unanswered: int = 0
    pending: bool = False  # a reminder of this day still waits for an answer
    sat_seconds: float = 0.0
    longest_seconds: float = 0.0

    @property
    def minutes_sat(self) -> int:
        return round(self.sat_seconds / 60)

    @property
    def longest_sitting_minutes(self) -> int:
        return round(self.longest_seconds / 60)

    @property
    def all_answered(self) -> bool | None:
        """True or False for a day with reminders; None for a day without any."""
        if self.reminders == 0:
            return None
        return self.unanswered == 0 and not self.pending

    def as_dict(self) -> dict[str, Any]:
        return {
            "date": self.day.isoformat(),
            "reminders": self.reminders,
            "done": self.done,
            "snoozed": self.snoozed,
            "skipped": self.skipped,
            "natural_breaks": self.natural_breaks,
            "unanswered": self.unanswered,
            "minutes_sat": self.minutes_sat,
            "longest_sitting_minutes": self.longest_sitting_minutes,
            "all_answered": self.all_answered,
        }


FIELDS = list(DayStats(date(2000, 1, 1)).as_dict())


@dataclass
class Summary:
    days: list[DayStats] = field(default_factory=list)
    streak: int = 0


def summarize(
    events: Iterable[HistoryEvent], *, days: int = 7, now: datetime, tz: tzinfo | None = None
) -> Summary:
    """Per-day stats for the last `days` days (oldest first, today last) and the streak.

    Pass the whole history you have for the streak; only the last `days` days are listed.
    """
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")
    by_day = _accumulate(events, now, tz)
    today = _local_day(now, tz)
    listed = [by_day.get(d) or DayStats(d) for d in _dates(today - timedelta(days=days - 1), today)]
    return Summary(listed, _streak(by_day, today))


def daily_stats(
    events: Iterable[HistoryEvent], *, days: int = 7, now: datetime, tz: tzinfo | None = None
) -> list[DayStats]:
    return summarize(events, days=days, now=now, tz=tz).days


def current_streak(
    events: Iterable[HistoryEvent], *, now: datetime, tz: tzinfo | None = None
) -> int:
    return _streak(_accumulate(events, now, tz), _local_day(now, tz))


# -- computing -------------------------------------------------------------------------------


def _local(ts: datetime, tz: tzinfo | None) -> datetime:
    # astimezone() without an argument applies the system rules for that instant (DST-aware),
    # unlike a fixed offset taken once from "now".
    return ts.astimezone(tz) if tz is not None else to_local(ts)


def _local_day(ts: datetime, tz: tzinfo | None) -> date:
    return _local(ts, tz).date()


def _midnight(day: date, tz: tzinfo | None) -> datetime:
    naive = datetime(day.year, day.month, day.day)
    if tz is not None:
        return naive.replace(tzinfo=tz)
    try:
        return naive.astimezone()
    except (ValueError, OverflowError):  # a zone Python cannot hold (TZ=UTC+24): UTC days
        return naive.replace(tzinfo=UTC)


def _dates(first: date, last: date) -> list[date]:
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def _accumulate(
    events: Iterable[HistoryEvent], now: datetime, tz: tzinfo | None
) -> dict[date, DayStats]:
    by_day: dict[date, DayStats] = {}

    def stats(day: date) -> DayStats:
        if day not in by_day:
            by_day[day] = DayStats(day)
        return by_day[day]

    open_day: date | None = None  # day of the reminder waiting for an answer
    snoozed = False
    for event in sorted((e for e in events if e.ts <= now), key=lambda e: e.ts):
        day = _local_day(event.ts, tz)
        kind = event.kind
        if event.detail.get("ahead"):
            # A snooze or skip given before any reminder answers none: count only the time.
            if kind in STRETCH_ENDING:
                _add_stretch(stats, event, tz)
            continue
        if kind == "reminded":
            stats(day).reminders += 1
            if open_day is not None and not snoozed:
                stats(open_day).unanswered += 1
                open_day = None
            if open_day is None:
                open_day = day
            snoozed = False
        elif kind == "snoozed":
            stats(day).snoozed += 1
            snoozed = open_day is not None
        elif kind in ("done", "skipped"):
            if kind == "done":
                stats(day).done += 1
            else:
                stats(day).skipped += 1
            open_day, snoozed = None, False
        elif kind in _ABANDONING and open_day is not None:
            stats(open_day).unanswered += 1
            open_day, snoozed = None, False
        if kind == "natural_break":
            stats(day).natural_breaks += 1
        if kind in STRETCH_ENDING:
            _add_stretch(stats, event, tz)
    if open_day is not None:
        if open_day == _local_day(now, tz):
            stats(open_day).pending = True
        else:
            stats(open_day).unanswered += 1  # a past day's reminder can no longer be answered
    return by_day


def _add_stretch(stats: Callable[[date], DayStats], event: HistoryEvent, tz: tzinfo | None) -> None:
    sat = event.detail.get("sat_seconds")
    if isinstance(sat, bool) or not isinstance(sat, int | float) or sat <= 0:
        return
    end = event.ts
    start = end - timedelta(seconds=sat)
    end_day = _local_day(end, tz)
    stats(end_day).longest_seconds = max(stats(end_day).longest_seconds, float(sat))
    for day in _dates(_local_day(start, tz), end_day):
        lo = max(start, _midnight(day, tz))
        hi = min(end, _midnight(day + timedelta(days=1), tz))
        if hi > lo:
            stats(day).sat_seconds += (hi - lo).total_seconds()


def _streak(by_day: dict[date, DayStats], today: date) -> int:
    streak = 0
    for day in sorted(by_day, reverse=True):
        st = by_day[day]
        if day > today or st.reminders == 0:
            continue
        if st.unanswered:
            break
        if st.pending:
            continue  # only today can be pending: not over yet
        streak += 1
    return streak


# -- rendering -------------------------------------------------------------------------------


def _duration(minutes: int) -> str:
    hours, mins = divmod(minutes, 60)
    if hours:
        # Translators: time sat, in a narrow column of `standup stats`: "1h05m".
        return _("{hours}h{minutes}m").format(hours=hours, minutes=f"{mins:02d}")
    # Translators: minutes sat, kept short (the status bar, a column of `standup stats`).
    return _("{minutes}m").format(minutes=mins)


def _bar(value: float, top: float, width: int = BAR_WIDTH) -> str:
    if top <= 0 or value <= 0:
        return ""
    eighths = max(1, round(value / top * width * 8))  # never hide a day that had some sitting
    full, part = divmod(eighths, 8)
    return "█" * full + (_EIGHTHS[part] if part else "")


def _headings() -> tuple[str, ...]:
    """The table's columns after the date, in the user's language: a plain name each, so none
    reads like a weekday; a cell is as wide as its heading."""
    return (
        # Translators: the headings of the columns of `standup stats`, per day: time sat, the
        # longest stretch, then counts. Keep them short: a column is as wide as its heading.
        pgettext("stats column", "Sitting"),
        pgettext("stats column", "Longest"),
        pgettext("stats column", "Reminders"),
        pgettext("stats column", "Done"),
        pgettext("stats column", "Snoozed"),
        pgettext("stats column", "Skipped"),
        pgettext("stats column", "Breaks"),
    )


def _date(day: date) -> str:
    moment = datetime(day.year, day.month, day.day)
    # Translators: a day in `standup stats`, e.g. "Thu 03 Dec" ({day} has two digits).
    text = _("{weekday} {day} {month}")
    return text.format(weekday=_weekday(moment), day=f"{day.day:02d}", month=_month(moment))


def _pad(text: str, width: int, *, right: bool = True) -> str:
    """`text` filled with spaces to `width` display columns (a wide character takes two)."""
    fill = " " * max(0, width - columns(text))
    return fill + text if right else text + fill


def _row(first: str, width: int, headings: Sequence[str], values: Sequence[object]) -> str:
    """A line of the table: `first` in a column `width` wide, each value as wide as its heading."""
    cells = (_pad(str(value), columns(name)) for name, value in zip(headings, values, strict=True))
    return _pad(first, width, right=False) + " " + " ".join(cells)


def render_table(days: Sequence[DayStats], streak: int | None = None) -> str:
    """A compact table with a bar of minutes sat per day."""
    headings = _headings()
    # Translators: the headings of the first column of `standup stats` and of its last row.
    first_heading, total = pgettext("stats column", "Date"), pgettext("stats row", "Total")
    dates = [_date(d.day) for d in days]
    width = max(columns(text) for text in (first_heading, total, *dates))
    lines = [_row(first_heading, width, headings, headings)]
    top = max((d.minutes_sat for d in days), default=0)
    for d, day in zip(days, dates, strict=True):
        counts = (d.reminders, d.done, d.snoozed, d.skipped, d.natural_breaks)
        sat = (_duration(d.minutes_sat), _duration(d.longest_sitting_minutes))
        row = _row(day, width, headings, (*sat, *counts))
        lines.append(f"{row}  {_bar(d.minutes_sat, top)}".rstrip())
    longest = max((d.longest_sitting_minutes for d in days), default=0)
    totals = (
        sum(d.reminders for d in days),
        sum(d.done for d in days),
        sum(d.snoozed for d in days),
        sum(d.skipped for d in days),
        sum(d.natural_breaks for d in days),
    )
    total_sat = sum(d.minutes_sat for d in days)
    sums = (_duration(total_sat), _duration(longest), *totals)
    lines.append(_row(total, width, headings, sums))
    if streak is not None:
        # What the streak counts (see _streak), said with its number.
        # Translators: Done and Skip are the reminder's buttons: use their words.
        text = ngettext(
            "Streak: {count} day in a row with every reminder answered by Done or Skip",
            "Streak: {count} days in a row with every reminder answered by Done or Skip",
            streak,
        )
        lines.append(text.format(count=streak))
        lines.append(
            _("(days without reminders are passed over: they neither add to it nor end it)")
        )
    return "\n".join(lines) + "\n"


def render_json(days: Sequence[DayStats], streak: int | None = None) -> str:
    """JSON with a fixed key order: {"days": [...], "streak": N or null}."""
    return json.dumps({"days": [d.as_dict() for d in days], "streak": streak}, indent=2) + "\n"


def render_csv(days: Sequence[DayStats]) -> str:
    """One row per day, with a header row; all_answered is true, false or empty."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    for d in days:
        row = d.as_dict()
        answered = row["all_answered"]
        row["all_answered"] = "" if answered is None else str(answered).lower()
        writer.writerow(row[f] for f in FIELDS)
    return out.getvalue()
