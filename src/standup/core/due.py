"""What the state says about the reminder and about time: its sub-state, when it is due,
and when the shell must wake the core next. Read by the rules and by the shell alike, so the
status a user sees is the core's own reading, never a second computation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from standup.core.model import Phase, Policy, State

AT_DESK = (Phase.SITTING, Phase.REMINDING)


class Pending(StrEnum):
    """Where the stretch's reminder stands (the sub-states of SITTING and REMINDING)."""

    NONE = "none"  # counting towards sitting_since + sit
    POSTPONED = "postponed"  # moved on before it came (snoozed_until, no snoozes used)
    SNOOZED = "snoozed"  # shown, then snoozed: back at snoozed_until
    SHOWING = "showing"  # the bubble is up and waits for an answer
    HELD = "held"  # due, but the user is busy: looked at again every busy_recheck


def pending(state: State) -> Pending:
    """The reminder's sub-state; NONE outside SITTING and REMINDING."""
    if state.phase not in AT_DESK:
        return Pending.NONE
    if state.held_at is not None:
        return Pending.HELD
    if state.phase is Phase.REMINDING:
        return Pending.SHOWING
    if state.snoozes > 0:
        return Pending.SNOOZED
    return Pending.POSTPONED if state.snoozed_until is not None else Pending.NONE


def answerable(state: State) -> bool:
    """A reminder is showing, snoozed or held: Snooze, Done or Skip answer it. (A postponed
    one has not come yet: they act ahead of it.)"""
    return pending(state) in (Pending.SHOWING, Pending.SNOOZED, Pending.HELD)


def label(state: State) -> str:
    """The state as `standup status` names it: the phase, or "snoozed" for a stretch whose
    reminder was moved on (by a snooze, or ahead of time)."""
    if state.phase is Phase.SITTING and state.snoozed_until is not None:
        return "snoozed"
    return state.phase.value


def snoozes_left(state: State, policy: Policy) -> int:
    return max(0, policy.max_snoozes - state.snoozes)


def due_at(state: State, policy: Policy) -> datetime:
    """When the pending or next reminder is (or was) due."""
    if state.snoozed_until is not None:
        return state.snoozed_until
    return state.sitting_since + policy.sit


def reminder_at(state: State, policy: Policy) -> datetime | None:
    """When the reminder is next shown, re-shown or (held) looked at again; None when no
    stretch runs (away, paused, off hours)."""
    if state.held_at is not None:
        return state.held_at + policy.busy_recheck
    if state.phase is Phase.SITTING:
        return due_at(state, policy)
    if state.phase is Phase.REMINDING and state.reminder_shown_at is not None:
        return state.reminder_shown_at + policy.remind_again
    return None


def active_again(state: State, policy: Policy, now: datetime) -> datetime | None:
    """When reminders can come again: the end of a pause or the start of working hours."""
    if state.phase is Phase.PAUSED:
        return state.paused_until
    if state.phase is Phase.OFF_HOURS:
        return policy.hours.next_change(now)
    return None


def reference(state: State) -> datetime:
    """The latest instant the state knows of: where to look for the next hours change."""
    times = [state.sitting_since, state.reminder_shown_at, state.held_at]
    return max(t for t in times if t is not None)


def next_wakeup(state: State, policy: Policy, now: datetime | None = None) -> datetime | None:
    """When the shell must send the next Tick; None: nothing until an outside event.

    Pass `now` (in local time): working hours are wall-clock hours, and only the current
    reading knows the current UTC offset; a stored time may carry the offset from before a
    change of the clocks."""
    if state.phase is Phase.PAUSED:
        return state.paused_until
    wake = reminder_at(state, policy)
    change = policy.hours.next_change(now if now is not None else reference(state))
    if change is not None and (wake is None or change < wake):
        return change
    return wake
