"""GNOME Shell (43 to 48) as the notification server: headless Wayland on a private session bus.

The shell is its own display (`--headless --wayland --no-x11 --virtual-monitor`), so no Xvfb.
It needs, beyond the session bus:
- an empty private SYSTEM bus: with /run/systemd/seats present it aborts without one;
- dconf-service activatable on the session bus (`ca.desrt.dconf`), because its settings,
  including the do-not-disturb key, live in dconf (GSETTINGS_BACKEND=dconf);
- org.gnome.Shell.Notifications activatable: a gjs service (needs /usr/bin/gjs, package gjs,
  which Debian's gnome-shell does not depend on) that owns org.freedesktop.Notifications and
  forwards to the shell; without it nobody owns the name;
- a tiny extension that turns on unsafe mode, without which `org.gnome.Shell.Eval` refuses
  everything (old style before GNOME 45, an ES module from 45 on: `gnome-shell --version`
  tells which). Eval is how this rig reads what the shell holds and presses its buttons, with
  GNOME's own JavaScript objects (Main.messageTray, the FdoNotificationDaemon).
Do-not-disturb is `org.gnome.desktop.notifications show-banners` (false = DND on), which a
client reads from the GVDB file $XDG_CONFIG_HOME/dconf/user, key
/org/gnome/desktop/notifications/show-banners (see `dconf_db`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, new_method_call
from jeepney.io.blocking import DBusConnection, open_dbus_connection
from jeepney.wrappers import unwrap_msg

from desktop_rigs.base import Bubble, PrivateBus, RigError, ServerRig, activation_file, wait_until

from rig import _kill_group, gone

DCONF_SERVICE = "/usr/libexec/dconf-service"
# GNOME Shell does not own org.freedesktop.Notifications itself: this gjs service does, and
# forwards each call to the shell's /org/freedesktop/Notifications object (bus name
# org.gnome.Shell). The shell activates it at start-up.
NOTIFICATIONS_PROXY = "/usr/share/gnome-shell/org.gnome.Shell.Notifications"
# Its activation file as installed: how to run it changed (GNOME 48: `gjs -m`, an ES module).
NOTIFICATIONS_SERVICE = "/usr/share/dbus-1/services/org.gnome.Shell.Notifications.service"
EXTENSION_UUID = "standup-rig-unsafe@standup.test"

# Which Debian package brings each binary, for the error message when one is missing.
_PACKAGES = {
    "gnome-shell": "gnome-shell",
    "dbus-daemon": "dbus-daemon",
    "gsettings": "libglib2.0-bin",
    "dconf": "dconf-cli",
    DCONF_SERVICE: "dconf-service",
    "gjs": "gjs",
    NOTIFICATIONS_PROXY: "gnome-shell",
}

# GNOME 45 made extensions ES modules: from it on, one in the old style (`init()`) is refused as
# out of date, whatever its metadata says.
ESM_EXTENSIONS = 45
_EXTENSION_JS_LEGACY = """/* exported init */
// Test rig only: lets org.gnome.Shell.Eval run, so the rig can use the shell's own code.
class Extension {
    enable() { global.context.unsafe_mode = true; }
    disable() { global.context.unsafe_mode = false; }
}
function init() { return new Extension(); }
"""

_EXTENSION_JS_ESM = """// Test rig only: lets org.gnome.Shell.Eval run.
import {Extension} from 'resource:///org/gnome/shell/extensions/extension.js';

export default class UnsafeMode extends Extension {
    enable() { global.context.unsafe_mode = true; }
    disable() { global.context.unsafe_mode = false; }
}
"""

# Loaded with `dconf load /org/gnome/` before the shell starts.
_DCONF_SEED = f"""[shell]
enabled-extensions=['{EXTENSION_UUID}']
disable-user-extensions=false
welcome-dialog-last-shown-version='999'

