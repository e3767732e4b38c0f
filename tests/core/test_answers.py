"""One reminder, one answer: an answer given before another one ended the reminder is turned
away, whichever way each came (the countdown, a button, the command line)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from standup.core import Done, Phase, Policy, Record, Reject, Skip, Snooze, Tick, initial, step

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = Policy(sit=timedelta(minutes=50))
MS = timedelta(milliseconds=1)


def reminding():
    return step(initial(T0), Tick(T0 + POLICY.sit), POLICY).state


@pytest.mark.parametrize(
    "late",
    [
        lambda now, asked: Done(now, asked_at=asked),
        lambda now, asked: Done(now, rating="too_easy", asked_at=asked),
        lambda now, asked: Skip(now, asked_at=asked),
        lambda now, asked: Snooze(now, asked_at=asked),
    ],
)
def test_an_answer_given_before_the_first_was_handled_records_nothing(late) -> None:
    asked = T0 + POLICY.sit + timedelta(seconds=20)  # typed during the hold's last second
    first = step(reminding(), Done(asked + 300 * MS), POLICY)  # the countdown's Done, first
    assert [e.kind for e in first.effects if isinstance(e, Record)] == ["done"]
    second = step(first.state, late(asked + 310 * MS, asked), POLICY)
    assert second.state == first.state
    assert [e for e in second.effects if isinstance(e, Record)] == []
    assert [type(e) for e in second.effects] == [Reject]
    assert "answered already" in second.effects[0].message


def test_an_answer_given_after_the_stretch_began_is_an_answer_as_before() -> None:
    done = step(reminding(), Done(T0 + POLICY.sit + timedelta(seconds=1)), POLICY).state
    later = done.sitting_since + 5 * MS
    result = step(done, Done(later, asked_at=later), POLICY)
    [record] = [e for e in result.effects if isinstance(e, Record)]
    assert record.kind == "natural_break"


def test_an_answer_to_a_pending_reminder_is_taken_whenever_it_was_given() -> None:
    state = reminding()
    result = step(state, Done(T0 + POLICY.sit, asked_at=T0 + POLICY.sit - MS), POLICY)
    assert result.state.phase is Phase.SITTING
    assert [e.kind for e in result.effects if isinstance(e, Record)] == ["done"]


def test_an_answer_without_a_time_given_is_taken_as_before() -> None:
    first = step(reminding(), Done(T0 + POLICY.sit + MS), POLICY)
    second = step(first.state, Done(T0 + POLICY.sit + 2 * MS), POLICY)
    assert [e.kind for e in second.effects if isinstance(e, Record)] == ["natural_break"]
