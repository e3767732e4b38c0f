from __future__ import annotations

from datetime import UTC, datetime, timedelta

from standup.core import Pause, Policy, Snooze, Tick, initial, state_from_dict, state_to_dict, step

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_every_phase_round_trips() -> None:
    policy = Policy()
    sitting = step(initial(T0), Snooze(T0), policy).state
    reminding = step(initial(T0), Tick(T0 + timedelta(hours=1)), policy).state
    paused = step(initial(T0), Pause(T0, until=T0 + timedelta(hours=2)), policy).state
    for state in (sitting, reminding, paused):
        assert state_from_dict(state_to_dict(state)) == state


def test_untrustworthy_blobs_give_none() -> None:
    good = state_to_dict(initial(T0))
    bad_values = [
        None,
        [],
        {},
        {**good, "phase": "dancing"},
        {**good, "sitting_since": "yesterday"},
        {**good, "sitting_since": "2026-03-02T09:00:00"},  # no zone
        {**good, "sitting_since": 12},
        {**good, "phase": "reminding"},  # reminding without a shown time
    ]
    for blob in bad_values:
        assert state_from_dict(blob) is None, blob
