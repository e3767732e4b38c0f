"""The status snapshot: the JSON `standup status --json` documents."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from standup.cli.client import describe_status, waybar
from standup.core import Phase, Policy, State
from standup.daemon.snapshot import snapshot

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _info(state: State) -> dict[str, object]:
    return snapshot(state, Policy(), NOW, exercise=None, config_files=[], notifier="log")


@pytest.mark.parametrize("phase", [Phase.AWAY, Phase.PAUSED, Phase.OFF_HOURS])
def test_sitting_seconds_is_null_while_not_sitting(phase: Phase) -> None:
    info = _info(State(phase=phase, sitting_since=NOW - timedelta(minutes=20)))
    assert info["sitting_seconds"] is None
    assert info["sitting_since"] is None
    # The client's texts take the null in their stride.
    assert describe_status(info)
    assert waybar(info)["percentage"] == 0


@pytest.mark.parametrize("phase", [Phase.SITTING, Phase.REMINDING])
def test_sitting_seconds_counts_the_stretch(phase: Phase) -> None:
    state = State(phase=phase, sitting_since=NOW - timedelta(minutes=20), reminder_shown_at=NOW)
    assert _info(state)["sitting_seconds"] == 1200
