"""Which hook events one core step makes, and their variables: real core steps, no I/O."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from standup import core
from standup.core import Phase, Policy, Record, State
from standup.exercises.catalogue import builtin_catalogue
from standup.hooks.events import HookEvent, hook_events

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = Policy(sit=timedelta(minutes=50), natural_break=timedelta(minutes=5))
EXERCISE = builtin_catalogue()[0]


def step(state: State, event: core.Event) -> tuple[State, list[HookEvent]]:
    transition = core.step(state, event, POLICY)
    records = [e for e in transition.effects if isinstance(e, Record)]
    return transition.state, hook_events(records, state, transition.state, EXERCISE)


def sitting(minutes: float = 0) -> State:
    return State(phase=Phase.SITTING, sitting_since=T0 - timedelta(minutes=minutes))


def reminding() -> State:
    state, _ = step(sitting(50), core.Tick(T0))
    assert state.phase is Phase.REMINDING
    return state


def test_a_reminder_carries_the_exercise_and_the_time_sat() -> None:
    _, [event] = step(sitting(50), core.Tick(T0))
    assert event.name == "reminder"
    assert event.variables == {
        "STANDUP_EVENT": "reminder",
        "STANDUP_TIME": T0.isoformat(),
        "STANDUP_EXERCISE": EXERCISE.id,
        "STANDUP_EXERCISE_NAME": EXERCISE.name,
        "STANDUP_SITTING_SECONDS": "3000",
        "STANDUP_SNOOZES": "0",
    }


def test_each_answer_to_a_reminder_is_answered_with_its_own_variables() -> None:
    later = T0 + timedelta(minutes=1)
    _, [done] = step(reminding(), core.Done(later, rating="too_easy"))
    assert done.variables["STANDUP_ANSWER"] == "done"
    assert done.variables["STANDUP_SITTING_SECONDS"] == str(51 * 60)
    assert done.variables["STANDUP_RATING"] == "too_easy"
    assert done.variables["STANDUP_EXERCISE"] == EXERCISE.id
    _, [snoozed] = step(reminding(), core.Snooze(later))
    assert snoozed.variables["STANDUP_ANSWER"] == "snoozed"
    assert snoozed.variables["STANDUP_UNTIL"] == (later + POLICY.snooze).isoformat()
    _, [skipped] = step(reminding(), core.Skip(later))
    assert skipped.name == "answered"
    assert skipped.variables["STANDUP_ANSWER"] == "skipped"
    assert "STANDUP_UNTIL" not in skipped.variables  # only what is known is set


def test_done_skip_or_snooze_with_no_reminder_up_answers_nothing() -> None:
    for answer in (core.Done(T0), core.Skip(T0), core.Snooze(T0)):
        _, events = step(sitting(10), answer)
        assert events == [], answer


def test_leaving_is_away_with_the_reason_and_coming_back_is_back() -> None:
    away, [left] = step(sitting(30), core.Activity(T0, idle=timedelta(minutes=6)))
    assert away.phase is Phase.AWAY
    assert left.name == "away"
    assert left.variables["STANDUP_REASON"] == "idle"
    assert left.variables["STANDUP_SITTING_SECONDS"] == str(24 * 60)
    assert left.variables["STANDUP_TIME"] == (T0 - timedelta(minutes=6)).isoformat()
    _, [locked] = step(sitting(30), core.Activity(T0, locked=True))
    assert locked.variables["STANDUP_REASON"] == "locked"
    back_at = T0 + timedelta(minutes=20)
    _, [back] = step(away, core.Activity(back_at))
    assert back.name == "back"
    assert back.variables["STANDUP_AWAY_SECONDS"] == str(26 * 60)
    assert "STANDUP_REASON" not in back.variables


def test_a_reminder_asked_for_while_away_comes_after_back() -> None:
    away, _ = step(sitting(30), core.Activity(T0, locked=True))
    _, events = step(away, core.RemindNow(T0 + timedelta(minutes=10)))
    assert [e.name for e in events] == ["back", "reminder"]


def test_a_suspend_seen_on_waking_is_back_with_its_reason_not_an_away_already_over() -> None:
    woke = T0 + timedelta(minutes=30)
    _, [back] = step(sitting(40), core.Slept(woke, duration=timedelta(minutes=30)))
    assert back.name == "back"
    assert back.variables["STANDUP_REASON"] == "suspend"
    assert back.variables["STANDUP_AWAY_SECONDS"] == str(30 * 60)
    assert back.variables["STANDUP_SITTING_SECONDS"] == str(40 * 60)


def test_pause_and_resume() -> None:
    until = T0 + timedelta(hours=1)
    paused, [event] = step(sitting(20), core.Pause(T0, until=until))
    assert event.name == "paused"
    assert event.variables["STANDUP_UNTIL"] == until.isoformat()
    assert event.variables["STANDUP_SITTING_SECONDS"] == str(20 * 60)
    _, [open_ended] = step(sitting(20), core.Pause(T0))
    assert "STANDUP_UNTIL" not in open_ended.variables
    _, [resumed] = step(paused, core.Resume(T0 + timedelta(minutes=5)))
    assert resumed.variables == {
        "STANDUP_EVENT": "resumed",
        "STANDUP_TIME": (T0 + timedelta(minutes=5)).isoformat(),
    }


def test_a_step_with_nothing_to_tell_makes_no_event() -> None:
    _, events = step(sitting(10), core.Tick(T0))
    assert events == []
