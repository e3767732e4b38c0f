"""Helpers for the fault tests: `standup run` as a real process, the in-process Harness, and
the LD_PRELOAD shim that steps a process's wall clock."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from standup import core
from standup.config.settings import defaults
from standup.control import client as control
from standup.daemon.snapshot import snapshot

from daemon_harness import FakeClock, Harness, RecordingNotifier
from rig import wait_until

__all__ = [
    "DaemonProcess",
    "FakeClock",
    "Harness",
    "RecordingNotifier",
    "build_clock_shim",
    "quiet_env",
    "saved_core",
]

CLOCK_SHIM = Path(__file__).parent / "shim" / "clockshift.c"

# Fields of `standup status` that the saved core state alone decides.
STATE_FIELDS = ("state", "sitting_since", "snoozed_until", "paused_until", "snoozes_used")


def quiet_env(base: dict[str, str] | None = None, **standup: str) -> dict[str, str]:
    """The environment for a daemon that only does what the test asks: no idle source, no busy
    probes, the given STANDUP_* settings (keyword `schedule__sit="2s"` -> STANDUP_SCHEDULE__SIT)."""
    env = dict(os.environ if base is None else base)
    env.update(
        STANDUP_IDLE__SOURCE="none",
        STANDUP_BUSY__DO_NOT_DISTURB="false",
        STANDUP_BUSY__FULLSCREEN="false",
        STANDUP_BUSY__MICROPHONE="false",
        STANDUP_BUSY__CAMERA="false",
        STANDUP_LOG_LEVEL="info",
    )
    env.update({f"STANDUP_{key.upper()}": value for key, value in standup.items()})
    return env


class DaemonProcess:
    """`python -m standup run` with its log in a file (a pipe could fill up and stall it)."""

    def __init__(self, env: dict[str, str], log: Path, *args: str) -> None:
        self.env = env
        self.log = log
        self.socket = Path(env["XDG_RUNTIME_DIR"]) / "standup" / "control.sock"
        with log.open("ab") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "standup", *args, "run"],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=out,
            )

    def request(self, cmd: str, args: dict[str, Any] | None = None, timeout: float = 5.0) -> Any:
        return control.request(cmd, args, path=self.socket, timeout=timeout)

    def answers(self) -> bool:
        return self.proc.poll() is None and control.ping(self.socket) == self.proc.pid

    def wait_ready(self, timeout: float = 20.0) -> None:
        wait_until(lambda: self.answers() or self.proc.poll() is not None, timeout=timeout)
        assert self.proc.poll() is None, f"standup run exited:\n{self.log_text()}"

    def status(self) -> dict[str, Any]:
        return self.request("status")

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def log_lines(self, needle: str) -> list[str]:
        return [line for line in self.log_text().splitlines() if needle in line]

    def signal(self, signum: int) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signum)

    def kill(self) -> None:
        self.signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int:
        self.signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.kill()
            raise


def saved_core(db: Path) -> core.State | None:
    """The core state as committed in the database, read the way a restart would see it."""
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT value FROM kv WHERE key = 'core'").fetchall()
    finally:
        conn.close()
    return core.state_from_dict(json.loads(rows[0][0])) if rows else None


def state_fields(info: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(info[name] for name in STATE_FIELDS)


def state_fields_of(state: core.State) -> tuple[Any, ...]:
    """The status fields a saved state stands for, to compare with what a client was told."""
    info = snapshot(
        state,
        defaults().policy(),
        state.sitting_since,
        exercise=None,
        config_files=[],
        notifier="",
    )
    return state_fields(info)


def build_clock_shim(out_dir: Path) -> Path:
    """shim/clockshift.c built into `out_dir`: preloaded, it shifts what the process reads from
    CLOCK_REALTIME by the seconds written in the file named by $CLOCKSHIFT_FILE."""
    if shutil.which("gcc") is None:
        if os.environ.get("CI"):
            pytest.fail("gcc is missing: the clock shim cannot be built", pytrace=False)
        pytest.skip("gcc is missing")
    out = out_dir / "clockshift.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O2", "-o", str(out), str(CLOCK_SHIM), "-ldl"],
        check=True, capture_output=True, timeout=60,
    )  # fmt: skip
    return out
