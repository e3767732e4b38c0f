"""What the tray shows for a daemon status: icon, status, tooltip, label and menu.

Pure: a status dict (as `standup status --json` gives it) and a few facts in, a `View` out.
The item compares the new view with the last one and tells the host only what changed.

Minutes are counted on one grid, from the start of the stretch, so the tooltip and the label
both move at the same instant: one wake-up a minute while sitting, not two.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from standup.i18n import _, catalogue_text, ngettext
from standup.i18n.clock import format_clock
from standup.tray.icon import STEPS, step_of

# Menu entries by their action; their ids are fixed, so a click names the same entry whatever
# the menu looked like when it was drawn.
DONE, SNOOZE, SKIP, NOW = "done", "snooze", "skip", "now"
PAUSE_30, PAUSE_60, PAUSE_TOMORROW, RESUME = "pause_30", "pause_60", "pause_tomorrow", "resume"
BREAKS = "breaks"  # today's count: a line to read, not to click
ANSWERS = (DONE, SNOOZE, SKIP)
ACTIONS = (*ANSWERS, NOW, PAUSE_30, PAUSE_60, PAUSE_TOMORROW, RESUME)
IDS: dict[str, int] = {action: n for n, action in enumerate((*ACTIONS, BREAKS), start=1)}
SEPARATOR_IDS = (20, 21, 22)
COUNTING = ("sitting", "snoozed")  # the states whose icon and words move with the minutes
_PARTS = "; "  # between the minutes sat and what comes next, in every language


class Entry(NamedTuple):
    """One menu line: a clickable action, a greyed-out one, an information line, or a
    separator (label "-")."""

    id: int
    label: str
    enabled: bool = True

    @property
    def separator(self) -> bool:
        return self.label == "-"


class View(NamedTuple):
    look: str  # one of icon.LOOKS
    step: int  # ring steps filled, 0..STEPS
    status: str  # the item's Status: Active, Passive or NeedsAttention
    tooltip: str
    label: str  # XAyatanaLabel: minutes left, or "" (switched off, or not counting)
    menu: tuple[Entry, ...]
    spoken: str = ""  # the icon's accessible description: the tooltip without the minutes


def minutes_sat(status: dict[str, Any]) -> int | None:
    """Whole minutes of the current stretch; None while none runs."""
    seconds = status.get("sitting_seconds")
    return None if seconds is None else int(seconds) // 60


def next_minute(state: str, since: datetime, now: datetime) -> datetime | None:
    """When the minutes shown next change, strictly after `now`; None when they do not (not
    counting). `since` is the stretch's exact start: the status's times are cut to seconds."""
    if state not in COUNTING:
        return None
    sat = (now - since) // timedelta(minutes=1)
    return since + timedelta(minutes=sat + 1)


def build(
    status: dict[str, Any],
    *,
    label: bool,
    snooze: timedelta,
    breaks_today: int,
    refused: frozenset[str] = frozenset(),
) -> View:
    """The view of `status`. `refused`: the actions the daemon would turn down right now,
    shown greyed out; `snooze` is the configured snooze, named in its entry."""
    state = status["state"]
    look = state if state in ("sitting", "snoozed", "reminding", "paused", "away") else "off_hours"
    left = _minutes_left(status)
    if state == "reminding":
        step, kind = STEPS, "NeedsAttention"
    elif state in COUNTING:
        step, kind = step_of(_fraction(status)), "Active"
    elif state == "paused":
        step, kind = 0, "Active"  # hosts hide a Passive item, and with it Resume
    else:
        step, kind = 0, "Passive"  # away or off hours: a host may hide it until it counts
    # Translators: the label beside the tray icon, minutes to the next reminder: keep it short.
    shown_left = _("{minutes}m").format(minutes=left) if label and left is not None else ""
    words = tooltip(status)
    entries = menu(status, snooze, breaks_today, refused)
    return View(look, step, kind, words, shown_left, entries, spoken(words, state))


def spoken(words: str, state: str) -> str:
    """The tooltip as the icon's accessible description: without "Sitting N min; ", which
    moves every minute (a host re-reads the description only with the icon). Only a counting
    stretch's words carry minutes; the "; " is the tooltip's own, never a translation's."""
    if state not in COUNTING:
        return words
    _sat, sep, rest = words.partition(_PARTS)
    return f"standup: {rest}" if sep else words


