"""A real tray host: xfce4-panel's status tray (the `systray` plugin) on Xvfb, on a private bus.

xfce4-panel 4.18 hosts StatusNotifierItems in its systray plugin and provides the
org.kde.StatusNotifierWatcher itself, a few seconds after it starts. Its settings come from
xfconfd, D-Bus activated on the private bus with our XDG_CONFIG_HOME (the bus passes its own
environment to what it activates), which holds a one-plugin panel: no first-run migration, no
other plugins' helpers.

A monitor (`dbus-monitor`, allowed to eavesdrop on this bus) records every method call the
panel makes, so a test can see the host read the item's properties and menu.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from jeepney import DBusAddress, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

from desktop_rigs.base import PrivateBus, RigError, activation_file

from rig import _kill_group, start_xvfb, wait_until

XFCONFD = "/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd"
WATCHER = "org.kde.StatusNotifierWatcher"
PACKAGES = {"xfce4-panel": "xfce4-panel", XFCONFD: "xfconf", "Xvfb": "xvfb",
            "dbus-monitor": "dbus-bin", "import": "imagemagick"}  # fmt: skip

PANEL_XML = """<?xml version="1.0" encoding="UTF-8"?>
<channel name="xfce4-panel" version="1.0">
  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="32"/>
      <property name="plugin-ids" type="array"><value type="int" value="1"/></property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray"/>
  </property>
</channel>
"""


def missing() -> list[str]:
    """What this machine lacks for the rig, with the Debian package that brings it."""
    return [f"{b} ({p})" for b, p in PACKAGES.items() if not (shutil.which(b) or Path(b).exists())]


class XfcePanel:
    """xfce4-panel with its status tray, on a display and bus of its own."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="standup-xfce-panel-"))
        self.config_home = self.dir / "config"
        channel = self.config_home / "xfce4" / "xfconf" / "xfce-perchannel-xml"
        channel.mkdir(parents=True)
        (channel / "xfce4-panel.xml").write_text(PANEL_XML)
        self.bus = PrivateBus(
            services={"org.xfce.Xfconf.service": activation_file("org.xfce.Xfconf", XFCONFD)},
            env={"XDG_CONFIG_HOME": str(self.config_home)},
        )
        self.display = ""
        self._xvfb: subprocess.Popen[bytes] | None = None
        self._panel: subprocess.Popen[bytes] | None = None
        self._monitor: subprocess.Popen[bytes] | None = None
        self.calls_log = self.dir / "calls.log"

    @property
    def env(self) -> dict[str, str]:
        return {
            "DBUS_SESSION_BUS_ADDRESS": self.bus.address,
            "DISPLAY": self.display,
            "XDG_CURRENT_DESKTOP": "XFCE",
        }

    def start(self) -> None:
        try:
            self.bus.start()
            self._xvfb, self.display = start_xvfb("800x200x24")
            with self.calls_log.open("wb") as out:
                self._monitor = subprocess.Popen(
                    ["dbus-monitor", "--address", self.bus.address, "type='method_call'"],
                    stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
                )  # fmt: skip
            self.start_panel()
        except BaseException:
            self.stop()
            raise

    def start_panel(self) -> None:
        """The panel, up once its watcher owns the name (it takes a few seconds)."""
        env = {**os.environ, **self.env, "XDG_CONFIG_HOME": str(self.config_home)}
        with (self.dir / "panel.log").open("ab") as log:
            self._panel = subprocess.Popen(
                ["xfce4-panel", "--disable-wm-check"], env=env, stdout=log, stderr=log,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        try:
            wait_until(lambda: self.watcher() is not None, timeout=30, interval=0.1)
        except TimeoutError:
            raise RigError(f"xfce4-panel offered no {WATCHER}: {self.log()}") from None

    def stop_panel(self) -> None:
        _kill_group(self._panel)
        self._panel = None
        wait_until(lambda: self.watcher() is None, timeout=10)

    def stop(self) -> None:
        for proc in (self._panel, self._monitor, self._xvfb):
            _kill_group(proc)
        self._panel = self._monitor = self._xvfb = None
        self.bus.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        path = self.dir / "panel.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    # ---- what the host knows ------------------------------------------------------------------

    def _call(self, msg: object) -> tuple[object, ...]:
        conn = open_dbus_connection(self.bus.address)
        try:
            return tuple(unwrap_msg(conn.send_and_get_reply(msg, timeout=5)))
        finally:
            conn.close()

    def watcher(self) -> str | None:
        """The unique name of the watcher, None while there is none."""
        try:
            (owner,) = self._call(message_bus.GetNameOwner(WATCHER))
        except DBusErrorResponse:
            return None
        return str(owner)

    def registered_items(self) -> list[str]:
        """RegisteredStatusNotifierItems, as the panel's watcher lists them."""
        address = DBusAddress(
            "/StatusNotifierWatcher", bus_name=WATCHER, interface="org.freedesktop.DBus.Properties"
        )
        msg = new_method_call(address, "Get", "ss", (WATCHER, "RegisteredStatusNotifierItems"))
        try:
            ((_, items),) = self._call(msg)
        except DBusErrorResponse:
            return []
        return [str(item) for item in items]

    def calls_to(self, unique_name: str) -> list[tuple[str, str, str]]:
        """(path, interface, member) of each method call sent to `unique_name`."""
        pattern = re.compile(
            rf"method call .*destination={re.escape(unique_name)} serial=\d+ "
            r"path=(\S+); interface=(\S+); member=(\S+)"
        )
        text = self.calls_log.read_text(errors="replace")
        return [m.groups() for m in pattern.finditer(text)]  # type: ignore[misc]

    def owner_of(self, name: str) -> str:
        (owner,) = self._call(message_bus.GetNameOwner(name))
        return str(owner)

    def screenshot_colours(self) -> set[tuple[int, int, int]]:
        """The colours on the panel's strip of the screen."""
        out = subprocess.run(
            ["import", "-display", self.display, "-window", "root", "-crop", "800x40+0+0",
             "-depth", "8", "rgb:-"],
            capture_output=True, timeout=20, check=True,
        )  # fmt: skip
        data = out.stdout
        return {tuple(data[i : i + 3]) for i in range(0, len(data) - 2, 3)}  # type: ignore[misc]
