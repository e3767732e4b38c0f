"""A real tray host: MATE's panel with its Notification Area applet, on Xvfb, on a private bus.

mate-panel (1.26 and later) reads its layout from GSettings: here GLib's keyfile backend under
our XDG_CONFIG_HOME, whose `default-layout` names a one-applet layout file, so the panel starts
with one toplevel holding the notification area. The applet runs in a process of its own
(`notification-area-applet`, in /usr/lib/mate-panel on Debian 12 and /usr/libexec/mate-panel on
13), which the bus starts when the panel asks for its factory; it serves the
org.kde.StatusNotifierWatcher itself and draws each item as a GtkButton.

A MATE session runs mate-settings-daemon, whose XSETTINGS turn on gtk-button-images
(org.mate.interface buttons-have-icons); without it, mate-panel before 1.27.2 draws the label
of an item that has one and hides its icon. Our gtk-3.0/settings.ini says the same.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from jeepney.bus_messages import message_bus

from desktop_rigs.base import PrivateBus, activation_file
from desktop_rigs.tray import X11TrayHost

from rig import _kill_pid

FACTORY = "org.mate.panel.applet.NotificationAreaAppletFactory"
SYSTEM_SERVICE = Path("/usr/share/dbus-1/services") / f"{FACTORY}.service"
APPLETS = ("/usr/libexec/mate-panel/notification-area-applet",
           "/usr/lib/mate-panel/notification-area-applet")  # fmt: skip
PACKAGES = {"mate-panel": "mate-panel", "Xvfb": "xvfb", "dbus-monitor": "dbus-bin",
            "import": "imagemagick", "xdotool": "xdotool"}  # fmt: skip

LAYOUT = """[Toplevel top]
expand=true
orientation=top
size=32

[Object notification-area]
object-type=applet
applet-iid=NotificationAreaAppletFactory::NotificationArea
toplevel-id=top
position=0
locked=true
"""


def applet_binary() -> str | None:
    """The notification area applet, where this release's own activation file says it is."""
    if SYSTEM_SERVICE.exists():
        found = re.search(r"^Exec=(\S+)", SYSTEM_SERVICE.read_text(), re.MULTILINE)
        if found and Path(found.group(1)).exists():
            return found.group(1)
    return next((path for path in APPLETS if Path(path).exists()), None)


def missing() -> list[str]:
    """What this machine lacks for the rig, with the Debian package that brings it."""
    lacking = [f"{b} ({p})" for b, p in PACKAGES.items() if not shutil.which(b)]
    if applet_binary() is None:
        lacking.append("notification-area-applet (mate-panel)")
    return lacking


class MatePanel(X11TrayHost):
    """mate-panel with its notification area, on a display and bus of its own."""

    name = "mate-panel"

    def __init__(self) -> None:
        work_dir = Path(tempfile.mkdtemp(prefix="standup-mate-panel-"))
        self.config_home = work_dir / "config"
        layout = work_dir / "standup.layout"
        layout.write_text(LAYOUT)
        settings = self.config_home / "glib-2.0" / "settings"
        settings.mkdir(parents=True)
        (settings / "keyfile").write_text(f"[org/mate/panel/general]\ndefault-layout='{layout}'\n")
        gtk = self.config_home / "gtk-3.0"
        gtk.mkdir()
        (gtk / "settings.ini").write_text("[Settings]\ngtk-button-images=true\n")
        # The applet's output goes to our log: an activated service inherits /dev/null.
        wrapper = work_dir / "applet.sh"
        wrapper.write_text(f"#!/bin/sh\nexec '{applet_binary()}' >>'{work_dir}/panel.log' 2>&1\n")
        wrapper.chmod(0o755)
        bus = PrivateBus(
            dir=work_dir / "bus",
            services={f"{FACTORY}.service": activation_file(FACTORY, str(wrapper))},
            env=self._settings_env(),
        )
        super().__init__(bus, work_dir)

    def _settings_env(self) -> dict[str, str]:
        """What the panel and its applet read their settings by."""
        return {
            "XDG_CONFIG_HOME": str(self.config_home),
            "GSETTINGS_BACKEND": "keyfile",
            "GDK_BACKEND": "x11",
            "NO_AT_BRIDGE": "1",  # no accessibility bus here: no time spent looking for one
            "LANG": "C.UTF-8",
        }

    @property
    def env(self) -> dict[str, str]:
        return {**super().env, "XDG_CURRENT_DESKTOP": "MATE"}

    def start_panel(self) -> None:
        """The panel; its applet, which the bus starts, serves the watcher."""
        self._run_panel(["mate-panel", "--replace"], {**self.env, **self._settings_env()})

    def stop_panel(self) -> None:
        """The panel and its applet (the host: it serves the watcher), as when the session
        restarts them; the bus starts the applet again for the next panel."""
        applet = self.watcher()
        pid = (
            int(self._bus_call(message_bus.GetConnectionUnixProcessID(applet))[0])
            if applet
            else None
        )
        self._kill_panel()
        _kill_pid(pid)
        self.wait_watcher_gone()
