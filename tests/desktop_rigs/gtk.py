"""The GTK3 notification servers of Xfce, MATE and GNOME Flashback, each on its own Xvfb.

xfce4-notifyd (0.7 and 0.9), mate-notification-daemon 1.26 and notification-daemon 3.20 (those of
Debian 12 and 13) draw their bubbles as GTK3 windows and offer no interface to list them. This
rig reads the screen through accessibility: at-spi-bus-launcher is activatable on the private bus
(org.a11y.Bus), so GTK's atk-bridge registers each bubble window, and a small helper run by the
system Python (its gi.repository.Atspi) lists the visible windows with their labels and buttons.

Pressing: AT-SPI's doAction("click") reports success but mate and notification-daemon then send
nothing (they act on the pointer events, not on "clicked"), so the rig clicks the button's
centre with xdotool, as a user would.

Ids: the screen does not show them. A monitor connection on the private bus (BecomeMonitor)
records each Notify and the id the server replied with, and bubbles() pairs each window with
the newest notification whose summary and body it shows.

The servers are D-Bus activated, as on their desktops: mate-notification-daemon exits after
30 s with nothing on screen and the bus starts it again (new unique name, ids from 1) on the
next Notify.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import unwrap_msg

from desktop_rigs.base import Bubble, PrivateBus, RigError, ServerRig, activation_file, wait_until

from rig import _kill_group, start_xvfb

SYSTEM_PYTHON = "/usr/bin/python3"
AT_SPI_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
XFCONFD = "/usr/lib/x86_64-linux-gnu/xfce4/xfconf/xfconfd"
DCONF_SERVICE = "/usr/libexec/dconf-service"
ATSPI_TYPELIB = "/usr/lib/x86_64-linux-gnu/girepository-1.0/Atspi-2.0.typelib"
NOTIFICATIONS = "org.freedesktop.Notifications"

# Which Debian package brings each binary, for the message when one is missing.
_PACKAGES = {
    "dbus-daemon": "dbus-daemon",
    "Xvfb": "xvfb",
    "xdotool": "xdotool",
    SYSTEM_PYTHON: "python3-gi",
    ATSPI_TYPELIB: "gir1.2-atspi-2.0",
    AT_SPI_LAUNCHER: "at-spi2-core",
    XFCONFD: "xfconf",
    "xfconf-query": "xfconf",
    DCONF_SERVICE: "dconf-service",
    "gsettings": "libglib2.0-bin",
}

_NOTIFICATIONS_IFACE = DBusAddress(
    "/org/freedesktop/Notifications", bus_name=NOTIFICATIONS, interface=NOTIFICATIONS
)
_DBUS = DBusAddress(
    "/org/freedesktop/DBus", bus_name="org.freedesktop.DBus", interface="org.freedesktop.DBus"
)
_MONITORING = DBusAddress(
    "/org/freedesktop/DBus",
    bus_name="org.freedesktop.DBus",
    interface="org.freedesktop.DBus.Monitoring",
)

# Run by the system Python (python3-gi + gir1.2-atspi-2.0), not the venv. Prints one JSON list:
# every visible top-level window of the given application, with its visible labels (in
# widget order: summary, then body) and push buttons, in screen coordinates.
_ATSPI_HELPER = r"""
import json, sys
import gi
gi.require_version("Atspi", "2.0")
from gi.repository import Atspi

SHOWING = Atspi.StateType.SHOWING
SCREEN = Atspi.CoordType.SCREEN


def box(acc):
    e = acc.get_extents(SCREEN)
    return {"x": e.x, "y": e.y, "w": e.width, "h": e.height}


def walk(acc, labels, buttons):
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        if child is None or not child.get_state_set().contains(SHOWING):
            continue
        role = child.get_role()
        if role == Atspi.Role.LABEL:
            labels.append(child.get_name() or "")
        elif role == Atspi.Role.PUSH_BUTTON:
            buttons.append({"name": child.get_name() or "", **box(child)})
        walk(child, labels, buttons)


