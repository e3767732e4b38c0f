"""The status feed over a real Unix socket: followers get what is published, are not dropped
for being quiet, cost nothing while absent, and one that does not read is bounded."""

from __future__ import annotations

import json
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from standup.control.client import request, subscribe
from standup.control.conns import OUTPUT_CAP
from standup.control.protocol import encode_request, encode_result
from standup.control.server import ControlServer

from rig import wait_until

STATUS = {"state": "sitting", "n": 0}


@pytest.fixture
def sock_path() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="sf", dir="/tmp"))  # AF_UNIX paths are short
    yield base / "run" / "control.sock"
    shutil.rmtree(base, ignore_errors=True)


def handler(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
    assert cmd == "status"
    return dict(STATUS)


@pytest.fixture
def server(sock_path: Path) -> Iterator[ControlServer]:
    srv = ControlServer(sock_path, handler, {"status"}, idle_timeout=0.3, followable={"status"})
    srv.start()
    yield srv
    srv.stop()


def line(n: int, pad: int = 0) -> bytes:
    return encode_result({"state": "snoozed", "n": n, "pad": "x" * pad})


def test_a_follower_gets_the_status_then_each_line_published(
    server: ControlServer, sock_path: Path
) -> None:
    with subscribe(sock_path) as feed:
        assert feed.first == STATUS
        wait_until(lambda: server.feed.active)
        server.feed.publish(line(1))
        server.feed.publish(line(2))  # published before the first was handed out: the newest
        got = feed.next(timeout=5)
        assert got is not None and got["n"] in (1, 2)
        if got["n"] == 1:
            got = feed.next(timeout=5)
        assert got is not None and got["n"] == 2
        assert feed.next(timeout=0.2) is None  # nothing more was published


def test_a_quiet_follower_outlives_the_idle_timeout_and_others_do_not_see_the_feed(
    server: ControlServer, sock_path: Path
) -> None:
    with subscribe(sock_path) as feed:
        wait_until(lambda: server.feed.active)
        assert feed.next(timeout=1.0) is None  # three idle timeouts, not dropped
        assert request("status", path=sock_path) == STATUS  # a plain status is unaffected
        server.feed.publish(line(7))
        got = feed.next(timeout=5)
        assert got is not None and got["n"] == 7


def test_a_status_without_follow_does_not_subscribe(server: ControlServer, sock_path: Path) -> None:
    request("status", path=sock_path)
    assert not server.feed.active


def test_a_follower_that_hangs_up_is_forgotten(server: ControlServer, sock_path: Path) -> None:
    feed = subscribe(sock_path)
    wait_until(lambda: server.feed.active)
    feed.close()
    server.feed.publish(line(1))  # the write finds it gone
    wait_until(lambda: not server.feed.active)


def test_a_follower_that_does_not_read_is_bounded_and_then_gets_the_newest(
    server: ControlServer, sock_path: Path
) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(str(sock_path))
    sock.sendall(encode_request("status", {"follow": True}))
    wait_until(lambda: server.feed.active)
    conn = next(iter(server._conns.values()))
    big = 64 * 1024
    for n in range(1, 60):  # ~3.8 MB published at a reader that reads nothing
        server.feed.publish(line(n, big))
        wait_until(lambda: server.feed._pending is None)
    assert len(conn.outbuf) < OUTPUT_CAP + big + 1024
    assert conn.behind
    # Now it reads everything: whatever it was sent, the last line is the newest status.
    sock.settimeout(5)
    data = bytearray()
    while True:
        data += sock.recv(1 << 20)
        lines = data.split(b"\n")
        if len(lines) > 1 and lines[-2] and json.loads(lines[-2])["result"].get("n") == 59:
            break
    sock.close()
