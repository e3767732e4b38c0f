"""A real tray host: Plasma's system tray (5.27 or 6) in plasmashell's panel on Xvfb.

The host is the System Tray applet of the panel that plasmashell's default layout makes (the
Breeze look-and-feel's layout script: a bottom panel with the tray), started by PlasmaRig. The
watcher, org.kde.StatusNotifierWatcher, is kded's statusnotifierwatcher module: this rig starts
kded5 or kded6 (plasmashell's own generation), which loads it at once.

What the host shows is read on the AT-SPI bus: each tray item is a `push button` named by the
item's Title, its description is the tooltip's text (ToolTip's subtitle), and its extents say
where to click and which part of the screen to read colours from. A right click there makes the
applet fetch the menu (AboutToShow, GetLayout) and pop up a QMenu. Qt leaves popups out of the
application's children, so the rig finds the menu from the `showing` state change Qt sends for
it, which Qt sends only once a listener has registered for it with the AT-SPI registry.

The rig records every method call on the private bus (desktop_rigs.tray_bus), so a test can
see the host read the item and send the menu's Event(id, "clicked").
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jeepney import HeaderFields, MatchRule, message_bus
from jeepney.io.blocking import Proxy
from jeepney.low_level import Message
from jeepney.wrappers import DBusErrorResponse

from .base import RigError, wait_until
from .plasma import _A11Y_LAUNCHER, _KAMD, PlasmaRig
from .tray_bus import TrayBus
from rig import _kill_group

_KDED = {5: "kded5", 6: "kded6"}
_ROOT = "/org/a11y/atspi/accessible/root"
_ACCESSIBLE = "org.a11y.atspi.Accessible"
_ENABLED = 1 << 8  # ATSPI_STATE_ENABLED, in the first word of GetState()
_SHOWING_EVENT = "object:state-changed:showing"
PACKAGES = {
    "plasmashell": "plasma-workspace", "kded5 or kded6": "kded5 or kded6",
    _KAMD: "kactivitymanagerd", _A11Y_LAUNCHER: "at-spi2-core", "Xvfb": "xvfb",
    "dbus-monitor": "dbus-bin", "dbus-update-activation-environment": "dbus-bin",
    "xdotool": "xdotool", "import": "imagemagick",
}  # fmt: skip


def missing() -> list[str]:
    """What this machine lacks for the rig, with the Debian package that brings it."""
    lost = [
        f"{name} ({package})"
        for name, package in PACKAGES.items()
        if " or " not in name and not (shutil.which(name) or Path(name).exists())
    ]
    if not any(shutil.which(kded) for kded in _KDED.values()):
        lost.append("kded5 or kded6 (kded5 or kded6)")
    # plasma-desktop brings the layout with the panel; without it plasmashell shows nothing.
    if not Path("/usr/share/plasma/shells/org.kde.plasma.desktop").exists():
        lost.append("the desktop shell package (plasma-desktop)")
    return lost


@dataclass(frozen=True)
class MenuEntry:
    """One line of the menu the host popped up, as AT-SPI shows it."""

    label: str
    enabled: bool
    extents: tuple[int, int, int, int]  # x, y, width, height on the screen


class PlasmaTray(PlasmaRig, TrayBus):
    """plasmashell's panel with the System Tray, kded's watcher, and a recorder of the calls."""

    name = "plasma-tray"

    def __init__(self) -> None:
        super().__init__()
        self.calls_log = self.dir / "calls.log"
        self._kded: subprocess.Popen[bytes] | None = None
        self._shown: deque[Message] = deque(maxlen=1000)

    # -- life cycle -------------------------------------------------------------------------

    def _start_shell(self) -> None:
        # The bus is up: first the recorder and the watcher, so the shell finds its watcher.
        if self._recorder is None:
            self.record_calls()
        self._start_kded()
        super()._start_shell()

    def _start_kded(self) -> None:
        major = self.version[0] if self.version else 5
        kded = _KDED.get(major, "kded6")
        env = {**self._server_env(), "DBUS_SESSION_BUS_ADDRESS": self.address}
        with (self.dir / "kded.log").open("ab") as log:
            self._kded = subprocess.Popen(
                [kded], env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip
        self.wait_for_watcher(kded, self._kded_log)

    def _start_watcher(self) -> None:
        """Not needed here: the notifications' watcher serves the popups' tests."""

    def _start_atspi(self) -> None:
        super()._start_atspi()
        # Ask Qt for the `showing` changes, and take them in on the rig's AT-SPI connection.
        atspi = self._eyes()
        atspi.conn.filter(MatchRule(type="signal", member="StateChanged"), queue=self._shown)
        Proxy(message_bus, atspi.conn, timeout=5).AddMatch(
            MatchRule(type="signal", interface="org.a11y.atspi.Event.Object", member="StateChanged")
        )
        registry = ("org.a11y.atspi.Registry", "/org/a11y/atspi/registry")
        atspi._call(*registry, "org.a11y.atspi.Registry", "RegisterEvent", "sass",
                    _SHOWING_EVENT, [], "")  # fmt: skip

    def stop(self) -> None:
        _kill_group(self._kded)
        self._kded = None
        self.stop_recording()
        super().stop()

    def restart_host(self) -> None:
        """plasmashell and kded killed, as in a crash of the session's shell, then started
        again: a new watcher that knows no items, and a new tray."""
        with contextlib.suppress(Exception):
            self._eyes().close()
        self._atspi = None
        _kill_group(self._shell)
        _kill_group(self._kded)
        self._shell = self._kded = None
        self.wait_watcher_gone()
        self._start_shell()
        self._start_atspi()

    def _kded_log(self) -> str:
        path = self.dir / "kded.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    @property
    def bus_address(self) -> str:
        return self.address

    # -- what the tray shows ----------------------------------------------------------------

    def _eyes(self) -> Any:
        if self._atspi is None:
            raise RigError("plasma tray rig is not started")
        return self._atspi

    def tray_button(self, title: str) -> tuple[str, str] | None:
        """The tray's button for the item titled `title`, None while the tray shows none.
        Tray items sit in the panel's frame, a level or two below plasmashell's root."""
        atspi = self._eyes()
        app = atspi.find_app()
        if app is None:
            return None
        try:
            for frame in atspi._children(app, _ROOT):
                found = self._find(frame, title, depth=3)
                if found is not None:
                    return found
        except DBusErrorResponse:
            return None  # a part of the panel that went away while we read it
        return None

    def _find(self, node: tuple[str, str], title: str, depth: int) -> tuple[str, str] | None:
        atspi = self._eyes()
        for child in atspi._children(*node):
            if atspi._role(*child) == "push button" and atspi._prop(*child, "Name") == title:
                return child  # type: ignore[no-any-return]
            if depth > 1:
                found = self._find(child, title, depth - 1)
                if found is not None:
                    return found
        return None

    def tooltip(self, title: str) -> str | None:
        """The tooltip's text the tray gives the item (its accessible description)."""
        button = self.tray_button(title)
        if button is None:
            return None
        with contextlib.suppress(DBusErrorResponse):
            return str(self._eyes()._prop(*button, "Description"))
        return None

    def _extents(self, node: tuple[str, str]) -> tuple[int, int, int, int]:
        reply = self._eyes()._call(*node, "org.a11y.atspi.Component", "GetExtents", "u", 0)
        x, y, width, height = reply[0]
        return int(x), int(y), int(width), int(height)

    def colours(self, title: str) -> set[tuple[int, int, int]]:
        """The colours on the screen where the tray draws the item; empty while it draws none."""
        button = self.tray_button(title)
        if button is None:
            return set()
        x, y, width, height = self._extents(button)
        out = subprocess.run(
            ["import", "-display", self.display, "-window", "root",
             "-crop", f"{width}x{height}+{x}+{y}", "-depth", "8", "rgb:-"],
            capture_output=True, timeout=20, check=True,
        )  # fmt: skip
        data = out.stdout
        return {tuple(data[i : i + 3]) for i in range(0, len(data) - 2, 3)}  # type: ignore[misc]

    # -- the menu, as a user opens it -------------------------------------------------------

    def _xdotool(self, *args: str) -> None:
        subprocess.run(["xdotool", *args], env={**self._server_env()}, check=True,
                       capture_output=True, timeout=10)  # fmt: skip

    def open_menu(self, title: str) -> dict[str, MenuEntry]:
        """Right-click the item in the tray; the menu that pops up, by label."""
        button = wait_until(lambda: self.tray_button(title), timeout=20, interval=0.1)
        x, y, width, height = self._extents(button)
        # Qt announces the popup once it knows someone listens: after the rig registered,
        # which a fresh shell may take in a moment late. Click again if no menu came.
        for attempt in range(3):
            self._shown.clear()
            # (Not `mousemove --sync`: it waits forever when the pointer is there already.)
            self._xdotool("mousemove", str(x + width // 2), str(y + height // 2), "click", "3")
            with contextlib.suppress(TimeoutError):
                entries: dict[str, MenuEntry] = wait_until(
                    self._popped_up, timeout=5 + 5 * attempt, interval=0.05
                )
                return entries
            self._xdotool("key", "Escape")
        raise RigError(f"no menu popped up for {title!r}; log: {self.log()}")

    def _popped_up(self) -> dict[str, MenuEntry] | None:
        atspi = self._eyes()
        with contextlib.suppress(TimeoutError):
            atspi.conn.recv_messages(timeout=0.01)  # take in what arrived, for the filter
        for msg in list(self._shown):
            sender = msg.header.fields.get(HeaderFields.sender)
            path = msg.header.fields.get(HeaderFields.path)
            if msg.body[:2] != ("showing", 1) or not sender or not path:
                continue
            try:
                if atspi._role(sender, path) != "popup menu":
                    continue
                entries = self._entries((sender, path))
            except DBusErrorResponse:
                continue  # gone again
            if entries:
                return entries
        return None

    def _entries(self, menu: tuple[str, str]) -> dict[str, MenuEntry]:
        atspi = self._eyes()
        entries = {}
        for child in atspi._children(*menu):
            if atspi._role(*child) != "menu item":
                continue
            label = str(atspi._prop(*child, "Name"))
            state = atspi._call(*child, _ACCESSIBLE, "GetState")[0][0]
            entries[label] = MenuEntry(label, bool(state & _ENABLED), self._extents(child))
        return entries

    def choose(self, title: str, label: str) -> None:
        """Open the item's menu and click the entry `label`, as a user does."""
        entries = self.open_menu(title)
        entry = entries.get(label)
        if entry is None or not entry.enabled:
            self._xdotool("key", "Escape")
            raise RigError(f"no enabled entry {label!r} in the menu: {entries}")
        x, y, width, height = entry.extents
        # A moment over the entry first: the menu makes it the active one on the motion.
        self._xdotool("mousemove", str(x + width // 2), str(y + height // 2), "sleep", "0.1",
                      "click", "1")  # fmt: skip

    def close_menu(self) -> None:
        """Close the menu that is open, as Escape does."""
        self._xdotool("key", "Escape")
