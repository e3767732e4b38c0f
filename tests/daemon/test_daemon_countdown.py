"""The timed hold in the bubble, in-process: injected clock, ticks by hand, a real store."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from standup import core
from standup.daemon.countdown import COUNTDOWN_JOB
from standup.history.store import Store

from daemon_harness import Harness

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
    assert last.title == "Test hold" and "done" in dict(last.actions)
    assert harness.request("status")["state"] == "reminding"


def test_the_reminder_rings_its_frames_are_silent_and_the_end_of_the_hold_sounds(
    harness: Harness,
) -> None:
    start_countdown(harness)
    for _ in range(14):
        tick_countdown(harness, 1)
    reminder, *frames, final = harness.notifier.shown
    assert reminder.sound == "bell"
    assert frames and all(frame.sound is None for frame in frames)
    assert final.progress == 100 and final.sound == "complete"
    assert history(harness).count(("done", "test-hold")) == 1


def test_stop_brings_the_reminder_back_without_ringing_again(harness: Harness) -> None:
    start_countdown(harness)
    tick_countdown(harness, 1)
    press(harness, "stop")
    assert harness.notifier.shown[-1].progress is None
    assert harness.notifier.shown[-1].sound is None
    harness.clock.advance(minutes=5)  # unanswered: remind_again rings it again
    harness.tick()
    assert harness.notifier.shown[-1].sound == "bell"


def test_with_sound_off_nothing_sounds(tmp_path: Path, xdg_dirs) -> None:
    h = Harness(tmp_path, ONLY_HOLD.replace("[idle]", '[notifications]\nsound = "off"\n[idle]'))
    try:
        start_countdown(h)
        for _ in range(14):
            tick_countdown(h, 1)
        assert h.notifier.shown[-1].progress == 100
        assert [r.sound for r in h.notifier.shown] == [None] * len(h.notifier.shown)
    finally:
        h.stop()


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


# ---- the hold's own clock: steps of the wall clock, suspend ---------------------------------


def step_wall_clock(h: Harness, **kwargs: float) -> None:
    """Someone sets the wall clock: it moves, the clocks that count real time do not; the
    daemon is told as its scheduler (or the kernel's notice) would tell it."""
    delta = timedelta(**kwargs)
    h.clock.now += delta
    h.clock.start += delta  # the fake's real time is now - start: unchanged
    assert h.daemon is not None
    h.daemon.call(h.daemon._after_clock_step)


def planned_in(h: Harness) -> timedelta:
    """How far ahead of the daemon's clock the next frame's wake-up is planned."""
    daemon = h.daemon
    assert daemon is not None
    job = daemon.call(lambda: daemon.scheduler.get_job(COUNTDOWN_JOB))
    return job.next_run_time - h.clock.now


def bodies_since(h: Harness, count: int) -> list[str]:
    return [r.body for r in h.notifier.shown[count:]]


def test_a_clock_set_back_neither_freezes_the_hold_nor_delays_its_frames(
    harness: Harness,
) -> None:
    start_countdown(harness)  # a frame each hour of the test's clock: only its ticks count
    tick_countdown(harness, 2)
    step_wall_clock(harness, hours=-1)
    # The next frame is planned one period ahead of the new clock, not an hour more.
    assert timedelta(0) < planned_in(harness) <= timedelta(hours=1)
    shown = len(harness.notifier.shown)
    tick_countdown(harness, 1)
    assert bodies_since(harness, shown) == ["2 s left, left side"]
    for _ in range(11):
        tick_countdown(harness, 1)
    assert history(harness).count(("done", "test-hold")) == 1
    assert not has_job(harness)


def test_a_clock_set_forward_does_not_finish_the_hold(harness: Harness) -> None:
    start_countdown(harness)
    tick_countdown(harness, 2)
    step_wall_clock(harness, hours=1)
    tick_countdown(harness, 0)
    assert harness.notifier.shown[-1].body == "3 s left, left side"
    assert ("done", "test-hold") not in history(harness)
    assert harness.request("status")["countdown"]["text"] == "3 s left, left side"
    assert has_job(harness)


def test_a_suspend_during_the_hold_ends_it_without_done_and_shows_the_reminder_again(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    start_countdown(harness)
    tick_countdown(harness, 2)
    harness.clock.sleep(minutes=2)  # shorter than a natural break: the reminder stays
    with caplog.at_level("INFO", logger="standup"):
        tick_countdown(harness, 0)
    assert not has_job(harness)
    last = harness.notifier.shown[-1]
    assert last.progress is None and last.title == "Test hold"
    assert "done" in dict(last.actions)
    assert harness.request("status")["state"] == "reminding"
    assert ("done", "test-hold") not in history(harness)
    assert len([r for r in caplog.records if "countdown ended" in r.getMessage()]) == 1


def test_a_long_suspend_during_the_hold_ends_the_stretch_without_done(harness: Harness) -> None:
    start_countdown(harness)
    tick_countdown(harness, 2)
    shown = len(harness.notifier.shown)
    harness.clock.sleep(minutes=30)  # a natural break: the stretch ends, the bubble goes
    tick_countdown(harness, 0)
    assert not has_job(harness)
    assert len(harness.notifier.shown) == shown and harness.notifier.closed >= 1
    assert harness.request("status")["state"] == "sitting"
    kinds = [kind for kind, _ in history(harness)]
    assert "done" not in kinds


# ---- a notification server gone mid-countdown -----------------------------------------------


def test_a_frame_that_reaches_no_bubble_ends_the_countdown_with_one_line(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    start_countdown(harness)
    notifier = harness.notifier
    real_show = notifier.show
    calls: list[str] = []

    def server_gone(reminder):  # as the freedesktop backend answers: delivered to the log
        calls.append(reminder.body)
        return "log"

    notifier.show = server_gone
    with caplog.at_level("DEBUG", logger="standup"):
        for _ in range(5):
            tick_countdown(harness, 1)
    notifier.show = real_show
    assert calls == ["4 s left, left side"]  # one try, not one a second
    assert not has_job(harness)
    assert harness.request("status")["countdown"] is None
    assert harness.request("status")["state"] == "reminding"  # the reminder is still pending
    ended = [r for r in caplog.records if "countdown ended" in r.getMessage()]
    assert len(ended) == 1 and "could not be shown" in ended[0].getMessage()
    assert ("done", "test-hold") not in history(harness)


# ---- one hold, one answer --------------------------------------------------------------------


def test_done_given_during_the_last_frame_records_nothing_more(harness: Harness) -> None:
    """`standup done` typed while the last frame is on its way to a slow server (300 ms): the
    countdown's Done is recorded, the command's is turned away, not recorded a second time."""
    import threading

    from rig import wait_until

    start_countdown(harness)
    for _ in range(12):  # one second left
        tick_countdown(harness, 1)
    daemon = harness.daemon
    assert daemon is not None
    notifier = harness.notifier
    real_show = notifier.show
    in_show, release = threading.Event(), threading.Event()

    def slow_server(reminder):
        in_show.set()
        release.wait(10)
        return real_show(reminder)

    notifier.show = slow_server
    harness.clock.advance(seconds=1)
    daemon.submit(daemon.countdown.tick)  # the last tick: the final frame, then Done
    assert in_show.wait(10)
    controls = daemon.wakeups["control"]
    answer: dict = {}
    typed = threading.Thread(target=lambda: answer.update(reply=_try_done(harness)))
    typed.start()
    wait_until(lambda: daemon.wakeups["control"] > controls)  # the command has arrived
    harness.clock.advance(seconds=0.3)  # the server takes its time with the frame
    release.set()
    typed.join(10)
    notifier.show = real_show
    kinds = [kind for kind, _ in history(harness)]
    assert kinds.count("done") == 1 and "natural_break" not in kinds
    assert "answered already" in answer["reply"]


def _try_done(h: Harness) -> str:
    from standup.control.client import ControlError

    try:
        h.request("done")
    except ControlError as error:
        return str(error)
    return "recorded"