def tooltip(status: dict[str, Any]) -> str:
    """The state in words: "Sitting 32 min; next reminder at 14:50"."""
    state = status["state"]
    sat = minutes_sat(status)
    if state == "reminding":
        exercise = status.get("exercise") or {}
        name = exercise.get("name")
        if not name:
            return _("Time to stand up")
        name = catalogue_text(exercise.get("id", ""), "name", name)
        return _("Time to stand up: {exercise}").format(exercise=name)
    if state in COUNTING and sat is not None:
        when = _hhmm(status.get("next_reminder_at"))
        sitting = _("Sitting {minutes} min").format(minutes=sat)
        if not when:
            return sitting
        if state == "snoozed":
            # Translators: follows "Sitting 32 min; " in the tooltip.
            then = _("snoozed until {time}").format(time=when)
        else:
            # Translators: follows "Sitting 32 min; " in the tooltip.
            then = _("next reminder at {time}").format(time=when)
        return f"{sitting}{_PARTS}{then}"
    if state == "paused":
        until = _hhmm(status.get("paused_until"))
        return _("Paused until {time}").format(time=until) if until else _("Paused")
    if state == "away":
        since = _hhmm(status.get("away_since"))
        if since:
            return _("Away from the desk since {time}").format(time=since)
        return _("Away from the desk")
    again = _hhmm(status.get("active_again_at"))
    if again:
        return _("Outside working hours until {time}").format(time=again)
    return _("Outside working hours")


def menu(
    status: dict[str, Any], snooze: timedelta, breaks_today: int, refused: frozenset[str]
) -> tuple[Entry, ...]:
    """The menu for the state: the answers while a reminder is up, then what is always there."""
    state = status["state"]
    # Shown, snoozed after showing, or held while the user is busy: an answer is wanted.
    answering = (
        state == "reminding"
        or bool(status.get("held_because"))
        or (state == "snoozed" and (status.get("snoozes_used") or 0) > 0)
    )

    def entry(action: str, text: str) -> Entry:
        return Entry(IDS[action], text, action not in refused)

    entries: list[Entry] = []
    if answering:
        snooze_minutes = max(1, round(snooze.total_seconds() / 60))
        entries += [
            entry(DONE, _("Done")),
            entry(SNOOZE, _("Snooze {minutes} min").format(minutes=snooze_minutes)),
            entry(SKIP, _("Skip")),
            Entry(SEPARATOR_IDS[0], "-"),
        ]
    entries += [entry(NOW, _("Exercise now")), Entry(SEPARATOR_IDS[1], "-")]
    if state == "paused":
        entries.append(entry(RESUME, _("Resume")))
    else:
        entries += [
            entry(PAUSE_30, _("Pause 30 min")),
            entry(PAUSE_60, _("Pause 1 hour")),
            entry(PAUSE_TOMORROW, _("Pause until tomorrow")),
        ]
    count = breaks_today
    breaks = ngettext("{count} break today", "{count} breaks today", count).format(count=count)
    entries += [Entry(SEPARATOR_IDS[2], "-"), Entry(IDS[BREAKS], breaks, enabled=False)]
    return tuple(entries)


def _fraction(status: dict[str, Any]) -> float:
    """How much of the wait for the next reminder has passed, 0..1."""
    since, due = status.get("sitting_since"), status.get("next_reminder_at")
    if since is None or due is None:
        return 0.0
    whole = (datetime.fromisoformat(due) - datetime.fromisoformat(since)).total_seconds()
    sat = (minutes_sat(status) or 0) * 60
    return 1.0 if whole <= 0 else min(1.0, sat / whole)


def _minutes_left(status: dict[str, Any]) -> int | None:
    """Minutes to the next reminder, on the stretch's minute grid; None when not counting."""
    if status["state"] not in COUNTING:
        return None
    since, due = status.get("sitting_since"), status.get("next_reminder_at")
    if since is None or due is None:
        return None
    whole = (datetime.fromisoformat(due) - datetime.fromisoformat(since)).total_seconds()
    return max(0, math.ceil(whole / 60) - (minutes_sat(status) or 0))


def _hhmm(value: str | None) -> str:
    return format_clock(datetime.fromisoformat(value)) if value else ""
