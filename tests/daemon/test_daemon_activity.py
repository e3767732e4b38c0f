"""The daemon's senses in-process: a fake idle source, fake clocks, a fake /proc/asound."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from test_daemon import Harness

from standup import daemon_activity
from standup.idle import IdleSample
from standup.store import Store


class FakeIdle:
    name = "fake"

    def __init__(self) -> None:
        self.sample_value = IdleSample(0.0)

    def sample(self) -> IdleSample:
        return self.sample_value

    def close(self) -> None:
        pass


@pytest.fixture
def idle(monkeypatch) -> FakeIdle:
    source = FakeIdle()
    monkeypatch.setattr(
        daemon_activity, "open_idle_source", lambda choice: (source, "fake: for tests")
    )
    return source


@pytest.fixture
def pcm(tmp_path: Path, monkeypatch) -> Path:
    """A fake ALSA capture substream: write "state: RUNNING" to be in a call."""
    status = tmp_path / "asound" / "card0" / "pcm0c" / "sub0" / "status"
    status.parent.mkdir(parents=True)
    status.write_text("closed\n")
    monkeypatch.setenv("STANDUP_PROC_ASOUND", str(tmp_path / "asound"))
    return status


CONFIG = """
[schedule]
sit = "50m"
natural_break = "5m"
[busy]
do_not_disturb = false
fullscreen = false
camera = false
"""


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs, idle, pcm):
    h = Harness(tmp_path, CONFIG)
    yield h
    h.stop()


def sample(h: Harness) -> None:
    assert h.daemon is not None
    h.daemon.call(h.daemon._sample)


def test_idle_for_a_natural_break_ends_the_stretch(harness: Harness, idle: FakeIdle) -> None:
    harness.start()
    harness.clock.advance(minutes=30)
    idle.sample_value = IdleSample(idle_seconds=360)
    sample(harness)
    status = harness.request("status")
    assert status["state"] == "away"
    assert status["idle_source"] == "fake" and status["idle_reason"] == "fake: for tests"
    harness.clock.advance(minutes=20)
    harness.tick()
    assert harness.notifier.shown == []  # no reminder while away, nor on return
    idle.sample_value = IdleSample(idle_seconds=1)
    sample(harness)
    status = harness.request("status")
    assert status["state"] == "sitting"
    assert status["sitting_since"] == harness.clock.now.isoformat()
    harness.stop()
    with Store.open(harness.db) as store:
        [brk] = [e for e in store.history(harness.clock.now - timedelta(days=1)) if
                 e.kind == "natural_break"]  # fmt: skip
    assert brk.detail == {"sat_seconds": 24 * 60, "reason": "idle"}


def test_activity_keeps_the_stretch_counting(harness: Harness, idle: FakeIdle) -> None:
    harness.start()
    for _ in range(10):
        harness.clock.advance(minutes=5)
        idle.sample_value = IdleSample(idle_seconds=20)
        sample(harness)
    harness.tick()  # the wake-up job at 50 min, which the fake clock cannot trigger
    assert len(harness.notifier.shown) == 1
    assert harness.request("status")["state"] == "reminding"


def test_a_long_suspend_starts_a_new_stretch(harness: Harness) -> None:
    harness.start()
    harness.clock.advance(minutes=40)
    harness.clock.sleep(hours=8)
    harness.tick()
    status = harness.request("status")
    assert status["sitting_since"] == harness.clock.now.isoformat()
    assert harness.notifier.shown == []


def test_a_clock_step_neither_fires_early_nor_loses_the_reminder(harness: Harness) -> None:
    harness.start()
    before = harness.request("status")["next_reminder_at"]
    # The wall clock jumps an hour ahead while no real time passes.
    harness.clock.start += timedelta(hours=1)
    harness.clock.advance(hours=1)
    harness.tick()
    assert harness.notifier.shown == []
    after = harness.request("status")
    assert after["next_reminder_at"] != before
    assert after["sitting_seconds"] < 60


def test_a_reminder_due_in_a_call_is_held_then_delivered(harness: Harness, pcm: Path) -> None:
    harness.start()
    pcm.write_text("state: RUNNING\nowner_pid   : 4242\n")
    harness.clock.advance(minutes=50)
    harness.tick()
    assert harness.notifier.shown == []
    status = harness.request("status")
    assert status["held_because"] == ["microphone in use"]
    assert "held" in __import__("standup.cli_client").cli_client.describe_status(status)
    harness.clock.advance(seconds=30)
    harness.tick()
    assert harness.notifier.shown == []  # still in the call
    pcm.write_text("closed\n")
    harness.clock.advance(seconds=30)
    harness.tick()
    assert len(harness.notifier.shown) == 1
    assert harness.request("status")["held_because"] == []


def test_outside_working_hours_status_says_when_reminders_resume(
    tmp_path: Path, xdg_dirs, idle, pcm
) -> None:
    h = Harness(tmp_path, '[schedule]\nactive_days = ["mon"]\nactive_hours = ["09:00-09:01"]\n')
    try:
        h.start()
        status = h.request("status")
        # The window is one minute a week: almost certainly outside it now.
        if status["state"] != "off_hours":
            pytest.skip("ran inside the one-minute window")
        assert status["active_again_at"] is not None
        assert status["next_reminder_at"] is None
    finally:
        h.stop()
