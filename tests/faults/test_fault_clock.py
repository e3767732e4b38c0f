"""The wall clock stepped back an hour or forward a day while the daemon waits (in-process).

A step moves the wall clock with no real time passing: the fake clock's wall time and its
`real` source part ways, exactly as NTP or a user setting the time would make them.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from faultkit import Harness

CONFIG = (
    '[schedule]\nsit = "50m"\nsnooze = "10m"\nremind_again = "5m"\nnatural_break = "5m"\n'
    '[idle]\nsource = "none"\n'
)
STEPS = {"back an hour": timedelta(hours=-1), "forward a day": timedelta(days=1)}


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs):
    h = Harness(tmp_path, CONFIG)
    yield h
    h.stop()


def step_clock(h: Harness, delta: timedelta) -> None:
    h.clock.start += delta  # real elapsed time stays where it was
    h.clock.advance(seconds=delta.total_seconds())


def ticks(h: Harness, minutes: int) -> None:
    """Let `minutes` of real time pass, waking the daemon every minute like a busy scheduler."""
    for _ in range(minutes):
        h.clock.advance(minutes=1)
        h.tick()


@pytest.mark.parametrize("delta", STEPS.values(), ids=STEPS.keys())
def test_a_step_while_sitting_neither_bursts_nor_loses_the_reminder(
    harness: Harness, delta: timedelta
) -> None:
    harness.start()
    ticks(harness, 20)
    step_clock(harness, delta)
    harness.tick()
    assert harness.notifier.shown == []
    ticks(harness, 29)
    assert harness.notifier.shown == []  # 49 minutes sat
    ticks(harness, 1)
    assert len(harness.notifier.shown) == 1  # 50 minutes: due, once
    ticks(harness, 4)
    assert len(harness.notifier.shown) == 1


@pytest.mark.parametrize("delta", STEPS.values(), ids=STEPS.keys())
def test_a_step_while_a_reminder_shows_repeats_it_on_time_only(
    harness: Harness, delta: timedelta
) -> None:
    harness.start()
    ticks(harness, 50)
    assert len(harness.notifier.shown) == 1
    ticks(harness, 2)
    step_clock(harness, delta)
    harness.tick()
    assert len(harness.notifier.shown) == 1  # no burst of re-shows
    ticks(harness, 3)
    assert len(harness.notifier.shown) == 2  # remind_again after the first showing, once
    assert harness.request("status")["state"] == "reminding"


@pytest.mark.parametrize("delta", STEPS.values(), ids=STEPS.keys())
def test_a_step_while_snoozed_keeps_the_snooze_length(harness: Harness, delta: timedelta) -> None:
    harness.start()
    ticks(harness, 50)
    harness.request("snooze")
    ticks(harness, 4)
    step_clock(harness, delta)
    harness.tick()
    ticks(harness, 5)
    assert len(harness.notifier.shown) == 1  # 9 of 10 snoozed minutes
    ticks(harness, 1)
    assert len(harness.notifier.shown) == 2


@pytest.mark.parametrize("delta", STEPS.values(), ids=STEPS.keys())
def test_a_step_while_paused_keeps_the_pause_length(harness: Harness, delta: timedelta) -> None:
    harness.start()
    harness.request("pause", {"duration": 1800})
    ticks(harness, 10)
    step_clock(harness, delta)
    harness.tick()
    ticks(harness, 19)
    assert harness.request("status")["state"] == "paused"
    ticks(harness, 1)
    assert harness.request("status")["state"] == "sitting"
    ticks(harness, 50)
    assert len(harness.notifier.shown) == 1
