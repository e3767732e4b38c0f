"""A real daemon process whose wall clock is set back an hour while it waits.

The clock is stepped by an LD_PRELOAD shim (shim/clockshift.c) that shifts what the process
reads from CLOCK_REALTIME; the kernel is told nothing, so only the readings can show the step.
The reminder must still come after 40 s of real sitting, and the watchdog pings must go on.
"""

from __future__ import annotations

import itertools
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from faultkit import build_clock_shim

pytestmark = pytest.mark.slow

SIT = 40.0
STEP_AT = 10.0
PING_EVERY = 2.0  # WATCHDOG_USEC / 2


@pytest.fixture(scope="module")
def shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clock_shim(tmp_path_factory.mktemp("shim"))


def _status(env: dict[str, str]) -> dict[str, object] | None:
    out = subprocess.run(
        [sys.executable, "-m", "standup", "status", "--json"],
        capture_output=True, text=True, env=env, timeout=30,
    )  # fmt: skip
    return json.loads(out.stdout) if out.returncode == 0 else None


def test_a_clock_set_back_neither_delays_the_reminder_nor_stops_the_watchdog(
    shim: Path, tmp_path: Path, xdg_dirs
) -> None:
    shift = tmp_path / "shift"
    shift.write_text("0")
    notify_path = tmp_path / "notify.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(notify_path))
    listener.settimeout(0.5)
    pings: list[float] = []
    done = threading.Event()

    def receive() -> None:
        while not done.is_set():
            try:
                data = listener.recv(4096)
            except TimeoutError:
                continue
            if b"WATCHDOG=1" in data.split(b"\n"):
                pings.append(time.monotonic())

    receiver = threading.Thread(target=receive, daemon=True)
    receiver.start()
    client_env = {k: v for k, v in os.environ.items() if k not in ("NOTIFY_SOCKET",)}
    daemon_env = {
        **client_env,
        "LD_PRELOAD": str(shim),
        "CLOCKSHIFT_FILE": str(shift),
        "STANDUP_SCHEDULE__SIT": f"{int(SIT)}s",
        "STANDUP_IDLE__SOURCE": "none",
        "STANDUP_NOTIFICATIONS__BACKEND": "log",
        "NOTIFY_SOCKET": str(notify_path),
        "WATCHDOG_USEC": str(int(PING_EVERY * 2 * 1_000_000)),
    }
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "standup", "run"], env=daemon_env,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        while _status(client_env) is None:
            assert proc.poll() is None, proc.communicate()[1]
            assert time.monotonic() - started < 15
            time.sleep(0.2)
        # The daemon began sitting between `started` and its first answer: the reminder is due
        # SIT after a moment between the two, however slowly it started.
        answering = time.monotonic()
        time.sleep(max(0.0, started + STEP_AT - time.monotonic()))
        shift.write_text("-3600")
        stepped = time.monotonic()
        reminded = None
        while time.monotonic() - started < SIT + 30:
            status = _status(client_env)
            if status is not None and status["state"] == "reminding":
                reminded = time.monotonic()
                break
            time.sleep(0.25)
        assert reminded is not None, "no reminder within 30 s of its due time"
        assert reminded - started >= SIT - 1
        assert reminded - answering <= SIT + 3
    finally:
        proc.terminate()
        _out, err = proc.communicate(timeout=15)
        done.set()
        receiver.join(timeout=2)
        listener.close()
    assert proc.returncode == 0, err
    assert "the clock moved by" in err
    after = [t for t in pings if t > stepped]
    assert len(after) >= 3, pings
    gaps = [b - a for a, b in itertools.pairwise(pings)]
    assert max(gaps) <= PING_EVERY + 1.0, gaps
