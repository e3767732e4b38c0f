"""The daemon in-process: injected clock, a real SQLite file, a real control socket."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_MISSED, EVENT_JOB_REMOVED
from apscheduler.schedulers.background import BackgroundScheduler

from standup.control import client as control
from standup.daemon.worker import JOB_DEFAULTS
from standup.history.store import Store

from daemon_harness import Harness
from rig import wait_until


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs):
    h = Harness(
        tmp_path,
        '[schedule]\nsit = "50m"\nsnooze = "10m"\nremind_again = "5m"\n[idle]\nsource = "none"\n',
    )
    yield h
    h.stop()


def test_a_reminder_arrives_after_sit_with_an_exercise_and_buttons(harness: Harness) -> None:
    harness.start()
    harness.clock.advance(minutes=49)
    harness.tick()
    assert harness.notifier.shown == []
    harness.clock.advance(minutes=1)
    harness.tick()
    [reminder] = harness.notifier.shown
    # The title is the move alone, the one the rotation picked.
    assert reminder.title == harness.request("status")["exercise"]["name"]
    # The answers first; extras (Start, Too easy, Too hard) only after them.
    assert [key for key, _ in reminder.actions][:3] == ["done", "snooze", "skip"]
    assert dict(reminder.actions)["snooze"] == "Snooze 10 min"
    status = harness.request("status")
    assert status["state"] == "reminding"
    assert status["exercise"]["name"] in reminder.title


def test_snooze_from_the_button_and_the_socket_take_the_same_path(harness: Harness) -> None:
    daemon = harness.start()
    harness.clock.advance(minutes=50)
    harness.tick()
    harness.notifier.on_action("snooze")  # as the D-Bus thread would
    status = daemon.call(daemon.status)  # queued behind the button press
    assert status["state"] == "snoozed"
    assert status["next_reminder_at"] == (harness.clock.now + timedelta(minutes=10)).isoformat()
    harness.clock.advance(minutes=10)
    harness.tick()
    after = harness.request("snooze", {"duration": 1200})
    assert after["snoozes_used"] == 2
    assert after["next_reminder_at"] == (harness.clock.now + timedelta(minutes=20)).isoformat()
    assert harness.notifier.closed >= 2


def test_done_starts_a_new_stretch_and_is_recorded(harness: Harness) -> None:
    harness.start()
    harness.clock.advance(minutes=50)
    harness.tick()
    shown = harness.notifier.shown[0]
    harness.clock.advance(minutes=2)
    result = harness.request("done")
    assert result["state"] == "sitting"
    assert result["sitting_since"] == harness.clock.now.isoformat()
    harness.stop()
    with Store.open(harness.db) as store:
        kinds = [(e.kind, e.exercise) for e in store.history(harness.clock.now - timedelta(days=1))]
    exercise_id = dict(kinds)["done"]
    assert ("reminded", exercise_id) in kinds and ("done", exercise_id) in kinds
    assert exercise_id and exercise_id.replace("-", " ")[:5].lower() in shown.title.lower()


def test_max_snoozes_then_critical_without_a_snooze_button(harness: Harness) -> None:
    harness.start()
    harness.clock.advance(minutes=50)
    for _ in range(3):
        harness.tick()
        harness.request("snooze")
        harness.clock.advance(minutes=10)
    harness.tick()
    last = harness.notifier.shown[-1]
    assert last.urgency == "critical"
    assert "snooze" not in dict(last.actions)
    with pytest.raises(control.ControlError, match="no snoozes left") as refused:
        harness.request("snooze")
    assert "answer it with Done or Skip (`standup done`, `standup skip`)" in str(refused.value)


def test_now_keeps_the_exercise_of_a_reminder_showing_or_snoozed(harness: Harness) -> None:
    harness.start()
    harness.clock.advance(minutes=50)
    harness.tick()
    exercise = harness.request("status")["exercise"]
    assert harness.request("now")["exercise"] == exercise  # showing
    harness.request("snooze")
    harness.clock.advance(minutes=1)
    assert harness.request("now")["exercise"] == exercise  # snoozed: back now, the same
    titles = {reminder.title for reminder in harness.notifier.shown}
    assert titles == {exercise["name"]}
    harness.request("done")
    assert harness.request("now")["exercise"] != exercise  # a new reminder: the next move


def test_unanswered_reminder_is_replaced_not_stacked(harness: Harness) -> None:
    harness.start()
    harness.clock.advance(minutes=50)
    harness.tick()
    harness.clock.advance(minutes=5)
    harness.tick()
    first, again = harness.notifier.shown
    assert again.title == first.title  # the same exercise, shown again


def test_pause_silences_and_resume_starts_counting_again(harness: Harness) -> None:
    harness.start()
    paused = harness.request("pause", {"duration": 3600})
    assert paused["state"] == "paused"
    harness.clock.advance(minutes=59)
    harness.tick()
    assert harness.notifier.shown == []
    resumed = harness.request("resume")
    assert resumed["state"] == "sitting"
    assert resumed["next_reminder_at"] == (harness.clock.now + timedelta(minutes=50)).isoformat()


def test_bad_requests_get_errors_and_the_daemon_keeps_serving(harness: Harness) -> None:
    harness.start()
    with pytest.raises(control.ControlError, match="duration must be"):
        harness.request("snooze", {"duration": "soon"})
    with pytest.raises(control.ControlError, match="takes no argument"):
        harness.request("done", {"please": True})
    with pytest.raises(control.ControlError, match="not paused"):
        harness.request("resume")
    assert harness.request("status")["state"] == "sitting"


def test_a_far_future_pause_or_endless_snoozes_are_refused_and_change_nothing(
    harness: Harness,
) -> None:
    harness.start()
    for until in ("9999-12-31T23:59:59-14:00", "2099-01-01T00:00:00+00:00"):
        with pytest.raises(control.ControlError, match=r"out of range|a year at most"):
            harness.request("pause", {"until": until})
    harness.request("snooze", {"duration": 366 * 86400 - 3600})  # ahead: up to a year is fine
    with pytest.raises(control.ControlError, match="a year at most"):
        harness.request("snooze", {"duration": 366 * 86400})
    with pytest.raises(control.ControlError, match="between 1 second and a year"):
        harness.request("snooze", {"duration": 0.0001})
    status = harness.request("status")
    assert status["state"] == "snoozed"
    assert status["paused_until"] is None
    harness.stop()
    harness.start()  # what was saved starts cleanly
    assert harness.request("status")["state"] == "snoozed"


def test_a_saved_state_beyond_the_calendar_does_not_stop_a_start(harness: Harness) -> None:
    from standup.core import state_from_dict

    saved = {"phase": "paused", "sitting_since": "2026-03-02T09:00:00+00:00",
             "paused_until": "9999-12-31T23:59:59-14:00"}  # fmt: skip
    assert state_from_dict(saved) is None  # not trusted: a fresh stretch instead


def test_restart_keeps_a_snooze(harness: Harness) -> None:
    harness.start()
    harness.clock.advance(minutes=50)
    harness.tick()
    snoozed = harness.request("snooze")
    harness.stop()
    harness.clock.advance(minutes=1)
    harness.start()
    status = harness.request("status")
    assert status["state"] == "snoozed"
    assert status["next_reminder_at"] == snoozed["next_reminder_at"]


def test_reload_applies_a_good_config_and_keeps_the_old_on_a_bad_one(harness: Harness) -> None:
    harness.start()
    harness.config.write_text('[schedule]\nsit = "20m"\n')
    result = harness.request("reload")
    assert result["status"]["interval_seconds"] == 1200
    harness.config.write_text('[schedule]\nsit = "-5m"\n')
    with pytest.raises(control.ControlError, match=r"config not reloaded.*schedule\.sit"):
        harness.request("reload")
    assert harness.request("status")["interval_seconds"] == 1200


def test_a_shorter_sit_on_reload_fires_an_overdue_reminder_once(harness: Harness) -> None:
    harness.start()
    harness.clock.advance(minutes=30)
    harness.config.write_text('[schedule]\nsit = "20m"\n')
    harness.request("reload")
    harness.tick()
    harness.tick()
    assert len(harness.notifier.shown) == 1


def test_a_reload_that_ends_the_working_hours_takes_effect_at_once(harness: Harness) -> None:
    daemon = harness.start()
    assert harness.request("status")["state"] == "sitting"
    local = harness.clock.now.astimezone(daemon._tz)
    later = (local + timedelta(hours=3)).strftime("%H:00")
    end = (local + timedelta(hours=4)).strftime("%H:00")
    harness.config.write_text(f'[schedule]\nactive_hours = ["{later}-{end}"]\n')
    harness.request("reload")
    status = harness.request("status")
    assert status["state"] == "off_hours"
    assert status["active_again_at"] is not None
    with pytest.raises(control.ControlError, match="outside working hours"):
        harness.request("now")
    assert harness.notifier.shown == []


def _run_one_overdue_job(job_defaults: dict | None) -> tuple[list[int], list[int]]:
    """Schedule a date job an hour overdue; return (runs, missed events) once it is gone."""
    ran: list[int] = []
    missed: list[int] = []
    removed = threading.Event()
    kwargs = {"job_defaults": job_defaults} if job_defaults else {}
    scheduler = BackgroundScheduler(timezone=UTC, **kwargs)
    scheduler.add_listener(lambda e: missed.append(e.code), EVENT_JOB_MISSED)
    scheduler.add_listener(lambda e: removed.set(), EVENT_JOB_REMOVED)
    past = datetime.now(UTC) - timedelta(hours=1)
    scheduler.add_job(ran.append, "date", run_date=past, args=[1], id="wake")
    scheduler.start()
    try:
        assert removed.wait(5)
        wait_until(lambda: ran or missed, timeout=5)
    finally:
        scheduler.shutdown(wait=True)
    return ran, missed


def test_job_defaults_run_a_wake_up_that_came_due_while_asleep() -> None:
    """APScheduler's default grace of one second would drop this job; ours runs it once."""
    ran, missed = _run_one_overdue_job(JOB_DEFAULTS)
    assert ran == [1] and missed == []


