"""The core's vocabulary: policy, state, events and effects. Plain frozen data, no behaviour.

Every timestamp is an aware datetime supplied by the caller; the core never reads a clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum

from standup.core.hours import Hours


class Phase(StrEnum):
    SITTING = "sitting"  # counting towards the next reminder
    REMINDING = "reminding"  # a reminder is showing and waits for an answer
    AWAY = "away"  # no input for a natural break, locked, or asleep: not sitting
    OFF_HOURS = "off_hours"  # outside the working hours: nothing counts, nothing reminds
    PAUSED = "paused"  # silent until resumed (or until paused_until)


@dataclass(frozen=True)
class Policy:
    """The timing rules the core needs, taken from the config."""

    sit: timedelta = timedelta(minutes=50)
    snooze: timedelta = timedelta(minutes=10)
    remind_again: timedelta = timedelta(minutes=5)
    max_snoozes: int = 3
    # Down (or away) at least this long counts as a break: the next stretch starts afresh.
    natural_break: timedelta = timedelta(minutes=5)
    # After a suspend of at least a natural break: "reset" starts a new stretch, "continue"
    # carries on where it was (the sleep itself never counts as sitting).
    after_suspend: str = "reset"
    hours: Hours = field(default_factory=Hours)
    # A reminder held while the user is busy is checked again this often.
    busy_recheck: timedelta = timedelta(seconds=30)


@dataclass(frozen=True)
class State:
    phase: Phase
    sitting_since: datetime  # start of the current sitting stretch
    snoozes: int = 0  # snoozes in a row for this stretch
    snoozed_until: datetime | None = None  # replaces sitting_since + sit as the due time
    paused_until: datetime | None = None  # None while paused: until resumed
    reminder_shown_at: datetime | None = None  # last time the reminder was (re)shown
    held_at: datetime | None = None  # last time a due reminder was held: the user was busy
    # Last sample that saw idle inhibited (a video): a break counts from the end of the
    # inhibition, not from the last input. Not saved: a restart forgets a running video.
    inhibited_at: datetime | None = None


# ---- events: what happened, and when -----------------------------------------------------


@dataclass(frozen=True)
class Event:
    now: datetime


@dataclass(frozen=True)
class Tick(Event):
    """The scheduler woke up: something may be due. `busy` lists why the user should not be
    interrupted now (a call, do-not-disturb); the shell asks only when a reminder is due."""

    busy: tuple[str, ...] = ()


@dataclass(frozen=True)
class Activity(Event):
    """A sample of the user's presence."""

    idle: timedelta = timedelta(0)  # since the last keyboard or mouse input
    locked: bool = False
    inhibited: bool = False  # idle is inhibited (a video plays): no input is still sitting


@dataclass(frozen=True)
class Slept(Event):
    """The machine was suspended for `duration` and has just woken up."""

    duration: timedelta = timedelta(0)


@dataclass(frozen=True)
class Answer(Event):
    """Snooze, Done or Skip. `asked_at`: when the user gave it (pressed, typed), which may be a
    moment before it is handled; None when no earlier time is known."""

    asked_at: datetime | None = field(default=None, kw_only=True)


@dataclass(frozen=True)
class Snooze(Answer):
    duration: timedelta | None = None  # None: the configured snooze


@dataclass(frozen=True)
class Done(Answer):
    """The user did the exercise (or took a break); `rating` ("too_easy", "too_hard") is kept
    with it in the history."""

    rating: str | None = None


@dataclass(frozen=True)
class Skip(Answer):
    """The user declines this reminder; a new stretch starts."""


@dataclass(frozen=True)
class Dismissed(Event):
    """The bubble was closed without an answer: the reminder stays pending."""


@dataclass(frozen=True)
class RemindNow(Event):
    """Show a reminder now: the one showing or snoozed, else a new one with the next
    exercise."""


@dataclass(frozen=True)
class Pause(Event):
    until: datetime | None = None


@dataclass(frozen=True)
class Resume(Event):
    pass


@dataclass(frozen=True)
class Started(Event):
    """The daemon (re)started with a restored state; `last_seen` is when it was last alive."""

    last_seen: datetime | None = None


@dataclass(frozen=True)
class ClockStepped(Event):
    """The wall clock jumped by `delta` beyond the real time elapsed (NTP, the user, a zone
    change). Every stored timestamp moves with it, so no reminder comes early or is lost."""

    delta: timedelta = timedelta(0)


# ---- effects: what the shell must do --------------------------------------------------------


@dataclass(frozen=True)
class Effect:
    pass


@dataclass(frozen=True)
class Notify(Effect):
    """Show the reminder bubble. `new`: a fresh reminder (pick an exercise), else a re-show."""

    new: bool
    can_snooze: bool
    critical: bool


@dataclass(frozen=True)
class Withdraw(Effect):
    """Close the reminder bubble if one is showing."""


@dataclass(frozen=True)
class Record(Effect):
    """Append to the history. `detail` holds JSON-ready values."""

    kind: str
    at: datetime
    detail: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class Hold(Effect):
    """A due reminder waits: the user is busy (the reasons say why)."""

    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Reject(Effect):
    """The event makes no sense now; tell whoever sent it why. The state is unchanged."""

    message: str


@dataclass(frozen=True)
class Transition:
    state: State
    effects: tuple[Effect, ...] = ()
