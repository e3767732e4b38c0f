"""A reload longer than a status may hold the socket is answered "under way"; the socket keeps
answering meanwhile, and the reload's end shows in the status (issue 19, item 7)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from standup.control.client import exchange, request
from standup.daemon import commands
from standup.daemon.commands import CommandHandler

from rig import wait_until
from slow_daemon import SlowDaemon

REPLY_WAIT = 0.3  # the daemon's wait before "under way", shortened for the test


class ReloadingDaemon(SlowDaemon):
    """A daemon whose reload runs until the test lets it end."""

    def __init__(self) -> None:
        super().__init__()
        self.last_status = {"fed": 0}
        self.finish = threading.Event()
        self.reloaded = 0

    def reload(self) -> str:
        self.finish.wait(10)
        self.reloaded += 1
        return "config reloaded"


@pytest.fixture
def daemon(sock_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[ReloadingDaemon]:
    monkeypatch.setattr(commands, "RELOAD_REPLY_WAIT", REPLY_WAIT)
    daemon = ReloadingDaemon()
    handler = CommandHandler(daemon)  # type: ignore[arg-type]
    handler.start_server(sock_path)
    try:
        yield daemon
    finally:
        daemon.finish.set()
        daemon.hold.set()
        handler.stop_server()


def _last_reload(path: Path) -> dict | None:
    return request("status", path=path)["last_reload"]


def test_a_long_reload_is_answered_under_way_and_its_end_shows_in_the_status(
    daemon: ReloadingDaemon,
    sock_path: Path,
) -> None:
    asked = time.monotonic()
    reply = exchange("reload", path=sock_path, timeout=30)
    assert time.monotonic() - asked < REPLY_WAIT + 0.5
    assert reply["under_way"] is True and reply["reload_id"] == 1
    asked = time.monotonic()
    status = request("status", path=sock_path)
    assert time.monotonic() - asked < 0.5  # the worker is in the reload: no wait for it
    assert status["stale"] is True
    assert status["last_reload"] == {"id": 1, "state": "running", "message": "", "code": None}
    daemon.finish.set()
    done = {"id": 1, "state": "done", "message": "config reloaded", "code": None}
    wait_until(lambda: _last_reload(sock_path) == done)
    assert "stale" not in request("status", path=sock_path)


def test_a_reload_that_ends_in_time_is_answered_with_its_outcome(
    daemon: ReloadingDaemon,
    sock_path: Path,
) -> None:
    daemon.finish.set()
    reply = request("reload", path=sock_path)
    assert reply["message"] == "config reloaded" and reply["reload_id"] == 1
    assert reply["status"]["last_reload"]["state"] == "done"


def test_a_reload_its_client_gave_up_on_never_starts(
    daemon: ReloadingDaemon,
    sock_path: Path,
) -> None:
    daemon.hold.clear()  # the worker is stuck (a notification server that does not answer)
    daemon.finish.set()
    client_wait = REPLY_WAIT + 0.5
    reply = exchange("reload", path=sock_path, timeout=client_wait)
    assert reply["under_way"] is True
    time.sleep(client_wait)  # past the client's deadline
    daemon.hold.set()
    failed = wait_until(lambda: _last_reload(sock_path))
    assert failed["state"] == "failed" and failed["code"] == "expired"
    assert daemon.reloaded == 0