[desktop/notifications]
show-banners=true
"""

# JavaScript run through Eval starts with this header, then the part for the notification model
# the shell has (`_JS_PROBE` tells which). Eval runs inside shellDBus.js, an ES module since
# GNOME 45 whose imports (Main, Gio) are in scope; before 45 they come from `imports`.
_JS_HEADER = """
const shell = typeof Main !== 'undefined' ? Main : imports.ui.main;
const GioLib = typeof Gio !== 'undefined' ? Gio : imports.gi.Gio;
const fdo = shell.notificationDaemon._fdoNotificationDaemon;
const tray = shell.messageTray;
const allNotifications = () => tray.getSources().flatMap(s => s.notifications);
// A banner draws its buttons only while expanded, as the pointer resting on it makes it.
const revealButtons = b => {
    if (!b.expanded)
        b.expand(false);
};
"""

# Whether the shell keeps its org.freedesktop.Notifications ids in a Map (GNOME 48; the
# notification rewrite) or in a plain object of records (GNOME 43).
_JS_PROBE = "fdo._notifications instanceof Map;"

# Each model's part gives the bodies the same names: `dataOf(id)` and `ndataOf(notification)`
# map the shell's Notification objects to their id and Notify arguments ({id, notification,
# actions as sent, appName}); `bannerParts` finds the banner's widgets; `activate` does what a
# button does.
_JS_RECORDS = """
const dataOf = id => fdo._notifications[id];
const ndataOf = n => Object.values(fdo._notifications).find(d => d.notification === n);
const bodyOf = n => n.bannerBodyText || '';
const bannerParts = b => (
    {buttons: b._buttonBox, title: b.titleLabel, body: b.bodyLabel, close: b._closeButton});
const activate = (n, action) => {
    action.callback();
    if (!n.resident)
        n.destroy();
};
"""

# GNOME keeps no action keys or app name per notification here: `_JS_RECORD` notes them.
_JS_MAP = """
const sentOf = id => (fdo._standupRigSent || new Map()).get(id) || {actions: [], appName: ''};
const dataOf = id => {
    const n = fdo._notifications.get(id);
    return n ? {id, notification: n, ...sentOf(id)} : undefined;
};
const ndataOf = n => {
    for (const [id, each] of fdo._notifications) {
        if (each === n)
            return dataOf(id);
    }
    return undefined;
};
const bodyOf = n => n.body || '';
const bannerParts = b => (
    {buttons: b._buttonBox, title: b.titleLabel, body: b._bodyLabel, close: b._header.closeButton});
