"""The daemon's senses in-process: a fake idle source, fake clocks, a fake /proc/asound."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from standup.daemon import activity as daemon_activity
from standup.history.store import Store
from standup.idle import IdleSample

from daemon_harness import Harness


class FakeIdle:
    name = "fake"

    def __init__(self) -> None:
        self.sample_value = IdleSample(0.0)

    def sample(self) -> IdleSample:
        return self.sample_value

    def watch(self, on_change, idle_after: float) -> bool:
        return False  # sampled on the daemon's schedule

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
    # Back since the input the sample reports (1 s ago), not since the sample itself.
    assert status["sitting_since"] == (harness.clock.now - timedelta(seconds=1)).isoformat()
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
    assert "held" in __import__("standup.cli.client").cli.client.describe_status(status)
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


class BrokenIdle(FakeIdle):
    def sample(self) -> IdleSample:
        from standup.idle import IdleError

        raise IdleError("the session bus went away")


def test_a_failing_idle_source_still_respects_a_call(
    harness: Harness, idle: FakeIdle, pcm: Path, monkeypatch
) -> None:
    """When presence cannot be read, a sample turns into a plain wake-up: it must still ask
    whether the user is busy before showing a due reminder."""
    broken = BrokenIdle()
    monkeypatch.setattr(daemon_activity, "open_idle_source", lambda choice: (broken, "broken"))
    harness.start()
    pcm.write_text("state: RUNNING\n")
    harness.clock.advance(minutes=51)
    sample(harness)
    assert harness.notifier.shown == []
    assert harness.request("status")["held_because"] == ["microphone in use"]


def test_samples_leave_a_heartbeat_so_a_crash_restart_keeps_the_snooze(
    harness: Harness, idle: FakeIdle
) -> None:
    harness.start()
    snoozed = harness.request("snooze", {"duration": 3600})
    harness.clock.advance(minutes=40)  # no state change since the snooze...
    sample(harness)  # ...but the daemon was seen alive just now
    with Store.open(harness.db) as store:
        assert store.get_value("last_seen") == harness.clock.now.isoformat()
    # A crash: no clean stop, no daemon_stopped. Restarted a minute later:
    assert harness.daemon is not None
    harness.daemon.scheduler.shutdown(wait=False)
    harness.daemon.commands.stop_server()
    harness.daemon.memory.close()
    harness.daemon = None
    harness.clock.advance(minutes=1)
    harness.start()
    after = harness.request("status")
    assert after["state"] == "snoozed"
    assert after["next_reminder_at"] == snoozed["next_reminder_at"]


class PushingIdle(FakeIdle):
    name = "mutter"

    def watch(self, on_change, idle_after: float) -> bool:
        self.on_change = on_change
        return True


@pytest.mark.parametrize("name", ["mutter", "wayland"])
def test_a_pushing_source_is_sampled_only_while_away(
    harness: Harness, monkeypatch, name: str
) -> None:
    pushing = PushingIdle()
    pushing.name = name
    monkeypatch.setattr(daemon_activity, "open_idle_source", lambda choice: (pushing, "pushes"))
    daemon = harness.start()
    assert daemon.activity.pushes
    assert daemon.scheduler.get_job("sample") is None  # sitting: GNOME tells us when idle
    pushing.sample_value = IdleSample(idle_seconds=400)
    pushing.on_change()  # the idle watch fired
    status = daemon.call(daemon.status)  # runs after the submitted sample
    assert status["state"] == "away"
    # Away: sample too, so a return is found even if the "back" push never comes.
    assert daemon.scheduler.get_job("sample") is not None


def test_a_pushing_source_is_sampled_while_idle_is_inhibited(harness: Harness, monkeypatch) -> None:
    """GNOME's idle watch fires once during a video; the absence after it must still be seen."""
    pushing = PushingIdle()
    monkeypatch.setattr(daemon_activity, "open_idle_source", lambda choice: (pushing, "pushes"))
    daemon = harness.start()
    assert daemon.scheduler.get_job("sample") is None
    pushing.sample_value = IdleSample(idle_seconds=400, inhibited=True)
    pushing.on_change()  # the watch fired, but a video plays
    assert daemon.call(daemon.status)["state"] == "sitting"
    assert daemon.scheduler.get_job("sample") is not None  # so the end of it is noticed


def test_an_absence_a_pushing_source_never_told_is_found_at_the_reminder(
    harness: Harness, monkeypatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Alarms that never fire: at the due time one sample finds the user gone, says so once,
    and sampling takes over; no reminder goes to an empty desk."""
    pushing = PushingIdle()
    monkeypatch.setattr(daemon_activity, "open_idle_source", lambda choice: (pushing, "pushes"))
    daemon = harness.start()
    harness.clock.advance(minutes=50)
    pushing.sample_value = IdleSample(idle_seconds=20 * 60)  # left 20 min ago; nothing pushed
    harness.tick()
    assert harness.notifier.shown == []
    assert harness.request("status")["state"] == "away"
    assert not daemon.activity.pushes
    assert daemon.scheduler.get_job("sample") is not None
    warnings = [r.getMessage() for r in caplog.records if r.levelname == "WARNING"]
    assert warnings == [
        "idle source mutter did not tell that the user left 0:15:00 ago: sampling instead"
    ]


def test_a_pushing_source_that_pushed_is_trusted_at_the_reminder(
    harness: Harness, monkeypatch
) -> None:
    """At the desk, or idle for less than the natural break plus a minute's slack: the
    reminder goes out and the source keeps pushing."""
    pushing = PushingIdle()
    monkeypatch.setattr(daemon_activity, "open_idle_source", lambda choice: (pushing, "pushes"))
    daemon = harness.start()
    harness.clock.advance(minutes=50)
    pushing.sample_value = IdleSample(idle_seconds=5 * 60 + 30)  # a push may be in flight
    harness.tick()
    assert len(harness.notifier.shown) == 1
    assert daemon.activity.pushes


def test_busy_probes_are_made_again_when_the_do_not_disturb_modes_change(monkeypatch) -> None:
    """The DND probe is given its modes when it is made: a config naming others gets new ones."""
    from datetime import UTC, datetime

    from standup.busy import probes as busy_probes
    from standup.busy.probes import BusyOptions, Probes

    made: list[tuple[str, ...]] = []
    closed: list[tuple[str, ...]] = []

    def open_probes(options: BusyOptions) -> Probes:
        modes = tuple(options.dnd_modes)
        made.append(modes)
        never = lambda: False  # noqa: E731
        return Probes(never, never, never, never, closers=[lambda: closed.append(modes)])

    monkeypatch.setattr(busy_probes, "open_probes", open_probes)
    monitor = daemon_activity.ActivityMonitor(datetime.now(UTC))
    assert monitor.busy(BusyOptions()) == ()
    assert monitor.busy(BusyOptions(camera=False)) == ()  # other options: the same probes
    assert made == [("do-not-disturb",)]
    assert monitor.busy(BusyOptions(dnd_modes=["meeting"])) == ()
    assert made == [("do-not-disturb",), ("meeting",)]
    assert closed == [("do-not-disturb",)]
    monitor.close()
    assert closed == [("do-not-disturb",), ("meeting",)]
