"""Working hours: when reminders may come. Pure: works on the local wall time of `now`.

Windows are "HH:MM-HH:MM"; one whose end is not after its start crosses midnight and belongs
to the day it starts on ("22:00-02:00" on Friday runs into Saturday night). "00:00-24:00"
is the whole day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


@dataclass(frozen=True)
class Window:
    start: time
    end: time

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def __str__(self) -> str:
        end = "24:00" if self.end == time(0) else f"{self.end:%H:%M}"
        return f"{self.start:%H:%M}-{end}"


def parse_window(text: str) -> Window:
    """Parse "09:00-17:30"; raise ValueError naming the expected form."""
    try:
        start_text, end_text = (part.strip() for part in text.split("-"))
        # "24:00" is the end of the day, as people write it.
        end_text = "00:00" if end_text == "24:00" else end_text
        start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
    except ValueError:
        raise ValueError(f'expected a window like "09:00-17:30", not {text!r}') from None
    if start.second or end.second or start.microsecond or end.microsecond:
        raise ValueError(f"windows are whole minutes: {text!r}")
    if start == end and start != time(0):
        raise ValueError(f"window {text!r} is empty; use 00:00-24:00 for all day")
    return Window(start, end)


@dataclass(frozen=True)
class Hours:
    """When reminders may come. The default is always.

    `tz` is the local time zone the windows are read in. With a real zone (zoneinfo) the hours
    stay right across a change of the clocks, even when planned days ahead; without one, the
    UTC offset of the time asked about is used."""

    windows: tuple[Window, ...] = (Window(time(0), time(0)),)
    days: frozenset[int] = frozenset(range(7))  # 0 = Monday
    tz: tzinfo | None = None

    @property
    def always(self) -> bool:
        return self.days == frozenset(range(7)) and any(
            w.start == w.end == time(0) for w in self.windows
        )

    def active(self, now: datetime) -> bool:
        if self.always:
            return True
        return any(start <= now < end for start, end in self._spans_around(now))

    def next_change(self, now: datetime) -> datetime | None:
        """The next instant after `now` where `active` flips; None when it never does."""
        if self.always:
            return None
        edges = sorted({edge for span in self._spans_around(now) for edge in span if edge > now})
        state = self.active(now)
        for edge in edges:
            if self.active(edge) != state:
                return edge
        return None

    def _spans_around(self, now: datetime) -> list[tuple[datetime, datetime]]:
        """Active spans starting from yesterday to eight days ahead, in `now`'s zone."""
        local = now.astimezone(self.tz) if self.tz is not None else now
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        spans = []
        for offset in range(-1, 9):
            day = midnight + timedelta(days=offset)
            if day.weekday() not in self.days:
                continue
            for window in self.windows:
                start = day.replace(hour=window.start.hour, minute=window.start.minute)
                end = day.replace(hour=window.end.hour, minute=window.end.minute)
                if window.crosses_midnight:
                    end += timedelta(days=1)
                spans.append((start, end))
        return spans
