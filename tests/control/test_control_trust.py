"""What another user planted in a once-world-writable runtime directory is not trusted (item 8),
and the loser of a start race names the winner's pid (item 17).

Another user is played by a forked child that drops to uid 65534: it needs root, so these skip
on a laptop without it, and fail in CI rather than skip.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from standup.control.client import ping, request
from standup.control.server import ControlServer
from standup.errors import AlreadyRunning, RuntimeDirError, UntrustedPeer

from rig import rig_unavailable

OTHER = 65534  # nobody: any uid not ours will do
DEADLINE = 5.0


@pytest.fixture
def sock_path() -> Iterator[Path]:
    base = Path(tempfile.mkdtemp(prefix="st", dir="/tmp"))
    yield base / "run" / "control.sock"
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def open_dir(sock_path: Path) -> Path:
    """The runtime directory as an older setup may have left it: writable by everyone."""
    if os.geteuid() != 0:
        rig_unavailable("needs root to act as another user")
    sock_path.parent.parent.chmod(0o711)  # mkdtemp's 0700 would keep the other user out
    sock_path.parent.mkdir()
    sock_path.parent.chmod(0o777)
    return sock_path.parent


def as_other_user(work: Callable[[], None], *, stay: bool = False) -> int:
    """Run work() in a child as uid OTHER; wait for it unless `stay` (then return its pid)."""
    ready_r, ready_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: plain system calls only, then _exit
        code = 1
        try:
            os.close(ready_r)
            os.setgroups([])
            os.setgid(OTHER)
            os.setuid(OTHER)
            work()
            os.write(ready_w, b"r")
            code = 0
            while stay:
                time.sleep(1)
        finally:
            os._exit(code)
    os.close(ready_w)
    with os.fdopen(ready_r, "rb") as ready:
        ok = ready.read(1) == b"r"
    if not stay:
        os.waitpid(pid, 0)
    assert ok, "the other user's part failed"
    return pid


def test_a_fake_daemon_of_another_user_is_not_believed(open_dir: Path, sock_path: Path) -> None:
    fake = socket.socket(socket.AF_UNIX)

    def listen() -> None:  # a fake standup that answers anything with a made-up status
        fake.bind(str(sock_path))
        fake.listen(8)
        threading.Thread(target=answer, daemon=True).start()

    def answer() -> None:
        while True:
            conn, _ = fake.accept()
            with conn:
                conn.recv(4096)
                conn.sendall(b'{"v":1,"ok":true,"result":{"pid":4242,"state":"all fine"}}\n')

    child = as_other_user(listen, stay=True)
    fake.close()  # the child's copy serves
    try:
        with pytest.raises(UntrustedPeer, match=f"served by uid {OTHER}, not by you"):
            request("status", path=sock_path, timeout=DEADLINE)
        assert ping(sock_path) is None
        # The daemon takes the path over instead of believing "already running (pid 4242)".
        with ControlServer(sock_path, lambda cmd, args: {}, set()):
            assert ping(sock_path) == os.getpid()
            assert (os.stat(open_dir).st_mode & 0o777) == 0o700
    finally:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)


def test_a_planted_lock_symlink_is_not_followed(open_dir: Path, sock_path: Path) -> None:
    victim = open_dir.parent / "precious.txt"
    victim.write_text("my notes\n")
    lock = open_dir / "control.sock.lock"
    as_other_user(lambda: lock.symlink_to(victim))
    with pytest.raises(RuntimeDirError, match="is a symbolic link") as info:
        ControlServer(sock_path, lambda cmd, args: {}, set()).start()
    assert str(lock) in info.value.hint
    assert victim.read_text() == "my notes\n"


@pytest.mark.parametrize("kind", ["file", "fifo"])
def test_a_lock_that_is_not_our_regular_file_is_refused(
    open_dir: Path, sock_path: Path, kind: str
) -> None:
    lock = open_dir / "control.sock.lock"

    def plant() -> None:
        if kind == "fifo":
            os.mkfifo(lock, 0o666)
        else:
            lock.write_text("their data\n")
            lock.chmod(0o666)

    as_other_user(plant)
    words = "not a regular file" if kind == "fifo" else f"belongs to uid {OTHER}"
    with pytest.raises(RuntimeDirError, match=words):
        ControlServer(sock_path, lambda cmd, args: {}, set()).start()
    if kind == "file":
        assert lock.read_text() == "their data\n"


def test_a_hard_link_is_not_taken_for_the_lock(sock_path: Path) -> None:
    sock_path.parent.mkdir(mode=0o700)
    victim = sock_path.parent.parent / "precious.txt"
    victim.write_text("my notes\n")
    os.link(victim, sock_path.parent / "control.sock.lock")
    with pytest.raises(RuntimeDirError, match="2 links"):
        ControlServer(sock_path, lambda cmd, args: {}, set()).start()
    assert victim.read_text() == "my notes\n"


# -- item 17: the loser of a start race names the winner --------------------------------------


def test_a_loser_that_looks_before_the_winner_wrote_its_pid_waits_for_it(
    sock_path: Path,
) -> None:
    sock_path.parent.mkdir(mode=0o700)
    lock = sock_path.parent / "control.sock.lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # the winner, between its flock and its pid
        threading.Timer(0.2, os.write, (fd, b"31337\n")).start()
        with pytest.raises(AlreadyRunning, match=r"already running \(pid 31337\)"):
            ControlServer(sock_path, lambda cmd, args: {}, set()).start()
    finally:
        os.close(fd)


RACER = """
import os, sys, time
from pathlib import Path
from standup.control.server import ControlServer
from standup.errors import AlreadyRunning
while time.time() < float(sys.argv[2]):  # all start at once
    pass
try:
    server = ControlServer(Path(sys.argv[1]), lambda cmd, args: {}, set())
    server.start()
except AlreadyRunning as exc:
    print(exc, flush=True)
    sys.exit(1)
print("won", os.getpid(), flush=True)
time.sleep(3)
server.stop()
"""


@pytest.mark.slow  # the winner holds the socket for 3 s
def test_every_loser_of_a_race_names_the_winner(sock_path: Path) -> None:
    start_at = f"{time.time() + 1.0:.3f}"
    racers = [
        subprocess.Popen(
            [sys.executable, "-c", RACER, str(sock_path), start_at],
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(8)
    ]
    outputs: list[Any] = []
    for racer in racers:
        with contextlib.suppress(subprocess.TimeoutExpired):
            outputs.append(racer.communicate(timeout=20)[0].strip())
    winners = [o.split()[1] for o in outputs if o.startswith("won")]
    assert len(winners) == 1, outputs
    losers = [o for o in outputs if not o.startswith("won")]
    assert losers and all(o == f"standup is already running (pid {winners[0]})" for o in losers)
