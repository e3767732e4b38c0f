"""The timed hold in the bubble, in-process: injected clock, ticks by hand, a real store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from test_daemon import Harness

from standup import core
from standup.daemon.countdown import COUNTDOWN_JOB
from standup.history.store import Store

HOLD = """
[[exercises.custom]]
id = "test-hold"
name = "Test hold"
target = "hip_flexors"
kind = "stretch"
position = "standing"
equipment = ["none"]
dose = "5 s each side"
steps = ["Stand tall, one foot back."]
cue = "A mild pull, never pain."
hold = 5
sides = 2
"""
OTHER = HOLD.replace("test-hold", "other-hold").replace("Test hold", "Other hold")
BASE = '[schedule]\nsit = "50m"\nsnooze = "10m"\nremind_again = "5m"\n[idle]\nsource = "none"\n'
ONLY_HOLD = BASE + '[exercises]\ninclude_only = ["test-hold"]\n' + HOLD


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs):
    h = Harness(tmp_path, ONLY_HOLD)
    yield h
    h.stop()


def remind(h: Harness) -> None:
    h.clock.advance(minutes=50)
    h.tick()


def press(h: Harness, key: str) -> None:
    assert h.daemon is not None
    h.notifier.on_action(key)  # as the D-Bus thread would
    h.daemon.call(lambda: None)  # queued behind the press


def tick_countdown(h: Harness, seconds: float) -> None:
    assert h.daemon is not None
    h.clock.advance(seconds=seconds)
    h.daemon.call(h.daemon.countdown.tick)


def has_job(h: Harness) -> bool:
    assert h.daemon is not None
    return h.daemon.call(lambda: h.daemon.scheduler.get_job(COUNTDOWN_JOB) is not None)


def history(h: Harness) -> list[tuple[str, str | None]]:
    with Store.open(h.db) as store:
        return [(e.kind, e.exercise) for e in store.history(h.clock.now - timedelta(days=1))]


def start_countdown(h: Harness) -> None:
    daemon = h.start()
    daemon.countdown.period = timedelta(hours=1)  # only the test's own ticks move it
    remind(h)
    [reminder] = h.notifier.shown
    assert "start" in dict(reminder.actions)
    press(h, "start")
    assert has_job(h)


def test_start_counts_down_in_the_same_bubble_switches_sides_and_records_done_once(
    harness: Harness,
) -> None:
    start_countdown(harness)
    texts = [r.body for r in harness.notifier.shown[1:]]
    assert texts == ["5 s left, left side"]
    for _ in range(14):
        tick_countdown(harness, 1)
    frames = harness.notifier.shown[1:]
    bodies = [r.body for r in frames]
    assert bodies[:6] == [
        "5 s left, left side",
        "4 s left, left side",
        "3 s left, left side",
        "2 s left, left side",
        "1 s left, left side",
        "Switch sides: the right side starts in 3 s",
    ]
    assert "5 s left, right side" in bodies and "1 s left, right side" in bodies
    assert "well held" in bodies[-1]
    assert all(r.title == "Hold: Test hold" for r in frames)
    assert all(r.progress is not None and r.urgency == "low" for r in frames)
    assert [k for k, _ in frames[0].actions] == ["done", "stop"] and frames[-1].actions == ()
    # Done was recorded by itself, once; the final frame was left to go by itself.
    assert history(harness).count(("done", "test-hold")) == 1
    assert harness.request("status")["state"] == "sitting"
    assert harness.notifier.closed == 0
    assert not has_job(harness)
    shown = len(harness.notifier.shown)
    tick_countdown(harness, 1)
    assert len(harness.notifier.shown) == shown


def test_no_countdown_job_exists_while_no_countdown_runs(harness: Harness) -> None:
    daemon = harness.start()
    assert not has_job(harness)
    remind(harness)
    assert not has_job(harness)
    assert daemon.call(daemon.status)["countdown"] is None
    assert "countdown" not in daemon.call(daemon.status)["wakeups"]


def test_stop_goes_back_to_the_plain_reminder(harness: Harness) -> None:
    start_countdown(harness)
    tick_countdown(harness, 2)
    press(harness, "stop")
    assert not has_job(harness)
    last = harness.notifier.shown[-1]
    assert last.title.startswith("Time to stand up: ") and "done" in dict(last.actions)
    assert harness.request("status")["state"] == "reminding"


def _cli_done(h: Harness) -> None:
    h.request("done")


def _cli_skip(h: Harness) -> None:
    h.request("skip")


def _button_snooze(h: Harness) -> None:
    press(h, "snooze")


def _button_done(h: Harness) -> None:
    press(h, "done")


def _dismissed(h: Harness) -> None:
    press(h, "dismissed")


def _pause(h: Harness) -> None:
    h.request("pause", {"duration": 600})


def _leave(h: Harness) -> None:
    assert h.daemon is not None
    h.daemon.call(h.daemon.feed, lambda now: core.Activity(now, idle=timedelta(minutes=6)))


def _remind_now(h: Harness) -> None:
    h.request("now")


@pytest.mark.parametrize(
    "interrupt",
    [_cli_done, _cli_skip, _button_snooze, _button_done, _dismissed, _pause, _leave, _remind_now],
)
def test_an_interrupted_countdown_sends_no_further_frame_and_no_second_done(
    harness: Harness, interrupt
) -> None:
    start_countdown(harness)
    tick_countdown(harness, 1)
    interrupt(harness)
    assert not has_job(harness)
    shown = len(harness.notifier.shown)
    for _ in range(15):
        tick_countdown(harness, 1)
    assert len(harness.notifier.shown) == shown
    assert history(harness).count(("done", "test-hold")) <= 1
    assert all(r.progress is None for r in harness.notifier.shown[shown:])


def test_a_restart_ends_the_countdown(harness: Harness) -> None:
    start_countdown(harness)
    tick_countdown(harness, 1)
    old = harness.daemon
    assert old is not None
    harness.stop()
    old.countdown.tick()  # a late tick of the stopped daemon does nothing
    daemon = harness.start()
    assert daemon.countdown.running is False and not has_job(harness)
    restarted = harness.notifier
    harness.clock.advance(seconds=15)
    daemon.call(daemon.countdown.tick)
    assert all(r.progress is None for r in restarted.shown)
    assert ("done", "test-hold") not in history(harness)


def test_a_reload_that_removes_the_exercise_ends_the_countdown(harness: Harness) -> None:
    start_countdown(harness)
    tick_countdown(harness, 1)
    harness.config.write_text(BASE + '[exercises]\ninclude_only = ["other-hold"]\n' + OTHER)
    assert harness.daemon is not None
    harness.daemon.call(harness.daemon.reload)
    assert not has_job(harness)
    shown = len(harness.notifier.shown)
    for _ in range(15):
        tick_countdown(harness, 1)
    assert len(harness.notifier.shown) == shown
    assert ("done", "test-hold") not in history(harness)


def test_a_reload_that_keeps_the_exercise_keeps_counting(harness: Harness) -> None:
    start_countdown(harness)
    harness.config.write_text(ONLY_HOLD + "\n# touched\n")
    assert harness.daemon is not None
    harness.daemon.call(harness.daemon.reload)
    assert has_job(harness)


def test_an_unanswered_re_show_does_not_replace_the_countdown(harness: Harness) -> None:
    start_countdown(harness)
    tick_countdown(harness, 1)
    harness.clock.advance(minutes=5)  # remind_again is due while the hold runs
    harness.tick()
    assert harness.notifier.shown[-1].progress is not None
    assert has_job(harness)


def test_a_move_counted_in_reps_offers_no_start(tmp_path: Path, xdg_dirs) -> None:
    reps = HOLD.replace("hold = 5\n", "").replace("sides = 2\n", "").replace("test-hold", "reps")
    h = Harness(tmp_path, BASE + '[exercises]\ninclude_only = ["reps"]\n' + reps)
    try:
        h.start()
        remind(h)
        assert "start" not in dict(h.notifier.shown[-1].actions)
        press(h, "start")  # a stale press does nothing
        assert not has_job(h)
    finally:
        h.stop()
