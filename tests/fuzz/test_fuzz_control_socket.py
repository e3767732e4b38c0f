"""Hostile input on the control socket of a real ControlServer, in-process.

Every exchange must end within a bounded time with well-formed reply lines or a closed
connection, and the server must still answer `ping` afterwards.
"""

from __future__ import annotations

import json
import socket
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from standup.control.client import ping
from standup.control.protocol import ERROR_CODES, MAX_LINE, RequestError, decode_reply
from standup.control.server import ControlServer
from standup.daemon.commands import COMMANDS

# The fuzzers run in the full suite (CI), bounded there; the fast lane leaves them out.
pytestmark = pytest.mark.slow

EXCHANGE_LIMIT = 3.0  # seconds for one exchange; the idle timeout below is 1 s
FUZZ = settings(
    max_examples=100,
    deadline=None,  # bounded by EXCHANGE_LIMIT instead: socket timing is noisy in CI
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def handler(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
    """Stands in for the daemon: refuses odd arguments the way it does, echoes the rest."""
    if any(not isinstance(v, int | float | str | None) for v in args.values()):
        raise RequestError("bad argument")
    return {"cmd": cmd, "args": args}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ControlServer]:
    path = tmp_path_factory.mktemp("fuzz") / "run" / "control.sock"
    with ControlServer(path, handler, COMMANDS, idle_timeout=1.0, max_clients=64) as srv:
        yield srv


def exchange(path: Path, payload: bytes, *, hang_up: bool = True) -> list[bytes]:
    """Send payload (then EOF), read to the end; every line must be a well-formed reply."""
    began = time.monotonic()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(EXCHANGE_LIMIT)
        sock.connect(str(path))
        try:
            sock.sendall(payload)
            if hang_up:
                sock.shutdown(socket.SHUT_WR)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server refused and hung up first; what it sent is still readable
        data = bytearray()
        while True:
            try:
                chunk = sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
    assert time.monotonic() - began < EXCHANGE_LIMIT
    lines = bytes(data).split(b"\n")
    assert lines[-1] == b"", "a reply must end with a newline"
    for line in lines[:-1]:
        reply = decode_reply(line)
        assert reply.ok or reply.code in ERROR_CODES
    return lines[:-1]


def answers_ping(path: Path) -> bool:
    return ping(path, timeout=2.0) is not None


json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=20,
)
requests = st.fixed_dictionaries(
    {},
    optional={
        "v": st.sampled_from([1, 1.0, 2, "1", True, None]) | json_values,
        "cmd": st.sampled_from([*COMMANDS, "ping", "", "PING"]) | json_values,
        "args": st.dictionaries(st.sampled_from(["duration", "until", "x"]), json_values)
        | json_values,
        # Past, far future, and wrong types: a deadline must never break an exchange.
        "deadline": st.floats(allow_nan=True) | st.integers() | json_values,
    },
)


@FUZZ
@given(payload=st.binary(max_size=2048))
def test_random_bytes(server: ControlServer, payload: bytes) -> None:
    exchange(server.path, payload)
    assert answers_ping(server.path)


@FUZZ
@given(objects=st.lists(requests, min_size=1, max_size=4), partial=st.booleans())
def test_requests_with_wrong_types(server: ControlServer, objects: list, partial: bool) -> None:
    lines = [json.dumps(o).encode() for o in objects]
    payload = b"\n".join(lines) + (b"" if partial else b"\n")  # partial: the last line unended
    replies = exchange(server.path, payload)
    assert 1 <= len(replies) <= len(objects)
    assert answers_ping(server.path)


@settings(FUZZ, max_examples=4)  # each one waits out the 1 s idle timeout
@given(payloads=st.lists(st.binary(max_size=512), min_size=1, max_size=30))
def test_partial_lines_then_silence_are_dropped(server: ControlServer, payloads: list) -> None:
    """Clients that never finish their line nor hang up are closed by the idle timeout."""
    socks = []
    try:
        for payload in payloads:
            sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            socks.append(sock)
            sock.settimeout(EXCHANGE_LIMIT)
            sock.connect(str(server.path))
            sock.sendall(payload.replace(b"\n", b""))
        for sock in socks:
            assert sock.recv(65536) == b""  # closed by the server, silently
    finally:
        for sock in socks:
            sock.close()
    assert answers_ping(server.path)


def test_huge_lines_are_refused_without_buffering_them(server: ControlServer) -> None:
    big = json.dumps({"v": 1, "cmd": "status", "args": {"x": "a" * 1_000_000}}).encode()
    [reply] = exchange(server.path, big + b"\n")
    assert decode_reply(reply).code == "too_large"
    [reply] = exchange(server.path, b"[" * (MAX_LINE + 10))
    assert decode_reply(reply).code == "too_large"
    assert answers_ping(server.path)


def test_moderately_deep_json_is_answered(server: ControlServer) -> None:
    deep = b'{"v":1,"cmd":"status","args":{"x":' + b"[" * 500 + b"]" * 500 + b"}}\n"
    [reply] = exchange(server.path, deep)
    assert decode_reply(reply).code == "bad_args"


def test_very_deep_json_gets_a_bad_json_reply(server: ControlServer) -> None:
    deep = b'{"v":1,"cmd":"status","args":' + b"[" * 60_000 + b"}\n"
    began = time.monotonic()
    replies = exchange(server.path, deep, hang_up=False)
    assert time.monotonic() - began < 0.5
    assert [decode_reply(r).code for r in replies] == ["bad_json"]


def test_many_idle_connections_do_not_lock_out_a_client(tmp_path: Path) -> None:
    with ControlServer(tmp_path / "control.sock", handler, COMMANDS) as server:
        idle = []
        try:
            for _ in range(400):
                sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                sock.connect(str(server.path))
                idle.append(sock)
            began = time.monotonic()
            assert answers_ping(server.path)
            assert time.monotonic() - began < 1.0
        finally:
            for sock in idle:
                sock.close()
        assert answers_ping(server.path)


def test_memory_stays_bounded_across_hostile_clients(server: ControlServer) -> None:
    payloads = [
        b"\xff" * 1000 + b"\n",
        b'{"v":1,"cmd":"status","args":{"x":"' + b"a" * 60_000 + b'"}}\n',
        b"a" * (MAX_LINE + 100),
        b'{"v":1,"cmd":"done"}\n' * 50,
        b'{"v":1,"cmd":"snooze","args":{"duration":[1,2,3]}}',
    ]
    for payload in payloads:  # warm up caches before measuring
        exchange(server.path, payload)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(40):
            for payload in payloads:
                exchange(server.path, payload)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 1_000_000, f"{grown} bytes kept after 200 hostile exchanges"
    assert answers_ping(server.path)
