"""Invariants of the core, over random event sequences."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings, strategies as st

from standup.core import (
    TABLE,
    Dismissed,
    Done,
    Hours,
    Notify,
    Pause,
    Phase,
    Policy,
    Reject,
    RemindNow,
    Resume,
    Skip,
    Snooze,
    Tick,
    answerable,
    due_at,
    initial,
    next_wakeup,
    parse_window,
    step,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

policies = st.builds(
    Policy,
    sit=st.integers(1, 7200).map(lambda s: timedelta(seconds=s)),
    snooze=st.integers(1, 3600).map(lambda s: timedelta(seconds=s)),
    remind_again=st.integers(1, 3600).map(lambda s: timedelta(seconds=s)),
    max_snoozes=st.integers(0, 5),
)
offsets = st.integers(-7200, 7200).map(lambda s: timedelta(seconds=s))


@st.composite
def event_sequences(draw: st.DrawFn):
    """Events at times that mostly move forward and sometimes jump back."""
    now = T0
    events = []
    for _ in range(draw(st.integers(1, 60))):
        now += draw(offsets)
        kind = draw(
            st.sampled_from(
                [
                    "tick",
                    "tick",
                    "tick",
                    "snooze",
                    "done",
                    "skip",
                    "dismissed",
                    "now",
                    "pause",
                    "resume",
                ]
            )
        )
        if kind == "tick":
            events.append(Tick(now))
        elif kind == "snooze":
            minutes = draw(st.none() | st.integers(1, 120))
            events.append(Snooze(now, None if minutes is None else timedelta(minutes=minutes)))
        elif kind == "pause":
            until = draw(st.none() | st.integers(1, 7200))
            events.append(Pause(now, None if until is None else now + timedelta(seconds=until)))
        else:
            events.append(
                {
                    "done": Done,
                    "skip": Skip,
                    "dismissed": Dismissed,
                    "now": RemindNow,
                    "resume": Resume,
                }[kind](now)
            )
    return events


@settings(max_examples=300)
@given(policies, event_sequences())
def test_never_two_reminders_for_one_stretch(policy: Policy, events) -> None:
    state = initial(T0)
    for event in events:
        before = state
        result = step(state, event, policy)
        state = result.state
        # Where the table says that event may lead from that phase (hours: always).
        assert state.phase in TABLE[before.phase][type(event)].to
        new = [e for e in result.effects if isinstance(e, Notify) and e.new]
        assert len(new) <= 1
        if new and not isinstance(event, RemindNow):
            # A fresh reminder only comes out of a stretch that had none showing.
            assert before.phase is Phase.SITTING
        if new:  # ... and asked for now, never out of one shown or snoozed: it keeps its move
            assert before.phase is not Phase.REMINDING and before.snoozes == 0
        if any(isinstance(e, Notify) for e in result.effects):
            assert state.phase is Phase.REMINDING


@settings(max_examples=300)
@given(policies, event_sequences(), st.integers(1, 7200))
def test_a_snooze_never_brings_the_next_reminder_sooner_than_its_duration(
    policy, events, snooze_s
) -> None:
    state = initial(T0)
    for event in events:
        state = step(state, event, policy).state
    now = max(state.sitting_since, state.reminder_shown_at or state.sitting_since)
    duration = timedelta(seconds=snooze_s)
    result = step(state, Snooze(now, duration), policy)
    if any(isinstance(e, Reject) for e in result.effects):
        assert result.state == state
        return
    after = next_wakeup(result.state, policy)
    assert after is not None and after >= now + duration
    if answerable(state):  # showing, snoozed or held: back `duration` from now, no later
        assert result.state.snoozed_until == now + duration
    elif state.phase is Phase.SITTING:  # not come yet: moved on, never sooner
        assert after >= due_at(state, policy)


@settings(max_examples=300)
@given(policies, st.lists(offsets, min_size=1, max_size=200))
def test_time_going_backwards_never_bursts(policy: Policy, steps) -> None:
    """Ticks alone, with the clock jumping back and forth: reminders are bounded by the
    forward time that actually passed, never by the number of wake-ups."""
    state = initial(T0)
    now = T0
    forward = timedelta(0)
    shown = 0
    for delta in steps:
        now += delta
        forward += max(delta, timedelta(0))
        result = step(state, Tick(now), policy)
        shown += sum(isinstance(e, Notify) for e in result.effects)
        state = result.state
    gap = min(policy.sit, policy.remind_again)
    assert shown <= 1 + forward // gap


@settings(max_examples=200)
@given(policies, st.lists(st.integers(0, 10**6), min_size=1, max_size=50))
def test_pause_means_silence(policy: Policy, tick_offsets) -> None:
    state = step(initial(T0), Pause(T0), policy).state
    for offset in sorted(tick_offsets):
        result = step(state, Tick(T0 + timedelta(seconds=offset)), policy)
        assert not any(isinstance(e, Notify) for e in result.effects)
        state = result.state
    assert state.phase is Phase.PAUSED


@settings(max_examples=300)
@given(policies, event_sequences())
def test_no_reminder_outside_working_hours_unless_asked(policy: Policy, events) -> None:
    hours = Hours(windows=(parse_window("09:00-12:00"), parse_window("22:00-01:00")))
    policy = Policy(
        sit=policy.sit,
        snooze=policy.snooze,
        remind_again=policy.remind_again,
        max_snoozes=policy.max_snoozes,
        hours=hours,
    )
    state = initial(T0)
    for event in events:
        result = step(state, event, policy)
        state = result.state
        if any(isinstance(e, Notify) for e in result.effects) and not isinstance(event, RemindNow):
            assert hours.active(event.now)
        if state.phase is Phase.AWAY or state.phase is Phase.OFF_HOURS:
            assert state.reminder_shown_at is None


@settings(max_examples=300)
@given(policies, event_sequences())
def test_every_state_can_be_saved_and_woken(policy: Policy, events) -> None:
    from standup.core import state_from_dict, state_to_dict

    state = initial(T0)
    for event in events:
        state = step(state, event, policy).state
        assert state_from_dict(state_to_dict(state)) == state
        wake = next_wakeup(state, policy)
        if state.phase in (Phase.SITTING, Phase.REMINDING):
            assert wake is not None
