"""mako and swaync (sway-notification-center), each under its own headless sway.

Verified with Debian 12's mako 1.7, swaync 0.7 and sway 1.7 and Debian 13's mako 1.10, swaync
0.11 and sway 1.10; the rig decides by what it finds (what makoctl is, the widget tree), never
by the release.

sway refuses to run as root, so when the tests run as root (CI) the compositor and the server run
as an unprivileged user (`standup-rig`, created if absent) through setpriv; the private bus then
lets every uid connect. The server is started by D-Bus activation: the bus's service directory
holds only that server's activation file, whose Exec is a small launcher script that switches
user, sets WAYLAND_DISPLAY and logs to a file. `activatable_only = True` (or
`start(activate_server=False)`) leaves the server unstarted, so the first Notify starts it.

mako: fr.emersion.Mako.ListNotifications (what `makoctl list` prints, as JSON on 1.7 and as
text without bodies on 1.10) shows the bubbles, `makoctl invoke -n ID KEY` presses a button and
do-not-disturb is the mode `do-not-disturb` (mako's documented convention: `invisible=1`).

swaync has no D-Bus call that lists notifications or invokes an action, and sway's headless
seat has no pointer (so `swaymsg seat - cursor press` reaches no client). The rig reads the
widgets through AT-SPI instead: every notification is a list item holding the summary (0.7,
GTK 3: a button named after it; 0.11, GTK 4: the first label) and, in a scroll pane, one button
per action label; pressing is AT-SPI's "click" on that button, so GTK's own clicked handler
makes swaync emit ActionInvoked. AT-SPI knows no ids, and the rig does not rely on it for
bodies: swaync's own scripting hook (`scripts` in its config) records each notification it
accepts (SWAYNC_ID, SWAYNC_SUMMARY, SWAYNC_BODY, ...) and the rig matches them by summary.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import shlex
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

from .base import Bubble, PrivateBus, RigError, ServerRig, activation_file, wait_until
from .gtk import render_markup
from rig import _kill_group

__all__ = ["MakoRig", "SwaySession", "SwayncRig"]

RIG_USER = "standup-rig"
NOTIFICATIONS = "org.freedesktop.Notifications"
_BUS = DBusAddress("/org/freedesktop/DBus", bus_name="org.freedesktop.DBus",
                   interface="org.freedesktop.DBus")  # fmt: skip
_SWAY_CONFIG = """# Written by the standup test rig: one headless output, nothing else.
xwayland disable
output * resolution 1280x800 position 0 0
"""


def _tail(path: Path, size: int = 2000) -> str:
    try:
        return path.read_text(errors="replace")[-size:]
    except OSError:
        return ""


def rig_user() -> tuple[int, int] | None:
    """The (uid, gid) the session runs as: `standup-rig` when we are root, else None (ourselves)."""
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(RIG_USER)
        return entry.pw_uid, entry.pw_gid
    except KeyError:
        pass
    if shutil.which("useradd") is None:
        raise RigError("useradd missing (package passwd): cannot create the rig user")
    out = subprocess.run(
        ["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
         "--shell", "/usr/sbin/nologin", RIG_USER],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    if out.returncode not in (0, 9):  # 9: created meanwhile by a parallel run
        raise RigError(f"useradd {RIG_USER} failed: {out.stderr.strip()}")
    entry = pwd.getpwnam(RIG_USER)
    return entry.pw_uid, entry.pw_gid


class SwaySession:
    """A headless sway with its own runtime dir, run as the rig user when we are root.

    Everything started for the session carries WLROOTS_RIG_DIR=<dir> in its environment, so
    stop() can find and end by pid whatever outlived the bus and compositor.
    """

    binaries = ("sway", "swaymsg", "setpriv", "dbus-daemon")

    def __init__(self, base: Path) -> None:
        self.dir = base
        self.runtime_dir = base / "runtime"  # XDG_RUNTIME_DIR: 0700, owned by the rig user
        self.home = base / "home"  # HOME, XDG_CONFIG_HOME/CACHE_HOME of the user side
        self.log_path = base / "sway.log"
        self.user = rig_user()
        self.wayland_display = ""
        self.swaysock = ""
        self._proc: subprocess.Popen[bytes] | None = None

    def as_user(self, argv: list[str]) -> list[str]:
        if self.user is None:
            return argv
        uid, gid = self.user
        return ["/usr/bin/setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *argv]

    def chown(self, path: Path) -> None:
        if self.user is not None:
            os.chown(path, *self.user)

    @property
    def user_env(self) -> dict[str, str]:
        """What processes of the session (sway, the server, helpers) run with."""
        env = {
            "PATH": "/usr/local/bin:/usr/bin:/bin",
            "HOME": str(self.home),
            "XDG_CONFIG_HOME": str(self.home / ".config"),
            "XDG_CACHE_HOME": str(self.home / ".cache"),
            "XDG_DATA_HOME": str(self.home / ".local/share"),
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            # The system's own, whatever the tests set: swaync 0.11 exits without its
            # /etc/xdg/swaync/style.css ("COULD NOT FIND CSS FILE").
            "XDG_CONFIG_DIRS": "/etc/xdg",
            "XDG_CURRENT_DESKTOP": "sway",
            "XDG_SESSION_TYPE": "wayland",
            # GSettings would otherwise want dconf-service on the bus; swaync keeps its
            # do-not-disturb in GSettings, in memory is what one process needs.
            "GSETTINGS_BACKEND": "memory",
            "LANG": "C.UTF-8",
            "WLROOTS_RIG_DIR": str(self.dir),
        }
        if self.wayland_display:
            env["WAYLAND_DISPLAY"] = self.wayland_display
        return env

    @property
    def env(self) -> dict[str, str]:
        """What a client of the compositor needs (root passes the 0700 dir by capability)."""
        return {
            "WAYLAND_DISPLAY": self.wayland_display,
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
            "SWAYSOCK": self.swaysock,
            "XDG_CURRENT_DESKTOP": "sway",
            "XDG_SESSION_TYPE": "wayland",
        }

    def start(self) -> None:
        lost = [name for name in self.binaries if shutil.which(name) is None]
        if lost:
            raise RigError(f"missing {', '.join(lost)} (packages sway, util-linux, dbus)")
        os.chmod(self.dir, 0o755)  # mkdtemp makes it 0700: the rig user must get in
        for path in (self.home, self.home / ".config", self.home / ".cache"):
            path.mkdir(mode=0o755, parents=True, exist_ok=True)
            self.chown(path)
        self.runtime_dir.mkdir(mode=0o700, exist_ok=True)
        os.chmod(self.runtime_dir, 0o700)
        self.chown(self.runtime_dir)
        config = self.dir / "sway.conf"
        config.write_text(_SWAY_CONFIG)
        env = {
            **self.user_env,
            "WLR_BACKENDS": "headless",
            "WLR_LIBINPUT_NO_DEVICES": "1",
            "WLR_RENDERER": "pixman",
        }
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                self.as_user(["sway", "--config", str(config)]),
                env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                start_new_session=True,
            )  # fmt: skip

        def ready() -> bool:
            if self._proc is not None and self._proc.poll() is not None:
                raise RigError(f"sway exited ({self._proc.returncode}): {_tail(self.log_path)}")
            socks = [p for p in self.runtime_dir.glob("wayland-*") if not p.name.endswith(".lock")]
            ipc = list(self.runtime_dir.glob("sway-ipc.*.sock"))
            if socks and ipc:
                self.wayland_display, self.swaysock = socks[0].name, str(ipc[0])
                return True
            return False

        try:
            wait_until(ready, timeout=10)
        except TimeoutError:
            raise RigError(f"sway did not open its sockets: {_tail(self.log_path)}") from None

    def swaymsg(self, *args: str) -> str:
        out = subprocess.run(["swaymsg", "-s", self.swaysock, *args], capture_output=True,
                             text=True, timeout=10, check=False)  # fmt: skip
        if out.returncode != 0:
            raise RigError(f"swaymsg {' '.join(args)} failed: {out.stdout}{out.stderr}")
        return out.stdout

    def stop(self) -> None:
        _kill_group(self._proc)
        self._proc = None
        self.reap()

    def reap(self) -> None:
        """End, by pid, every process still carrying this session's marker (the server and
        helpers started by the bus are children of dbus-daemon, not of us)."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            pids = self._marked()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, sig)
            with contextlib.suppress(TimeoutError):
                wait_until(lambda: not self._marked(), timeout=3, interval=0.02)
            if not self._marked():
                return

    def _marked(self) -> list[int]:
        """Live (not zombie) processes whose environment holds our marker."""
        marker = f"WLROOTS_RIG_DIR={self.dir}".encode()
        found = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                # A zombie has nothing left to end (PID 1 here may never reap it).
                if (entry / "stat").read_text().rsplit(")", 1)[1].split()[0] == "Z":
                    continue
                environ = (entry / "environ").read_bytes()
            except (OSError, IndexError):
                continue
            if marker in environ.split(b"\0"):
                found.append(int(entry.name))
        return found


