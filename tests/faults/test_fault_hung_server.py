"""A notification server that stops answering (dunst SIGSTOPped) while `standup run` goes on."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest
from faultkit import DaemonProcess, quiet_env

from notice_seen import mark_notice_seen
from standup.exercises import builtin_catalogue

from rig import Rig, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


def reminder_lines(d: DaemonProcess) -> list[str]:
    """The log backend's lines for reminders, "Reminder: <the move> — <body>"."""
    names = [f"Reminder: {e.name} — " for e in builtin_catalogue()]
    return [line for line in d.log_lines("Reminder: ") if any(n in line for n in names)]


def _dunst_pid(rig: Rig) -> int:
    assert rig._dunst is not None
    return rig._dunst.pid


def test_a_hung_server_holds_up_neither_status_nor_later_reminders(
    rig: Rig, xdg_dirs, tmp_path: Path
) -> None:
    mark_notice_seen()  # one bubble, one timeout: the notice would add its own
    env = quiet_env(
        {**quiet_env(), **rig.env, "XDG_RUNTIME_DIR": str(xdg_dirs.runtime_dir)},
        notifications__backend="auto",
        schedule__sit="4s",
        schedule__remind_again="3s",
    )
    d = DaemonProcess(env, tmp_path / "daemon.log")
    pid = _dunst_pid(rig)
    try:
        d.wait_ready()
        os.kill(pid, signal.SIGSTOP)
        # Across the due time, the first Notify's timeout and a re-show, status always answers.
        slowest = 0.0
        deadline = time.monotonic() + 10
        states = set()
        while time.monotonic() < deadline:
            start = time.monotonic()
            states.add(d.status()["state"])
            slowest = max(slowest, time.monotonic() - start)
            time.sleep(0.1)
        assert "reminding" in states
        assert slowest < 1.6, f"status waited {slowest:.1f} s behind the hung server"
        # One timeout, then the server is left alone: the re-shows went to the log at once.
        assert len(d.log_lines("did not answer")) == 1
        wait_until(lambda: len(reminder_lines(d)) >= 2, timeout=10)
    finally:
        os.kill(pid, signal.SIGCONT)
        d.stop()
    assert "Traceback" not in d.log_text()
