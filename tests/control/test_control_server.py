"""The control server and client over a real Unix socket."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from standup.control.client import ControlError, ping, request
from standup.control.protocol import RequestError
from standup.control.server import ControlServer
from standup.errors import AlreadyRunning, DaemonNotRunning, StandupError

DEADLINE = 5.0


@pytest.fixture
def sock_path() -> Iterator[Path]:
    # pytest's tmp_path can exceed the 108-byte limit of AF_UNIX addresses; keep it short.
    base = Path(tempfile.mkdtemp(prefix="sc", dir="/tmp"))
    yield base / "run" / "control.sock"
    shutil.rmtree(base, ignore_errors=True)


def handler(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
    if cmd == "echo":
        return {"args": args}
    if cmd == "refuse":
        raise RequestError("duration must look like 10m, got 'soon'")
    if cmd == "crash":
        raise RuntimeError("kaboom")
    if cmd == "nondict":
        return ["not", "a", "dict"]  # type: ignore[return-value]
    raise AssertionError(cmd)


COMMANDS = {"echo", "refuse", "crash", "nondict"}


@pytest.fixture
def make_server(sock_path: Path) -> Iterator[Callable[..., ControlServer]]:
    servers: list[ControlServer] = []

    def make(**kwargs: Any) -> ControlServer:
        server = ControlServer(sock_path, handler, COMMANDS, **kwargs)
        servers.append(server)
        server.start()
        return server

    yield make
    for server in servers:
        server.stop()


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def raw(path: Path, data: bytes, timeout: float = DEADLINE) -> dict[str, Any]:
    """Send bytes as they are and read one reply line."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        s.connect(str(path))
        # The server may reply and close before reading everything we send.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            s.sendall(data)
        reply = b""
        while not reply.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            reply += chunk
        return json.loads(reply)


def assert_serving(path: Path) -> None:
    assert request("ping", path=path, timeout=DEADLINE) == {"pid": os.getpid()}


# -- basics ------------------------------------------------------------------------------------


def test_private_directory_and_socket(make_server: Callable[..., ControlServer], sock_path: Path):
    make_server()
    assert stat.S_IMODE(sock_path.parent.stat().st_mode) == 0o700
    st = os.lstat(sock_path)
    assert stat.S_ISSOCK(st.st_mode)
    assert stat.S_IMODE(st.st_mode) == 0o600


def test_wider_directory_is_tightened(make_server: Callable[..., ControlServer], sock_path: Path):
    sock_path.parent.mkdir(mode=0o755)
    sock_path.parent.chmod(0o755)
    make_server()
    assert stat.S_IMODE(sock_path.parent.stat().st_mode) == 0o700


@pytest.mark.skipif(os.geteuid() != 0, reason="needs root to give the directory away")
def test_directory_owned_by_someone_else_is_refused(sock_path: Path) -> None:
    sock_path.parent.mkdir(mode=0o700)
    os.chown(sock_path.parent, 65534, 65534)
    with pytest.raises(StandupError, match="belongs to uid 65534"):
        ControlServer(sock_path, handler, COMMANDS).start()


def test_ping_echo_and_stop(make_server: Callable[..., ControlServer], sock_path: Path) -> None:
    server = make_server()
    assert_serving(sock_path)
    assert ping(sock_path) == os.getpid()
    assert request("echo", {"x": [1, "ü"]}, path=sock_path) == {"args": {"x": [1, "ü"]}}
    server.stop()
    assert not sock_path.exists()
    server.stop()  # twice is fine
    with pytest.raises(DaemonNotRunning):
        request("ping", path=sock_path)


def test_several_requests_on_one_connection(make_server, sock_path: Path) -> None:
    make_server()
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(DEADLINE)
        s.connect(str(sock_path))
        s.sendall(b'{"v":1,"cmd":"echo","args":{"n":1}}\n{"v":1,"cmd":"echo","args":{"n":2}}\n')
        data = b""
        while data.count(b"\n") < 2:
            data += s.recv(4096)
    first, second = (json.loads(x) for x in data.splitlines())
    assert first["result"] == {"args": {"n": 1}} and second["result"] == {"args": {"n": 2}}


