"""What the tray hosts' end-to-end tests share: a started host per module, a `standup run` per
test, the command line and the daemon's status, and the names and colours they look for."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from desktop_rigs.tray_bus import MENU
from standup.tray.icon import LOOKS

from rig import rig_unavailable, standup_status, start_standup, stop_standup, wait_until

__all__ = [
    "GREY",
    "MENU",
    "PROPS",
    "RED",
    "Daemon",
    "daemon_on",
    "read_item",
    "registered",
    "running",
    "standup",
    "state",
    "state_becomes",
    "status",
]

PROPS = "org.freedesktop.DBus.Properties"
GREY, RED = LOOKS["paused"].fill, LOOKS["reminding"].fill  # paused, and reminding


class _Host(Protocol):
    def start(self) -> None: ...
    def stop(self) -> None: ...


class _Watched(Protocol):
    def registered_items(self) -> list[str]: ...
    def calls_to(self, *names: str) -> list[tuple[str, str, str]]: ...


HostT = TypeVar("HostT", bound=_Host)


def running(rig: str, lacking: list[str], make: Callable[[], HostT]) -> Iterator[HostT]:
    """A started host for a module's tests, stopped after them (`yield from` it in a fixture);
    skipped where the machine lacks what the rig needs, failed for it under CI."""
    if lacking:
        rig_unavailable(f"the {rig} tray rig needs {', '.join(lacking)}")
    host = make()
    host.start()
    try:
        yield host
    finally:
        host.stop()


@dataclass
class Daemon:
    """A `standup run` for one test, and the bus name of its tray item."""

    proc: subprocess.Popen[str]
    name: str
    log: str = ""  # what it wrote, once stopped


@contextmanager
def daemon_on(env: dict[str, str]) -> Iterator[Daemon]:
    """`standup run` with `env` for the block's length; then stopped, and it exited cleanly."""
    proc = start_standup(env)
    daemon = Daemon(proc, f"org.kde.StatusNotifierItem-{proc.pid}-1")
    try:
        yield daemon
    finally:
        code, daemon.log = stop_standup(proc)
    assert code == 0, daemon.log


def registered(host: _Watched, name: str) -> bool:
    """Whether the host's watcher lists the item `name` (it lists "name/path" or "name")."""
    return any(name in item for item in host.registered_items())


def read_item(host: _Watched, *names: str, timeout: float = 10) -> None:
    """Wait for the host to read the item (called by one of `names`) and its menu: GetAll and
    GetLayout, as hosts do for any item."""
    wanted = {("/StatusNotifierItem", PROPS, "GetAll"), ("/MenuBar", MENU, "GetLayout")}
    wait_until(lambda: wanted <= set(host.calls_to(*names)), timeout=timeout)


def standup(env: dict[str, str], *args: str) -> str:
    """`standup ARGS` as a command; what it printed. CalledProcessError if it fails."""
    out = subprocess.run([sys.executable, "-m", "standup", *args], env=env, check=True,
                         capture_output=True, text=True, timeout=30)  # fmt: skip
    return out.stdout


def status(env: dict[str, str]) -> dict[str, Any]:
    """`standup status --json`; AssertionError if the daemon does not answer."""
    found = standup_status(env)
    assert found is not None, "the daemon does not answer"
    return found


def state(env: dict[str, str]) -> str:
    """The daemon's state; "" while it does not answer."""
    found = standup_status(env)
    return str(found["state"]) if found else ""


def state_becomes(env: dict[str, str], wanted: str, timeout: float = 10) -> None:
    """Wait for the daemon to be in the state `wanted`."""
    wait_until(lambda: state(env) == wanted, timeout=timeout, interval=0.1)