const activate = (n, action) => action.activate();  // the callback, then destroy unless resident
"""

# For the Map model: note each Notify's actions and app name by the id it gets, before the shell
# handles it (the call is looked up on the object each time, so wrapping the instance's method
# works).
_JS_RECORD = """
(() => {
    if (fdo._standupRigSent)
        return true;
    const sent = new Map();
    const notify = fdo.NotifyAsync;
    fdo.NotifyAsync = function (params, invocation) {
        const [appName, replacesId, , , , actions] = params;
        const id = replacesId !== 0 && this._notifications.has(replacesId)
            ? replacesId : this._nextNotificationId;
        sent.set(id, {actions, appName});
        return notify.call(this, params, invocation);
    };
    fdo._standupRigSent = sent;
    return true;
})();
"""

# The bodies below run after a prelude (see GnomeShellRig._eval_js).
_JS_BUBBLES = """
allNotifications().filter(n => ndataOf(n)).map(n => {
    const d = ndataOf(n);
    return {
        id: d.id,
        title: n.title,
        body: bodyOf(n),
        actions: n.actions.map(a => a.label),
        app: d.appName,
        bannered: tray._notification === n,
    };
});
"""

# Press the button whose Notify action key is `key` on notification `id`. GNOME keeps the key
# only in the button's closure; its position among the non-"default" actions as sent in Notify
# is its position in notification.actions and in the banner's button box. Called as
# `(id, key, hidden)` by press().
_JS_PRESS = """
((id, key, hidden) => {
    const d = dataOf(id);
    if (!d || !d.notification)
        return 'no-such-notification';
    const keys = [];
    for (let i = 0; i < d.actions.length - 1; i += 2) {
        if (d.actions[i] !== 'default')
            keys.push(d.actions[i]);
    }
    const index = keys.indexOf(key);
    if (index < 0)
        return 'no-such-action';
    const n = d.notification;
    const banner = tray._notification === n ? tray._banner : null;
    if (banner)
        revealButtons(banner);
    const box = banner ? bannerParts(banner).buttons : null;
    const button = box ? box.get_children()[index] : null;
    if (button) {
        // What a click does: the action's callback, then the banner closes the bubble.
        button.emit('clicked', 1);
        return 'banner';
    }
    if (!hidden)
        return banner ? 'not-on-banner' : 'not-bannered';
    // Do what the banner's button would do, for a button GNOME does not draw.
    activate(n, n.actions[index]);
    return 'callback';
})
"""

# What the banner on screen shows: whose it is, its buttons' labels, its text as drawn.
_JS_BANNER = """
(() => {
    const n = tray._notification;
    if (!n || !tray._banner)
        return null;
    const parts = bannerParts(tray._banner);
    return {
        id: (ndataOf(n) || {id: 0}).id,
        buttons: parts.buttons ? parts.buttons.get_children().map(button => button.label) : [],
        // The text as drawn, after GNOME's markup handling (newlines become spaces).
        title: parts.title.clutter_text.text,
        body: parts.body.clutter_text.text,
    };
})();
"""

# A user's close of notification `id`: the banner's close button when it is on the banner, else
# the message list's close (both destroy it as DISMISSED, reason 2). Called as `(id)`.
_JS_DISMISS = """
((id) => {
    const d = dataOf(id);
    if (!d || !d.notification)
        return 'no-such-notification';
    if (tray._notification === d.notification && tray._banner) {
        bannerParts(tray._banner).close.emit('clicked', 1);
        return 'banner';
    }
    d.notification.destroy();
    return 'tray';
})
"""

# What the user's "Clear" in the message list does: each notification dismissed (reason 2).
_JS_CLEAR = """
allNotifications().forEach(n => n.destroy());
allNotifications().length;
"""

_JS_STATE = """
({
    notifications: allNotifications().length,
    bannered: tray._notification ? (ndataOf(tray._notification) || {id: 0}).id : null,
    showBanners: new GioLib.Settings({schema_id: 'org.gnome.desktop.notifications'})
        .get_boolean('show-banners'),
    busy: tray._busy,
})
"""


def _proxy_exec() -> str:
    """How the installed GNOME runs its notifications proxy: its own activation file's Exec."""
    with contextlib.suppress(OSError):
        for line in Path(NOTIFICATIONS_SERVICE).read_text().splitlines():
            if line.startswith("Exec="):
                return line.removeprefix("Exec=").strip()
    return f"{shutil.which('gjs') or '/usr/bin/gjs'} {NOTIFICATIONS_PROXY}"  # GNOME 43's line


def shell_version() -> tuple[int, str]:
    """The installed shell's major version and its full version ("48.7"), as it prints them."""
    out = subprocess.run(
        ["gnome-shell", "--version"], capture_output=True, text=True, timeout=15, check=False
    )
    words = out.stdout.split()  # "GNOME Shell 48.7"
    version = words[-1] if words else ""
    major = version.split(".")[0]
    if out.returncode != 0 or not major.isdigit():
        raise RigError(f"gnome-shell --version said {out.stdout!r} {out.stderr.strip()!r}")
    return int(major), version


def _stop_bus(bus: PrivateBus) -> None:
    """PrivateBus.stop(), without waiting for PID 1 to reap the zombie."""
    pid = bus.pid
    if pid is not None:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
            with contextlib.suppress(TimeoutError):
                wait_until(lambda: gone(pid), timeout=3)
                break
        bus.pid = None
    bus.stop()


