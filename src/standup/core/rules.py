"""The rules the machine's table names: what one event does in the phases it is listed for.

Each rule is (state, event, policy) -> Transition, named for what happens; `machine.TABLE`
says which rule runs in which phase and where it may lead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from standup.core import stretch
from standup.core.due import AT_DESK, answerable, due_at, next_wakeup, snoozes_left
from standup.core.model import (
    Activity,
    ClockStepped,
    Done,
    Effect,
    Event,
    Pause,
    Phase,
    Policy,
    Record,
    Reject,
    Slept,
    Snooze,
    Started,
    State,
    Tick,
    Transition,
)

Rule = Callable[[State, Event, Policy], Transition]
# The furthest a pause or snoozes may push the next reminder: one far-future pause must not
# disable the daemon (or overflow the scheduler's dates), nor may snoozes stack without end.
MAX_POSTPONE = timedelta(days=366)
_TOO_FAR = Reject("standup postpones a reminder by a year at most")


def ignore(state: State, event: Event, policy: Policy) -> Transition:
    """An explicit no-op: the event means nothing in this phase (the table says why)."""
    return Transition(state)


def refuse(message: str) -> Rule:
    """The event makes no sense here: the state stays, the sender is told `message`."""

    def rule(state: State, event: Event, policy: Policy) -> Transition:
        return Transition(state, (Reject(message),))

    rule.__name__ = f"refuse({message!r})"
    return rule


# ---- time passing -----------------------------------------------------------------------


def remind_when_due(state: State, event: Event, policy: Policy) -> Transition:
    """SITTING: at the due time show the reminder, or hold it while the user is busy."""
    assert isinstance(event, Tick)
    if event.now < due_at(state, policy):
        return Transition(state)
    if event.busy:
        return stretch.hold(state, event)
    # A snoozed reminder coming back is the same reminder, with the same exercise.
    return stretch.reminder(state, event.now, policy, new=state.snoozes == 0, record=True)


def remind_again_when_due(state: State, event: Event, policy: Policy) -> Transition:
    """REMINDING: unanswered after remind_again, show it again (replaced, never stacked)."""
    assert isinstance(event, Tick)
    wake = next_wakeup(state, policy, event.now)
    if wake is not None and event.now < wake:
        return Transition(state)
    if event.busy:
        return stretch.hold(state, event)
    return stretch.reminder(state, event.now, policy, new=False)


def end_pause_when_due(state: State, event: Event, policy: Policy) -> Transition:
    if state.paused_until is None or event.now < state.paused_until:
        return Transition(state)
    return resume(state, event, policy)


# ---- presence ---------------------------------------------------------------------------


def _presence(state: State, event: Activity, policy: Policy) -> tuple[State, timedelta, bool]:
    """The state with its inhibition brought up to date, how long the user has been quiet,
    and whether that makes them away. An inhibition (a video) keeps a quiet user sitting; the
    break then counts from its end, not from the last input."""
    quiet = max(event.idle, timedelta(0))
    if event.inhibited and state.phase in AT_DESK:
        state = replace(state, inhibited_at=event.now)
    elif (inhibited_at := state.inhibited_at) is not None:
        if quiet < event.now - inhibited_at:
            state = replace(state, inhibited_at=None)  # input since: the inhibition is over
        else:
            quiet = event.now - inhibited_at  # no input since it ended: idle from then
    away = event.locked or (quiet >= policy.natural_break and not event.inhibited)
    return state, quiet, away


def leave_when_away(state: State, event: Event, policy: Policy) -> Transition:
    """At the desk: quiet for a natural break, or locked, ends the stretch (AWAY) from the
    last input."""
    assert isinstance(event, Activity)
    state, quiet, away = _presence(state, event, policy)
    if not away:
        return Transition(state)
    left_at = max(state.sitting_since, event.now - quiet)
    reason = "locked" if event.locked else "idle"
    effects = stretch.end_stretch(state, left_at, event.now, reason)
    return Transition(State(phase=Phase.AWAY, sitting_since=left_at), effects)


def come_back_when_active(state: State, event: Event, policy: Policy) -> Transition:
    """AWAY: any input starts a new stretch, from that input (which may be a while before
    this sample)."""
    assert isinstance(event, Activity)
    state, quiet, away = _presence(state, event, policy)
    if away:
        return Transition(state)
    return Transition(stretch.new_stretch(max(state.sitting_since, event.now - quiet), policy))


def after_sleep(state: State, event: Event, policy: Policy) -> Transition:
    """A suspend of a natural break or more (with after_suspend "reset") is a break; a short
    one, or "continue", moves every time on by the sleep, as if it had not happened."""
    assert isinstance(event, Slept)
    went_to_sleep = event.now - event.duration
    if event.duration >= policy.natural_break and policy.after_suspend == "reset":
        effects: tuple[Effect, ...] = ()
        if state.phase in AT_DESK:
            effects = stretch.end_stretch(state, went_to_sleep, event.now, "suspend")
        return Transition(stretch.new_stretch(event.now, policy), effects)
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


# ---- answers ----------------------------------------------------------------------------


def snooze(state: State, event: Event, policy: Policy) -> Transition:
    """Showing, snoozed or held: back `duration` from now (SITTING, one snooze used), however
    far off it was due. Not yet come: the coming one moves on by `duration`, using no snooze
    (else it could come with none left)."""
    assert isinstance(event, Snooze)
    duration = event.duration if event.duration is not None else policy.snooze
    if answerable(state) and snoozes_left(state, policy) == 0:
        used = f"no snoozes left ({policy.max_snoozes} in a row)"
        answer = "answer it with Done or Skip (`standup done`, `standup skip`)"
        return Transition(state, (Reject(f"{used}: {answer}"),))
    if duration <= timedelta(0):
        return Transition(state, (Reject("a snooze must be longer than zero"),))
    if answerable(state):
        until = event.now + duration  # "snooze 2m": in two minutes, not two more minutes
    else:
        until = max(due_at(state, policy), event.now) + duration  # not come: postpone it
    if until - event.now > MAX_POSTPONE:
        return Transition(state, (_TOO_FAR,))
    if not answerable(state):
        detail = {"until": until.isoformat(), "ahead": True}
        ahead = replace(state, snoozed_until=until)
        return Transition(ahead, (Record("snoozed", event.now, detail),))
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


def done(state: State, event: Event, policy: Policy) -> Transition:
    """Answered: on record, a new stretch now. Nothing to answer: a break taken unasked."""
    assert isinstance(event, Done)
    sat = stretch.sat_seconds(state, event.now)
    if not answerable(state):
        record = Record("natural_break", event.now, {"sat_seconds": sat, "reason": "done"})
        return Transition(stretch.new_stretch(event.now, policy), (record,))
    record = Record("done", event.now, {"sat_seconds": sat})
    if event.rating is not None:
        record.detail["rating"] = event.rating
    effects = (*stretch.withdraw_if_showing(state), record)
    return Transition(stretch.new_stretch(event.now, policy), effects)


def skip(state: State, event: Event, policy: Policy) -> Transition:
    """Declined: on record, a new stretch now. Nothing to answer: the count restarts."""
    sat = stretch.sat_seconds(state, event.now)
    if not answerable(state):
        record = Record("skipped", event.now, {"sat_seconds": sat, "ahead": True})
        return Transition(stretch.new_stretch(event.now, policy), (record,))
    effects = (
        *stretch.withdraw_if_showing(state),
        Record("skipped", event.now, {"sat_seconds": sat}),
    )
    return Transition(stretch.new_stretch(event.now, policy), effects)


def back_from_a_break(state: State, event: Event, policy: Policy) -> Transition:
    """AWAY, "done": the break is on record already; the new stretch starts now."""
    return Transition(stretch.new_stretch(event.now, policy))


# ---- asking -----------------------------------------------------------------------------


def remind_now(state: State, event: Event, policy: Policy) -> Transition:
    """Show the reminder now. One already shown (showing, snoozed, or held after it showed)
    keeps its exercise, and a snoozed one goes on record as back, as when it is due; with
    none shown yet, a new one, with the next exercise."""
    if state.phase is Phase.REMINDING:
        # Closed and shown afresh: it comes to the front, and a countdown in it ends.
        again = stretch.reminder(state, event.now, policy, new=False)
        return Transition(again.state, (*stretch.withdraw_if_showing(state), *again.effects))
    if state.snoozes > 0:
        return stretch.reminder(state, event.now, policy, new=False, record=True)
    return stretch.reminder(state, event.now, policy, new=True)


def sit_down_and_remind(state: State, event: Event, policy: Policy) -> Transition:
    """AWAY: asking for one is being at the desk; the stretch starts now."""
    return remind_now(State(phase=Phase.SITTING, sitting_since=event.now), event, policy)


def pause(state: State, event: Event, policy: Policy) -> Transition:
    """Anywhere: PAUSED until `until` (or until resumed); a pending reminder is withdrawn."""
    assert isinstance(event, Pause)
    if event.until is not None and event.until <= event.now:
        return Transition(state, (Reject("the pause must end in the future"),))
    if event.until is not None and event.until - event.now > MAX_POSTPONE:
        return Transition(state, (_TOO_FAR,))
    detail: dict[str, object] = {"until": event.until.isoformat() if event.until else None}
    if state.phase in AT_DESK:
        detail["sat_seconds"] = stretch.sat_seconds(state, event.now)
    paused = State(phase=Phase.PAUSED, sitting_since=event.now, paused_until=event.until)
    return Transition(
        paused, (*stretch.withdraw_if_showing(state), Record("paused", event.now, detail))
    )


def resume(state: State, event: Event, policy: Policy) -> Transition:
    return Transition(stretch.new_stretch(event.now, policy), (Record("resumed", event.now),))


# ---- the daemon itself ------------------------------------------------------------------


def restart(state: State, event: Event, policy: Policy) -> Transition:
    """The daemon started with this state. Down a natural break or more: a new stretch. A
    reminder that was showing died with the old process: shown again at once."""
    assert isinstance(event, Started)
    now = event.now
    if event.last_seen is None:
        return Transition(stretch.new_stretch(now, policy))  # first start, or nothing saved
    if now - event.last_seen >= policy.natural_break:
        effects: tuple[Effect, ...] = ()
        if state.phase in AT_DESK:
            effects = stretch.end_stretch(state, event.last_seen, now, "restart")[-1:]
        return Transition(stretch.new_stretch(now, policy), effects)
    if state.phase is Phase.REMINDING and state.held_at is None:
        return stretch.reminder(state, now, policy, new=False)
    return Transition(state)


def restart_paused(state: State, event: Event, policy: Policy) -> Transition:
    """Paused across the restart: still paused, unless the pause ended meanwhile."""
    if state.paused_until is not None and state.paused_until <= event.now:
        return resume(state, event, policy)
    return Transition(state)


def clock_stepped(state: State, event: Event, policy: Policy) -> Transition:
    """Rule 4: every stored time moves with the clock, then none lies in its future."""
    assert isinstance(event, ClockStepped)
    return Transition(stretch.clamp_future(_shift(state, event.delta, pause_too=True), event.now))
