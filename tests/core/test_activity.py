"""Natural breaks, lock, suspend, busy holds: only time at the desk counts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from standup.core import (
    Activity,
    Done,
    Hold,
    Notify,
    Phase,
    Policy,
    Record,
    Reject,
    Slept,
    Snooze,
    Tick,
    Withdraw,
    initial,
    next_wakeup,
    step,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = Policy(sit=timedelta(minutes=50), natural_break=timedelta(minutes=5))


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def idle(now: float, idle_minutes: float, **kwargs) -> Activity:
    return Activity(at(now), idle=timedelta(minutes=idle_minutes), **kwargs)


def test_idle_for_a_natural_break_ends_the_stretch_when_the_user_left() -> None:
    result = step(initial(T0), idle(30, 6), POLICY)
    assert result.state.phase is Phase.AWAY
    [record] = result.effects
    assert record == Record("natural_break", at(24), {"sat_seconds": 24 * 60, "reason": "idle"})
    # Coming back starts a fresh stretch at the first input (6 s before this sample): the
    # next reminder is a full `sit` after it.
    back = step(result.state, idle(40, 0.1), POLICY)
    assert back.state == initial(at(40) - timedelta(minutes=0.1))
    assert next_wakeup(back.state, POLICY) == at(90) - timedelta(minutes=0.1)


def test_short_idle_keeps_counting() -> None:
    state = initial(T0)
    result = step(state, idle(30, 4.9), POLICY)
    assert result.state == state and result.effects == ()


def test_a_locked_screen_is_away_at_once() -> None:
    result = step(initial(T0), idle(30, 0.5, locked=True), POLICY)
    assert result.state.phase is Phase.AWAY
    assert result.effects[0].detail["reason"] == "locked"


def test_inhibited_idle_is_still_sitting() -> None:
    """A video plays: no input for twenty minutes is not a break."""
    state = initial(T0)
    result = step(state, idle(30, 20, inhibited=True), POLICY)
    # Unchanged but for the note that idle was inhibited (for when the video ends).
    assert replace(result.state, inhibited_at=None) == state
    assert result.state.inhibited_at == at(30)
    assert step(state, idle(30, 20, inhibited=True, locked=True), POLICY).state.phase is (
        Phase.AWAY
    )


def test_a_pending_reminder_is_withdrawn_when_the_user_leaves_and_not_shown_on_return() -> None:
    reminding = step(initial(T0), Tick(at(50)), POLICY).state
    gone = step(reminding, idle(58, 6), POLICY)
    assert isinstance(gone.effects[0], Withdraw)
    back = step(gone.state, idle(70, 0), POLICY)
    assert back.state.phase is Phase.SITTING
    assert not any(isinstance(e, Notify) for e in back.effects)
    assert step(back.state, Tick(at(71)), POLICY).effects == ()


def test_no_reminder_while_away() -> None:
    away = step(initial(T0), idle(30, 6), POLICY).state
    assert next_wakeup(away, POLICY) is None
    assert step(away, Tick(at(500)), POLICY).effects == ()
    assert isinstance(step(away, Snooze(at(60)), POLICY).effects[0], Reject)
    # "I just took a break" while away: counting starts now.
    assert step(away, Done(at(60)), POLICY).state == initial(at(60))


def test_a_long_suspend_is_a_natural_break() -> None:
    state = step(initial(T0), Snooze(at(10)), POLICY).state
    result = step(state, Slept(at(600), duration=timedelta(hours=9)), POLICY)
    assert result.state == initial(at(600))
    [record] = result.effects
    assert record.kind == "natural_break" and record.at == at(60)
    assert record.detail == {"sat_seconds": 3600, "reason": "suspend"}


def test_a_short_suspend_does_not_count_as_sitting() -> None:
    state = initial(T0)
    result = step(state, Slept(at(30), duration=timedelta(minutes=2)), POLICY)
    assert result.effects == ()
    assert next_wakeup(result.state, POLICY) == at(52)


def test_after_suspend_continue_carries_on_without_counting_the_sleep() -> None:
    policy = Policy(sit=timedelta(minutes=50), after_suspend="continue")
    result = step(initial(T0), Slept(at(600), duration=timedelta(hours=9)), policy)
    assert result.state.phase is Phase.SITTING
    assert next_wakeup(result.state, policy) == at(590)


def test_a_due_reminder_is_held_while_busy_and_delivered_after() -> None:
    policy = Policy(sit=timedelta(minutes=50), busy_recheck=timedelta(seconds=30))
    held = step(initial(T0), Tick(at(50), busy=("microphone in use",)), policy)
    assert held.effects == (Hold(("microphone in use",)),)
    assert next_wakeup(held.state, policy) == at(50.5)
    still = step(held.state, Tick(at(50.5), busy=("microphone in use",)), policy)
    assert still.effects == ()  # logged once, not every recheck
    free = step(still.state, Tick(at(51)), policy)
    assert free.effects[0] == Notify(new=True, can_snooze=True, critical=False)
    assert free.state.held_at is None


def test_a_reshow_waits_while_busy_too() -> None:
    reminding = step(initial(T0), Tick(at(50)), POLICY).state
    held = step(reminding, Tick(at(55), busy=("fullscreen window",)), POLICY)
    assert held.state.phase is Phase.REMINDING
    assert not any(isinstance(e, Notify) for e in held.effects)
    again = step(held.state, Tick(at(56)), POLICY)
    assert again.effects == (Notify(new=False, can_snooze=True, critical=False),)


def test_done_while_away_counts_no_sitting() -> None:
    """The stretch ended when the user left; the break is not time sat."""
    away = step(initial(T0), idle(14, 6), POLICY).state  # left at 8 min, on record then
    result = step(away, Done(at(80)), POLICY)
    assert result.effects == ()
    assert result.state == initial(at(80))


# -- idle inhibitors: a break counts from the end of the inhibition ---------------------------


def test_the_end_of_a_long_inhibition_is_not_a_break_dated_back_to_the_last_input() -> None:
    from standup.core import Activity, Phase, initial, step

    policy = POLICY
    state = initial(T0)
    # A film: no input for an hour, idle inhibited all along.
    for minute in range(1, 61):
        state = step(state, Activity(at(minute), idle=timedelta(minutes=minute),
                                     inhibited=True), policy).state  # fmt: skip
    assert state.phase is Phase.SITTING
    # It ends; the next sample sees no inhibition and an hour without input: still sitting.
    result = step(state, Activity(at(61), idle=timedelta(minutes=61)), policy)
    assert result.state.phase is Phase.SITTING
    assert result.effects == ()
    # No input for a natural break after it ended: away, from the end of the inhibition.
    later = step(result.state, Activity(at(66), idle=timedelta(minutes=66)), policy)
    assert later.state.phase is Phase.AWAY
    assert later.state.sitting_since == at(60)


def test_input_after_an_inhibition_forgets_it() -> None:
    from standup.core import Activity, initial, step

    state = step(initial(T0), Activity(at(10), idle=timedelta(minutes=10), inhibited=True),
                 POLICY).state  # fmt: skip
    assert state.inhibited_at == at(10)
    state = step(state, Activity(at(12), idle=timedelta(seconds=5)), POLICY).state
    assert state.inhibited_at is None


def test_a_return_is_dated_to_the_first_input_not_to_the_sample() -> None:
    from standup.core import Activity, Phase, initial, step

    away = step(initial(T0), Activity(at(20), idle=timedelta(minutes=10)), POLICY).state
    assert away.phase is Phase.AWAY
    back = step(away, Activity(at(40), idle=timedelta(seconds=50)), POLICY).state
    assert back.phase is Phase.SITTING
    assert back.sitting_since == at(40) - timedelta(seconds=50)
