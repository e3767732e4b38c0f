"""KDE Plasma 5.27 (Debian 12) or 6.3 (Debian 13): plasmashell on Xvfb, on a private session bus.

The rig asks plasmashell its version (`--version`, which needs the display) and reads the
popups by the shape of the tree it finds; it never asks which Debian release it runs on.

What plasmashell needs on its bus (found by trying): kactivitymanagerd (`org.kde.ActivityManager`;
without it the shell aborts its load and never takes org.freedesktop.Notifications) and, for
this rig's eyes and hands, the AT-SPI bus launcher (`org.a11y.Bus`). kglobalaccel, kded5,
KScreen and KWin are asked for and missing; plasmashell only logs that.

Reading the screen: plasmashell runs with QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1, so every popup
is on the AT-SPI bus as a frame holding a `notification` node (name = the summary as shown, a
`text` below it = the body as rendered) and one `push button` per action, named by its label.
Plasma 5 puts the app-name label, the close button, the notification node and the action
buttons side by side in the frame; Plasma 6 nests them: frame -> list item -> notification ->
{tool bar (app-name heading, close button), heading, panel -> text, layered pane -> buttons}.
The rig speaks AT-SPI over D-Bus with jeepney (no python3-gi needed). AT-SPI knows no notification
ids, so the rig also registers as a watcher on plasmashell's own `org.kde.NotificationManager`
interface (what KDE Connect uses): plasmashell then forwards each Notify (id, summary, actions
with their keys) to the rig, which pairs ids with the popups on screen.

Pressing: the AT-SPI "Press" action on the button runs the applet's own onClicked, exactly as a
click would: plasmashell emits ActivationToken, ActionInvoked(id, key) and closes the bubble
(NotificationClosed reason 3). org.kde.NotificationManager.InvokeAction would emit the signal
too, but bypasses the popup (no close): not used.

Do not disturb: the applet's switch (and its global shortcut) stores
plasmanotifyrc [DoNotDisturb] Until=<date> and plasmashell follows that file live (KConfigWatcher);
the rig writes the same key with kwriteconfig6 (`--notify` sends KConfig's change notice) or
kwriteconfig5 (no `--notify` in KF5: the rig sends the notice itself). plasmashell mirrors its
state in the `Inhibited` property of org.freedesktop.Notifications.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, ClassVar

from jeepney import (
    DBusAddress,
    HeaderFields,
    MatchRule,
    MessageType,
    message_bus,
    new_method_call,
    new_signal,
)
from jeepney.io.blocking import DBusConnection, Proxy, open_dbus_connection
from jeepney.low_level import Message
from jeepney.wrappers import DBusErrorResponse, new_method_return, unwrap_msg

from .base import Bubble, PrivateBus, RigError, ServerRig, activation_file, wait_until
from rig import _kill_group, start_xvfb

_KAMD = "/usr/lib/x86_64-linux-gnu/libexec/kactivitymanagerd"
_A11Y_LAUNCHER = "/usr/libexec/at-spi-bus-launcher"
# KConfig's command-line writer for each Plasma generation (both write the same file format).
_KWRITECONFIG = {6: "kwriteconfig6", 5: "kwriteconfig5"}

_NOTIFICATIONS = DBusAddress(
    "/org/freedesktop/Notifications",
    bus_name="org.freedesktop.Notifications",
    interface="org.freedesktop.Notifications",
)
_MANAGER = DBusAddress(
    "/org/freedesktop/Notifications",
    bus_name="org.freedesktop.Notifications",
    interface="org.kde.NotificationManager",
)
_WATCHER_IFACE = "org.kde.NotificationWatcher"
_ACCESSIBLE = "org.a11y.atspi.Accessible"
_SHOWING = 1 << 25  # ATSPI_STATE_SHOWING, in the first word of GetState()
_ROOT = "/org/a11y/atspi/accessible/root"


@dataclass
class _Sent:
    """A notification as plasmashell forwarded it to the watcher."""

    id: int
    app_name: str
    summary: str
    keys: tuple[str, ...]
    labels: tuple[str, ...]


@dataclass
class _Popup:
    """One popup window as AT-SPI shows it."""

    app_name: str
    summary: str
    body: str
    buttons: dict[str, tuple[str, str]]  # label -> (bus name, object path)
    closer: tuple[str, str] | None  # the popup's own close (X) button


class _Atspi:
    """Just enough of the AT-SPI D-Bus protocol to read plasmashell's popups and press buttons."""

    def __init__(self, address: str, pid: int) -> None:
        self.conn = open_dbus_connection(bus=address)
        self.pid = pid
        self.app: str | None = None

    def close(self) -> None:
        self.conn.close()

    def _call(
        self, dest: str, path: str, iface: str, method: str, sig: str = "", *args: Any
    ) -> Any:
        msg = new_method_call(DBusAddress(path, bus_name=dest, interface=iface), method, sig, args)
        return unwrap_msg(self.conn.send_and_get_reply(msg, timeout=5))

    def _prop(self, dest: str, path: str, name: str) -> Any:
        return self._call(
            dest, path, "org.freedesktop.DBus.Properties", "Get", "ss", _ACCESSIBLE, name
        )[0][1]

    def find_app(self) -> str | None:
        """plasmashell's name on the AT-SPI bus (matched by pid: it registers as it starts)."""
        if self.app:
            return self.app
        bus = Proxy(message_bus, self.conn, timeout=5)
        for name in bus.ListNames()[0]:
            if not name.startswith(":"):
                continue
            with contextlib.suppress(Exception):
                if bus.GetConnectionUnixProcessID(name)[0] == self.pid:
                    self.app = name
        return self.app

    def popups(self) -> list[_Popup]:
        app = self.find_app()
        if app is None:
            return []
        found = []
        for dest, path in self._call(app, _ROOT, _ACCESSIBLE, "GetChildren")[0]:
            try:
                if self._showing(dest, path) and self._role(dest, path) == "frame":
                    found.extend(self._read_frame(dest, path))
            except DBusErrorResponse:
                continue  # a popup that closed while we read it (UnknownObject)
        return found

    def _role(self, dest: str, path: str) -> str:
        return self._call(dest, path, _ACCESSIBLE, "GetRoleName")[0]

    def _showing(self, dest: str, path: str) -> bool:
        return bool(self._call(dest, path, _ACCESSIBLE, "GetState")[0][0] & _SHOWING)

    def _children(self, dest: str, path: str) -> list[tuple[str, str]]:
        return self._call(dest, path, _ACCESSIBLE, "GetChildren")[0]

    def _read_frame(self, dest: str, path: str) -> list[_Popup]:
        """The popups in one frame, by the shape of the tree: Plasma 5 puts the notification
        node straight in the frame, Plasma 6 one level down in a list item. Panels and the
        tray are frames too, but hold no notification node."""
        children = [(child, self._role(*child)) for child in self._children(dest, path)]
        if any(role == "notification" for _child, role in children):
            popup = self._read_flat(children)
            return [popup] if popup is not None else []
        found = []
        for child, role in children:
            if role == "list item" and self._showing(*child):
                popup = self._read_item(child)
                if popup is not None:
                    found.append(popup)
        return found

    def _read_flat(self, children: list[tuple[tuple[str, str], str]]) -> _Popup | None:
        # Plasma 5: the frame's direct children are labels (app name), Configure/Minimize/Close
        # buttons, the notification node, then one button per action.
        labels: list[str] = []
        buttons: dict[str, tuple[str, str]] = {}
        closer = None
        note: tuple[str, str] | None = None
        for child, role in children:
            if role == "notification":
                note = child
            elif role == "label" and note is None:
                labels.append(self._prop(*child, "Name"))
            elif role == "push button" and self._showing(*child):
                name = self._prop(*child, "Name")
                if note is None and name == "Close":
                    closer = child
                elif note is not None:
                    buttons[name] = child
        if note is None or not self._showing(*note):
            return None
        return _Popup(
            app_name=next((label for label in labels if label), ""),
            summary=self._prop(*note, "Name"),
            body=self._body(*note),
            buttons=buttons,
            closer=closer,
        )

    def _read_item(self, item: tuple[str, str]) -> _Popup | None:
        # Plasma 6: list item -> notification -> {tool bar (app name heading, Configure,
        # Minimize, Close), heading (summary), panel -> text (body), layered pane -> one
        # button per action}.
        note = next((c for c in self._children(*item) if self._role(*c) == "notification"), None)
        if note is None or not self._showing(*note):
            return None
        app_name = ""
        buttons: dict[str, tuple[str, str]] = {}
        closer = None
        for part in self._children(*note):
            role = self._role(*part)
            if role not in ("tool bar", "layered pane"):
                continue
            for child in self._children(*part):
                kind = self._role(*child)
                if kind == "heading" and role == "tool bar" and not app_name:
                    app_name = self._prop(*child, "Name")
                elif kind == "push button" and self._showing(*child):
                    name = self._prop(*child, "Name")
                    if role == "layered pane":
                        buttons[name] = child
                    elif name == "Close":
                        closer = child
        return _Popup(
            app_name=app_name,
            summary=self._prop(*note, "Name"),
            body=self._body(*note),
            buttons=buttons,
            closer=closer,
        )

    def _body(self, dest: str, path: str, depth: int = 0) -> str:
        # The body is a rich-text TextEdit under the notification node; its plain text uses
        # U+2028 for <br/> and ends in a space (Plasma trims the body, so none is real).
        for child in self._children(dest, path):
            if self._role(*child) == "text":
                text = self._call(*child, "org.a11y.atspi.Text", "GetText", "ii", 0, -1)[0]
                return text.rstrip(" ").replace("\u2028", "\n").replace("\u2029", "\n")
            if depth < 3:
                found = self._body(*child, depth + 1)
                if found:
                    return found
        return ""

    def press(self, button: tuple[str, str]) -> None:
        dest, path = button
        names = [
            self._call(dest, path, "org.a11y.atspi.Action", "GetName", "i", i)[0]
            for i in range(self._prop_action_count(dest, path))
        ]
        if "Press" not in names:
            raise RigError(f"button {path} offers no Press action: {names}")
        ok = self._call(dest, path, "org.a11y.atspi.Action", "DoAction", "i", names.index("Press"))
        if not ok[0]:
            raise RigError(f"AT-SPI DoAction(Press) on {path} failed")

    def _prop_action_count(self, dest: str, path: str) -> int:
        reply = self._call(
            dest, path, "org.freedesktop.DBus.Properties", "Get", "ss",
            "org.a11y.atspi.Action", "NActions",
        )  # fmt: skip
        return int(reply[0][1])


