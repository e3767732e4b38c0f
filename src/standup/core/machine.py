"""The sitting-interval state machine.

Theory of operation
-------------------
Phases: SITTING (counting), REMINDING (a reminder shows and waits for an answer), AWAY (the
user left: idle for a natural break, locked, or asleep), OFF_HOURS (outside working hours) and
PAUSED (silenced by the user). Events carry the time they happened; `step(state, event,
policy)` returns the next state and the effects the shell must carry out. The shell wakes the
core at `next_wakeup(state, policy)` with a Tick, and samples activity on its own cadence.

The rules everything else follows from:
1. A reminder is due `sit` after the stretch started, or at `snoozed_until` when snoozed.
   Due times are derived from the state and the policy, so a new config applies at once.
2. At most one reminder is pending. While it is unanswered it is re-shown (replaced, never
   stacked) every `remind_again`; Done or Skip start a new stretch at that moment, and an
   answer given before that moment (it crossed the first on its way) is turned away. A due
   reminder waits, rechecked every `busy_recheck`, while the user is busy.
3. Only time at the desk counts: leaving for a natural break, a long suspend, or the end of
   working hours ends the stretch (and withdraws a pending reminder); the next one starts when
   the user is back. A pause overrides all of this until it ends.
4. Time only counts forward. A clock reading earlier than a stored timestamp pulls that
   timestamp back to it, so a clock going backwards can delay but never bunch reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from standup.core import stretch
from standup.core.model import (
    Activity,
    Answer,
    ClockStepped,
    Dismissed,
    Done,
    Effect,
    Event,
    Pause,
    Phase,
    Policy,
    Record,
    Reject,
    RemindNow,
    Resume,
    Skip,
    Slept,
    Snooze,
    Started,
    State,
    Tick,
    Transition,
)

Rule = Callable[[State, Event, Policy], Transition]
snoozes_left = stretch.snoozes_left
_AT_DESK = stretch.AT_DESK
# The furthest a pause or snoozes may push the next reminder: one far-future pause must not
# disable the daemon (or overflow the scheduler's dates), nor may snoozes stack without end.
MAX_POSTPONE = timedelta(days=366)
_TOO_FAR = Reject("standup postpones a reminder by a year at most")


def initial(now: datetime) -> State:
    return State(phase=Phase.SITTING, sitting_since=now)


def due_at(state: State, policy: Policy) -> datetime:
    """When the pending or next reminder is (or was) due."""
    if state.snoozed_until is not None:
        return state.snoozed_until
    return state.sitting_since + policy.sit


def next_wakeup(state: State, policy: Policy, now: datetime | None = None) -> datetime | None:
    """When the shell must send the next Tick; None: nothing until an outside event.

    Pass `now` (in local time): working hours are wall-clock hours, and only the current
    reading knows the current UTC offset; a stored time may carry the offset from before a
    change of the clocks."""
    if state.phase is Phase.PAUSED:
        return state.paused_until
    wake: datetime | None = None
    if state.held_at is not None:
        wake = state.held_at + policy.busy_recheck
    elif state.phase is Phase.SITTING:
        wake = due_at(state, policy)
    elif state.phase is Phase.REMINDING:
        assert state.reminder_shown_at is not None
        wake = state.reminder_shown_at + policy.remind_again
    change = policy.hours.next_change(now if now is not None else stretch.reference(state))
    if change is not None and (wake is None or change < wake):
        return change
    return wake


def step(state: State, event: Event, policy: Policy) -> Transition:
    if not isinstance(event, ClockStepped):  # a step moves the stored times first, then clamps
        state = stretch.clamp_future(state, event.now)
    before = stretch.follow_hours(state, event.now, policy)
    if isinstance(event, Answer) and stretch.overtaken(before.state, event):
        return Transition(before.state, (*before.effects, _OVERTAKEN))
    rule = _RULES.get((before.state.phase, type(event)))
    if rule is None:
        return before  # explicit no-op: e.g. a Tick while nothing is due
    after = rule(before.state, event, policy)
    return Transition(after.state, before.effects + after.effects)


# ---- rules ------------------------------------------------------------------------------


def _tick_sitting(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Tick)
    if event.now < due_at(state, policy):
        return Transition(state)
    if event.busy:
        return stretch.hold(state, event)
    # A snoozed reminder coming back is the same reminder, with the same exercise.
    return stretch.reminder(state, event.now, policy, new=state.snoozes == 0, record=True)


def _tick_reminding(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Tick)
    wake = next_wakeup(state, policy, event.now)
    if wake is not None and event.now < wake:
        return Transition(state)
    if event.busy:
        return stretch.hold(state, event)
    return stretch.reminder(state, event.now, policy, new=False)


def _tick_paused(state: State, event: Event, policy: Policy) -> Transition:
    if state.paused_until is None or event.now < state.paused_until:
        return Transition(state)
    return _resume(state, event, policy)


def _activity(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Activity)
    quiet = max(event.idle, timedelta(0))
    if event.inhibited and state.phase in _AT_DESK:
        state = replace(state, inhibited_at=event.now)
    elif state.inhibited_at is not None:
        if quiet < event.now - state.inhibited_at:
            state = replace(state, inhibited_at=None)  # input since: the inhibition is over
        else:
            quiet = event.now - state.inhibited_at  # no input since it ended: idle from then
    away = event.locked or (quiet >= policy.natural_break and not event.inhibited)
    if state.phase is Phase.AWAY:
        if away:
            return Transition(state)
        # Back since the last input, which may be a while before this sample.
        return Transition(stretch.new_stretch(max(state.sitting_since, event.now - quiet), policy))
    if not away:
        return Transition(state)
    left_at = max(state.sitting_since, event.now - quiet)
    reason = "locked" if event.locked else "idle"
    effects = stretch.end_stretch(state, left_at, event.now, reason)
    return Transition(State(phase=Phase.AWAY, sitting_since=left_at), effects)


def _slept(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Slept)
    went_to_sleep = event.now - event.duration
    if event.duration >= policy.natural_break and policy.after_suspend == "reset":
        effects: tuple[Effect, ...] = ()
        if state.phase in _AT_DESK:
            effects = stretch.end_stretch(state, went_to_sleep, event.now, "suspend")
        return Transition(stretch.new_stretch(event.now, policy), effects)
    # A short nap, or "continue": carry on as if the sleep had not happened.
    return Transition(_shift(state, event.duration, pause_too=False))


def _shift(state: State, delta: timedelta, *, pause_too: bool) -> State:
    def move(t: datetime | None) -> datetime | None:
        return None if t is None else t + delta

    return replace(
        state,
        sitting_since=state.sitting_since + delta,
        snoozed_until=move(state.snoozed_until),
        reminder_shown_at=move(state.reminder_shown_at),
        held_at=move(state.held_at),
        paused_until=move(state.paused_until) if pause_too else state.paused_until,
    )


_OVERTAKEN = Reject("the reminder was answered already, a moment before; nothing more recorded")


def _pending(state: State) -> bool:
    """A reminder is showing, snoozed, or due and held: an answer answers it."""
    return state.phase is Phase.REMINDING or state.snoozes > 0 or state.held_at is not None


def _snooze(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Snooze)
    if not _pending(state):
        return _snooze_ahead(state, event, policy)
    if stretch.snoozes_left(state, policy) == 0:
        return Transition(state, (Reject(f"no snoozes left ({policy.max_snoozes} in a row)"),))
    duration = event.duration if event.duration is not None else policy.snooze
    if duration <= timedelta(0):
        return Transition(state, (Reject("a snooze must be longer than zero"),))
    if state.phase is Phase.REMINDING or state.held_at is not None:
        # The pending reminder is due now; a snooze moves it to now + duration.
        until = event.now + duration
    else:
        # Nothing showing yet: postpone the upcoming reminder by the duration.
        until = max(due_at(state, policy), event.now) + duration
    if until - event.now > MAX_POSTPONE:
        return Transition(state, (_TOO_FAR,))
    snoozed = replace(
        state,
        phase=Phase.SITTING,
        snoozes=state.snoozes + 1,
        snoozed_until=until,
        reminder_shown_at=None,
        held_at=None,
    )
    record = Record("snoozed", event.now, {"until": until.isoformat()})
    return Transition(snoozed, (*stretch.withdraw_if_showing(state), record))


def _snooze_ahead(state: State, event: Snooze, policy: Policy) -> Transition:
    """No reminder yet: postpone the coming one. This answers nothing, so it does not use up
    the snoozes a reminder may have (else the first reminder could come without one)."""
    duration = event.duration if event.duration is not None else policy.snooze
    if duration <= timedelta(0):
        return Transition(state, (Reject("a snooze must be longer than zero"),))
    until = max(due_at(state, policy), event.now) + duration
    if until - event.now > MAX_POSTPONE:
        return Transition(state, (_TOO_FAR,))
    detail = {"until": until.isoformat(), "ahead": True}
    return Transition(replace(state, snoozed_until=until), (Record("snoozed", event.now, detail),))


def _answer(kind: str) -> Rule:
    def rule(state: State, event: Event, policy: Policy) -> Transition:
        # Away, the stretch already ended when the user left: nothing more was sat.
        sat = stretch.sat_seconds(state, event.now) if state.phase in _AT_DESK else 0
        if state.phase is Phase.AWAY:
            return Transition(stretch.new_stretch(event.now, policy))  # the break is on record
        if not _pending(state):
            # Nothing to answer: "done" is a break taken unasked, "skip" restarts the count.
            if kind == "done":
                detail: dict[str, object] = {"sat_seconds": sat, "reason": "done"}
                record = Record("natural_break", event.now, detail)
            else:
                record = Record(kind, event.now, {"sat_seconds": sat, "ahead": True})
            return Transition(stretch.new_stretch(event.now, policy), (record,))
        record = Record(kind, event.now, {"sat_seconds": sat})
        if isinstance(event, Done) and event.rating is not None:
            record.detail["rating"] = event.rating
        return Transition(
            stretch.new_stretch(event.now, policy), (*stretch.withdraw_if_showing(state), record)
        )

    return rule


def _dismissed(state: State, event: Event, policy: Policy) -> Transition:
    # Closing the bubble is not an answer: it comes back after remind_again.
    return Transition(state)


def _remind_now(state: State, event: Event, policy: Policy) -> Transition:
    if state.phase is Phase.OFF_HOURS:
        # A reminder now would be withdrawn by the very next event, and could not be answered.
        return Transition(state, (Reject("outside working hours: no reminders until they begin"),))
    if state.phase is Phase.AWAY:
        state = State(phase=Phase.SITTING, sitting_since=event.now)
    return stretch.reminder(state, event.now, policy, new=True)


def _pause(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Pause)
    if event.until is not None and event.until <= event.now:
        return Transition(state, (Reject("the pause must end in the future"),))
    if event.until is not None and event.until - event.now > MAX_POSTPONE:
        return Transition(state, (_TOO_FAR,))
    detail: dict[str, object] = {"until": event.until.isoformat() if event.until else None}
    if state.phase in _AT_DESK:
        detail["sat_seconds"] = stretch.sat_seconds(state, event.now)
    paused = State(phase=Phase.PAUSED, sitting_since=event.now, paused_until=event.until)
    return Transition(
        paused, (*stretch.withdraw_if_showing(state), Record("paused", event.now, detail))
    )


def _resume(state: State, event: Event, policy: Policy) -> Transition:
    return Transition(stretch.new_stretch(event.now, policy), (Record("resumed", event.now),))


def _not_paused(state: State, event: Event, policy: Policy) -> Transition:
    return Transition(state, (Reject("not paused"),))


def _paused_reject(state: State, event: Event, policy: Policy) -> Transition:
    return Transition(state, (Reject("paused: run `standup resume` first"),))


def _nothing_pending(state: State, event: Event, policy: Policy) -> Transition:
    label = "outside working hours" if state.phase is Phase.OFF_HOURS else "away"
    return Transition(state, (Reject(f"nothing to answer: {label}"),))


def _started(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Started)
    now = event.now
    if state.phase is Phase.PAUSED:
        if state.paused_until is not None and state.paused_until <= now:
            return _resume(state, event, policy)
        return Transition(state)
    if event.last_seen is None:
        return Transition(stretch.new_stretch(now, policy))  # first start, or nothing saved
    if now - event.last_seen >= policy.natural_break:
        # Down longer than a break: whatever the user was sitting through is over.
        effects: tuple[Effect, ...] = ()
        if state.phase in _AT_DESK:
            effects = stretch.end_stretch(state, event.last_seen, now, "restart")[-1:]
        return Transition(stretch.new_stretch(now, policy), effects)
    if state.phase is Phase.REMINDING and state.held_at is None:
        # The bubble died with the old process: show it again at once.
        return stretch.reminder(state, now, policy, new=False)
    return Transition(state)


def _clock_stepped(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, ClockStepped)
    return Transition(stretch.clamp_future(_shift(state, event.delta, pause_too=True), event.now))


_RULES: dict[tuple[Phase, type[Event]], Rule] = {}


def _table(phase: Phase, rules: dict[type[Event], Rule]) -> None:
    for event_type, rule in rules.items():
        _RULES[(phase, event_type)] = rule


_EVERYWHERE: dict[type[Event], Rule] = {
    Pause: _pause,
    Started: _started,
    ClockStepped: _clock_stepped,
    RemindNow: _remind_now,
}
_AT_DESK_RULES: dict[type[Event], Rule] = {
    **_EVERYWHERE,
    Snooze: _snooze,
    Done: _answer("done"),
    Skip: _answer("skipped"),
    Resume: _not_paused,
    Activity: _activity,
    Slept: _slept,
}
# Dismissed while SITTING: no bubble is showing, nothing to do (explicit no-op by absence).
_table(Phase.SITTING, {**_AT_DESK_RULES, Tick: _tick_sitting})
_table(Phase.REMINDING, {**_AT_DESK_RULES, Tick: _tick_reminding, Dismissed: _dismissed})
_table(
    Phase.AWAY,
    {
        **_EVERYWHERE,
        Activity: _activity,
        Slept: _slept,
        Snooze: _nothing_pending,
        Done: _answer("done"),  # "I just took a break": start counting now
        Skip: _nothing_pending,
        Resume: _not_paused,
    },
)
_table(
    Phase.OFF_HOURS,
    {
        **_EVERYWHERE,
        Snooze: _nothing_pending,
        Done: _nothing_pending,
        Skip: _nothing_pending,
        Resume: _not_paused,
    },
)
_table(
    Phase.PAUSED,
    {
        **_EVERYWHERE,
        Tick: _tick_paused,
        Resume: _resume,
        RemindNow: _paused_reject,
        Snooze: _paused_reject,
        Done: _paused_reject,
        Skip: _paused_reject,
    },
)
