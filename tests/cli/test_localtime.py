"""Local time when the zone cannot be represented: UTC with one warning, not a traceback."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from standup import localtime


@pytest.fixture
def tz_utc_plus_24(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """TZ=UTC+24: a whole day behind UTC, an offset Python's datetime refuses."""
    monkeypatch.setenv("TZ", "UTC+24")
    monkeypatch.setattr(localtime, "_warned", False)
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_local_now_falls_back_to_utc_with_one_warning(
    tz_utc_plus_24: None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="standup"):
        first, second = localtime.local_now(), localtime.local_now()
    assert first.utcoffset() == timedelta(0)
    assert abs(first - datetime.now(UTC)) < timedelta(seconds=5)
    assert second >= first
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "TZ='UTC+24'" in warnings[0] and "using UTC" in warnings[0]


def test_to_local_falls_back_to_utc(tz_utc_plus_24: None) -> None:
    moment = datetime(2026, 3, 2, 12, 30, tzinfo=UTC)
    assert localtime.to_local(moment) == moment
    assert localtime.to_local(moment).utcoffset() == timedelta(0)


def test_local_zone_is_none_rather_than_a_zone_that_fails(tz_utc_plus_24: None) -> None:
    zone = localtime.local_zone()
    if zone is not None:
        datetime.now(zone)  # whatever it returns must work


def test_pause_until_under_tz_utc_plus_24_has_no_traceback(xdg_dirs: object) -> None:
    env = {**os.environ, "TZ": "UTC+24"}
    result = subprocess.run(
        [sys.executable, "-m", "standup", "pause", "--until", "12:30"],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
    )
    assert result.returncode == 3, result.stderr  # no daemon: "not running", not a ValueError
    assert "Traceback" not in result.stderr
    assert "using UTC" in result.stderr


def test_run_under_tz_utc_plus_24_starts_and_answers(xdg_dirs: object) -> None:
    env = {**os.environ, "TZ": "UTC+24", "STANDUP_NOTIFICATIONS__BACKEND": "log"}
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    daemon = subprocess.Popen(
        [sys.executable, "-m", "standup", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 15
        status = None
        while time.monotonic() < deadline and daemon.poll() is None:
            status = subprocess.run(
                [sys.executable, "-m", "standup", "status", "--json"],
                capture_output=True,
                text=True,
                timeout=30,
                env=env,
            )
            if status.returncode == 0:
                break
            time.sleep(0.1)
        assert daemon.poll() is None, daemon.communicate()[1]
        assert status is not None and status.returncode == 0, status
        assert json.loads(status.stdout)["now"].endswith("+00:00")
    finally:
        daemon.terminate()
        _out, err = daemon.communicate(timeout=10)
    assert "Traceback" not in err
    assert "using UTC" in err