windows = []
desktop = Atspi.get_desktop(0)
for a in range(desktop.get_child_count()):
    app = desktop.get_child_at_index(a)
    try:
        if app is None or app.get_name() != sys.argv[1]:
            continue
        for w in range(app.get_child_count()):
            win = app.get_child_at_index(w)
            if win is None or not win.get_state_set().contains(SHOWING):
                continue
            labels, buttons = [], []
            walk(win, labels, buttons)
            windows.append({"labels": labels, "buttons": buttons, **box(win)})
    except Exception as exc:  # an application that just exited (mate's idle exit)
        print(f"skipped {app!r}: {exc}", file=sys.stderr)
print(json.dumps(windows))
"""


def _kill_bus_group(pid: int | None) -> None:
    """dbus-daemon --fork leads its own process group, and every service it activates (the
    server, xfconfd, dconf-service, the a11y bus and registry) stays in it: end them all."""
    if pid is None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            try:
                os.killpg(pid, 0)
            except ProcessLookupError:
                return
            time.sleep(0.02)


def render_markup(text: str) -> str:
    """The text a GTK label shows for `text` as body markup: tags dropped, entities decoded, or
    the raw text when it does not parse (what all three servers do, e.g. for a lone '&')."""
    try:
        return "".join(ET.fromstring(f"<markup>{text}</markup>").itertext())
    except ET.ParseError:
        return text


@dataclass
class Sent:
    """One Notify as the bus carried it, with the id the server answered."""

    id: int
    owner: str  # the server's unique name
    app_name: str
    summary: str
    body: str
    actions: list[tuple[str, str]]  # (key, label)
    seq: int
    closed: int | None = None  # the reason of the last NotificationClosed for this id


@dataclass
class NotifyLog:
    """Every Notify, its reply and NotificationClosed on a bus, seen by a monitor connection."""

    address: str
    sent: dict[tuple[str, int], Sent] = field(default_factory=dict)  # (owner, id) -> Sent
    signals: list[tuple[str, str, tuple[Any, ...]]] = field(default_factory=list)
    _pending: dict[tuple[str, int], tuple[Any, ...]] = field(default_factory=dict)
    _seq: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None
    _conn: DBusConnection | None = None

    def start(self) -> None:
        conn = open_dbus_connection(self.address)
        rules = [
            f"type='method_call',interface='{NOTIFICATIONS}',member='Notify'",
            "type='method_return'",
            f"type='signal',interface='{NOTIFICATIONS}'",
        ]
        unwrap_msg(
            conn.send_and_get_reply(
                new_method_call(_MONITORING, "BecomeMonitor", "asu", (rules, 0)), timeout=5
            )
        )
        self._conn = conn
        self._thread = threading.Thread(target=self._run, name="notify-monitor", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        if self._conn is not None:
            self._conn.close()
        self._thread = self._conn = None

    def _run(self) -> None:
        assert self._conn is not None
        while not self._stop.is_set():
            try:
                msg = self._conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except (OSError, EOFError, ValueError):
                return  # the bus went away
            self._take(msg)

    def _take(self, msg: Any) -> None:
        fields = msg.header.fields
        kind = msg.header.message_type
        with self._lock:
            if kind == MessageType.method_call:
                self._pending[(fields.get(HeaderFields.sender, ""), msg.header.serial)] = msg.body
            elif kind == MessageType.method_return:
                key = (
                    fields.get(HeaderFields.destination, ""),
                    fields.get(HeaderFields.reply_serial, 0),
                )
                args = self._pending.pop(key, None)
                if args is None:
                    return
                app, _replaces, _icon, summary, body, actions, _hints, _timeout = args
                pairs = list(zip(actions[0::2], actions[1::2], strict=False))
                self._seq += 1
                owner = fields.get(HeaderFields.sender, "")
                nid = int(msg.body[0])
                self.sent[(owner, nid)] = Sent(nid, owner, app, summary, body, pairs, self._seq)
            elif kind == MessageType.signal:
                sender = fields.get(HeaderFields.sender, "")
                member = fields.get(HeaderFields.member, "")
                self.signals.append((sender, member, tuple(msg.body)))
                if member == "NotificationClosed" and (sender, msg.body[0]) in self.sent:
                    self.sent[(sender, msg.body[0])].closed = int(msg.body[1])

    def of(self, owner: str) -> list[Sent]:
        with self._lock:
            return [s for s in self.sent.values() if s.owner == owner]


@dataclass(frozen=True)
class Window:
    """A bubble window on screen, as AT-SPI describes it."""

    labels: tuple[str, ...]
    buttons: tuple[dict[str, Any], ...]
    x: int
    y: int
    w: int
    h: int

    @property
    def summary(self) -> str:
        return self.labels[0] if self.labels else ""

    @property
    def body(self) -> str:
        return "\n".join(self.labels[1:])


class GtkX11Rig(ServerRig):
    """A GTK3 notification server, D-Bus activated on a private bus, drawing on its own Xvfb."""

    # Where the package puts the server, newest layout first: the first that exists is run.
    server_binaries: tuple[str, ...] = ()
    server_package: str = ""
    atspi_name: str = ""  # the application name AT-SPI lists for the server
    desktop: str = ""  # XDG_CURRENT_DESKTOP; empty: leave it out
    uses_dconf: bool = False
    uses_xfconf: bool = False
    # A user's close: the button with no label (mate, notification-daemon) or, where there is
    # none, a click on the bubble away from its buttons (xfce).
    close_button: bool = True

    def __init__(self, base: Path | None = None) -> None:
        self.dir = Path(base or tempfile.mkdtemp(prefix=f"standup-{self.name}-"))
        self.home = self.dir / "home"
        self.config_home = self.dir / "config"
        self.runtime_dir = self.dir / "runtime"
        self.display = ""
        self.bus: PrivateBus | None = None
        self.notes: NotifyLog | None = None
        self._xvfb: subprocess.Popen[bytes] | None = None
        self._conn: DBusConnection | None = None
        self._log = self.dir / "server.log"
        self._helper = self.dir / "atspi_windows.py"
        self.server_binary = next(
            (path for path in self.server_binaries if Path(path).exists()), self.server_binaries[0]
        )
        self.binaries = self._needed()

    def _needed(self) -> tuple[str, ...]:
        needed = [
            "dbus-daemon",
            "Xvfb",
            "xdotool",
            SYSTEM_PYTHON,
            ATSPI_TYPELIB,
            AT_SPI_LAUNCHER,
            self.server_binary,
        ]
        if self.uses_xfconf:
            needed += [XFCONFD, "xfconf-query"]
        if self.uses_dconf:
            needed += [DCONF_SERVICE, "gsettings"]
        return tuple(needed)

    def _package(self, binary: str) -> str:
        return self.server_package if binary == self.server_binary else _PACKAGES.get(binary, "?")

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        lost = self.missing()
        if lost:
            named = ", ".join(f"{b} (package {self._package(b)})" for b in lost)
            raise RigError(f"{self.name} rig: missing {named}")
        for d in (self.home, self.config_home, self.runtime_dir):
            d.mkdir(parents=True, exist_ok=True)
        os.chmod(self.runtime_dir, 0o700)
        self._helper.write_text(_ATSPI_HELPER)
        try:
            self._start_xvfb()
            self._start_bus()
            self._conn = open_dbus_connection(self.bus_address)
            self.notes = NotifyLog(self.bus_address)
            self.notes.start()
            self._activate()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self.notes is not None:
            self.notes.stop()
            self.notes = None
        if self._conn is not None:
            self._conn.close()
            self._conn = None
        if self.bus is not None:
            _kill_bus_group(self.bus.pid)
            self.bus.stop()
            self.bus = None
        _kill_group(self._xvfb)
        self._xvfb = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def _start_xvfb(self) -> None:
        self._xvfb, self.display = start_xvfb()

    def _server_env(self) -> dict[str, str]:
        """What the bus hands to the services it activates (the server among them)."""
        env = {
            "DISPLAY": self.display,
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.config_home),
            "XDG_CACHE_HOME": str(self.dir / "cache"),
            "XDG_DATA_HOME": str(self.dir / "data"),
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "GDK_BACKEND": "x11",  # never a Wayland socket inherited from the test's env
            "NO_AT_BRIDGE": "0",
            "GSETTINGS_BACKEND": "dconf" if self.uses_dconf else "memory",
            "LANG": "C.UTF-8",
        }
        if self.desktop:
            env["XDG_CURRENT_DESKTOP"] = self.desktop
        return env

    def _start_bus(self) -> None:
        # The server's output goes to our log: an activated service inherits the forked
        # dbus-daemon's /dev/null otherwise.
        wrapper = self.dir / "server.sh"
        wrapper.write_text(f"#!/bin/sh\nexec '{self.server_binary}' >>'{self._log}' 2>&1\n")
        wrapper.chmod(0o755)
        services = {
            "notifications.service": activation_file(NOTIFICATIONS, str(wrapper)),
            "a11y.service": activation_file("org.a11y.Bus", AT_SPI_LAUNCHER),
        }
        if self.uses_xfconf:
            services["xfconf.service"] = activation_file("org.xfce.Xfconf", XFCONFD)
        if self.uses_dconf:
            services["dconf.service"] = activation_file("ca.desrt.dconf", DCONF_SERVICE)
        self.bus = PrivateBus(dir=self.dir / "bus", services=services, env=self._server_env())
        self.bus.start()

    def _activate(self) -> None:
        try:
            self._call(
                new_method_call(_DBUS, "StartServiceByName", "su", (NOTIFICATIONS, 0)), timeout=15
            )
            wait_until(self.owner, timeout=10)
        except Exception as exc:
            raise RigError(
                f"{self.name} did not take {NOTIFICATIONS}: {exc}\n{self.log()}"
            ) from exc

    @property
    def bus_address(self) -> str:
        return self.bus.address if self.bus is not None else ""

    @property
    def env(self) -> dict[str, str]:
        env = {
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "DISPLAY": self.display,
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
        }
        if self.desktop:
            env["XDG_CURRENT_DESKTOP"] = self.desktop
        if self.uses_dconf:  # a dconf reader in the client must see the server's database
            env["GSETTINGS_BACKEND"] = "dconf"
            env["XDG_CONFIG_HOME"] = str(self.config_home)
        return env

    def log(self) -> str:
        try:
            text = self._log.read_text(errors="replace")
        except OSError:
            return ""
        # atk-bridge prints assertion noise for every bubble; it says nothing about the server.
        kept = [
            ln
            for ln in text.splitlines()
            if ln.strip() and "Atk-CRITICAL" not in ln and "GLib-GObject-CRITICAL" not in ln
        ]
        return "\n".join(kept[-30:])

    # -- bus helpers ------------------------------------------------------------------------

    def _call(self, msg: Any, timeout: float = 5) -> tuple[Any, ...]:
        if self._conn is None:
            raise RigError(f"{self.name} rig is not running")
        return unwrap_msg(self._conn.send_and_get_reply(msg, timeout=timeout))

    def owner(self) -> str:
        """The unique name owning org.freedesktop.Notifications, or "" (never activates)."""
        try:
            return str(self._call(new_method_call(_DBUS, "GetNameOwner", "s", (NOTIFICATIONS,)))[0])
        except Exception:
            return ""

    def server_pid(self) -> int | None:
        owner = self.owner()
        if not owner:
            return None
        return int(
            self._call(new_method_call(_DBUS, "GetConnectionUnixProcessID", "s", (owner,)))[0]
        )

    def _run(self, *argv: str, timeout: float = 10) -> str:
        out = subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env={**os.environ, **self._server_env(), "DBUS_SESSION_BUS_ADDRESS": self.bus_address},
        )
        if out.returncode != 0:
            raise RigError(f"{' '.join(argv)} failed ({out.returncode}): {out.stderr.strip()}")
        return out.stdout

    # -- the screen -------------------------------------------------------------------------

    def windows(self) -> list[Window]:
        """The server's visible windows, from AT-SPI; none while the server is not running."""
        if not self.owner():
            return []
        raw = json.loads(self._run(SYSTEM_PYTHON, str(self._helper), self.atspi_name))
        return [
            Window(tuple(w["labels"]), tuple(w["buttons"]), w["x"], w["y"], w["w"], w["h"])
            for w in raw
        ]

    def _pair(self, windows: list[Window]) -> list[tuple[Window, Sent | None]]:
        """Each window with the notification it shows: same summary, a body that renders to
        what is shown, and of those the newest (a replaced id keeps its newest content)."""
        sent = self.notes.of(self.owner()) if self.notes is not None else []
        taken: set[int] = set()
        pairs: list[tuple[Window, Sent | None]] = []
        for win in windows:
            fits = [
                s
                for s in sent
                if s.id not in taken
                and s.summary.strip() == win.summary.strip()
                and win.body.strip() in (s.body.strip(), render_markup(s.body).strip())
            ]
            best = max(fits, key=lambda s: (s.closed is None, s.seq), default=None)
            if best is not None:
                taken.add(best.id)
            pairs.append((win, best))
        return pairs

    def _paired(self) -> list[tuple[Window, Sent | None]]:
        # The monitor may see the Notify reply a moment after the client did.
        pairs = self._pair(self.windows())
        deadline = time.monotonic() + 1.0
        while any(s is None for _w, s in pairs) and time.monotonic() < deadline:
            time.sleep(0.05)
            pairs = self._pair(self.windows())
        return pairs

    def bubbles(self) -> list[Bubble]:
        out = []
        for win, sent in self._paired():
            labels = [b["name"] for b in win.buttons if b["name"]]
            keys = dict((label, key) for key, label in sent.actions) if sent else {}
            out.append(
                Bubble(
                    id=sent.id if sent else 0,
                    summary=win.summary,
                    body=win.body,
                    actions=tuple(keys.get(label, label) for label in labels),
                    app_name=sent.app_name if sent else "",
                )
            )
        out.sort(key=lambda b: b.id or 1 << 32)  # oldest first: ids only grow per server run
        return out

    def _window_of(self, bubble: Bubble) -> tuple[Window, Sent | None]:
        pairs = self._paired()
        for win, sent in pairs:
            if bubble.id and sent is not None and sent.id == bubble.id:
                return win, sent
        for win, sent in pairs:
            if win.summary == bubble.summary and win.body == bubble.body:
                return win, sent
        raise RigError(f"{self.name}: no bubble on screen like {bubble}")

    def _click(self, x: int, y: int) -> None:
        # Then away to the top-left corner: a pointer resting on a bubble holds its timeout.
        self._run("xdotool", "mousemove", str(x), str(y), "click", "1", "mousemove", "0", "0")

    def press(self, bubble: Bubble, key: str) -> None:
        win, sent = self._window_of(bubble)
        labels = [label for k, label in sent.actions if k == key] if sent else []
        label = labels[0] if labels else key
        for button in win.buttons:
            if button["name"] == label:
                self._click(button["x"] + button["w"] // 2, button["y"] + button["h"] // 2)
                return
        raise RigError(
            f"{self.name}: no button {label!r} on {bubble}; buttons: "
            f"{[b['name'] for b in win.buttons]}"
        )

    def close_by_user(self, bubble: Bubble) -> None:
        """Dismiss `bubble` as a user would: its close button, or a click on the bubble."""
        win, _sent = self._window_of(bubble)
        if self.close_button:
            for button in win.buttons:
                if not button["name"]:
                    self._click(button["x"] + button["w"] // 2, button["y"] + button["h"] // 2)
                    return
            raise RigError(f"{self.name}: no close button on {bubble}")
        self._click(win.x + 8, win.y + 8)

    def close_all(self) -> None:
        """CloseNotification for every notification the server may still show."""
        owner = self.owner()
        if owner and self.notes is not None:
            for sent in self.notes.of(owner):
                if sent.closed is None:
                    self._call(
                        new_method_call(_NOTIFICATIONS_IFACE, "CloseNotification", "u", (sent.id,))
                    )

    def reset(self) -> None:
        if self.has_dnd:
            self.set_dnd(False)
        self.close_all()
        # What CloseNotification leaves up (notification-daemon, or a bubble the log missed)
        # goes the user's way; queued bubbles then come up, so repeat until the screen is empty.
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: not self.windows(), timeout=1.0, interval=0.05)
        deadline = time.monotonic() + 10
        while self.windows():
            if time.monotonic() > deadline:
                raise RigError(f"{self.name}: bubbles left after reset: {self.bubbles()}")
            for bubble in self.bubbles()[:1]:
                self.close_by_user(bubble)
            time.sleep(0.1)


class XfceNotifydRig(GtkX11Rig):
    """xfce4-notifyd 0.7 and 0.9; do-not-disturb is xfconf's xfce4-notifyd /do-not-disturb."""

    name = "xfce4-notifyd"
    packages = (
        "xfce4-notifyd",
        "xfconf",
        "at-spi2-core",
        "python3-gi",
        "gir1.2-atspi-2.0",
        "xvfb",
        "xdotool",
        "dbus-daemon",
    )
    server_binaries = ("/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd",)
    server_package = "xfce4-notifyd"
    atspi_name = "xfce4-notifyd"
    desktop = "XFCE"
    uses_xfconf = True
    close_button = False
    has_dnd = True

    def set_dnd(self, on: bool) -> None:
        # What the notification settings (and the panel plugin) change.
        self._run(
            "xfconf-query",
            "-c",
            "xfce4-notifyd",
            "-p",
            "/do-not-disturb",
            "-n",
            "-t",
            "bool",
            "-s",
            "true" if on else "false",
        )

    def dnd(self) -> bool:
        """What a client reads: Xfconf.GetProperty; a never-set property is an error (off)."""
        xfconf = DBusAddress(
            "/org/xfce/Xfconf", bus_name="org.xfce.Xfconf", interface="org.xfce.Xfconf"
        )
        try:
            value = self._call(
                new_method_call(xfconf, "GetProperty", "ss", ("xfce4-notifyd", "/do-not-disturb"))
            )[0]
        except Exception:
            return False
        return bool(value[1])


class MateNotificationRig(GtkX11Rig):
    """mate-notification-daemon 1.26; do-not-disturb is gsettings org.mate.NotificationDaemon."""

    name = "mate"
    packages = (
        "mate-notification-daemon",
        "dconf-service",
        "dconf-gsettings-backend",
        "libglib2.0-bin",
        "at-spi2-core",
        "python3-gi",
        "gir1.2-atspi-2.0",
        "xvfb",
        "xdotool",
        "dbus-daemon",
    )
    # 1.26.1 (Debian 13) moved the daemon to libexec; 1.26.0 (Debian 12) has it in lib.
    server_binaries = (
        "/usr/libexec/mate-notification-daemon/mate-notification-daemon",
        "/usr/lib/mate-notification-daemon/mate-notification-daemon",
    )
    server_package = "mate-notification-daemon"
    atspi_name = "mate-notification-daemon"
    desktop = "MATE"
    uses_dconf = True
    has_dnd = True

    @property
    def dconf_db(self) -> Path:
        """The GVDB file a client reads /org/mate/notification-daemon/do-not-disturb from."""
        return self.config_home / "dconf" / "user"

    def set_dnd(self, on: bool) -> None:
        self._run(
            "gsettings",
            "set",
            "org.mate.NotificationDaemon",
            "do-not-disturb",
            "true" if on else "false",
        )

    def dnd(self) -> bool:
        out = self._run("gsettings", "get", "org.mate.NotificationDaemon", "do-not-disturb")
        return out.strip() == "true"


class NotificationDaemonRig(GtkX11Rig):
    """notification-daemon 3.20 (GNOME Flashback's): no do-not-disturb, one bubble at a time,
    and CloseNotification answers (and signals reason 3) but leaves the bubble up."""

    name = "notification-daemon"
    packages = (
        "notification-daemon",
        "at-spi2-core",
        "python3-gi",
        "gir1.2-atspi-2.0",
        "xvfb",
        "xdotool",
        "dbus-daemon",
    )
    server_binaries = ("/usr/lib/notification-daemon/notification-daemon",)
    server_package = "notification-daemon"
    atspi_name = "notification-daemon"
    has_dnd = False
