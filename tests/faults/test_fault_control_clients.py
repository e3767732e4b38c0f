"""The control socket of a real `standup run` against clients that misbehave (issue 12).

- item 5: commands sent while the daemon is stopped, whose clients gave up, are not done later;
- item 3: a client that never reads its replies does not grow the daemon's memory;
- item 6: 600 clients that ping every 2 s do not lock `standup status` out.
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from rig import wait_until

STANDUP = [sys.executable, "-m", "standup"]


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*STANDUP, *args], capture_output=True, text=True, timeout=30, env=env)


@pytest.fixture
def env(xdg_dirs) -> dict[str, str]:
    environ = os.environ.copy()
    environ["STANDUP_NOTIFICATIONS__BACKEND"] = "log"
    environ["STANDUP_IDLE__SOURCE"] = "none"
    environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return environ


@pytest.fixture
def daemon(env: dict[str, str]) -> Iterator[subprocess.Popen[str]]:
    proc = subprocess.Popen(
        [*STANDUP, "run"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_until(lambda: cli(env, "status").returncode == 0, timeout=15)
        yield proc
    finally:
        with contextlib.suppress(ProcessLookupError):
            proc.send_signal(signal.SIGCONT)
            proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


def sock_path(env: dict[str, str]) -> str:
    return str(Path(env["XDG_RUNTIME_DIR"]) / "standup" / "control.sock")


def status(env: dict[str, str]) -> dict[str, object]:
    result = cli(env, "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


@pytest.mark.slow  # waits out the clients' deadlines
def test_commands_sent_to_a_stopped_daemon_are_not_done_later(daemon, env) -> None:
    daemon.send_signal(signal.SIGSTOP)
    try:
        commands = [("skip",), ("snooze", "2h"), ("pause", "1h")] + [("done",)] * 5
        with ThreadPoolExecutor(len(commands)) as pool:
            results = list(pool.map(lambda c: cli(env, *c), commands))
        for result in results:  # each told the user it failed
            assert result.returncode == 1 and "did not answer" in result.stderr
    finally:
        daemon.send_signal(signal.SIGCONT)
    info = status(env)  # answered after every request above was read
    assert info["state"] == "sitting"
    assert info["snoozed_until"] is None and info["paused_until"] is None


@pytest.mark.slow  # fills a socket for seconds
def test_a_client_that_never_reads_does_not_grow_the_daemon(daemon, env) -> None:
    # A status request is 30 bytes, its reply about 1.5 KB: replies pile up 50 times as fast.
    line = b'{"v":1,"cmd":"status"}\n' * 100
    before = rss_kib(daemon.pid)
    with socket.socket(socket.AF_UNIX) as client:
        client.setblocking(False)
        client.connect(sock_path(env))
        sent = 0
        began = time.monotonic()
        while time.monotonic() - began < 4.0:
            try:
                sent += client.send(line)
            except BlockingIOError:
                time.sleep(0.005)
            except (BrokenPipeError, ConnectionResetError):
                break
        grown = rss_kib(daemon.pid) - before
    assert grown < 4 * 1024, f"the daemon grew by {grown} KiB for a client that reads nothing"
    assert status(env)["state"] == "sitting"


@pytest.mark.slow
def test_600_clients_pinging_every_2_s_do_not_lock_out_status(daemon, env) -> None:
    path = sock_path(env)
    selector = selectors.DefaultSelector()
    clients: list[socket.socket] = []

    def connect() -> None:
        s = socket.socket(socket.AF_UNIX)
        s.setblocking(False)
        with contextlib.suppress(BlockingIOError):
            s.connect(path)
        clients.append(s)
        selector.register(s, selectors.EVENT_READ)

    try:
        for _ in range(600):
            connect()
        results = []
        with ThreadPoolExecutor(1) as pool:
            future = pool.submit(lambda: [cli(env, "status") for _ in range(5)])
            last_ping = 0.0
            while not future.done():  # keep every connection busy, and reconnect the closed
                if time.monotonic() - last_ping > 2.0:
                    last_ping = time.monotonic()
                    for s in list(clients):
                        try:
                            s.send(b'{"v":1,"cmd":"ping"}\n')
                        except OSError:
                            selector.unregister(s)
                            clients.remove(s)
                            s.close()
                            connect()
                for key, _ in selector.select(0.05):
                    with contextlib.suppress(OSError):
                        key.fileobj.recv(4096)  # type: ignore[union-attr]
            results = future.result()
        for result in results:
            assert result.returncode == 0, result.stderr
    finally:
        for s in clients:
            s.close()
        selector.close()
