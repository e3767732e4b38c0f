"""A real `standup run` with hooks: the commands a user types make the hooks run, with the
event in their environment; a hook still running when the daemon stops goes with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from hookkit import dumped, env_dump

from standup.control import client as control

from rig import gone, wait_until


def standup(env: dict[str, str], *args: str) -> None:
    """Run a command as a user would; it must succeed."""
    done = subprocess.run(
        [sys.executable, "-m", "standup", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=20,
        check=False,
    )
    assert done.returncode == 0, f"standup {' '.join(args)}: {done.stderr}"


def test_now_then_done_run_the_hooks_with_their_variables(xdg_dirs, tmp_path: Path) -> None:
    dumps = tmp_path / "hooks.jsonl"
    pid_file = tmp_path / "hanging"
    hang = "import os, sys, time\nopen(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(60)"
    config = tmp_path / "config.toml"
    config.write_text(
        '[notifications]\nbackend = "log"\n[idle]\nsource = "none"\n'
        "[busy]\ndo_not_disturb = false\nfullscreen = false\n"
        "microphone = false\ncamera = false\n[hooks]\n"
        f"reminder = {json.dumps([env_dump(dumps)])}\n"
        f"answered = {json.dumps([env_dump(dumps), ['/nonexistent/desk-down']])}\n"
        f"paused = {json.dumps([[sys.executable, '-c', hang, str(pid_file)]])}\n"
    )
    env = {**os.environ, "STANDUP_CONFIG": str(config), "STANDUP_LOG_LEVEL": "info"}
    log = tmp_path / "daemon.log"
    socket = xdg_dirs.runtime_dir / "standup" / "control.sock"
    with log.open("ab") as out:
        daemon = subprocess.Popen(
            [sys.executable, "-m", "standup", "run"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=out,
        )
    try:
        _run_through(env, socket, daemon.pid, dumps, pid_file)
    except BaseException:
        print(log.read_text())  # shown by pytest when the test fails
        raise
    finally:
        daemon.send_signal(signal.SIGTERM)
        assert daemon.wait(timeout=10) == 0
    [reminder, answered] = dumped(dumps)[:2]
    assert reminder["STANDUP_EVENT"] == "reminder"
    assert reminder["STANDUP_EXERCISE"] and reminder["STANDUP_EXERCISE_NAME"]
    assert answered["STANDUP_EVENT"] == "answered"
    assert answered["STANDUP_ANSWER"] == "done"
    assert answered["STANDUP_EXERCISE"] == reminder["STANDUP_EXERCISE"]
    assert int(answered["STANDUP_SITTING_SECONDS"]) >= 0
    failures = [ln for ln in log.read_text().splitlines() if "/nonexistent/desk-down" in ln]
    assert len(failures) == 1 and " WARNING " in failures[0]
    wait_until(lambda: gone(int(pid_file.read_text())), timeout=5.0)


def _run_through(env: dict[str, str], socket: Path, pid: int, dumps: Path, pid_file: Path) -> None:
    """now, done and pause, each waited for until its hook has run."""
    wait_until(lambda: control.ping(socket) == pid, timeout=20.0)
    standup(env, "now")
    wait_until(lambda: dumped(dumps), timeout=10.0)
    standup(env, "done")
    wait_until(lambda: dumped(dumps)[1:], timeout=10.0)
    standup(env, "pause")
    wait_until(lambda: pid_file.exists() and pid_file.read_text(), timeout=10.0)
