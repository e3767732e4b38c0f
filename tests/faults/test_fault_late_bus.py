"""No session bus when the daemon starts; the bus and the notification server come later."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from faultkit import DaemonProcess, quiet_env

from standup.exercises import builtin_catalogue

from rig import Rig, wait_until

pytestmark = pytest.mark.e2e


def reminder_lines(d: DaemonProcess) -> list[str]:
    """The log backend's lines for reminders, "Reminder: <the move> — <body>"."""
    names = [f"Reminder: {e.name} — " for e in builtin_catalogue()]
    return [line for line in d.log_lines("Reminder: ") if any(n in line for n in names)]


# Like the rig's bus: nothing is activated, so no second dunst can appear by itself.
BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>{address}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


class LateBus:
    """A private dbus-daemon and dunst, started on demand at an address fixed in advance."""

    def __init__(self, rig: Rig, directory: Path) -> None:
        self.address = f"unix:path={directory / 'late-bus'}"
        self.env = {**os.environ, **rig.env, "DBUS_SESSION_BUS_ADDRESS": self.address}
        self._config = directory / "late-bus.conf"
        self._dunstrc = rig.dir / "dunstrc"
        self._bus_pid: int | None = None
        self._dunst: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._config.write_text(BUS_CONFIG.format(address=self.address))
        out = subprocess.run(
            ["dbus-daemon", f"--config-file={self._config}", f"--address={self.address}",
             "--fork", "--print-pid=1"],
            capture_output=True, text=True, timeout=10, check=True,
        )  # fmt: skip
        self._bus_pid = int(out.stdout.split()[0])
        self._dunst = subprocess.Popen(
            ["dunst", "-config", str(self._dunstrc)],
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_until(self.server_running, timeout=10)

    def server_running(self) -> bool:
        out = subprocess.run(
            ["dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
             "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
             "string:org.freedesktop.Notifications"],
            env=self.env, capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        return out.returncode == 0 and "boolean true" in out.stdout

    def displayed(self) -> int:
        out = subprocess.run(
            ["dunstctl", "count", "displayed"], env=self.env, capture_output=True, text=True,
            timeout=10, check=True,
        )  # fmt: skip
        return int(out.stdout.strip())

    def stop(self) -> None:
        if self._dunst is not None and self._dunst.poll() is None:
            os.killpg(self._dunst.pid, signal.SIGTERM)
            self._dunst.wait(timeout=5)
        if self._bus_pid is not None:
            os.kill(self._bus_pid, signal.SIGTERM)


@pytest.fixture
def late_bus(rig: Rig, tmp_path: Path) -> Iterator[LateBus]:
    rig.stop_dunst()  # one dunst on the display at a time; the rig fixture starts it again
    bus = LateBus(rig, tmp_path)
    yield bus
    bus.stop()


def test_a_bus_and_server_that_appear_after_start_are_picked_up(
    late_bus: LateBus, xdg_dirs, tmp_path: Path
) -> None:
    env = quiet_env(
        {**late_bus.env, "XDG_RUNTIME_DIR": str(xdg_dirs.runtime_dir)},
        notifications__backend="auto",
        schedule__sit="2s",
        schedule__remind_again="1h",
        schedule__snooze="1h",
    )
    assert not Path(late_bus.address.removeprefix("unix:path=")).exists()
    d = DaemonProcess(env, tmp_path / "daemon.log")
    try:
        d.wait_ready()
        # No bus: the reminder goes to the log, and the daemon keeps running.
        wait_until(lambda: d.status()["state"] == "reminding", timeout=15)
        assert d.status()["notifier"] == "log"
        assert len(reminder_lines(d)) == 1

        late_bus.start()
        d.request("done")
        wait_until(lambda: d.status()["state"] == "reminding", timeout=15)
        assert d.status()["notifier"] == "freedesktop"
        wait_until(lambda: late_bus.displayed() == 1)
        assert len(reminder_lines(d)) == 1  # not also to the log
    finally:
        assert d.stop() == 0
    assert "Traceback" not in d.log_text()
