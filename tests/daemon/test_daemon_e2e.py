"""`standup run` as a process against a real session bus and dunst."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta

import pytest

from notice_seen import mark_notice_seen
from standup.exercises import builtin_catalogue

from rig import (
    Rig,
    standup_env,
    standup_status as try_status,
    start_standup,
    stop_standup,
    wait_until,
)

pytestmark = pytest.mark.e2e

NAMES = {e.name for e in builtin_catalogue()}


def status(env: dict[str, str]) -> dict:
    info = try_status(env)
    assert info is not None, "standup is not running"
    return info


@pytest.fixture
def daemon_env(rig: Rig, xdg_dirs) -> dict[str, str]:
    mark_notice_seen()  # the first reminder is the only bubble
    return standup_env(
        rig,
        xdg_dirs.runtime_dir,
        schedule__sit="2s",
        schedule__snooze="1h",
        notifications__backend="auto",
    )


@pytest.fixture
def standup_run(daemon_env):
    proc = start_standup(daemon_env)
    yield proc
    stop_standup(proc)


def reminding(env: dict[str, str]) -> dict | None:
    info = try_status(env)
    return info if info and info["state"] == "reminding" else None


def test_a_reminder_names_an_exercise_and_its_buttons_work(
    rig: Rig, daemon_env, standup_run
) -> None:
    info = wait_until(lambda: reminding(daemon_env), timeout=15)
    assert info["notifier"] == "freedesktop"
    wait_until(lambda: rig.displayed_count() == 1, timeout=5)

    # Snooze from the bubble: the next reminder moves out by the snooze (1 h).
    rig.press("snooze")
    snoozed = wait_until(lambda: (s := status(daemon_env))["state"] == "snoozed" and s, 5)
    due = datetime.fromisoformat(snoozed["next_reminder_at"])
    now = datetime.fromisoformat(snoozed["now"])
    assert timedelta(minutes=59) < due - now <= timedelta(hours=1)
    assert snoozed["snoozes_used"] == 1
    # The bubble was closed after the answer (dunst leaves it up by itself).
    wait_until(lambda: rig.displayed_count() == 0, timeout=5)
    [entry] = rig.history()
    assert entry["appname"] == "standup"
    assert entry["summary"] in NAMES  # the title is the move alone


def test_done_from_the_bubble_starts_a_new_stretch(rig: Rig, daemon_env, standup_run) -> None:
    first = wait_until(lambda: reminding(daemon_env), timeout=15)
    rig.press("done")

    # A new stretch began at the press; with sit = 2 s the next reminder follows it.
    def new_stretch():
        s = status(daemon_env)
        return s if s["sitting_since"] and s["sitting_since"] > first["sitting_since"] else None

    after = wait_until(new_stretch, timeout=5)
    assert after["snoozes_used"] == 0
    second = wait_until(lambda: reminding(daemon_env), timeout=15)
    assert second["reminder_shown_at"] > first["reminder_shown_at"]


def test_a_notification_server_that_starts_later_is_picked_up(
    rig: Rig, daemon_env, standup_run
) -> None:
    rig.stop_dunst()
    wait_until(lambda: not rig.server_running(), timeout=5)
    info = wait_until(lambda: reminding(daemon_env), timeout=15)
    assert info["notifier"] == "log"
    rig.start_dunst()
    wait_until(lambda: rig.server_running(), timeout=5)
    # `standup now` asks for a reminder at once: auto probes again and finds the server.
    subprocess.run([sys.executable, "-m", "standup", "now"], env=daemon_env, check=True, timeout=30)
    wait_until(lambda: rig.displayed_count() == 1, timeout=5)
    assert status(daemon_env)["notifier"] == "freedesktop"


def test_pause_stops_reminders_and_resume_brings_them_back(
    rig: Rig, daemon_env, standup_run
) -> None:
    def cli(*args: str) -> None:
        subprocess.run([sys.executable, "-m", "standup", *args], env=daemon_env, check=True,
                       capture_output=True, timeout=30)  # fmt: skip

    wait_until(lambda: try_status(daemon_env), timeout=15)
    cli("pause", "1h")
    assert status(daemon_env)["state"] == "paused"
    rig.reset()
    # sit is 2 s: three intervals pass in silence.
    deadline = datetime.now().timestamp() + 6
    while datetime.now().timestamp() < deadline:
        assert status(daemon_env)["state"] == "paused"
        assert rig.displayed_count() == 0
    cli("resume")
    wait_until(lambda: rig.displayed_count() == 1, timeout=10)
    assert status(daemon_env)["state"] == "reminding"
