"""What a test run leaves behind is swept away when it ends, however it ends.

The rigs start servers in sessions of their own (dbus-daemon even forks away from its parent),
and stop them in their fixtures' teardown. An interrupt skips that teardown: pytest stops at
SIGINT without finishing its session-scoped fixtures, and dies at SIGTERM without finishing
anything. So the run:

- adopts its orphans (PR_SET_CHILD_SUBREAPER): whatever a rig forks off stays a descendant of
  the run, so the run can find it again;
- turns SIGTERM into KeyboardInterrupt, which pytest unwinds like Ctrl-C;
- gives every temporary directory a home of its own (TMPDIR), one folder to remove;
- at the end ends every descendant still running (SIGTERM, then SIGKILL) and removes that
  folder. A clean run finds nothing to end; what it ends it names, as a rig that leaked.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from types import FrameType

_PR_SET_CHILD_SUBREAPER = 36


def adopt_orphans() -> None:
    """Make this process the reaper of its descendants' orphans (Linux; elsewhere nothing)."""
    if sys.platform != "linux":
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def interrupt_on_sigterm() -> None:
    """SIGTERM unwinds the run as Ctrl-C does, so the sweep runs."""
    signal.signal(signal.SIGTERM, _interrupt)


def private_tmpdir() -> Path:
    """A folder of this run's own for every temporary file and directory; TMPDIR points at it.

    Open to all (1777, as /tmp is): rigs run servers as unprivileged users. pytest's own
    tmp_path folders stay where pytest keeps them (it prunes them itself), and their paths
    short: a control socket's path must fit in 107 bytes."""
    os.environ.setdefault("PYTEST_DEBUG_TEMPROOT", tempfile.gettempdir())
    path = Path(tempfile.mkdtemp(prefix="standup-tests-"))
    path.chmod(0o1777)
    os.environ["TMPDIR"] = str(path)
    tempfile.tempdir = None  # gettempdir() reads TMPDIR again
    return path


def _parents() -> dict[int, tuple[int, str]]:
    """{pid: (parent pid, name)} for every process we can see."""
    table: dict[int, tuple[int, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                text = stat.read()
        except OSError:
            continue
        name = text[text.find("(") + 1 : text.rfind(")")]
        fields = text[text.rfind(")") + 2 :].split()
        if fields and fields[0] != "Z":
            table[int(entry)] = (int(fields[1]), name)
    return table


def descendants(pid: int | None = None) -> dict[int, str]:
    """The live processes below `pid` (this process by default): {pid: name}."""
    root = os.getpid() if pid is None else pid
    table = _parents()
    found: dict[int, str] = {}
    frontier = [root]
    while frontier:
        parent = frontier.pop()
        for child, (ppid, name) in table.items():
            if ppid == parent and child not in found:
                found[child] = name
                frontier.append(child)
    return found


def reap() -> None:
    """Collect the exit status of children that ended (ours, or orphans we adopted)."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def end_descendants(grace: float = 3.0) -> dict[int, str]:
    """End every process below this one: SIGTERM, `grace` seconds, then SIGKILL. Returns
    what was running."""
    left = descendants()
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in descendants():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            reap()
            if not descendants():
                return left
            time.sleep(0.05)
    reap()
    return left


def remove_tmpdir(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
