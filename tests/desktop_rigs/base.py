"""What every notification-server rig offers the matrix tests, and the pieces they share."""

from __future__ import annotations

import abc
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from rig import RigError, wait_until

__all__ = ["Bubble", "PrivateBus", "RigError", "ServerRig", "wait_until"]


@dataclass(frozen=True)
class Bubble:
    """A notification as the server itself reports it on screen."""

    id: int
    summary: str
    body: str
    # The action keys the server offers on this bubble ("done", "snooze", "skip"), or their
    # labels where the server only knows labels; empty when it shows no buttons.
    actions: tuple[str, ...] = ()
    app_name: str = ""


class ServerRig(abc.ABC):
    """One real notification server on a private session bus. Start once, reset per test."""

    name: str  # "dunst", "gnome-shell", "plasma", "xfce4-notifyd", "mate", ...
    packages: tuple[str, ...] = ()  # the Debian packages it needs, named when a binary is missing
    binaries: tuple[str, ...] = ()
    has_dnd: bool = False  # whether the server has a do-not-disturb switch standup should honour
    has_actions: bool = True  # whether buttons can be pressed on this rig
    markup: bool = True  # whether the server advertises body-markup

    def missing(self) -> list[str]:
        """Binaries this rig needs that the machine lacks (with their packages)."""
        return [name for name in self.binaries if not (shutil.which(name) or Path(name).exists())]

    @abc.abstractmethod
    def start(self) -> None:
        """Bus, display and server, ready for a first Notify. Raises RigError saying what failed."""

    @abc.abstractmethod
    def stop(self) -> None:
        """Stop everything start() started; never raises."""

    @property
    @abc.abstractmethod
    def env(self) -> dict[str, str]:
        """Variables that point a client (and a standup process) at this rig: at least
        DBUS_SESSION_BUS_ADDRESS, and DISPLAY or WAYLAND_DISPLAY, XDG_CURRENT_DESKTOP..."""

    @abc.abstractmethod
    def bubbles(self) -> list[Bubble]:
        """The notifications on screen now, oldest first, as the server reports them."""

    @abc.abstractmethod
    def press(self, bubble: Bubble, key: str) -> None:
        """Press the button with action key `key` on `bubble`, the way a user would (or through
        the server's own code), so that the server itself emits ActionInvoked."""

    def set_dnd(self, on: bool) -> None:
        """Switch the server's do-not-disturb the way its own settings do."""
        raise NotImplementedError(f"{self.name} has no do-not-disturb")

    @abc.abstractmethod
    def reset(self) -> None:
        """An empty screen and do-not-disturb off, for the next test."""

    def log(self) -> str:
        """The tail of the server's own output, for failure messages."""
        return ""

    def displayed_body(self, bubble: Bubble) -> str:
        """The body as the user reads it on screen (markup rendered)."""
        return bubble.body

    def __enter__(self) -> ServerRig:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <servicedir>{servicedir}</servicedir>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
    {allow_users}
  </policy>
</busconfig>
"""


@dataclass
class PrivateBus:
    """A session bus of its own whose service directory holds only the activation files given.

    Installing several notification servers puts several activation files for
    org.freedesktop.Notifications on the system; a stock session bus would start whichever it
    finds first. This bus activates only what `services` names: {file name: file text}.
    stop() ends the bus with everything it activated, and removes `dir`.
    """

    dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="standup-bus-")))
    services: dict[str, str] = field(default_factory=dict)
    allow_all_users: bool = False  # let another uid (a rig's unprivileged user) connect
    env: dict[str, str] = field(default_factory=dict)  # environment for activated services
    address: str = ""
    pid: int | None = None

    def start(self) -> str:
        servicedir = self.dir / "services"
        servicedir.mkdir(parents=True, exist_ok=True)
        for name, text in self.services.items():
            (servicedir / name).write_text(text)
        config = self.dir / "bus.conf"
        allow = '<allow user="*"/>' if self.allow_all_users else ""
        config.write_text(
            _BUS_CONFIG.format(socket=self.dir / "bus", servicedir=servicedir, allow_users=allow)
        )
        out = subprocess.run(
            ["dbus-daemon", f"--config-file={config}", "--fork", "--print-address=1",
             "--print-pid=1"],
            capture_output=True, text=True, timeout=10, check=False,
            env={**os.environ, **self.env},
        )  # fmt: skip
        lines = out.stdout.split()
        if out.returncode != 0 or len(lines) < 2:
            raise RigError(f"dbus-daemon failed: {out.stderr.strip()}")
        self.address, self.pid = lines[0], int(lines[1])
        if self.allow_all_users:
            os.chmod(self.dir, 0o755)
            os.chmod(self.dir / "bus", 0o777)
        return self.address

    def stop(self) -> None:
        _kill_bus_group(self.pid)
        self.pid = None
        shutil.rmtree(self.dir, ignore_errors=True)


def _kill_bus_group(pid: int | None) -> None:
    """dbus-daemon --fork leads its own process group, and what it activates (xfconfd, MATE's
    applet, dconf-service, ...) stays in it: end them all."""
    if pid is None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
            wait_until(lambda: _group_gone(pid), timeout=2, interval=0.02)
            return
        except ProcessLookupError:
            return
        except TimeoutError:
            continue


def _group_gone(pgid: int) -> bool:
    """No live process left in the group (zombies wait for a PID 1 that may reap slowly, and
    killpg(pgid, 0) still finds them)."""
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text(errors="replace").rpartition(")")[2].split()
        except OSError:
            continue  # gone while we looked
        if fields[2] == str(pgid) and fields[0] != "Z":
            return False
    return True


def activation_file(bus_name: str, exec_line: str) -> str:
    """The text of a D-Bus activation file."""
    return f"[D-BUS Service]\nName={bus_name}\nExec={exec_line}\n"
