"""`status` and `status --waybar` against a real daemon that refused a huge bad value."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def _standup(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "standup", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )


@pytest.fixture
def daemon(xdg_dirs: object) -> Iterator[tuple[dict[str, str], Path]]:
    """A daemon running a good config file; yields its environment and that file."""
    env = {**os.environ, "STANDUP_NOTIFICATIONS__BACKEND": "log", "STANDUP_IDLE__SOURCE": "none"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    config = Path(env["XDG_CONFIG_HOME"]) / "standup" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[schedule]\nsit = "40m"\n')
    proc = subprocess.Popen(
        [sys.executable, "-m", "standup", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 15
        while _standup(env, "status").returncode != 0:
            assert proc.poll() is None and time.monotonic() < deadline, "standup run did not start"
            time.sleep(0.1)
        yield env, config
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_status_survives_a_huge_bad_sit_value(daemon: tuple[dict[str, str], Path]) -> None:
    env, config = daemon
    # Just under the config size bound: the whole value is read, and must not be quoted whole.
    config.write_text('[schedule]\nsit = "' + "9" * 1_000_000 + '"\n')
    assert _standup(env, "reload").returncode == 2
    plain = _standup(env, "status")
    assert plain.returncode == 0, plain.stderr
    assert "Config not reloaded" in plain.stdout and len(plain.stdout) < 1_000
    bar = _standup(env, "status", "--waybar")
    assert bar.returncode == 0, bar.stderr
    line = json.loads(bar.stdout)
    assert line["class"] == "sitting" and "Config not reloaded" in line["tooltip"]
    assert len(bar.stdout) < 1_000
    info = json.loads(_standup(env, "status", "--json").stdout)
    assert info["interval_seconds"] == 40 * 60  # the last good config stays


def test_a_twenty_megabyte_value_is_refused_as_too_large(
    daemon: tuple[dict[str, str], Path],
) -> None:
    env, config = daemon
    config.write_text('[schedule]\nsit = "' + "9" * 20_000_000 + '"\n')
    assert _standup(env, "reload").returncode == 2
    bar = _standup(env, "status", "--waybar")
    assert bar.returncode == 0 and len(bar.stdout) < 1_000
    info = json.loads(_standup(env, "status", "--json").stdout)
    assert info["interval_seconds"] == 40 * 60