def test_last_request_without_newline_is_answered(make_server, sock_path: Path) -> None:
    make_server()
    with socket.socket(socket.AF_UNIX) as s:
        s.settimeout(DEADLINE)
        s.connect(str(sock_path))
        s.sendall(b'{"v":1,"cmd":"ping"}')
        s.shutdown(socket.SHUT_WR)
        assert json.loads(s.recv(4096))["result"] == {"pid": os.getpid()}


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"\x00\xff\xfe garbage \x81\n", "bad_json"),
        (b"{not json\n", "bad_json"),
        (b'"just a string"\n', "bad_json"),
        (b"x" * (70 * 1024), "too_large"),
        (b"y" * (70 * 1024) + b"\n", "too_large"),
        (b'{"v":1,"cmd":"launch"}\n', "unknown_command"),
        (b'{"v":1}\n', "unknown_command"),
        (b'{"v":9,"cmd":"ping"}\n', "bad_version"),
        (b'{"v":1,"cmd":"echo","args":"x"}\n', "bad_args"),
    ],
)
def test_bad_input_gets_an_error_and_the_server_keeps_serving(
    make_server, sock_path: Path, data: bytes, code: str
) -> None:
    make_server()
    reply = raw(sock_path, data)
    assert reply["v"] == 1 and reply["ok"] is False
    assert reply["code"] == code
    assert reply["error"]
    assert_serving(sock_path)


def test_handler_errors(make_server, sock_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    make_server()
    with pytest.raises(ControlError, match="must look like 10m") as refused:
        request("refuse", path=sock_path)
    assert refused.value.code == "bad_args"
    assert refused.value.exit_code == 1
    with pytest.raises(ControlError, match="crash failed: kaboom") as crashed:
        request("crash", path=sock_path)
    assert crashed.value.code == "failed"
    assert "Traceback" in caplog.text and "kaboom" in caplog.text
    with pytest.raises(ControlError, match="not a dict"):
        request("nondict", path=sock_path)
    assert_serving(sock_path)


def test_other_uid_is_forbidden(make_server, sock_path: Path) -> None:
    make_server(allowed_uid=os.getuid() + 1)
    with pytest.raises(ControlError) as info:
        request("ping", path=sock_path)
    assert info.value.code == "forbidden"


# -- timeouts and load -------------------------------------------------------------------------


def test_silent_client_is_dropped_while_others_are_served(make_server, sock_path: Path) -> None:
    make_server(idle_timeout=0.3)
    with socket.socket(socket.AF_UNIX) as silent:
        silent.settimeout(DEADLINE)
        silent.connect(str(sock_path))
        connected = time.monotonic()
        assert_serving(sock_path)  # answered while the silent one holds a connection
        assert time.monotonic() - connected < 0.3
        assert silent.recv(1) == b""  # dropped: EOF without a reply
        assert time.monotonic() - connected >= 0.29


def test_no_timer_while_no_client_is_connected(make_server, sock_path: Path) -> None:
    server = make_server()
    timeouts: list[float | None] = []
    selector = server._selector
    assert selector is not None
    real_select = selector.select

    def recording_select(timeout: float | None = None):  # type: ignore[no-untyped-def]
        timeouts.append(timeout)
        return real_select(timeout)

    selector.select = recording_select  # type: ignore[method-assign]
    assert_serving(sock_path)  # wakes the loop so the recording select is used
    with socket.socket(socket.AF_UNIX) as s:
        s.connect(str(sock_path))
        wait_for(lambda: any(t is not None for t in timeouts), "a deadline while connected")
    wait_for(lambda: not server._conns and timeouts[-1] is None, "an unbounded wait")


def test_200_concurrent_clients_are_all_answered(make_server, sock_path: Path) -> None:
    make_server()
    clients = []
    try:
        for _ in range(200):
            s = socket.socket(socket.AF_UNIX)
            s.settimeout(DEADLINE)
            s.connect(str(sock_path))
            clients.append(s)
        for i, s in enumerate(clients):
            s.sendall(b'{"v":1,"cmd":"echo","args":{"i":%d}}\n' % i)
        for i, s in enumerate(clients):
            data = b""
            while not data.endswith(b"\n"):
                data += s.recv(4096)
            assert json.loads(data)["result"] == {"args": {"i": i}}
    finally:
        for s in clients:
            s.close()
    assert_serving(sock_path)


# -- single instance ---------------------------------------------------------------------------


def test_stale_socket_is_taken_over(make_server, sock_path: Path) -> None:
    sock_path.parent.mkdir(mode=0o700)
    dead = socket.socket(socket.AF_UNIX)
    dead.bind(str(sock_path))
    dead.close()  # what a crashed daemon leaves behind
    with pytest.raises(DaemonNotRunning):
        request("ping", path=sock_path)
    make_server()
    assert_serving(sock_path)


def test_second_server_raises_already_running(make_server, sock_path: Path) -> None:
    first = make_server()
    with pytest.raises(AlreadyRunning, match=rf"already running \(pid {os.getpid()}\)") as info:
        ControlServer(sock_path, handler, COMMANDS).start()
    assert info.value.exit_code == 1 and info.value.hint
    assert_serving(sock_path)  # the loser did not disturb the winner
    first.stop()
    make_server()  # the lock and the socket are free again
    assert_serving(sock_path)


def test_live_socket_without_lock_is_not_stolen(make_server, sock_path: Path) -> None:
    make_server()
    (sock_path.parent / "control.sock.lock").unlink()  # e.g. a daemon from an older release
    with pytest.raises(AlreadyRunning, match="already running"):
        ControlServer(sock_path, handler, COMMANDS).start()
    assert_serving(sock_path)


def test_something_else_at_the_socket_path_is_refused(sock_path: Path) -> None:
    sock_path.parent.mkdir(mode=0o700)
    sock_path.write_text("not a socket")
    with pytest.raises(StandupError, match="not a socket"):
        ControlServer(sock_path, handler, COMMANDS).start()
    assert sock_path.read_text() == "not a socket"


# -- client ------------------------------------------------------------------------------------


def test_client_without_daemon(sock_path: Path) -> None:
    with pytest.raises(DaemonNotRunning) as info:
        request("status", path=sock_path)
    assert info.value.exit_code == 3
    assert "standup run" in info.value.hint
    assert ping(sock_path) is None


def test_client_uses_the_default_path(monkeypatch, make_server, sock_path: Path) -> None:
    monkeypatch.setenv("STANDUP_RUNTIME_DIR", str(sock_path.parent))
    make_server()
    assert request("ping") == {"pid": os.getpid()}


def test_client_times_out_on_a_stuck_daemon(sock_path: Path) -> None:
    sock_path.parent.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX) as stuck:
        stuck.bind(str(sock_path))
        stuck.listen(1)  # accepts connections in the kernel, never answers
        started = time.monotonic()
        with pytest.raises(ControlError, match=r"did not answer 'status' within 0\.2 s"):
            request("status", path=sock_path, timeout=0.2)
        assert time.monotonic() - started < 2


