"""Real tray hosts on Xvfb, on a private bus: what the X11 panels' rigs share, and xfce4-panel's
status tray (the `systray` plugin).

xfce4-panel 4.18 hosts StatusNotifierItems in its systray plugin and provides the
org.kde.StatusNotifierWatcher itself, a few seconds after it starts. Its settings come from
xfconfd, D-Bus activated on the private bus with our XDG_CONFIG_HOME (the bus passes its own
environment to what it activates), which holds a one-plugin panel: no first-run migration, no
other plugins' helpers.

The rig records every method call the panel makes and every reply (desktop_rigs.tray_bus), so
a test can see the host read the item's properties and menu.

The menu, as a user opens it: a right click on the icon (found on the screen by its colours),
then the keyboard. Both panels pop up a GtkMenu, where Down from nothing selected goes to the
first entry and skips separators and greyed-out entries; the rig counts the Downs from the menu
the item serves, and the host sends com.canonical.dbusmenu Event "clicked" for the entry.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg

from desktop_rigs.base import PrivateBus, RigError, activation_file
from desktop_rigs.tray_bus import TrayBus

from rig import _kill_group, start_xvfb, wait_until

XFCONFD = "/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd"
PACKAGES = {"xfce4-panel": "xfce4-panel", XFCONFD: "xfconf", "Xvfb": "xvfb",
            "dbus-monitor": "dbus-bin", "import": "imagemagick", "xdotool": "xdotool"}  # fmt: skip

SCREEN = (800, 200)  # the panel along the top; its menus open below it, on black
STRIP = 40  # the panel's strip of the screen, from the top
PARK = (SCREEN[0] - 1, SCREEN[1] - 1)  # the pointer waits here, over nothing: no tooltips

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


class X11TrayHost(TrayBus):
    """A panel with a tray on a display and bus of its own, and a record of the calls it makes
    (and the replies and menu changes, for tooltips_read and has_current_menu).
    Subclasses start and stop the panel itself."""

    name = "the panel"

    def __init__(self, bus: PrivateBus, work_dir: Path) -> None:
        self.dir = work_dir
        self.bus = bus
        self.display = ""
        self._xvfb: subprocess.Popen[bytes] | None = None
        self._panel: subprocess.Popen[bytes] | None = None
        self.calls_log = self.dir / "calls.log"

    @property
    def bus_address(self) -> str:
        return self.bus.address

    @property
    def env(self) -> dict[str, str]:
        return {"DBUS_SESSION_BUS_ADDRESS": self.bus.address, "DISPLAY": self.display}

    def start(self) -> None:
        try:
            self._xvfb, self.display = start_xvfb("{}x{}x24".format(*SCREEN))
            self.bus.env["DISPLAY"] = self.display  # for the helpers the bus activates
            self.bus.start()
            self.record_calls("type='method_return'", "type='signal',member='LayoutUpdated'")
            self.start_panel()
        except BaseException:
            self.stop()
            raise

    def start_panel(self) -> None:
        raise NotImplementedError

    def _run_panel(self, argv: list[str], env: dict[str, str]) -> None:
        """The panel in a session of its own, writing to panel.log; up once its watcher owns
        the name (it takes a few seconds)."""
        with (self.dir / "panel.log").open("ab") as log:
            self._panel = subprocess.Popen(
                argv, env={**os.environ, **env}, stdout=log, stderr=log,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )  # fmt: skip
        self.wait_for_watcher(self.name, self.log)

    def stop_panel(self) -> None:
        self._kill_panel()
        self.wait_watcher_gone()

    def _kill_panel(self) -> None:
        _kill_group(self._panel)
        self._panel = None

    def stop(self) -> None:
        self._kill_panel()
        self.stop_recording()
        _kill_group(self._xvfb)
        self._xvfb = None
        self.bus.stop()  # with what it activated (xfconfd, MATE's applet)
        shutil.rmtree(self.dir, ignore_errors=True)

    def log(self) -> str:
        path = self.dir / "panel.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    # ---- what the host shows ---------------------------------------------------------------------

    def _screen(self, height: int, top: int = 0) -> bytes:
        out = subprocess.run(
            ["import", "-display", self.display, "-window", "root", "-crop",
             f"{SCREEN[0]}x{height}+0+{top}", "-depth", "8", "rgb:-"],
            capture_output=True, timeout=20, check=True,
        )  # fmt: skip
        return out.stdout

    def screenshot_colours(self) -> set[tuple[int, int, int]]:
        """The colours on the panel's strip of the screen."""
        data = self._screen(STRIP)
        return {tuple(data[i : i + 3]) for i in range(0, len(data) - 2, 3)}  # type: ignore[misc]

    def locate(self, colour: tuple[int, int, int]) -> tuple[int, int]:
        """The middle of what the panel's strip shows in `colour` (an icon's own colour)."""
        data, wanted = self._screen(STRIP), bytes(colour)
        spots = [i // 3 for i in range(0, len(data) - 2, 3) if data[i : i + 3] == wanted]
        if not spots:
            raise RigError(f"nothing in {colour} on {self.name}'s strip")
        xs, ys = [s % SCREEN[0] for s in spots], [s // SCREEN[0] for s in spots]
        return (min(xs) + max(xs)) // 2, (min(ys) + max(ys)) // 2

    # ---- the item's menu, through the host -------------------------------------------------------

    def menu_showing(self) -> bool:
        """Whether a menu is drawn below the panel (the bare screen is black there)."""
        return bool(self._screen(SCREEN[1] - STRIP, top=STRIP).strip(b"\0"))

    def choose(self, at: tuple[int, int], bus_name: str, label: str) -> None:
        """Right-click the icon at `at`, go down to the entry `label` and press Return."""
        downs = selectable_entries(self.bus.address, bus_name).index(label) + 1
        wait_until(lambda: self.has_current_menu(bus_name), timeout=10, interval=0.1)
        self._xdotool("mousemove", *map(str, at), "click", "3", "mousemove", *map(str, PARK))
        try:
            wait_until(self.menu_showing, timeout=10, interval=0.1)
        except TimeoutError:
            raise RigError(f"{self.name} opened no menu at {at}: {self.log()}") from None
        self._xdotool("key", "--delay", "40", *["Down"] * downs, "Return")
        wait_until(lambda: not self.menu_showing(), timeout=10, interval=0.1)

    def _xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env={**os.environ, "DISPLAY": self.display},
                       check=True, capture_output=True, timeout=10)  # fmt: skip


def selectable_entries(bus_address: str, bus_name: str) -> list[str]:
    """The labels of the entries a GtkMenu lets the keyboard reach, in order: the item's top
    menu as it serves it, without separators and greyed-out or hidden entries."""
    address = DBusAddress("/MenuBar", bus_name=bus_name, interface="com.canonical.dbusmenu")
    conn = open_dbus_connection(bus_address)
    try:
        msg = new_method_call(address, "GetLayout", "iias", (0, 1, []))
        _, (_, _, children) = unwrap_msg(conn.send_and_get_reply(msg, timeout=5))
    finally:
        conn.close()
    labels = []
    for _, (_, props, _) in children:
        values = {key: value for key, (_, value) in props.items()}
        if values.get("type") != "separator" and values.get("enabled", True) and \
                values.get("visible", True):  # fmt: skip
            labels.append(str(values.get("label", "")))
    return labels


class XfcePanel(X11TrayHost):
    """xfce4-panel with its status tray, on a display and bus of its own."""

    name = "xfce4-panel"

    def __init__(self) -> None:
        work_dir = Path(tempfile.mkdtemp(prefix="standup-xfce-panel-"))
        self.config_home = work_dir / "config"
        channel = self.config_home / "xfce4" / "xfconf" / "xfce-perchannel-xml"
        channel.mkdir(parents=True)
        (channel / "xfce4-panel.xml").write_text(PANEL_XML)
        bus = PrivateBus(
            dir=work_dir / "bus",
            services={"org.xfce.Xfconf.service": activation_file("org.xfce.Xfconf", XFCONFD)},
            env={"XDG_CONFIG_HOME": str(self.config_home)},
        )
        super().__init__(bus, work_dir)

    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "XDG_CURRENT_DESKTOP": "XFCE"}

    def start_panel(self) -> None:
        env = {**self.env, "XDG_CONFIG_HOME": str(self.config_home)}
        self._run_panel(["xfce4-panel", "--disable-wm-check"], env)
