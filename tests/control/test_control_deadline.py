"""A request its client gave up on is not carried out (issue 12, item 5).

The client puts its give-up time in the request; the server checks it (and whether the client
hung up) before the handler runs, and the daemon's handler again on its worker, just before
the command starts.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from standup import core
from standup.control.client import ControlError, request
from standup.control.server import ControlServer
from standup.daemon.commands import COMMANDS, CommandHandler

from slow_daemon import SlowDaemon

DEADLINE = 5.0


def raw_reply(path: Path, payload: bytes) -> dict[str, Any]:
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(DEADLINE)
        s.connect(str(path))
        s.sendall(payload)
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(4096)
            assert chunk, "closed without a reply"
            data += chunk
    return json.loads(data)


def test_the_client_sends_its_give_up_time(sock_path: Path) -> None:
    sock_path.parent.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX) as listener:
        listener.bind(str(sock_path))
        listener.listen(1)
        seen: list[bytes] = []

        def serve() -> None:
            conn, _ = listener.accept()
            with conn:
                seen.append(conn.recv(4096))
                conn.sendall(b'{"v":1,"ok":true,"result":{}}\n')

        thread = threading.Thread(target=serve)
        thread.start()
        before = time.monotonic()
        request("status", path=sock_path, timeout=2.0)
        thread.join(DEADLINE)
    deadline = json.loads(seen[0])["deadline"]
    assert before + 2.0 <= deadline + 1e-6 <= time.monotonic() + 2.0 + 1e-6


def test_a_request_past_its_deadline_is_not_handled(sock_path: Path) -> None:
    handled: list[str] = []
    with ControlServer(sock_path, lambda cmd, args: handled.append(cmd) or {}, {"skip"}):
        past = time.monotonic() - 0.5
        reply = raw_reply(sock_path, b'{"v":1,"cmd":"skip","deadline":%f}\n' % past)
        assert reply["code"] == "expired" and "nothing was done" in reply["error"]
        future = time.monotonic() + 5
        assert raw_reply(sock_path, b'{"v":1,"cmd":"skip","deadline":%f}\n' % future)["ok"]
    assert handled == ["skip"]


def test_a_request_whose_client_hung_up_is_not_handled(sock_path: Path) -> None:
    """While the handler is slow, a client sends `done` and hangs up: it must not be done."""
    release = threading.Event()
    handled: list[Any] = []

    def slow(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        handled.append(args.get("n"))
        release.wait(DEADLINE)
        return {}

    with ControlServer(sock_path, slow, {"done"}):
        first = threading.Thread(target=raw_reply, args=(sock_path, b'{"v":1,"cmd":"done"}\n'))
        first.start()
        while not handled:
            time.sleep(0.01)
        with socket.socket(socket.AF_UNIX) as gone:
            gone.connect(str(sock_path))
            gone.sendall(b'{"v":1,"cmd":"done","args":{"n":2}}\n')
        release.set()
        first.join(DEADLINE)
        assert raw_reply(sock_path, b'{"v":1,"cmd":"ping"}\n')["ok"]  # the second was read
    assert handled == [None]


def test_a_command_its_client_gave_up_on_is_not_run_by_the_worker(sock_path: Path) -> None:
    daemon = SlowDaemon()
    handler = CommandHandler(daemon)  # type: ignore[arg-type]
    handler.start_server(sock_path)
    try:
        daemon.hold.clear()  # the worker is stuck (a stopped bus call, a slow disk)
        for cmd in ("skip", "done"):
            with pytest.raises(ControlError):
                request(cmd, path=sock_path, timeout=0.3)
        daemon.hold.set()
        assert request("done", path=sock_path) == {"fed": 1, "last_reload": None}  # only this one
    finally:
        handler.stop_server()
    assert [type(e) for e in daemon.fed] == [core.Done]


def test_commands_still_answer_and_run_within_their_deadline(sock_path: Path) -> None:
    daemon = SlowDaemon()
    handler = CommandHandler(daemon)  # type: ignore[arg-type]
    handler.start_server(sock_path)
    try:
        assert set(COMMANDS) >= {"skip", "snooze"}
        assert request("skip", path=sock_path) == {"fed": 1, "last_reload": None}
        assert request("snooze", {"duration": 60}, path=sock_path)["fed"] == 2
    finally:
        handler.stop_server()