def test_client_imports_no_heavy_modules() -> None:
    code = (
        "import sys, standup.control.client\n"
        "heavy = {'pydantic', 'pydantic_settings', 'apscheduler', 'plyer', 'jeepney', 'sqlite3',"
        " '_sqlite3', 'asyncio', 'ssl'}\n"
        "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n"
        "print('standup.control.server' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.split() == ["[]", "False"]  # the server loads only when asked for


def test_200_threads_using_the_client(make_server, sock_path: Path) -> None:
    make_server()
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda i: request("echo", {"i": i}, path=sock_path), range(200)))
    assert results == [{"args": {"i": i}} for i in range(200)]


def test_client_gives_up_on_a_full_backlog(sock_path: Path) -> None:
    sock_path.parent.mkdir(mode=0o700)
    with socket.socket(socket.AF_UNIX) as stuck:
        stuck.bind(str(sock_path))
        stuck.listen(0)
        fillers = []
        try:
            while True:  # fill the backlog of a daemon that never accepts
                s = socket.socket(socket.AF_UNIX)
                s.setblocking(False)
                fillers.append(s)
                try:
                    s.connect(str(sock_path))
                except BlockingIOError:
                    break
            with pytest.raises(ControlError, match="did not accept a connection"):
                request("status", path=sock_path, timeout=0.2)
        finally:
            for s in fillers:
                s.close()
