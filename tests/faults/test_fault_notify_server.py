"""The notification server (dunst) dies and comes back while `standup run` keeps going."""

from __future__ import annotations

from pathlib import Path

import pytest
from faultkit import DaemonProcess, quiet_env

from notice_seen import mark_notice_seen
from standup.exercises import builtin_catalogue

from rig import Rig, wait_until

pytestmark = pytest.mark.e2e

NAMES = {e.name for e in builtin_catalogue()}
ON_BUS = "(via freedesktop)"  # the daemon's line for a bubble the server took


def logged(d: DaemonProcess) -> list[str]:
    """The log backend's lines for reminders ("Reminder: <the move> — <body>"): delivered to
    the log."""
    return [
        line
        for line in d.log_lines("Reminder: ")
        if any(f"Reminder: {name} — " in line for name in NAMES)
    ]


@pytest.fixture
def daemon(rig: Rig, xdg_dirs, tmp_path: Path):
    mark_notice_seen()  # the first reminder is the only bubble
    started: list[DaemonProcess] = []

    def start(**settings: str) -> DaemonProcess:
        env = quiet_env(
            {**quiet_env(), **rig.env, "XDG_RUNTIME_DIR": str(xdg_dirs.runtime_dir)},
            notifications__backend="auto",
            schedule__snooze="1h",
            **settings,
        )
        d = DaemonProcess(env, tmp_path / "daemon.log")
        started.append(d)
        d.wait_ready()
        return d

    yield start
    for d in started:
        d.stop()


def reminding(d: DaemonProcess) -> dict | None:
    info = d.status()
    return info if info["state"] == "reminding" else None


def test_a_reminder_due_while_the_server_is_down_is_delivered_once(rig: Rig, daemon) -> None:
    d = daemon(schedule__sit="2s", schedule__remind_again="1h")
    assert wait_until(lambda: reminding(d), timeout=15)["notifier"] == "freedesktop"
    wait_until(lambda: rig.displayed_count() == 1)

    # The server dies with our bubble on screen; the next reminder comes due while it is gone.
    rig.stop_dunst()
    d.request("done")
    assert wait_until(lambda: reminding(d), timeout=15)["notifier"] == "log"
    assert len(logged(d)) == 1

    # The server comes back: the reminder already delivered to the log is not sent again.
    rig.start_dunst()
    wait_until(rig.server_running)
    assert d.status()["state"] == "reminding"
    assert rig.displayed_count() == 0 and rig.history() == []

    # The next reminder reaches the new server, once.
    d.request("done")
    assert wait_until(lambda: reminding(d), timeout=15)["notifier"] == "freedesktop"
    wait_until(lambda: rig.displayed_count() == 1)
    d.request("snooze")  # nothing more comes for an hour
    assert len(rig.history()) == 1
    assert len(logged(d)) == 1
    assert len(d.log_lines(ON_BUS)) == 2


def test_a_reminder_shown_again_after_a_server_restart_reaches_the_new_server_once(
    rig: Rig, daemon
) -> None:
    d = daemon(schedule__sit="1s", schedule__remind_again="3s")
    first = wait_until(lambda: reminding(d), timeout=15)
    wait_until(lambda: rig.displayed_count() == 1)

    # The server restarts under the bubble; the new one has never heard of our notification id.
    rig.restart_dunst()
    assert rig.displayed_count() == 0

    def shown_again() -> bool:
        return d.status()["reminder_shown_at"] > first["reminder_shown_at"]

    wait_until(shown_again, timeout=10)
    wait_until(lambda: rig.displayed_count() == 1)
    d.request("snooze")  # no further re-show to race with the count
    [bubble] = rig.history()
    assert bubble["summary"] in NAMES  # the title is the move alone
    assert d.status()["notifier"] == "freedesktop"
    assert logged(d) == []  # never fell back to the log: the new server took it
