"""The core's rules, with plain datetimes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from standup.core import (
    ClockStepped,
    Dismissed,
    Done,
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
    Tick,
    Withdraw,
    due_at,
    initial,
    next_wakeup,
    step,
)

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = Policy(
    sit=timedelta(minutes=50),
    snooze=timedelta(minutes=10),
    remind_again=timedelta(minutes=5),
    max_snoozes=3,
)


def at(minutes: float) -> datetime:
    return T0 + timedelta(minutes=minutes)


def kinds(effects) -> list[str]:
    return [type(e).__name__ for e in effects]


def reminding_state():
    return step(initial(T0), Tick(at(50)), POLICY).state


def test_reminder_is_due_sit_after_the_stretch_started() -> None:
    state = initial(T0)
    assert next_wakeup(state, POLICY) == at(50)
    early = step(state, Tick(at(49.9)), POLICY)
    assert early.state == state and early.effects == ()
    due = step(state, Tick(at(50)), POLICY)
    assert due.state.phase is Phase.REMINDING
    notify = due.effects[0]
    assert notify == Notify(new=True, can_snooze=True, critical=False)
    assert isinstance(due.effects[1], Record) and due.effects[1].kind == "reminded"


def test_unanswered_reminder_is_reshown_after_remind_again_not_before() -> None:
    state = reminding_state()
    assert next_wakeup(state, POLICY) == at(55)
    assert step(state, Tick(at(54)), POLICY).effects == ()
    again = step(state, Tick(at(55)), POLICY)
    assert again.effects == (Notify(new=False, can_snooze=True, critical=False),)
    assert again.state.reminder_shown_at == at(55)


def test_done_and_skip_start_a_new_stretch_at_that_moment() -> None:
    for event_type, kind in ((Done, "done"), (Skip, "skipped")):
        result = step(reminding_state(), event_type(at(52)), POLICY)
        assert result.state == initial(at(52))
        assert isinstance(result.effects[0], Withdraw)
        record = result.effects[1]
        assert isinstance(record, Record) and record.kind == kind
        assert record.detail["sat_seconds"] == 52 * 60
        assert next_wakeup(result.state, POLICY) == at(102)


def test_a_rated_done_keeps_its_rating_in_the_record() -> None:
    result = step(reminding_state(), Done(at(52), rating="too_easy"), POLICY)
    record = result.effects[1]
    assert isinstance(record, Record) and record.kind == "done"
    assert record.detail == {"sat_seconds": 52 * 60, "rating": "too_easy"}
    plain = step(reminding_state(), Done(at(52)), POLICY).effects[1]
    assert isinstance(plain, Record) and "rating" not in plain.detail


def test_snooze_postpones_by_the_configured_or_given_duration() -> None:
    result = step(reminding_state(), Snooze(at(51)), POLICY)
    assert result.state.phase is Phase.SITTING
    assert result.state.snoozes == 1
    assert next_wakeup(result.state, POLICY) == at(61)
    assert isinstance(result.effects[0], Withdraw)
    custom = step(reminding_state(), Snooze(at(51), timedelta(minutes=25)), POLICY)
    assert next_wakeup(custom.state, POLICY) == at(76)


def test_snoozing_a_snoozed_reminder_counts_from_now_not_from_when_it_was_due() -> None:
    snoozed = step(reminding_state(), Snooze(at(51)), POLICY).state  # back at 61
    sooner = step(snoozed, Snooze(at(53), timedelta(minutes=2)), POLICY).state
    assert sooner.snoozed_until == at(55) and sooner.snoozes == 2
    later = step(snoozed, Snooze(at(53), timedelta(minutes=30)), POLICY).state
    assert later.snoozed_until == at(83) and later.snoozes == 2
    held = step(snoozed, Tick(at(61), busy=("a call",)), POLICY).state
    assert step(held, Snooze(at(62), timedelta(minutes=2)), POLICY).state.snoozed_until == at(64)


def test_snoozes_run_out_then_the_reminder_turns_critical_without_snooze() -> None:
    state = initial(T0)
    now = 50.0
    for used in range(1, 4):
        state = step(state, Tick(at(now)), POLICY).state
        state = step(state, Snooze(at(now)), POLICY).state
        assert state.snoozes == used
        now += 10
    last = step(state, Tick(at(now)), POLICY)
    # The same reminder, back for the last time: same exercise, no Snooze, critical.
    assert last.effects[0] == Notify(new=False, can_snooze=False, critical=True)
    refused = step(last.state, Snooze(at(now + 1)), POLICY)
    assert refused.state == last.state
    assert isinstance(refused.effects[0], Reject)
    assert "no snoozes left" in refused.effects[0].message
    assert refused.effects[0].message.endswith(
        "answer it with Done or Skip (`standup done`, `standup skip`)"
    )
    # Answering resets the count for the next stretch.
    fresh = step(last.state, Done(at(now + 2)), POLICY).state
    assert fresh.snoozes == 0


def test_snooze_while_sitting_postpones_the_upcoming_reminder() -> None:
    result = step(initial(T0), Snooze(at(20)), POLICY)
    assert next_wakeup(result.state, POLICY) == at(60)
    detail = {"until": at(60).isoformat(), "ahead": True}
    assert result.effects == (Record("snoozed", at(20), detail),)


def test_snoozing_ahead_does_not_use_up_the_reminders_snoozes() -> None:
    state = initial(T0)
    for minute in (10, 20, 30, 40):
        state = step(state, Snooze(at(minute)), POLICY).state
    assert state.snoozes == 0
    due = next_wakeup(state, POLICY)
    assert due == at(90)
    first = step(state, Tick(due), POLICY)
    assert first.effects[0] == Notify(new=True, can_snooze=True, critical=False)


def test_a_snoozed_reminder_comes_back_as_the_same_reminder() -> None:
    snoozed = step(reminding_state(), Snooze(at(51)), POLICY).state
    back = step(snoozed, Tick(at(61)), POLICY)
    assert back.effects[0] == Notify(new=False, can_snooze=True, critical=False)  # no new pick
    assert isinstance(back.effects[1], Record) and back.effects[1].detail["snoozes"] == 1


def test_answers_with_no_reminder_pending_answer_nothing() -> None:
    """`done` with nothing showing is a break taken unasked; `skip` restarts the count."""
    done = step(initial(T0), Done(at(30)), POLICY)
    assert done.state == initial(at(30))
    assert done.effects == (
        Record("natural_break", at(30), {"sat_seconds": 1800, "reason": "done"}),
    )
    skip = step(initial(T0), Skip(at(30)), POLICY)
    assert skip.effects == (Record("skipped", at(30), {"sat_seconds": 1800, "ahead": True}),)


def test_dismissing_the_bubble_is_not_an_answer() -> None:
    state = reminding_state()
    result = step(state, Dismissed(at(51)), POLICY)
    assert result.state == state and result.effects == ()
    assert next_wakeup(result.state, POLICY) == at(55)


def test_pause_means_silence_until_resumed_or_until_the_end() -> None:
    paused = step(reminding_state(), Pause(at(51), until=at(111)), POLICY)
    assert paused.state.phase is Phase.PAUSED
    assert isinstance(paused.effects[0], Withdraw)
    assert step(paused.state, Tick(at(110)), POLICY).effects == ()
    back = step(paused.state, Tick(at(111)), POLICY)
    assert back.state == initial(at(111))
    assert back.effects == (Record("resumed", at(111)),)

    forever = step(initial(T0), Pause(at(1)), POLICY).state
    assert next_wakeup(forever, POLICY) is None
    assert step(forever, Tick(at(10_000)), POLICY).state == forever
    assert step(forever, Resume(at(90)), POLICY).state == initial(at(90))


def test_events_that_make_no_sense_are_rejected_with_a_reason() -> None:
    paused = step(initial(T0), Pause(at(1)), POLICY).state
    for event in (Snooze(at(2)), Done(at(2)), Skip(at(2))):
        result = step(paused, event, POLICY)
        assert result.state == paused
        assert isinstance(result.effects[0], Reject)
    not_paused = step(initial(T0), Resume(at(2)), POLICY)
    assert not_paused.effects == (Reject("not paused"),)
    past = step(initial(T0), Pause(at(5), until=at(4)), POLICY)
    assert isinstance(past.effects[0], Reject) and past.state == initial(T0)


def test_remind_now_while_paused_asks_to_resume_first() -> None:
    paused = step(initial(T0), Pause(at(1)), POLICY).state
    result = step(paused, RemindNow(at(3)), POLICY)
    assert result.state == paused
    assert result.effects == (Reject("paused: run `standup resume` first"),)


def test_remind_now_shows_a_new_reminder() -> None:
    result = step(initial(T0), RemindNow(at(3)), POLICY)
    assert result.state.phase is Phase.REMINDING
    assert result.effects[0] == Notify(new=True, can_snooze=True, critical=False)


def test_remind_now_keeps_the_exercise_of_a_reminder_showing_or_snoozed() -> None:
    showing = step(reminding_state(), RemindNow(at(52)), POLICY)
    assert showing.state.phase is Phase.REMINDING
    # Closed and shown again (a countdown in it ends), not on record a second time.
    assert showing.effects == (Withdraw(), Notify(new=False, can_snooze=True, critical=False))
    snoozed = step(reminding_state(), Snooze(at(51)), POLICY).state
    back = step(snoozed, RemindNow(at(53)), POLICY)
    assert back.state.phase is Phase.REMINDING and back.state.snoozes == 1
    assert back.effects[0] == Notify(new=False, can_snooze=True, critical=False)
    assert isinstance(back.effects[1], Record) and back.effects[1].kind == "reminded"
    held = step(snoozed, Tick(at(61), busy=("a call",)), POLICY).state
    assert step(held, RemindNow(at(62)), POLICY).effects[0].new is False


def test_remind_now_before_any_reminder_showed_picks_a_new_exercise() -> None:
    postponed = step(initial(T0), Snooze(at(10)), POLICY).state
    assert step(postponed, RemindNow(at(11)), POLICY).effects[0].new is True
    held = step(initial(T0), Tick(at(50), busy=("a call",)), POLICY).state
    assert step(held, RemindNow(at(51)), POLICY).effects[0].new is True


def test_a_shorter_sit_applies_at_once_and_an_overdue_reminder_fires_once() -> None:
    state = initial(T0)
    shorter = Policy(sit=timedelta(minutes=30))
    assert due_at(state, shorter) == at(30)
    first = step(state, Tick(at(40)), shorter)
    assert kinds(first.effects) == ["Notify", "Record"]
    assert step(first.state, Tick(at(40)), shorter).effects == ()


def test_restart_after_a_short_outage_keeps_the_snooze() -> None:
    snoozed = step(reminding_state(), Snooze(at(51)), POLICY).state
    result = step(snoozed, Started(at(53), last_seen=at(52)), POLICY)
    assert result.state == snoozed


def test_restart_after_a_long_outage_starts_a_fresh_stretch_but_keeps_a_pause() -> None:
    result = step(reminding_state(), Started(at(120), last_seen=at(52)), POLICY)
    assert result.state == initial(at(120))
    assert isinstance(result.effects[0], Record) and result.effects[0].kind == "natural_break"
    paused = step(initial(T0), Pause(at(1), until=at(300)), POLICY).state
    assert step(paused, Started(at(120), last_seen=at(2)), POLICY).state == paused
    expired = step(paused, Started(at(301), last_seen=at(2)), POLICY)
    assert expired.state == initial(at(301))


def test_restart_while_reminding_shows_the_reminder_again() -> None:
    result = step(reminding_state(), Started(at(51), last_seen=at(50.5)), POLICY)
    assert result.effects == (Notify(new=False, can_snooze=True, critical=False),)


def test_clock_step_moves_every_timestamp_so_nothing_is_early_or_lost() -> None:
    state = step(initial(T0), Snooze(at(10)), POLICY).state  # due at 60
    forward = step(state, ClockStepped(at(24 * 60 + 20), timedelta(days=1)), POLICY).state
    assert next_wakeup(forward, POLICY) == at(24 * 60 + 60)
    backward = step(state, ClockStepped(at(-40), timedelta(hours=-1)), POLICY).state
    assert next_wakeup(backward, POLICY) == at(0)
    assert backward.sitting_since == at(-60)


def test_clock_going_backwards_is_clamped_not_bunched() -> None:
    state = reminding_state()  # shown at 50
    back = step(state, Tick(at(20)), POLICY)
    assert back.effects == ()
    assert back.state.reminder_shown_at == at(20)
    assert next_wakeup(back.state, POLICY) == at(25)


def test_a_pause_longer_than_a_year_is_rejected() -> None:
    state = initial(T0)
    result = step(state, Pause(at(1), until=at(1) + timedelta(days=367)), POLICY)
    assert result.state == state
    assert kinds(result.effects) == ["Reject"]
    ok = step(state, Pause(at(1), until=at(1) + timedelta(days=365)), POLICY)
    assert ok.state.phase is Phase.PAUSED


def test_snoozes_ahead_cannot_stack_beyond_a_year() -> None:
    state = initial(T0)
    for _ in range(2):
        result = step(state, Snooze(at(1), timedelta(days=200)), POLICY)
        state = result.state
    assert kinds(result.effects) == ["Reject"]
    assert state.snoozed_until is not None
    assert state.snoozed_until - at(1) <= timedelta(days=366)