def test_the_default_grace_would_have_dropped_it() -> None:
    """The reason for JOB_DEFAULTS, kept honest: if APScheduler changes, this tells us."""
    ran, missed = _run_one_overdue_job(None)
    assert ran == [] and missed == [EVENT_JOB_MISSED]


def test_an_exercise_filter_change_applies_at_the_next_reminder(harness: Harness) -> None:
    harness.start()
    harness.config.write_text(
        '[exercises]\ninclude_only = ["leg-swings"]\n[idle]\nsource = "none"\n'
    )
    harness.request("reload")
    for _ in range(2):
        harness.clock.advance(minutes=50)
        harness.tick()
        assert harness.notifier.shown[-1].title == "Leg swings"
        harness.request("done")


def test_the_rotation_survives_a_restart(harness: Harness) -> None:
    """`exercises next` reads the stored rotation; the daemon's next pick must match it."""
    from standup.exercises import ExerciseOptions, load_rotation, pick

    harness.start()
    harness.stop()
    with Store.open(harness.db) as store:
        stored = store.get_value("rotation")
    rotation = load_rotation(stored)
    assert rotation is not None
    expected = pick(rotation, ExerciseOptions(), advance=False)
    harness.start()
    harness.clock.advance(minutes=50)
    harness.tick()
    assert harness.notifier.shown[-1].title == expected.name


def test_a_bad_reload_alerts_once_and_fixing_it_withdraws_the_alert(harness: Harness) -> None:
    harness.start()
    reminders = harness.notifier
    harness.config.write_text('[schedule]\nsit = "-5m"\n')
    for _ in range(2):  # the same mistake, seen twice, is reported once
        with pytest.raises(control.ControlError):
            harness.request("reload")
    alert = harness.notifiers[-1]
    assert alert is not reminders  # a bubble of its own: it never replaces a reminder
    [shown] = alert.shown
    assert shown.title == "standup: config not reloaded"
    assert f"{harness.config}, line 2: schedule.sit" in shown.body
    assert harness.request("status")["config_error"].startswith(str(harness.config))
    harness.config.write_text('[schedule]\nsit = "30m"\n[idle]\nsource = "none"\n')
    harness.request("reload")
    assert alert.closed == 1
    status = harness.request("status")
    assert status["config_error"] is None and status["interval_seconds"] == 1800