class PlasmaRig(ServerRig):
    """plasmashell (5.27 or 6) on Xvfb; bubbles and buttons through AT-SPI, ids through its
    watcher."""

    name = "plasma"
    packages = ("plasma-workspace", "plasma-desktop", "kactivitymanagerd", "at-spi2-core",
                "libkf5config-bin or libkf6config-bin", "xvfb", "dbus")  # fmt: skip
    binaries = ("plasmashell", "Xvfb", "dbus-daemon",
                "dbus-update-activation-environment", _KAMD, _A11Y_LAUNCHER)  # fmt: skip
    has_dnd = True
    markup = True

    _package_of: ClassVar[dict[str, str]] = {
        "plasmashell": "plasma-workspace",
        "Xvfb": "xvfb",
        "dbus-daemon": "dbus",
        "dbus-update-activation-environment": "dbus-bin",
        _KAMD: "kactivitymanagerd",
        _A11Y_LAUNCHER: "at-spi2-core",
    }

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="standup-plasma-"))
        self.home = self.dir / "home"
        self.config = self.home / ".config"
        self.runtime = self.dir / "runtime"
        self.display = ""
        self.bus: PrivateBus | None = None
        self._xvfb: subprocess.Popen[bytes] | None = None
        self._shell: subprocess.Popen[bytes] | None = None
        self._log = self.dir / "plasmashell.log"
        self._watch: DBusConnection | None = None
        self._calls: deque[Message] = deque(maxlen=10000)
        self._closed_signals: deque[Message] = deque(maxlen=10000)
        self._filters: list[Any] = []
        self._sent: dict[int, _Sent] = {}
        self._atspi: _Atspi | None = None
        self.startup_seconds = 0.0
        self.version: tuple[int, ...] = ()  # plasmashell's own, e.g. (6, 3, 6)
        self._notifies: dict[str, bool] = {}  # kwriteconfig tool -> has --notify

    # -- life cycle -------------------------------------------------------------------------

    def missing(self) -> list[str]:
        lost = [
            f"{name} (package {self._package_of.get(name, '?')})"
            for name in self.binaries
            if shutil.which(name) is None and not Path(name).exists()
        ]
        if not any(shutil.which(tool) for tool in _KWRITECONFIG.values()):
            lost.append(
                "kwriteconfig6 or kwriteconfig5 (package libkf6config-bin or libkf5config-bin)"
            )
        return lost

    def start(self) -> None:
        lost = self.missing()
        if lost:
            raise RigError(f"plasma rig needs: {', '.join(lost)}")
        began = time.monotonic()
        for d in (self.home, self.config, self.home / ".local/share", self.home / ".cache"):
            d.mkdir(parents=True, exist_ok=True)
        self.runtime.mkdir(mode=0o700, exist_ok=True)
        try:
            self._start_xvfb()
            self.version = self._read_version()
            self._start_bus()
            self._start_shell()
            self._start_watcher()
            self._start_atspi()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def stop(self) -> None:
        for conn in (self._watch, self._atspi):
            with contextlib.suppress(Exception):
                if conn is not None:
                    conn.close()
        self._watch = self._atspi = None
        _kill_group(self._shell)
        self._shell = None
        if self.bus is not None:
            self.bus.stop()
        self._kill_strays()
        _kill_group(self._xvfb)
        self._xvfb = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def _kill_strays(self) -> None:
        """Helpers that left plasmashell's process group or were activated by the bus
        (kactivitymanagerd, kioslave5, at-spi-bus-launcher and its bus and registry) carry
        this rig's marker in their environment: end exactly those, by pid."""
        marker = f"PLASMA_RIG_DIR={self.dir}".encode()
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = []
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit() or int(entry.name) == os.getpid():
                    continue
                try:
                    if marker in (entry / "environ").read_bytes().split(b"\0"):
                        pids.append(int(entry.name))
                except OSError:
                    continue
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(pid, sig)
            deadline = time.monotonic() + 2
            while pids and time.monotonic() < deadline:
                pids = [pid for pid in pids if _alive(pid)]
                time.sleep(0.02)
            if not pids:
                return

    def _start_xvfb(self) -> None:
        self._xvfb, self.display = start_xvfb("1280x800x24")

    def _read_version(self) -> tuple[int, ...]:
        """plasmashell's version, from itself (it needs a display even for --version)."""
        out = subprocess.run(
            ["plasmashell", "--version"],
            # KDE_DEBUG: a crash ends the process instead of waiting on drkonqi.
            env={**self._server_env(), "KDE_DEBUG": "1"},
            capture_output=True, text=True, timeout=30, check=False,
        )  # fmt: skip
        words = out.stdout.split()
        try:
            return tuple(int(part) for part in words[-1].split("."))
        except (IndexError, ValueError):
            raise RigError(
                f"plasmashell --version said {out.stdout!r} {out.stderr[-500:]!r}"
            ) from None

    def _server_env(self) -> dict[str, str]:
        return {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.config),
            "XDG_DATA_HOME": str(self.home / ".local/share"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_RUNTIME_DIR": str(self.runtime),
            "DISPLAY": self.display,
            "XDG_SESSION_TYPE": "x11",
            "XDG_CURRENT_DESKTOP": "KDE",
            "KDE_FULL_SESSION": "true",
            "KDE_SESSION_VERSION": str(self.version[0] if self.version else 5),
            "QT_QPA_PLATFORM": "xcb",
            # Qt exposes its widgets on the AT-SPI bus only when a screen reader asks, or this.
            "QT_LINUX_ACCESSIBILITY_ALWAYS_ON": "1",
            "LANG": "C.UTF-8",
            "PLASMA_RIG_DIR": str(self.dir),
        }

    def _start_bus(self) -> None:
        services = {
            "org.kde.ActivityManager.service": activation_file("org.kde.ActivityManager", _KAMD),
            "org.a11y.Bus.service": activation_file("org.a11y.Bus", _A11Y_LAUNCHER),
        }
        self.bus = PrivateBus(dir=self.dir / "bus", services=services, env=self._server_env())
        self.bus.start()
        # What a Plasma session does at login, so activated helpers see DISPLAY and our HOME.
        out = subprocess.run(
            ["dbus-update-activation-environment", "--all"],
            env={**self._server_env(), "DBUS_SESSION_BUS_ADDRESS": self.bus.address},
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        if out.returncode != 0:
            raise RigError(f"dbus-update-activation-environment failed: {out.stderr.strip()}")

    def _start_shell(self) -> None:
        log = self._log.open("ab")
        self._shell = subprocess.Popen(
            ["plasmashell", "--no-respawn"],
            env={**self._server_env(), "DBUS_SESSION_BUS_ADDRESS": self.address},
            stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
        )  # fmt: skip
        log.close()
        try:
            wait_until(
                lambda: self._shell is None or self._shell.poll() is not None or self._owner(),
                timeout=30,
                interval=0.05,
            )
        except TimeoutError:
            raise RigError(f"plasmashell did not take the bus name; log: {self.log()}") from None
        if self._shell is None or self._shell.poll() is not None:
            raise RigError(f"plasmashell exited at start; log: {self.log()}")

    def _start_watcher(self) -> None:
        conn = open_dbus_connection(bus=self.address)
        self._watch = conn
        calls = MatchRule(type="method_call", interface=_WATCHER_IFACE)
        closed = MatchRule(
            type="signal", interface=_NOTIFICATIONS.interface, member="NotificationClosed"
        )
        self._filters = [conn.filter(calls, queue=self._calls)]
        self._filters.append(conn.filter(closed, queue=self._closed_signals))
        Proxy(message_bus, conn, timeout=5).AddMatch(closed)
        unwrap_msg(conn.send_and_get_reply(new_method_call(_MANAGER, "RegisterWatcher"), timeout=5))

    def _start_atspi(self) -> None:
        with self._session() as conn:
            reply = conn.send_and_get_reply(
                new_method_call(
                    DBusAddress("/org/a11y/bus", bus_name="org.a11y.Bus", interface="org.a11y.Bus"),
                    "GetAddress",
                ),
                timeout=10,
            )
            address = unwrap_msg(reply)[0]
        assert self._shell is not None
        self._atspi = _Atspi(address, self._shell.pid)
        try:
            wait_until(self._atspi.find_app, timeout=15, interval=0.05)
        except TimeoutError:
            raise RigError(f"plasmashell is not on the AT-SPI bus; log: {self.log()}") from None

    @contextlib.contextmanager
    def _session(self) -> Any:
        conn = open_dbus_connection(bus=self.address)
        try:
            yield conn
        finally:
            conn.close()

    def _owner(self) -> str | None:
        with self._session() as conn:
            try:
                return Proxy(message_bus, conn, timeout=5).GetNameOwner(_NOTIFICATIONS.bus_name)[0]
            except Exception:
                return None

    @property
    def address(self) -> str:
        return self.bus.address if self.bus else ""

    @property
    def env(self) -> dict[str, str]:
        return {
            "DBUS_SESSION_BUS_ADDRESS": self.address,
            "DISPLAY": self.display,
            "XDG_RUNTIME_DIR": str(self.runtime),
            "XDG_CURRENT_DESKTOP": "KDE",
            "XDG_SESSION_TYPE": "x11",
            "KDE_FULL_SESSION": "true",
        }

    def log(self) -> str:
        try:
            return self._log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    # -- what is on screen ------------------------------------------------------------------

    def _drain(self, wait: float = 0.0) -> None:
        """Take in what plasmashell forwarded to the watcher and the close signals."""
        if self._watch is None:
            return
        deadline = time.monotonic() + wait
        while True:
            try:
                self._watch.recv_messages(timeout=max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                break
        while self._calls:
            msg = self._calls.popleft()
            self._on_watcher_call(msg)
        while self._closed_signals:
            self._sent.pop(self._closed_signals.popleft().body[0], None)

    def _on_watcher_call(self, msg: Message) -> None:
        member = msg.header.fields.get(HeaderFields.member)
        if member == "Notify":
            nid, app_name, _replaces, _icon, summary, _body, actions, _hints, _timeout = msg.body
            self._sent[nid] = _Sent(
                nid, app_name, summary, tuple(actions[0::2]), tuple(actions[1::2])
            )
        elif member == "CloseNotification":
            self._sent.pop(msg.body[0], None)
        if self._watch is not None and msg.header.message_type is MessageType.method_call:
            with contextlib.suppress(Exception):
                self._watch.send(new_method_return(msg))

    def _on_screen(self) -> list[tuple[Bubble, _Popup]]:
        if self._atspi is None:
            raise RigError("plasma rig is not started")
        popups = self._atspi.popups()
        self._drain()
        if popups and len(self._sent) < len(popups):
            self._drain(wait=0.2)  # a Notify forwarded a moment ago may still be in flight
        free = sorted(self._sent.values(), key=lambda s: s.id)
        paired: list[tuple[Bubble, _Popup]] = []
        for popup in popups:
            match = next((s for s in free if s.summary == popup.summary), None)
            if match is None:
                match = next((s for s in free if s.app_name == popup.app_name), None)
            if match is not None:
                free.remove(match)
                actions = tuple(
                    key
                    for key, label in zip(match.keys, match.labels, strict=True)
                    if label in popup.buttons
                )
                nid = match.id
            else:  # not from the watcher (cannot happen for Notify over D-Bus): show it anyway
                actions, nid = tuple(popup.buttons), 0
            bubble = Bubble(nid, popup.summary, popup.body, actions, popup.app_name)
            paired.append((bubble, popup))
        paired.sort(key=lambda pair: pair[0].id)
        return paired

    def bubbles(self) -> list[Bubble]:
        return [bubble for bubble, _popup in self._on_screen()]

    def _popup_of(self, bubble: Bubble) -> _Popup:
        for shown, popup in self._on_screen():
            if shown.id == bubble.id:
                return popup
        raise RigError(f"bubble {bubble.id} ({bubble.summary!r}) is not on screen")

    def press(self, bubble: Bubble, key: str) -> None:
        popup = self._popup_of(bubble)
        sent = self._sent.get(bubble.id)
        if sent is None or key not in sent.keys:
            raise RigError(f"bubble {bubble.id} has no action {key!r}")
        label = sent.labels[sent.keys.index(key)]
        if label not in popup.buttons:
            raise RigError(f"no button {label!r} on bubble {bubble.id}: {list(popup.buttons)}")
        assert self._atspi is not None
        self._atspi.press(popup.buttons[label])

    def dismiss(self, bubble: Bubble) -> None:
        """The popup's own close (X) button, as a user closes it (NotificationClosed reason 2)."""
        popup = self._popup_of(bubble)
        if popup.closer is None:
            raise RigError(f"bubble {bubble.id} shows no close button")
        assert self._atspi is not None
        self._atspi.press(popup.closer)

    # -- do not disturb ---------------------------------------------------------------------

    def set_dnd(self, on: bool) -> None:
        # As the applet's toggle does: "until manually disabled" is a year from now; off
        # clears the key (Settings::notificationsInhibitedUntil = invalid date).
        tool, notifies = self._kwriteconfig()
        args = [tool, "--file", "plasmanotifyrc", "--group", "DoNotDisturb", "--key", "Until"]
        if notifies:
            args.insert(1, "--notify")
        if on:
            until = datetime.now() + timedelta(days=365)
            # KConfig's QDateTime format; it reads an ISO date as invalid (DND stays off).
            args.append(
                f"{until.year},{until.month},{until.day},{until.hour},{until.minute},{until.second}"
            )
        else:
            args.insert(1, "--delete")
        env = {**self._server_env(), "DBUS_SESSION_BUS_ADDRESS": self.address}
        out = subprocess.run(args, env=env, capture_output=True, text=True, timeout=10, check=False)
        if out.returncode != 0:
            raise RigError(f"{tool} failed: {out.stderr.strip()}")
        if not notifies:
            self._config_changed("plasmanotifyrc", "DoNotDisturb", "Until")
        # Plasma 6 follows the change sometimes a second late, and soon after its start now
        # and then not at all (the file is written, Inhibited never moves: 1 start in 5); it
        # rereads the file on the next notice, so one is sent again before giving up.
        for wait in (3, 5):
            with contextlib.suppress(TimeoutError):
                wait_until(lambda: self.dnd() == on, timeout=wait, interval=0.02)
                return
            self._config_changed("plasmanotifyrc", "DoNotDisturb", "Until")
        raise RigError(f"plasmashell's Inhibited did not become {on}; log: {self.log()}")

    def _kwriteconfig(self) -> tuple[str, bool]:
        """The KConfig writer of plasmashell's own generation if installed (else the other
        one), and whether it can send KConfig's change notice itself (--notify)."""
        major = self.version[0] if self.version else 5
        tools = sorted(_KWRITECONFIG.items(), key=lambda item: item[0] != major)
        tool = next((name for _gen, name in tools if shutil.which(name)), None)
        if tool is None:
            raise RigError("no kwriteconfig6 or kwriteconfig5")
        if tool not in self._notifies:
            helptext = subprocess.run(
                [tool, "--help"], env=self._server_env(), capture_output=True, text=True,
                timeout=10, check=False,
            ).stdout  # fmt: skip
            self._notifies[tool] = "--notify" in helptext
        return tool, self._notifies[tool]

    def _config_changed(self, file: str, group: str, key: str) -> None:
        """KConfig's change notice (what KConfig::Notify sends; kwriteconfig5 has no --notify
        before KF 6): plasmashell's KConfigWatcher rereads the file when it sees it."""
        signal_msg = new_signal(
            DBusAddress(f"/{file}", interface="org.kde.kconfig.notify"),
            "ConfigChanged", "a{saay}", ({group: [key.encode()]},),
        )  # fmt: skip
        with self._session() as conn:
            conn.send(signal_msg)
            # A round trip to the bus: the signal is out before we start polling.
            Proxy(message_bus, conn, timeout=5).GetId()

    def dnd(self) -> bool:
        """What a client reads: the Inhibited property of org.freedesktop.Notifications."""
        with self._session() as conn:
            msg = new_method_call(
                DBusAddress(_NOTIFICATIONS.object_path, bus_name=_NOTIFICATIONS.bus_name,
                            interface="org.freedesktop.DBus.Properties"),
                "Get", "ss", (_NOTIFICATIONS.interface, "Inhibited"),
            )  # fmt: skip
            return bool(unwrap_msg(conn.send_and_get_reply(msg, timeout=5))[0][1])

    # -- between tests ----------------------------------------------------------------------

    def reset(self) -> None:
        if self.dnd():
            self.set_dnd(False)
        # Close what is on screen with the popups' own close buttons (as a user would), and
        # what plasmashell still holds off screen (sent during DND, or no room left on the
        # screen, which fits four popups) with CloseNotification.
        for _ in range(5):
            shown = self._on_screen()
            for _bubble, popup in shown:
                if popup.closer is not None:
                    assert self._atspi is not None
                    with contextlib.suppress(DBusErrorResponse):
                        self._atspi.press(popup.closer)
            self._drain(wait=0.1)
            on_screen = {bubble.id for bubble, popup in shown if popup.closer is not None}
            for nid in sorted(set(self._sent) - on_screen):
                self._close_call(nid)
            with contextlib.suppress(TimeoutError):
                wait_until(lambda: not self._atspi or not self._atspi.popups(), timeout=3)
            self._drain(wait=0.05)
            if not self._sent and not self._on_screen():
                break
        self._sent.clear()

    def _close_call(self, nid: int) -> None:
        with self._session() as conn:
            msg = new_method_call(_NOTIFICATIONS, "CloseNotification", "u", (nid,))
            conn.send_and_get_reply(msg, timeout=5)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie nobody reaps (its parent is gone) counts as ended
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    except (OSError, IndexError):
        return False
