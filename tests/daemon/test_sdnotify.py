"""systemd's notify protocol against a real datagram socket, as systemd would hold it."""

from __future__ import annotations

import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from standup.daemon.sdnotify import sd_notify, watchdog_interval

from rig import start_standup, stop_standup, wait_until


class NotifySocket:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.setblocking(False)
        self.messages: list[str] = []

    def read(self) -> list[str]:
        while True:
            try:
                self.messages.append(self.sock.recv(4096).decode())
            except BlockingIOError:
                return self.messages

    def fields(self) -> list[str]:
        return [field for message in self.read() for field in message.split("\n")]

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def notify_socket(tmp_path: Path) -> Iterator[NotifySocket]:
    ns = NotifySocket(tmp_path / "notify.sock")
    yield ns
    ns.close()


def test_sd_notify_sends_one_datagram(notify_socket: NotifySocket, monkeypatch) -> None:
    monkeypatch.setenv("NOTIFY_SOCKET", str(notify_socket.path))
    assert sd_notify("READY=1", "STATUS=next reminder at 14:50")
    assert notify_socket.read() == ["READY=1\nSTATUS=next reminder at 14:50"]


def test_without_systemd_it_does_nothing(monkeypatch) -> None:
    monkeypatch.delenv("NOTIFY_SOCKET", raising=False)
    assert sd_notify("READY=1") is False
    monkeypatch.setenv("NOTIFY_SOCKET", "/nonexistent/notify.sock")
    assert sd_notify("READY=1") is False  # a dead socket is not an error for the daemon


def test_watchdog_interval_is_half_of_watchdog_usec(monkeypatch) -> None:
    monkeypatch.setenv("WATCHDOG_USEC", "600000000")
    monkeypatch.delenv("WATCHDOG_PID", raising=False)
    assert watchdog_interval() == 300.0
    monkeypatch.setenv("WATCHDOG_PID", "1")  # meant for another process
    assert watchdog_interval() is None
    monkeypatch.delenv("WATCHDOG_USEC")
    assert watchdog_interval() is None


def test_the_daemon_speaks_the_protocol(notify_socket: NotifySocket, xdg_dirs) -> None:
    env = {**os.environ, "NOTIFY_SOCKET": str(notify_socket.path), "WATCHDOG_USEC": "600000"}
    env.update(STANDUP_NOTIFICATIONS__BACKEND="log", STANDUP_IDLE__SOURCE="none")
    env.pop("WATCHDOG_PID", None)
    proc = start_standup(env)
    try:
        fields = wait_until(lambda: "READY=1" in notify_socket.fields() and notify_socket.fields())
        status = next(f for f in fields if f.startswith("STATUS="))
        assert status.startswith("STATUS=next reminder at ")
        # WatchdogSec of 0.6 s: pings every 0.3 s, from the worker thread.
        wait_until(lambda: notify_socket.fields().count("WATCHDOG=1") >= 3, timeout=5)
        proc.send_signal(signal.SIGHUP)
        wait_until(lambda: "RELOADING=1" in notify_socket.fields(), timeout=5)
        # READY=1 follows in its own datagram once the reload is done.
        after = wait_until(lambda: _ready_after_reloading(notify_socket.fields()), timeout=5)
        assert after.index("READY=1") > 0
        assert stop_standup(proc)[0] == 0
        assert "STOPPING=1" in notify_socket.fields()
    finally:
        stop_standup(proc)


def _ready_after_reloading(fields: list[str]) -> list[str] | None:
    """The fields from RELOADING=1 on, once a READY=1 has come after it."""
    tail = fields[fields.index("RELOADING=1") :]
    return tail if "READY=1" in tail else None