class _WlrootsRig(ServerRig):
    """What mako and swaync share: the sway session, the bus, activation, the D-Bus client."""

    service_file = ""  # the activation file's name, as the package ships it
    activatable_only = False  # start() leaves the server unstarted; the first Notify starts it
    startup_timeout = 15.0

    def displayed_body(self, bubble: Bubble) -> str:
        # Both servers hold the body as received and draw it through Pango markup.
        return render_markup(bubble.body)

    def __init__(self, base: Path | None = None) -> None:
        self.dir = Path(base or tempfile.mkdtemp(prefix=f"standup-{self.name}-"))
        self.session = SwaySession(self.dir)
        self.bus: PrivateBus | None = None
        self.conn: DBusConnection | None = None
        self.server_log = self.dir / f"{self.name}.log"
        self.startup_seconds = 0.0  # how long the last start() took

    # -- to fill in -------------------------------------------------------------------------

    def server_argv(self) -> list[str]:
        raise NotImplementedError

    def extra_services(self) -> dict[str, str]:
        """Helpers the server needs activatable beside itself: {file name: file text}."""
        return {}

    def prepare(self) -> None:
        """Write the server's configuration (before the bus starts)."""

    # -- life cycle -------------------------------------------------------------------------

    def start(self, activate_server: bool | None = None) -> None:
        if activate_server is None:
            activate_server = not self.activatable_only
        lost = self.missing()
        if lost:
            raise RigError(f"{self.name}: missing {', '.join(lost)} "
                           f"(Debian packages: {' '.join(self.packages)})")  # fmt: skip
        began = time.monotonic()
        try:
            self.session.start()
            self.prepare()
            services = {self.service_file: activation_file(NOTIFICATIONS, str(self._launcher()))}
            services.update(self.extra_services())
            self.bus = PrivateBus(dir=self.dir / "dbus", services=services, allow_all_users=True,
                                  env={"WLROOTS_RIG_DIR": str(self.dir)})  # fmt: skip
            self.bus.start()
            self.conn = open_dbus_connection(self.bus.address)
            if NOTIFICATIONS not in self._bus_call("ListActivatableNames")[0]:
                raise RigError(f"the bus does not list {NOTIFICATIONS} as activatable")
            if activate_server:
                self.activate()
        except Exception as exc:
            log = self.log()
            self.stop()
            raise RigError(f"{self.name} rig failed to start: {exc}\n{log}") from exc
        except BaseException:
            self.stop()
            raise
        self.startup_seconds = time.monotonic() - began

    def activate(self) -> None:
        """Start the server the way the first Notify would: D-Bus activation by name."""
        msg = new_method_call(_BUS, "StartServiceByName", "su", (NOTIFICATIONS, 0))
        reply = self._conn.send_and_get_reply(msg, timeout=self.startup_timeout)
        try:
            unwrap_msg(reply)
        except Exception as exc:
            raise RigError(f"activating {self.name} failed: {exc}; log: {self.log()}") from None
        self.wait_ready()

    def wait_ready(self) -> None:
        """Wait until the server owns org.freedesktop.Notifications (and whatever else it needs)."""
        try:
            wait_until(self.server_running, timeout=self.startup_timeout, interval=0.02)
        except TimeoutError:
            raise RigError(f"{self.name} did not take {NOTIFICATIONS}: {self.log()}") from None

    def stop(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.close()
            self.conn = None
        if self.bus is not None:
            self.bus.stop()
            self.bus = None
        self.session.stop()
        shutil.rmtree(self.dir, ignore_errors=True)

    def _launcher(self) -> Path:
        """The activation file's Exec: switch to the rig user with the session's environment,
        keeping the server's output in a log (dbus-daemon sends it to /dev/null)."""
        env = {**self.session.user_env}
        assigns = " ".join(shlex.quote(f"{k}={v}") for k, v in env.items())
        argv = " ".join(shlex.quote(a) for a in self.session.as_user(self.server_argv()))
        script = self.dir / f"launch-{self.name}.sh"
        script.write_text(
            "#!/bin/sh\n"
            f"exec >>{shlex.quote(str(self.server_log))} 2>&1\n"
            f'exec /usr/bin/env {assigns} DBUS_SESSION_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" '
            f"{argv}\n"
        )
        script.chmod(0o755)
        return script

    # -- D-Bus ------------------------------------------------------------------------------

    @property
    def _conn(self) -> DBusConnection:
        if self.conn is None:
            raise RigError(f"{self.name} rig is not started")
        return self.conn

    def _bus_call(self, method: str, signature: str | None = None, *args: Any) -> Any:
        msg = new_method_call(_BUS, method, signature, args or None)
        return unwrap_msg(self._conn.send_and_get_reply(msg, timeout=10))

    def call(self, address: DBusAddress, method: str, signature: str | None = None,
             *args: Any, timeout: float = 10) -> Any:  # fmt: skip
        """A method call on the rig's bus; raises RigError on a D-Bus error."""
        msg = new_method_call(address, method, signature, args or None)
        try:
            return unwrap_msg(self._conn.send_and_get_reply(msg, timeout=timeout))
        except Exception as exc:
            raise RigError(f"{address.interface}.{method} failed: {exc}") from None

    def server_running(self) -> bool:
        """Whether something owns org.freedesktop.Notifications (no auto-start)."""
        return bool(self._bus_call("NameHasOwner", "s", NOTIFICATIONS)[0])

    def server_pid(self) -> int | None:
        if not self.server_running():
            return None
        return int(self._bus_call("GetConnectionUnixProcessID", "s", NOTIFICATIONS)[0])

    @property
    def env(self) -> dict[str, str]:
        if self.bus is None:
            raise RigError(f"{self.name} rig is not started")
        return {"DBUS_SESSION_BUS_ADDRESS": self.bus.address, **self.session.env}

    def run(self, *argv: str, check: bool = True, timeout: float = 10
            ) -> subprocess.CompletedProcess[str]:  # fmt: skip
        out = subprocess.run(argv, env={**os.environ, **self.env}, capture_output=True, text=True,
                             timeout=timeout, check=False)  # fmt: skip
        if check and out.returncode != 0:
            raise RigError(f"{' '.join(argv)} failed ({out.returncode}): "
                           f"{out.stderr.strip()} {out.stdout.strip()}")  # fmt: skip
        return out

    def log(self) -> str:
        parts = [f"--- {self.name}:\n{_tail(self.server_log)}"]
        sway = _tail(self.session.log_path, 800)
        if sway:
            parts.append(f"--- sway:\n{sway}")
        return "\n".join(parts)


# ---- mako -----------------------------------------------------------------------------------

_MAKO_CONFIG = """# Written by the standup test rig. Tests decide when a bubble goes away.
default-timeout=0
max-visible=-1

# mako's documented do-not-disturb convention (mako(5), MODES).
[mode=do-not-disturb]
invisible=1
"""

MAKO = DBusAddress("/fr/emersion/Mako", bus_name=NOTIFICATIONS, interface="fr.emersion.Mako")
DND_MODE = "do-not-disturb"


def _makoctl_is_script() -> bool:
    """Whether makoctl is mako 1.7's shell script (around busctl and jq), not 1.10's program."""
    path = shutil.which("makoctl")
    try:
        with open(path or "", "rb") as exe:
            return exe.read(2) == b"#!"
    except OSError:
        return False


class MakoRig(_WlrootsRig):
    name = "mako"
    packages = ("mako-notifier", "sway", "jq", "systemd", "dbus", "util-linux")
    service_file = "fr.emersion.mako.service"
    has_dnd = True
    markup = True  # with its default markup=1 mako advertises body-markup

    def __init__(self, base: Path | None = None) -> None:
        super().__init__(base)
        # The shell-script makoctl needs busctl (package systemd) and jq; the program does not.
        helpers = ("busctl", "jq") if _makoctl_is_script() else ()
        self.binaries = ("mako", "makoctl", *helpers, "sway")

    def prepare(self) -> None:
        self.config = self.dir / "mako.conf"
        self.config.write_text(_MAKO_CONFIG)

    def server_argv(self) -> list[str]:
        return ["/usr/bin/mako", "--config", str(self.config)]

    def makoctl(self, *args: str) -> str:
        return self.run("makoctl", *args).stdout

    def listed(self) -> list[Bubble]:
        """Every notification mako holds, hidden ones (do-not-disturb, invisible) included.

        Read as `makoctl list` reads them, fr.emersion.Mako.ListNotifications -> aa{sv}: mako
        1.7's makoctl prints that reply as busctl's JSON, 1.10's as text without the body.
        """
        if not self.server_running():  # a call by name would start mako by activation
            return []
        items = self.call(MAKO, "ListNotifications")[0]
        found = []
        for item in items:
            value = {key: data for key, (_sig, data) in item.items()}
            found.append(
                Bubble(
                    id=int(value["id"]),
                    summary=value["summary"],
                    body=value["body"],
                    actions=tuple(value.get("actions", {})),
                    app_name=value["app-name"],
                )
            )
        return sorted(found, key=lambda bubble: bubble.id)

    def bubbles(self) -> list[Bubble]:
        # Our config hides every bubble while the do-not-disturb mode is on.
        if not self.server_running() or DND_MODE in self.modes():
            return []
        return self.listed()

    def press(self, bubble: Bubble, key: str) -> None:
        self.makoctl("invoke", "-n", str(bubble.id), key)

    def modes(self) -> list[str]:
        """mako's active modes, read as a client would: fr.emersion.Mako.ListModes -> (as)."""
        if not self.server_running():
            return []
        return list(self.call(MAKO, "ListModes")[0])

    def set_dnd(self, on: bool) -> None:
        # Modes live in the mako process: an activatable-only rig starts it here.
        if not self.server_running():
            self.activate()
        self.makoctl("mode", "-a" if on else "-r", DND_MODE)

    def reset(self) -> None:
        if not self.server_running():
            return
        self.makoctl("dismiss", "--all")
        if DND_MODE in self.modes():
            self.set_dnd(False)


# ---- swaync ---------------------------------------------------------------------------------

# Notifications stay until a test or a user closes them; the scripting hook records what the
# server accepted (swaync splits `exec` on spaces: the path must have none).
_SWAYNC_CONFIG: dict[str, Any] = {
    "positionX": "right",
    "positionY": "top",
    "timeout": 0,
    "timeout-low": 0,
    "timeout-critical": 0,
    "keyboard-shortcuts": True,
    "hide-on-action": True,
    "script-fail-notify": False,
    "widgets": ["title", "dnd", "notifications"],
}

_SWAYNC_RECORD = """#!/usr/bin/python3
# Run by swaync for every notification it accepts (its `scripts` hook): one JSON line each.
import json, os
keys = ("ID", "REPLACES_ID", "APP_NAME", "SUMMARY", "BODY", "URGENCY", "TIME")
entry = {k.lower(): os.environ.get("SWAYNC_" + k, "") for k in keys}
with open(os.environ["SWAYNC_RECORD_FILE"], "a", encoding="utf-8") as out:
    out.write(json.dumps(entry) + "\\n")
"""

# AT-SPI inspection of swaync's GTK widgets, run by the system python (python3-gi) as the rig
# user: the a11y bus is that user's. `list` prints the showing notifications, `press SUMMARY
# INDEX LABEL` clicks that action button.
_SWAYNC_ATSPI = """#!/usr/bin/python3
import json, sys
import gi
gi.require_version("Atspi", "2.0")
from gi.repository import Atspi

def showing(acc):
    return acc.get_state_set().contains(Atspi.StateType.SHOWING)

def parts(acc, out, labels, in_actions=False):
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        if child is None:
            continue
        role = child.get_role()
        if role == Atspi.Role.PUSH_BUTTON:
            out.append((in_actions, child))
        elif role == Atspi.Role.LABEL and not in_actions and child.get_name():
            labels.append(child.get_name())
        else:
            # The action buttons sit in a scroll pane (0.7, 0.11) or a table (0.12).
            inner = role in (Atspi.Role.SCROLL_PANE, Atspi.Role.TABLE)
            parts(child, out, labels, in_actions or inner)

def notifications(acc, out, window):
    for i in range(acc.get_child_count()):
        child = acc.get_child_at_index(i)
        if child is None:
            continue
        if child.get_role() == Atspi.Role.FRAME:
            window = i
        if child.get_role() == Atspi.Role.LIST_ITEM:
            if showing(child):
                found, labels = [], []
                parts(child, found, labels)
                main = [b.get_name() for inner, b in found if not inner and b.get_name()]
                acts = [b for inner, b in found if inner]
                # GTK 3 (0.7): a button named after the summary; GTK 4 (0.11): labels only,
                # the summary first.
                summary = (main or labels or [""])[0]
                out.append({"window": window, "summary": summary,
                            "actions": [b.get_name() for b in acts], "_buttons": acts})
            continue
        notifications(child, out, window)

def find_app():
    desktop = Atspi.get_desktop(0)
    for i in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(i)
        if app is not None and app.get_name() == "swaync":
            return app
    return None

app = find_app()
shown = []
if app is not None:
    notifications(app, shown, -1)
if sys.argv[1] == "list":
    print(json.dumps([{k: v for k, v in n.items() if k != "_buttons"} for n in shown]))
else:
    summary, index, label = sys.argv[2], int(sys.argv[3]), sys.argv[4]
    same = [n for n in shown if n["summary"] == summary]
    if index >= len(same):
        sys.exit(f"no notification {summary!r} #{index} on screen: {[n['summary'] for n in shown]}")
    for button in same[index]["_buttons"]:
        if button.get_name() == label:
            sys.exit(0 if button.do_action(0) else "the click action failed")
    sys.exit(f"no button {label!r} on {summary!r}")
"""

SWAYNC_CC = DBusAddress("/org/erikreider/swaync/cc", bus_name="org.erikreider.swaync.cc",
                        interface="org.erikreider.swaync.cc")  # fmt: skip
SWAYNC_NOTIFICATIONS = DBusAddress("/org/freedesktop/Notifications", bus_name=NOTIFICATIONS,
                                   interface=NOTIFICATIONS)  # fmt: skip


class SwayncRig(_WlrootsRig):
    name = "swaync"
    packages = ("sway-notification-center", "sway", "at-spi2-core", "gir1.2-atspi-2.0",
                "python3-gi", "libatk-bridge2.0-0", "dbus", "util-linux")  # fmt: skip
    binaries = ("swaync", "swaync-client", "sway", "/usr/libexec/at-spi-bus-launcher",
                "/usr/bin/python3")  # fmt: skip
    service_file = "org.erikreider.swaync.service"
    has_dnd = True
    markup = True

    def prepare(self) -> None:
        self.config = self.dir / "swaync.json"
        self.record = self.session.home / "swaync-record.jsonl"
        self.record.touch()
        self.session.chown(self.record)
        recorder = self.dir / "swaync-record.py"
        recorder.write_text(_SWAYNC_RECORD)
        recorder.chmod(0o755)
        self.atspi = self.dir / "swaync-atspi.py"
        self.atspi.write_text(_SWAYNC_ATSPI)
        self.atspi.chmod(0o644)
        config = {**_SWAYNC_CONFIG, "scripts": {"record": {"exec": str(recorder)}}}
        self.config.write_text(json.dumps(config, indent=2))

    def server_argv(self) -> list[str]:
        # The recorder learns where to write from the server's environment.
        return ["/usr/bin/env", f"SWAYNC_RECORD_FILE={self.record}",
                "/usr/bin/swaync", "--config", str(self.config)]  # fmt: skip

    def extra_services(self) -> dict[str, str]:
        # GTK's accessibility bridge asks the session bus for org.a11y.Bus; the launcher must
        # run as the rig user so that user's helper (and swaync) may use the a11y bus.
        exec_line = " ".join(
            shlex.quote(a)
            for a in self.session.as_user(
                ["/usr/bin/env", *(f"{k}={v}" for k, v in self.session.user_env.items()),
                 "/usr/libexec/at-spi-bus-launcher"]
            )
        )  # fmt: skip
        return {"org.a11y.Bus.service": activation_file("org.a11y.Bus", exec_line)}

    def wait_ready(self) -> None:
        super().wait_ready()
        # swaync takes org.freedesktop.Notifications first and its control name right after.
        try:
            wait_until(lambda: self._bus_call("NameHasOwner", "s", SWAYNC_CC.bus_name)[0],
                       timeout=self.startup_timeout, interval=0.02)  # fmt: skip
        except TimeoutError:
            raise RigError(f"swaync did not take {SWAYNC_CC.bus_name}: {self.log()}") from None

    # -- what is on screen ------------------------------------------------------------------

    def _atspi(self, *args: str) -> subprocess.CompletedProcess[str]:
        argv = self.session.as_user(["/usr/bin/python3", "-W", "ignore", str(self.atspi), *args])
        env = {
            **self.session.user_env,
            "DBUS_SESSION_BUS_ADDRESS": self.env["DBUS_SESSION_BUS_ADDRESS"],
        }
        return subprocess.run(argv, env=env, capture_output=True, text=True, timeout=20,
                              check=False)  # fmt: skip

    def records(self) -> list[dict[str, str]]:
        """What swaync's scripting hook recorded, oldest first (a replace adds a line)."""
        try:
            lines = self.record.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []
        return [json.loads(line) for line in lines if line.strip()]

    def shown(self) -> list[dict[str, Any]]:
        """The notifications on screen, in swaync's order (newest first), from AT-SPI."""
        if not self.server_running():
            return []
        # A bubble replaced mid-walk (a countdown, once a second) takes its widgets along (the
        # walk meets objects that are gone), or shows its new buttons before their names: look
        # again.
        for _attempt in range(3):
            out = self._atspi("list")
            if out.returncode != 0:
                if "does not exist" in out.stderr or "No such interface" in out.stderr:
                    continue
                break
            listed: list[dict[str, Any]] = json.loads(out.stdout)
            if all(all(item["actions"]) for item in listed):
                return listed
        if out.returncode != 0:
            raise RigError(f"AT-SPI listing failed: {out.stderr.strip()}")
        return listed

    def bubbles(self) -> list[Bubble]:
        shown = self.shown()
        if not shown:
            return []
        latest: dict[int, dict[str, str]] = {}
        for entry in self.records():
            if entry.get("id", "").isdigit():
                latest.pop(int(entry["id"]), None)  # a replace moves it to the newest place
                latest[int(entry["id"])] = entry
        candidates = list(reversed(latest.items()))  # newest first, like the screen
        found: list[Bubble] = []
        for item in shown:
            for pos, (nid, entry) in enumerate(candidates):
                if entry["summary"] == item["summary"]:
                    del candidates[pos]
                    found.append(Bubble(id=nid, summary=entry["summary"], body=entry["body"],
                                        actions=tuple(item["actions"]),
                                        app_name=entry["app_name"]))  # fmt: skip
                    break
            else:
                # On screen but not recorded (the hook runs asynchronously): id unknown yet.
                found.append(Bubble(id=0, summary=item["summary"], body="",
                                    actions=tuple(item["actions"])))  # fmt: skip
        return sorted(found, key=lambda bubble: bubble.id)

    def press(self, bubble: Bubble, key: str) -> None:
        """Click the button for `key`. swaync shows labels only: `key` may be the label itself,
        or an action key that starts its label ("snooze" -> "Snooze 10 min")."""
        label = _label_for(key, bubble.actions)
        shown = self.shown()
        same = [item for item in shown if item["summary"] == bubble.summary]
        if not same:
            raise RigError(f"{bubble.summary!r} is not on screen: {shown}")
        # Several bubbles with one summary: pick by id order (the screen lists newest first).
        peers = sorted((b for b in self.bubbles() if b.summary == bubble.summary),
                       key=lambda b: b.id, reverse=True)  # fmt: skip
        index = next((i for i, b in enumerate(peers) if b.id == bubble.id), 0)
        out = self._atspi("press", bubble.summary, str(index), label)
        if out.returncode != 0:
            raise RigError(f"pressing {label!r} failed: {out.stderr.strip()}")

    # -- do-not-disturb and clean-up --------------------------------------------------------

    def set_dnd(self, on: bool) -> None:
        # swaync-client calls org.erikreider.swaync.cc.SetDnd, as the panel's switch does; the
        # state lives in the process: an activatable-only rig starts it here.
        if not self.server_running():
            self.activate()
        self.run("swaync-client", "--dnd-on" if on else "--dnd-off", "--skip-wait")

    def dnd(self) -> bool:
        """Read as a client would: org.erikreider.swaync.cc.GetDnd -> (b)."""
        return bool(self.call(SWAYNC_CC, "GetDnd")[0])

    def reset(self) -> None:
        if not self.server_running():
            return
        self.run("swaync-client", "--close-all", "--skip-wait")
        self.set_dnd(False)
        self.call(SWAYNC_CC, "SetVisibility", "b", False)


def _label_for(key: str, labels: tuple[str, ...]) -> str:
    if key in labels:
        return key
    matches = [label for label in labels if label.lower().startswith(key.lower())]
    if len(matches) != 1:
        raise RigError(f"no single button for action {key!r} among {labels}")
    return matches[0]
