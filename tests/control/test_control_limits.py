"""Limits that keep one client from starving the others: output it does not read, and the
connection slots."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from standup.control.client import request
from standup.control.conns import OUTPUT_CAP
from standup.control.server import ControlServer

DEADLINE = 5.0
ARG = "x" * 30_000  # echoed back: each reply is as large as its request


@pytest.fixture
def sock_path() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="sl", dir="/tmp"))
    yield base / "run" / "control.sock"
    shutil.rmtree(base, ignore_errors=True)


def echo(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
    return {"args": args}


def unsent(server: ControlServer) -> int:
    return sum(len(c.outbuf) for c in list(server._conns.values()))


def test_a_client_that_does_not_read_is_not_read_either(
    sock_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    count = 400  # 12 MB of replies: far more than the cap and the kernel's buffers
    lines = b"".join(
        json.dumps({"v": 1, "cmd": "echo", "args": {"i": i, "x": ARG}}).encode() + b"\n"
        for i in range(count)
    )
    server = ControlServer(sock_path, echo, {"echo"}, idle_timeout=DEADLINE)
    with server, socket.socket(socket.AF_UNIX) as client:
        client.settimeout(DEADLINE)
        client.connect(str(sock_path))
        sender = threading.Thread(target=client.sendall, args=(lines,), daemon=True)
        sender.start()
        most = 0
        for _ in range(50):  # 0.5 s of a client that only writes
            most = max(most, unsent(server))
            time.sleep(0.01)
        assert sender.is_alive(), "the server must stop reading, so the sender blocks"
        assert most <= OUTPUT_CAP + 64 * 1024, f"{most} bytes queued for a client"
        # Once it reads, every request it sent is answered, in order.
        reader = client.makefile("rb")
        for i in range(count):
            assert json.loads(reader.readline())["result"]["args"]["i"] == i
        sender.join(DEADLINE)
    warnings = [r for r in caplog.records if "not reading its replies" in r.getMessage()]
    assert len(warnings) == 1


def test_a_client_that_never_reads_is_closed_by_the_idle_timeout(sock_path: Path) -> None:
    line = json.dumps({"v": 1, "cmd": "echo", "args": {"x": ARG}}).encode() + b"\n"
    with ControlServer(sock_path, echo, {"echo"}, idle_timeout=0.5) as server:
        with socket.socket(socket.AF_UNIX) as client:
            client.setblocking(False)
            client.connect(str(sock_path))
            began = time.monotonic()
            while time.monotonic() - began < 2.0:
                try:
                    client.send(line)
                except BlockingIOError:
                    time.sleep(0.01)
                except (BrokenPipeError, ConnectionResetError):
                    break  # closed by the server, as it should be
            else:
                pytest.fail("a client that never reads was kept open")
        assert not server._conns
        assert unsent(server) == 0


def test_busy_clients_holding_every_slot_do_not_lock_out_a_newcomer(
    sock_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Clients that ping often enough never time out; a newcomer must still get a slot (item 6)."""
    server = ControlServer(sock_path, echo, {"echo"}, max_clients=8)  # idle timeout 5 s: never
    server.start()
    stop = threading.Event()

    def hog() -> None:  # what the audit ran, 600 times over: ping every so often, reconnect
        while not stop.is_set():
            with contextlib.suppress(OSError), socket.socket(socket.AF_UNIX) as s:
                s.settimeout(DEADLINE)
                s.connect(str(sock_path))
                while not stop.wait(0.1):
                    s.sendall(b'{"v":1,"cmd":"ping"}\n')
                    if not s.recv(4096):
                        break

    hogs = [threading.Thread(target=hog, daemon=True) for _ in range(12)]
    for thread in hogs:
        thread.start()
    try:
        time.sleep(0.3)  # every slot taken
        for _ in range(5):
            started = time.monotonic()
            assert request("ping", path=sock_path, timeout=2.0) == {"pid": os.getpid()}
            assert time.monotonic() - started < 1.0
    finally:
        stop.set()
        for thread in hogs:
            thread.join(DEADLINE)
        server.stop()
    full = [r for r in caplog.records if "the most allowed" in r.getMessage()]
    assert len(full) == 1, "logged once, not once per newcomer"
