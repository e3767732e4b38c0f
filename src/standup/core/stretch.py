"""What the rules of `machine` share: the stretch's times, showing and holding the reminder,
and leaving for the working hours or a break. Pure like the rest of the core."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

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

AT_DESK = (Phase.SITTING, Phase.REMINDING)


def snoozes_left(state: State, policy: Policy) -> int:
    return max(0, policy.max_snoozes - state.snoozes)


def overtaken(state: State, answer: Answer) -> bool:
    """Given before the stretch now running began: another answer (the countdown's Done, a
    button) ended the reminder first, and one reminder takes one answer."""
    asked = answer.asked_at
    return state.phase in AT_DESK and asked is not None and asked < state.sitting_since


def reference(state: State) -> datetime:
    """The latest instant the state knows of: where to look for the next hours change."""
    times = [state.sitting_since, state.reminder_shown_at, state.held_at]
    return max(t for t in times if t is not None)


def clamp_future(state: State, now: datetime) -> State:
    """Rule 4: stored past instants never lie in the future of the clock."""
    changes: dict[str, datetime] = {}
    for name in ("sitting_since", "reminder_shown_at", "held_at"):
        value = getattr(state, name)
        if value is not None and value > now:
            changes[name] = now
    return replace(state, **changes) if changes else state


def sat_seconds(state: State, until: datetime) -> int:
    return max(0, int((until - state.sitting_since).total_seconds()))


def new_stretch(now: datetime, policy: Policy) -> State:
    phase = Phase.SITTING if policy.hours.active(now) else Phase.OFF_HOURS
    return State(phase=phase, sitting_since=now)


def withdraw_if_showing(state: State) -> tuple[Effect, ...]:
    return (Withdraw(),) if state.phase is Phase.REMINDING else ()


def follow_hours(state: State, now: datetime, policy: Policy) -> Transition:
    """Enter or leave OFF_HOURS before any rule runs; a pause overrides the hours."""
    active = policy.hours.active(now)
    if state.phase is Phase.OFF_HOURS and active:
        return Transition(new_stretch(now, policy))
    if state.phase in (*AT_DESK, Phase.AWAY) and not active:
        effects: tuple[Effect, ...] = withdraw_if_showing(state)
        if state.phase in AT_DESK and sat_seconds(state, now) > 0:
            detail = {"sat_seconds": sat_seconds(state, now)}
            effects = (*effects, Record("off_hours", now, detail))
        return Transition(State(phase=Phase.OFF_HOURS, sitting_since=now), effects)
    return Transition(state)


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
