"""`standup status --follow`: a line at once, one per change or minute shown, a `stopped`
line when the daemon goes, and back when it returns. Unit tests with a fed clock; one end to
end with a real daemon, a real follower process and a restart."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from standup.cli.client import follow_format
from standup.cli.follow import follow
from standup.errors import DaemonNotRunning

from rig import start_standup, stop_standup, wait_until

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def status(state: str = "sitting", sat: int | None = 300, **more: Any) -> dict[str, Any]:
    return {
        "state": state,
        "now": NOW.isoformat(),
        "sitting_seconds": sat,
        "interval_seconds": 3000,
        "next_reminder_at": "2026-03-02T10:45:00+00:00",
        **more,
    }


class Ended(Exception):
    """Ends the endless loop in a test."""


class FakeFeed:
    """Pushes `pushes` at the given clock times; between them time passes as asked."""

    def __init__(self, clock: list[float], first: dict[str, Any], pushes: list[Any]) -> None:
        self.clock, self.first, self.pushes = clock, first, list(pushes)

    def next(self, timeout: float | None) -> dict[str, Any] | None:
        if self.pushes and (timeout is None or self.clock[0] + timeout >= self.pushes[0][0]):
            at, news = self.pushes.pop(0)
            self.clock[0] = at
            if isinstance(news, BaseException):
                raise news
            return news
        if timeout is None:
            raise Ended
        self.clock[0] += timeout
        return None

    def __enter__(self) -> FakeFeed:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


def run(fmt: str, feeds: list[Any], until: float = 1e9) -> tuple[list[str], list[float]]:
    """follow() over `feeds` (a FakeFeed or an exception per connection attempt)."""
    clock = [0.0]
    out = io.StringIO()
    waits: list[float] = []
    attempts = iter(feeds)

    def subscribe(path: Path | None) -> FakeFeed:
        item = next(attempts, Ended())
        if isinstance(item, BaseException):
            raise item
        item.clock = clock
        return item

    def wait(path: Path | None, timeout: float) -> None:
        waits.append(timeout)

    def monotonic() -> float:
        if clock[0] > until:
            raise Ended
        return clock[0]

    with pytest.raises(Ended):
        follow(follow_format(fmt), out, subscribe=subscribe, wait_for_socket=wait, clock=monotonic)
    return out.getvalue().splitlines(), waits


def test_a_line_at_once_then_one_for_each_minute_sat_and_each_change() -> None:
    first = status(sat=330)  # 5 min 30 s
    feed = FakeFeed([0.0], first, [(100.0, status("snoozed", sat=430))])
    lines, _ = run("waybar", [feed], until=200)
    texts = [json.loads(line)["text"] for line in lines]
    classes = [json.loads(line)["class"] for line in lines]
    # 5m at once, 6m 30 s later, 7m at 90 s, the push at 100 s (7m 10 s, snoozed), 8m at 150 s.
    assert texts == ["5m", "6m", "7m", "7m", "8m"]
    assert classes == ["sitting", "sitting", "sitting", "snoozed", "snoozed"]


def test_away_prints_once_and_waits_without_a_timer() -> None:
    feed = FakeFeed([0.0], status("away", sat=None), [])
    lines, _ = run("text", [feed])
    assert lines == ["Away from the desk: the next sitting stretch starts when you are back."]


def test_the_json_lines_are_whole_statuses_one_a_line() -> None:
    feed = FakeFeed([0.0], status(sat=0), [])
    lines, _ = run("json", [feed], until=61)
    assert [json.loads(line)["sitting_seconds"] for line in lines] == [0, 60]
    assert json.loads(lines[1])["now"] == "2026-03-02T10:01:00+00:00"


def test_stopped_once_then_back_when_the_daemon_returns() -> None:
    gone = ConnectionResetError("closed")
    feeds = [
        FakeFeed([0.0], status(sat=0), [(10.0, gone)]),
        DaemonNotRunning("not running"),
        DaemonNotRunning("not running"),
        FakeFeed([0.0], status("paused", sat=None, paused_until=None), []),
    ]
    lines, waits = run("waybar", feeds, until=1000)
    classes = [json.loads(line)["class"] for line in lines]
    assert classes == ["sitting", "stopped", "paused"]  # "stopped" once, not per attempt
    assert json.loads(lines[1])["text"] == "off"
    assert waits == [30.0, 30.0]  # watched for the socket, at most 30 s each


def test_a_daemon_that_does_not_answer_is_asked_again_less_and_less_often() -> None:
    from standup.control.client import ControlError

    stuck = ControlError("standup did not answer 'status' within 5 s")
    lines, waits = run("text", [stuck, stuck, stuck, FakeFeed([0.0], status("away"), [])])
    assert lines[0].startswith("standup: standup did not answer")
    assert lines[-1].startswith("Away from the desk")
    assert waits == [1.0, 2.0, 4.0]


# ---- end to end ------------------------------------------------------------------------------


@pytest.fixture
def env(xdg_dirs) -> dict[str, str]:
    import os

    return {
        **os.environ,
        "STANDUP_NOTIFICATIONS__BACKEND": "log",
        "STANDUP_IDLE__SOURCE": "none",
        "STANDUP_BUSY__DO_NOT_DISTURB": "false",
        "STANDUP_BUSY__FULLSCREEN": "false",
        "STANDUP_BUSY__MICROPHONE": "false",
        "STANDUP_BUSY__CAMERA": "false",
    }


class Lines:
    """The follower's output lines, read on a thread as they come."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[dict[str, Any]] = []
        assert proc.stdout is not None
        stdout = proc.stdout
        thread = threading.Thread(
            target=lambda: self.lines.extend(json.loads(x) for x in stdout), daemon=True
        )
        self._thread = thread
        thread.start()

    def classes(self) -> list[str]:
        return [line["class"] for line in self.lines]


@pytest.fixture
def follower(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], Lines]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "standup", "status", "--waybar", "--follow"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    yield proc, Lines(proc)
    proc.kill()
    proc.communicate(timeout=10)


@pytest.mark.slow
def test_a_real_follower_sees_changes_the_stop_and_the_return(
    env: dict[str, str], follower: tuple[subprocess.Popen[str], Lines]
) -> None:
    proc, out = follower
    wait_until(lambda: out.classes() == ["stopped"], timeout=10)  # no daemon yet
    daemon = start_standup(env)
    try:
        wait_until(lambda: out.classes()[-1:] == ["sitting"], timeout=10)  # the socket appeared
        subprocess.run([sys.executable, "-m", "standup", "pause", "1h"], env=env, check=True,
                       capture_output=True, timeout=30)  # fmt: skip
        wait_until(lambda: out.classes()[-1:] == ["paused"], timeout=5)
    finally:
        code, _log = stop_standup(daemon)
    assert code == 0
    wait_until(lambda: out.classes()[-1:] == ["stopped"], timeout=5)
    daemon = start_standup(env)
    try:
        wait_until(lambda: out.classes()[-1:] == ["paused"], timeout=10)  # the pause was kept
    finally:
        stop_standup(daemon)
    wait_until(lambda: len(out.classes()) == 6, timeout=5)
    assert out.classes() == ["stopped", "sitting", "paused", "stopped", "paused", "stopped"]
    assert proc.poll() is None  # it goes on until stopped
