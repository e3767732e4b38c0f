"""The sitting-interval state machine.

Theory of operation
-------------------
Three phases: SITTING (counting), REMINDING (a reminder shows and waits for an answer) and
PAUSED (silent). Events carry the time they happened; `step(state, event, policy)` returns
the next state and the effects the shell must carry out. The shell wakes the core at
`next_wakeup(state, policy)` with a Tick.

Three rules carry everything else:
1. A reminder is due `sit` after the stretch started, or at `snoozed_until` when snoozed.
   Due times are derived from the state and the policy, so a new config applies at once.
2. At most one reminder is pending. While it is unanswered it is re-shown (replaced, never
   stacked) every `remind_again`; Done or Skip start a new stretch at that moment.
3. Time only counts forward. A clock reading earlier than a stored timestamp pulls that
   timestamp back to it, so a clock going backwards can delay but never bunch reminders.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from standup.core.model import (
    ClockStepped,
    Dismissed,
    Done,
    Event,
    Notify,
    Pause,
    Phase,
    Policy,
    Record,
    Reject,
    RemindNow,
    Resume,
    Skip,
    Snooze,
    Started,
    State,
    Tick,
    Transition,
    Withdraw,
)

Rule = Callable[[State, Event, Policy], Transition]


def initial(now: datetime) -> State:
    return State(phase=Phase.SITTING, sitting_since=now)


def due_at(state: State, policy: Policy) -> datetime:
    """When the pending or next reminder is (or was) due."""
    if state.snoozed_until is not None:
        return state.snoozed_until
    return state.sitting_since + policy.sit


def next_wakeup(state: State, policy: Policy) -> datetime | None:
    """When the shell must send the next Tick; None: nothing until an outside event."""
    if state.phase is Phase.SITTING:
        return due_at(state, policy)
    if state.phase is Phase.REMINDING:
        assert state.reminder_shown_at is not None
        return state.reminder_shown_at + policy.remind_again
    return state.paused_until


def snoozes_left(state: State, policy: Policy) -> int:
    return max(0, policy.max_snoozes - state.snoozes)


def step(state: State, event: Event, policy: Policy) -> Transition:
    if not isinstance(event, ClockStepped):  # a step moves the stored times first, then clamps
        state = _clamp_future(state, event.now)
    rule = _RULES.get((state.phase, type(event)))
    if rule is None:
        return Transition(state)  # explicit no-op: e.g. a Tick while nothing is due
    return rule(state, event, policy)


# ---- helpers ----------------------------------------------------------------------------


def _clamp_future(state: State, now: datetime) -> State:
    """Rule 3: stored past instants never lie in the future of the clock."""
    changes: dict[str, datetime] = {}
    if state.sitting_since > now:
        changes["sitting_since"] = now
    if state.reminder_shown_at is not None and state.reminder_shown_at > now:
        changes["reminder_shown_at"] = now
    return replace(state, **changes) if changes else state


def _sat_seconds(state: State, now: datetime) -> int:
    return max(0, int((now - state.sitting_since).total_seconds()))


def _new_stretch(now: datetime) -> State:
    return initial(now)


def _reminder(state: State, now: datetime, policy: Policy, *, new: bool) -> Transition:
    shown = replace(state, phase=Phase.REMINDING, reminder_shown_at=now, paused_until=None)
    left = snoozes_left(shown, policy)
    effects: list = [Notify(new=new, can_snooze=left > 0, critical=left == 0)]
    if new:
        detail = {"sitting_since": state.sitting_since.isoformat(), "snoozes": state.snoozes}
        effects.append(Record("reminded", now, detail))
    return Transition(shown, tuple(effects))


# ---- rules ------------------------------------------------------------------------------


def _tick_sitting(state: State, event: Event, policy: Policy) -> Transition:
    if event.now < due_at(state, policy):
        return Transition(state)
    return _reminder(state, event.now, policy, new=True)


def _tick_reminding(state: State, event: Event, policy: Policy) -> Transition:
    wake = next_wakeup(state, policy)
    if wake is not None and event.now < wake:
        return Transition(state)
    return _reminder(state, event.now, policy, new=False)


def _tick_paused(state: State, event: Event, policy: Policy) -> Transition:
    if state.paused_until is None or event.now < state.paused_until:
        return Transition(state)
    return _resume(state, event, policy)


def _snooze(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Snooze)
    if snoozes_left(state, policy) == 0:
        return Transition(state, (Reject(f"no snoozes left ({policy.max_snoozes} in a row)"),))
    duration = event.duration if event.duration is not None else policy.snooze
    if duration <= timedelta(0):
        return Transition(state, (Reject("a snooze must be longer than zero"),))
    if state.phase is Phase.REMINDING:
        # The pending reminder is due now; a snooze moves it to now + duration.
        until = event.now + duration
        effects: tuple = (Withdraw(),)
    else:
        # Nothing showing yet: postpone the upcoming reminder by the duration.
        until = max(due_at(state, policy), event.now) + duration
        effects = ()
    snoozed = replace(
        state,
        phase=Phase.SITTING,
        snoozes=state.snoozes + 1,
        snoozed_until=until,
        reminder_shown_at=None,
    )
    record = Record("snoozed", event.now, {"until": until.isoformat()})
    return Transition(snoozed, (*effects, record))


def _answer(kind: str) -> Rule:
    def rule(state: State, event: Event, policy: Policy) -> Transition:
        effects: tuple = (Withdraw(),) if state.phase is Phase.REMINDING else ()
        record = Record(kind, event.now, {"sat_seconds": _sat_seconds(state, event.now)})
        return Transition(_new_stretch(event.now), (*effects, record))

    return rule


def _dismissed(state: State, event: Event, policy: Policy) -> Transition:
    # Closing the bubble is not an answer: it comes back after remind_again.
    return Transition(state)


def _remind_now(state: State, event: Event, policy: Policy) -> Transition:
    return _reminder(state, event.now, policy, new=True)


def _pause(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Pause)
    if event.until is not None and event.until <= event.now:
        return Transition(state, (Reject("the pause must end in the future"),))
    effects: tuple = (Withdraw(),) if state.phase is Phase.REMINDING else ()
    detail: dict[str, object] = {"until": event.until.isoformat() if event.until else None}
    if state.phase is not Phase.PAUSED:
        detail["sat_seconds"] = _sat_seconds(state, event.now)
    paused = replace(state, phase=Phase.PAUSED, paused_until=event.until, reminder_shown_at=None)
    return Transition(paused, (*effects, Record("paused", event.now, detail)))


def _resume(state: State, event: Event, policy: Policy) -> Transition:
    return Transition(_new_stretch(event.now), (Record("resumed", event.now),))


def _not_paused(state: State, event: Event, policy: Policy) -> Transition:
    return Transition(state, (Reject("not paused"),))


def _paused_reject(state: State, event: Event, policy: Policy) -> Transition:
    return Transition(state, (Reject("paused: run `standup resume` first"),))


def _started(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, Started)
    now = event.now
    away = event.last_seen is None or now - event.last_seen >= policy.natural_break
    if state.phase is Phase.PAUSED:
        if state.paused_until is not None and state.paused_until <= now:
            return _resume(state, event, policy)
        return Transition(state)
    if event.last_seen is None:
        return Transition(_new_stretch(now))  # first start, or nothing saved: start counting
    if away:
        # Down longer than a break: whatever the user was sitting through is over.
        return Transition(_new_stretch(now), (Record("natural_break", now, {"restart": True}),))
    if state.phase is Phase.REMINDING:
        # The bubble died with the old process: show it again at once.
        return _reminder(state, now, policy, new=False)
    return Transition(state)


def _clock_stepped(state: State, event: Event, policy: Policy) -> Transition:
    assert isinstance(event, ClockStepped)
    d = event.delta

    def shift(t: datetime | None) -> datetime | None:
        return None if t is None else t + d

    shifted = replace(
        state,
        sitting_since=state.sitting_since + d,
        snoozed_until=shift(state.snoozed_until),
        paused_until=shift(state.paused_until),
        reminder_shown_at=shift(state.reminder_shown_at),
    )
    return Transition(_clamp_future(shifted, event.now))


_RULES: dict[tuple[Phase, type[Event]], Rule] = {}


def _table(phase: Phase, rules: dict[type[Event], Rule]) -> None:
    for event_type, rule in rules.items():
        _RULES[(phase, event_type)] = rule


_COMMON: dict[type[Event], Rule] = {
    Pause: _pause,
    Started: _started,
    ClockStepped: _clock_stepped,
    RemindNow: _remind_now,
}
_table(
    Phase.SITTING,
    {
        **_COMMON,
        Tick: _tick_sitting,
        Snooze: _snooze,
        Done: _answer("done"),
        Skip: _answer("skipped"),
        Resume: _not_paused,
        # Dismissed: no bubble is showing, nothing to do (explicit no-op by absence).
    },
)
_table(
    Phase.REMINDING,
    {
        **_COMMON,
        Tick: _tick_reminding,
        Snooze: _snooze,
        Done: _answer("done"),
        Skip: _answer("skipped"),
        Dismissed: _dismissed,
        Resume: _not_paused,
    },
)
_table(
    Phase.PAUSED,
    {
        **_COMMON,
        Tick: _tick_paused,
        Resume: _resume,
        Snooze: _paused_reject,
        Done: _paused_reject,
        Skip: _paused_reject,
    },
)
