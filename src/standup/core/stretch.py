"""What the rules share: the stretch's times, showing and holding the reminder, and ending a
stretch for a break. Pure like the rest of the core."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from standup.core.due import AT_DESK, snoozes_left
from standup.core.model import (
    Answer,
    Effect,
    Hold,
    Notify,
    Phase,
    Policy,
    Record,
    State,
    Tick,
    Transition,
    Withdraw,
)


def overtaken(state: State, answer: Answer) -> bool:
    """Given before the stretch now running began: another answer (the countdown's Done, a
    button) ended the reminder first, and one reminder takes one answer."""
    asked = answer.asked_at
    return state.phase in AT_DESK and asked is not None and asked < state.sitting_since


def clamp_future(state: State, now: datetime) -> State:
    """Rule 4: stored past instants never lie in the future of the clock."""

    def clamped(value: datetime | None) -> datetime | None:
        return now if value is not None and value > now else value

    if max(state.sitting_since, state.reminder_shown_at or now, state.held_at or now) <= now:
        return state
    return replace(
        state,
        sitting_since=min(state.sitting_since, now),
        reminder_shown_at=clamped(state.reminder_shown_at),
        held_at=clamped(state.held_at),
    )


def sat_seconds(state: State, until: datetime) -> int:
    return max(0, int((until - state.sitting_since).total_seconds()))


def new_stretch(now: datetime, policy: Policy) -> State:
    phase = Phase.SITTING if policy.hours.active(now) else Phase.OFF_HOURS
    return State(phase=phase, sitting_since=now)


def withdraw_if_showing(state: State) -> tuple[Effect, ...]:
    return (Withdraw(),) if state.phase is Phase.REMINDING else ()


def reminder(
    state: State, now: datetime, policy: Policy, *, new: bool, record: bool | None = None
) -> Transition:
    """Show the reminder. `new`: pick an exercise; `record` (default: `new`): a reminder goes
    on record (a first showing, or a snoozed one back), not a mere re-show of one unanswered."""
    shown = replace(
        state, phase=Phase.REMINDING, reminder_shown_at=now, paused_until=None, held_at=None
    )
    left = snoozes_left(shown, policy)
    effects: list[Effect] = [Notify(new=new, can_snooze=left > 0, critical=left == 0)]
    if new if record is None else record:
        detail = {"sitting_since": state.sitting_since.isoformat(), "snoozes": state.snoozes}
        effects.append(Record("reminded", now, detail))
    return Transition(shown, tuple(effects))


def hold(state: State, event: Tick) -> Transition:
    effects = () if state.held_at is not None else (Hold(event.busy),)
    return Transition(replace(state, held_at=event.now), effects)


def end_stretch(state: State, at: datetime, now: datetime, reason: str) -> tuple[Effect, ...]:
    """Effects of a natural break that began at `at`, seen at `now`."""
    detail: dict[str, object] = {"sat_seconds": sat_seconds(state, at), "reason": reason}
    return (*withdraw_if_showing(state), Record("natural_break", at, detail))
