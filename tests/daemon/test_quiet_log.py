"""The daemon's log at info: one line per reminder, per answer, per reload; detail at debug."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

from rig import wait_until

STANDUP = [sys.executable, "-m", "standup"]


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*STANDUP, *args], capture_output=True, text=True, timeout=30, env=env)


def test_a_session_logs_one_line_per_thing_that_happened(xdg_dirs) -> None:
    env = os.environ.copy()
    env["STANDUP_NOTIFICATIONS__BACKEND"] = "log"
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    env.pop("STANDUP_LOG_LEVEL", None)
    daemon = subprocess.Popen(
        [*STANDUP, "run"], env=env, stderr=subprocess.PIPE, text=True, stdout=subprocess.DEVNULL
    )
    try:
        wait_until(lambda: cli("status", env=env).returncode == 0, timeout=15)
        # The command asks for a reload and the watcher sees the file change: one line.
        assert cli("config", "set", "schedule.sit", "40m", env=env).returncode == 0
        wait_until(lambda: "(in 40 min)" in cli("status", env=env).stdout, timeout=10)
        assert cli("reload", env=env).returncode == 0  # nothing changed since: no line
        assert cli("now", env=env).returncode == 0
        assert cli("done", env=env).returncode == 0
        assert cli("now", env=env).returncode == 0
        assert cli("snooze", "10m", env=env).returncode == 0
    finally:
        daemon.send_signal(signal.SIGTERM)
        _out, err = daemon.communicate(timeout=10)
    lines = [line.split(" ", 3)[3] for line in err.splitlines() if " INFO " in line]
    answers = [line for line in lines if line.startswith("answered ")]
    assert answers[0] == "answered from the command line: done"
    assert answers[1].startswith("answered from the command line: snoozed until ")
    assert len(answers) == 2, lines
    assert lines.count("config reloaded") == 1, lines
    for detail in ("control socket", "schema", "pressed in"):
        assert not any(detail in line for line in lines), lines
    assert lines[-1] == "stopping"