class GnomeShellRig(ServerRig):
    """GNOME Shell, headless Wayland, with unsafe-mode Eval for inspection and presses."""

    name = "gnome-shell"
    packages = (
        "gnome-shell",
        "gjs",
        "dbus-daemon",
        "dconf-service",
        "dconf-cli",
        "dconf-gsettings-backend",
        "libglib2.0-bin",
    )
    binaries = (
        "gnome-shell",
        "gjs",
        "dbus-daemon",
        "gsettings",
        "dconf",
        DCONF_SERVICE,
        NOTIFICATIONS_PROXY,
    )
    has_dnd = True
    has_actions = True
    markup = True

    def __init__(self, base: Path | None = None) -> None:
        self.dir = Path(base or tempfile.mkdtemp(prefix="standup-gnome-"))
        self.home = self.dir / "home"
        self.config_home = self.home / ".config"
        self.data_home = self.home / ".local" / "share"
        self.cache_home = self.home / ".cache"
        self.runtime_dir = self.dir / "runtime"
        self.wayland_display = "wayland-standup"
        self.session_bus: PrivateBus | None = None
        self.system_bus: PrivateBus | None = None
        self._shell: subprocess.Popen[bytes] | None = None
        self._log_path = self.dir / "gnome-shell.log"
        self._conn: DBusConnection | None = None
        self.major = 0  # GNOME's major version (43, 48, ...), known once start() has asked
        self.version = ""
        self._model = _JS_RECORDS  # the Eval part for the notification model; start() probes
        # press() clicks only the banner's buttons: in the tray (do-not-disturb, a queue, or
        # after the banner left; GNOME 43 draws none there) and on a GNOME 43 banner whose
        # notification was replaced there is no button to click, and press() raises. True
        # makes press() do what the button would have done instead.
        self.press_hidden = False
        self.last_press = ""  # "banner" (a button was clicked) or "callback" (press_hidden)
        self.startup_seconds = 0.0

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        lost = self.missing()
        if lost:
            named = ", ".join(f"{b} (package {_PACKAGES.get(b, '?')})" for b in lost)
            self.stop()  # removes the temp dir made in __init__
            raise RigError(f"gnome-shell rig: missing {named}")
        began = time.monotonic()
        self.major, self.version = shell_version()
        for path in (self.config_home, self.data_home, self.cache_home, self.runtime_dir):
            path.mkdir(parents=True, exist_ok=True)
        os.chmod(self.runtime_dir, 0o700)
        self._write_extension()
        try:
            self.system_bus = PrivateBus(dir=self.dir / "system-bus")
            self.system_bus.start()
            self.session_bus = PrivateBus(
                dir=self.dir / "session-bus",
                services={
                    "ca.desrt.dconf.service": activation_file("ca.desrt.dconf", DCONF_SERVICE),
                    "org.gnome.Shell.Notifications.service": activation_file(
                        "org.gnome.Shell.Notifications", _proxy_exec()
                    ),
                },
                env=self._base_env(),  # dconf-service writes $XDG_CONFIG_HOME/dconf/user
            )
            self.session_bus.start()
            self._run("dconf", "load", "/org/gnome/", stdin=_DCONF_SEED)
            self._start_shell()
            self._conn = open_dbus_connection(self.session_bus.address)
            try:
                wait_until(self._ready, timeout=30, interval=0.05)
            except TimeoutError:
                raise RigError(f"gnome-shell did not become ready; log:\n{self.log()}") from None
            self._model = _JS_MAP if self._eval(_JS_HEADER + _JS_PROBE) else _JS_RECORDS
            if self._model is _JS_MAP:
                self._eval(_JS_HEADER + _JS_RECORD)
            # Unsafe mode itself posts "System was put in unsafe mode" (with an Undo button),
            # and root gets a warning: clear them so that tests start on an empty tray.
            self.reset()
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def stop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(OSError):
                self._conn.close()
            self._conn = None
        _kill_group(self._shell)
        self._shell = None
        for bus in (self.session_bus, self.system_bus):
            if bus is not None:
                _stop_bus(bus)  # activated dconf-service and the gjs proxy exit with it
        self.session_bus = self.system_bus = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def _write_extension(self) -> None:
        ext = self.data_home / "gnome-shell" / "extensions" / EXTENSION_UUID
        ext.mkdir(parents=True, exist_ok=True)
        esm = self.major >= ESM_EXTENSIONS
        (ext / "extension.js").write_text(_EXTENSION_JS_ESM if esm else _EXTENSION_JS_LEGACY)
        metadata = {
            "uuid": EXTENSION_UUID,
            "name": "standup rig unsafe mode",
            "description": "Enables org.gnome.Shell.Eval for the standup test rig.",
            "shell-version": [str(self.major)],
        }
        (ext / "metadata.json").write_text(json.dumps(metadata))
        # Without a display manager the shell warns once ("Screen Lock disabled") unless this
        # marker exists.
        (self.data_home / "gnome-shell" / "lock-warning-shown").touch()

    def _base_env(self) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in ("DISPLAY", "WAYLAND_DISPLAY", "DBUS_SESSION_BUS_ADDRESS")
        }
        env.update(
            HOME=str(self.home),
            XDG_CONFIG_HOME=str(self.config_home),
            XDG_DATA_HOME=str(self.data_home),
            XDG_CACHE_HOME=str(self.cache_home),
            XDG_RUNTIME_DIR=str(self.runtime_dir),
            XDG_CURRENT_DESKTOP="GNOME",
            XDG_SESSION_TYPE="wayland",
            GSETTINGS_BACKEND="dconf",
            NO_AT_BRIDGE="1",  # no accessibility bus to look for
        )
        return env

    def _server_env(self) -> dict[str, str]:
        assert self.session_bus is not None and self.system_bus is not None
        return {
            **self._base_env(),
            "DBUS_SESSION_BUS_ADDRESS": self.session_bus.address,
            "DBUS_SYSTEM_BUS_ADDRESS": self.system_bus.address,
        }

    def _start_shell(self) -> None:
        log = self._log_path.open("ab")
        try:
            self._shell = subprocess.Popen(
                [
                    "gnome-shell",
                    "--headless",
                    "--wayland",
                    "--no-x11",
                    "--wayland-display",
                    self.wayland_display,
                    "--virtual-monitor",
                    "1280x800",
                ],
                env=self._server_env(),
                cwd=self.home,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        finally:
            log.close()

    def _ready(self) -> bool:
        if self._shell is None or self._shell.poll() is not None:
            code = None if self._shell is None else self._shell.returncode
            raise RigError(f"gnome-shell exited ({code}); log:\n{self.log()}")
        if not self._name_has_owner("org.freedesktop.Notifications"):
            return False
        try:
            # At startup-complete the shell posts its own notices (as root: "Logged in as a
            # privileged user"); start() clears them once that has run.
            return self._eval(_JS_HEADER + "!shell.layoutManager._startingUp;") is True
        except RigError:
            return False  # org.gnome.Shell not up yet, or the extension not yet enabled

    # -- environment ------------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        if self.session_bus is None:
            raise RigError("gnome-shell rig not started")
        return {
            "DBUS_SESSION_BUS_ADDRESS": self.session_bus.address,
            # Absolute, so it still resolves when a client has an XDG_RUNTIME_DIR of its own.
            "WAYLAND_DISPLAY": str(self.runtime_dir / self.wayland_display),
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "XDG_CURRENT_DESKTOP": "GNOME",
            "XDG_SESSION_TYPE": "wayland",
            "GSETTINGS_BACKEND": "dconf",
            # A dconf reader in the client (standup's DND check) sees the shell's database.
            "XDG_CONFIG_HOME": str(self.config_home),
        }

    @property
    def dconf_db(self) -> Path:
        """The GVDB file holding the user's dconf settings, show-banners included."""
        return self.config_home / "dconf" / "user"

    def _run(self, *argv: str, stdin: str | None = None) -> str:
        out = subprocess.run(
            argv,
            input=stdin,
            env=self._server_env(),
            capture_output=True,
            text=True,
            timeout=15,
            check=False,
        )
        if out.returncode != 0:
            raise RigError(f"{' '.join(argv)} failed ({out.returncode}): {out.stderr.strip()}")
        return out.stdout

    # -- D-Bus ------------------------------------------------------------------------------

    def _call(self, msg: Any) -> tuple[Any, ...]:
        if self._conn is None:
            raise RigError("gnome-shell rig not started")
        try:
            return unwrap_msg(self._conn.send_and_get_reply(msg, timeout=10))
        except Exception as exc:  # a D-Bus error reply, or a timeout
            raise RigError(f"D-Bus call failed: {exc}") from exc

    def _name_has_owner(self, name: str) -> bool:
        bus = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
        return bool(self._call(new_method_call(bus, "NameHasOwner", "s", (name,)))[0])

    def _eval(self, script: str) -> Any:
        """Run JavaScript inside the shell; its value comes back as JSON."""
        shell = DBusAddress("/org/gnome/Shell", "org.gnome.Shell", "org.gnome.Shell")
        ok, result = self._call(new_method_call(shell, "Eval", "s", (script,)))
        if not ok:
            raise RigError(f"Eval failed: {result or '(unsafe mode off?)'}")
        return json.loads(result) if result else None

    def _eval_js(self, body: str) -> Any:
        """Eval `body` after the header and the part for the shell's notification model."""
        return self._eval(_JS_HEADER + self._model + body)

    def state(self) -> dict[str, Any]:
        """The tray as the shell sees it: {notifications, bannered (id or None), showBanners}."""
        return self._eval_js(_JS_STATE)

    # -- the interface ----------------------------------------------------------------------

    def bubbles(self) -> list[Bubble]:
        """Every org.freedesktop.Notifications notification GNOME holds (banner and tray),
        oldest first. The shell's own notifications (not sent over D-Bus) are left out.

        `actions` are the button labels, as GNOME keeps no keys. The summary and body are as
        GNOME stores them before it renders the body markup.
        """
        found = [
            Bubble(
                id=int(item["id"]),
                summary=item["title"] or "",
                body=item["body"],
                actions=tuple(item["actions"]),
                app_name=item["app"] or "",
            )
            for item in self._eval_js(_JS_BUBBLES)
        ]
        return sorted(found, key=lambda b: b.id)

    def bannered(self) -> int | None:
        """The id of the notification on the banner now, None when no banner is up."""
        return self.state()["bannered"]

    def banner(self) -> dict[str, Any] | None:
        """The banner on screen, or None: {"id", "buttons" (labels drawn), "title", "body"
        (text as drawn, after markup)}."""
        return self._eval_js(_JS_BANNER)

    def displayed_body(self, bubble: Bubble) -> str:
        """The banner's body as drawn when `bubble` is on the banner, else as stored."""
        with contextlib.suppress(TimeoutError):
            wait_until(lambda: self.bannered() == bubble.id, timeout=2, interval=0.02)
        banner = self.banner()
        return banner["body"] if banner and banner["id"] == bubble.id else bubble.body

    def press(self, bubble: Bubble, key: str) -> None:
        # The banner may still be on its way in right after Notify: give it a moment.
        with contextlib.suppress(TimeoutError):  # in the tray, or queued behind another
            wait_until(lambda: self.bannered() == bubble.id, timeout=2, interval=0.02)
        how = self._eval_js(
            f"{_JS_PRESS}({int(bubble.id)}, {json.dumps(key)}, {json.dumps(self.press_hidden)})"
        )
        if how not in ("banner", "callback"):
            raise RigError(
                f"gnome-shell: cannot press {key!r} on notification {bubble.id}: {how} "
                f"(banner now: {self.banner()})"
            )
        self.last_press = how

    def dismiss(self, bubble: Bubble) -> None:
        """Close `bubble` as the user would (its close button); GNOME reports reason 2."""
        how = self._eval_js(f"{_JS_DISMISS}({int(bubble.id)})")
        if how not in ("banner", "tray"):
            raise RigError(f"gnome-shell: cannot dismiss notification {bubble.id}: {how}")

    def set_dnd(self, on: bool) -> None:
        """What the Do Not Disturb switch in GNOME's message list does: show-banners off."""
        value = "false" if on else "true"
        self._run("gsettings", "set", "org.gnome.desktop.notifications", "show-banners", value)
        # The shell learns of the change through dconf's signal: wait until it has.
        wait_until(lambda: self.state()["showBanners"] is not on, timeout=5, interval=0.02)

    def dnd(self) -> bool:
        return not self.state()["showBanners"]

    def reset(self) -> None:
        self._eval_js(_JS_CLEAR)
        if self.dnd():
            self.set_dnd(False)
        # Wait until the banner is gone, so the next Notify is bannered at once.
        wait_until(lambda: self.state()["bannered"] is None, timeout=5, interval=0.02)

    def log(self, tail: int = 3000) -> str:
        """The shell's log: its last `tail` characters (0: all of it)."""
        try:
            return self._log_path.read_text(errors="replace")[-tail:]
        except OSError:
            return ""
