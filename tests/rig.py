"""The desktop test rig: a private session bus, a virtual X display and dunst.

Nothing here touches the user's own desktop: the bus runs with its own config (no service
activation, so the system's dunst service file can never start a second, display-less dunst),
Xvfb picks a free display, and dunst reads a config written for the tests.

Pressing a button: with two or more actions dunst pipes a menu to its `dmenu` command. Ours is a
tiny script that prints the menu line whose action key the test wrote into a file, so
`dunstctl action 0` fires exactly that action and the server emits ActionInvoked.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, NoReturn

BINARIES = ("dbus-daemon", "dbus-send", "Xvfb", "dunst", "dunstctl", "xdotool")

_BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <!-- No <servicedir>, no <standard_session_servicedirs/>: nothing is activated. -->
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

_DUNST_CONFIG = """[global]
    dmenu = {dmenu}
    # Tests decide when a bubble goes away; the idle check would freeze timeouts anyway.
    idle_threshold = 0
    history_length = 1000
    sticky_history = yes
    show_indicators = no
[urgency_low]
    timeout = 0
[urgency_normal]
    timeout = 0
[urgency_critical]
    timeout = 0
# History has no urgency field: tag the formatted message so tests can see what arrived.
[tag_low]
    msg_urgency = low
    format = "low|%s|%b"
[tag_normal]
    msg_urgency = normal
    format = "normal|%s|%b"
[tag_critical]
    msg_urgency = critical
    format = "critical|%s|%b"
"""

# dunst 1.9 menu lines look like "#Snooze 10 min (summary) [42,snooze]": label, summary, id and key.
_DMENU_SCRIPT = """#!/bin/sh
want=$(cat '{want}' 2>/dev/null)
menu=$(cat)
printf '%s\\n' "$menu" >> '{log}'
printf '%s\\n' "$menu" | grep -m1 -F ",$want]" || printf '%s\\n' "$menu" | head -n1
"""


class RigError(RuntimeError):
    """The rig could not start or a rig command failed."""


def missing_binaries() -> list[str]:
    return [name for name in BINARIES if shutil.which(name) is None]


def rig_unavailable(reason: str) -> NoReturn:
    """Skip a test this machine cannot run; in CI (the CI variable set) fail it instead, so the
    suite can never pass by skipping."""
    import pytest  # here, not at the top: the bench and the user manager's PID 1 run without it

    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: end-to-end tests must run, not skip)", pytrace=False)
    pytest.skip(reason)


def wait_until(predicate: Callable[[], Any], timeout: float = 5.0, interval: float = 0.01) -> Any:
    """Poll `predicate` until it returns something truthy; return it, or raise TimeoutError."""
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"condition not met within {timeout} s: {predicate!r}")
        time.sleep(interval)


class Answers:
    """Collects a notifier's on_action calls, which arrive on its dispatcher thread."""

    def __init__(self) -> None:
        self.keys: list[str] = []

    def __call__(self, key: str) -> None:
        self.keys.append(key)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[str]:
        wait_until(lambda: len(self.keys) >= count, timeout)
        return self.keys


def _kill_group(proc: subprocess.Popen[bytes] | None) -> None:
    """Stop a process started in its own session, and everything it spawned."""
    if proc is None or proc.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 3.0), (signal.SIGKILL, 3.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            return
        try:
            proc.wait(timeout=grace)
            return
        except subprocess.TimeoutExpired:
            continue


def gone(pid: int) -> bool:
    """No such process, or only its zombie: a forked daemon (dbus-daemon --fork) is reaped by
    PID 1, which may take its time, and a zombie answers kill(pid, 0) like a live process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as stat:
            return stat.read().rpartition(")")[2].split()[0] == "Z"
    except OSError:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        return False


def _kill_pid(pid: int | None) -> None:
    if pid is None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            if gone(pid):
                return
            time.sleep(0.01)


def start_xvfb(size: str = "1024x768x24") -> tuple[subprocess.Popen[bytes], str]:
    """A virtual X server on a free display, in its own session: (process, ":N")."""
    read_fd, write_fd = os.pipe()
    os.set_inheritable(write_fd, True)
    try:
        proc = subprocess.Popen(
            ["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp", "-screen", "0", size],
            pass_fds=(write_fd,),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        number = pipe.readline().strip()  # Xvfb writes the number once it accepts clients
    if not number:
        _kill_group(proc)
        raise RigError("Xvfb did not report a display number")
    return proc, f":{number}"


class Rig:
    """A private session bus + Xvfb + dunst. Use `start()`/`stop()` or as a context manager."""

    def __init__(self, base: Path | None = None) -> None:
        self.dir = Path(base or tempfile.mkdtemp(prefix="standup-rig-"))
        self.runtime_dir = self.dir / "runtime"
        self.want_file = self.dir / "dmenu-want"
        self.menu_log = self.dir / "dmenu-log"
        self.bus_address = ""
        self.display = ""
        self._bus_pid: int | None = None
        self._xvfb: subprocess.Popen[bytes] | None = None
        self._dunst: subprocess.Popen[bytes] | None = None
        self._dunst_log = self.dir / "dunst.log"
        # History entries that belong to earlier tests, by (id, timestamp): dunst reuses ids
        # after a restart, so an id alone does not tell old from new.
        self._old_history: set[tuple[Any, Any]] = set()

    # -- life cycle -------------------------------------------------------------------------

    def __enter__(self) -> Rig:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        missing = missing_binaries()
        if missing:
            raise RigError(f"rig binaries missing: {', '.join(missing)}")
        self.runtime_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(self.runtime_dir, 0o700)
        try:
            self._start_bus()
            self._start_xvfb()
            self._write_dunst_config()
            self.start_dunst()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        _kill_group(self._dunst)
        self._dunst = None
        _kill_group(self._xvfb)
        self._xvfb = None
        _kill_pid(self._bus_pid)
        self._bus_pid = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def _start_bus(self) -> None:
        config = self.dir / "bus.conf"
        config.write_text(_BUS_CONFIG.format(socket=self.dir / "bus"))
        out = subprocess.run(
            [
                "dbus-daemon",
                f"--config-file={config}",
                "--fork",
                "--print-address=1",
                "--print-pid=1",
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
        lines = out.stdout.split()
        if out.returncode != 0 or len(lines) < 2:
            raise RigError(f"dbus-daemon failed: {out.stderr.strip()}")
        self.bus_address, self._bus_pid = lines[0], int(lines[1])

    def _start_xvfb(self) -> None:
        self._xvfb, self.display = start_xvfb()

    def _write_dunst_config(self) -> None:
        dmenu = self.dir / "dmenu.sh"
        dmenu.write_text(_DMENU_SCRIPT.format(want=self.want_file, log=self.menu_log))
        dmenu.chmod(0o755)
        (self.dir / "dunstrc").write_text(_DUNST_CONFIG.format(dmenu=dmenu))

    # -- environment ------------------------------------------------------------------------

    @property
    def env(self) -> dict[str, str]:
        """Variables that point a client at this rig."""
        return {
            "DBUS_SESSION_BUS_ADDRESS": self.bus_address,
            "DISPLAY": self.display,
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
        }

    def _run(self, *argv: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, **self.env}
        out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=10, check=False)
        if check and out.returncode != 0:
            raise RigError(f"{' '.join(argv)} failed ({out.returncode}): {out.stderr.strip()}")
        return out

    # -- dunst ------------------------------------------------------------------------------

    def server_running(self) -> bool:
        """Whether something owns org.freedesktop.Notifications on the rig's bus."""
        out = self._run(
            "dbus-send", "--session", "--print-reply", "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner",
            "string:org.freedesktop.Notifications", check=False,
        )  # fmt: skip
        return out.returncode == 0 and "boolean true" in out.stdout

    @property
    def dunst_running(self) -> bool:
        return self._dunst is not None and self._dunst.poll() is None

    def start_dunst(self) -> None:
        if self.dunst_running:
            return
        log = self._dunst_log.open("ab")
        self._dunst = subprocess.Popen(
            ["dunst", "-config", str(self.dir / "dunstrc")],
            env={**os.environ, **self.env},
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )
        log.close()
        try:
            wait_until(lambda: self.server_running() or not self.dunst_running, timeout=10)
        except TimeoutError:
            raise RigError(f"dunst did not take the bus name; log: {self.dunst_log()}") from None
        if not self.dunst_running:
            raise RigError(f"dunst exited at start; log: {self.dunst_log()}")
        self._old_history = set()  # a new dunst starts with an empty history

    def stop_dunst(self) -> None:
        _kill_group(self._dunst)
        self._dunst = None
        wait_until(lambda: not self.server_running(), timeout=5)

    def restart_dunst(self) -> None:
        self.stop_dunst()
        self.start_dunst()

    def dunst_log(self) -> str:
        try:
            return self._dunst_log.read_text(errors="replace")[-2000:]
        except OSError:
            return ""

    def displayed_count(self) -> int:
        return int(self._run("dunstctl", "count", "displayed").stdout.strip())

    def history(self, *, close_all: bool = True) -> list[dict[str, Any]]:
        """Closed notifications, newest first, as plain dicts ({"summary": "...", ...}).

        dunst lists only closed notifications, so by default this closes all open ones first.
        """
        if not close_all:
            return self._own_history()
        before = len(self._own_history())
        showing = self.displayed_count()
        self.close_all()
        if not showing:
            return self._own_history()

        # dunst moves closed bubbles to its history on its next turn of the main loop, which
        # can come after `dunstctl close-all` has returned: wait until they are all there.
        def complete() -> list[dict[str, Any]] | None:
            entries = self._own_history()
            return entries if len(entries) >= before + showing else None

        return wait_until(complete, timeout=5)

    def _own_history(self) -> list[dict[str, Any]]:
        return [
            e for e in self._raw_history() if (e["id"], e.get("timestamp")) not in self._old_history
        ]

    def _raw_history(self) -> list[dict[str, Any]]:
        raw = json.loads(self._run("dunstctl", "history").stdout)
        entries = []
        for item in raw["data"][0]:
            entry = {key: field.get("data") for key, field in item.items()}
            # The dunst rules above format the message as "urgency|summary|body".
            entry["urgency"] = str(entry.get("message", "")).split("|", 1)[0]
            entries.append(entry)
        return entries

    def close_all(self) -> None:
        self._run("dunstctl", "close-all")

    def close(self) -> None:
        """Close the newest bubble as the user would (dunst reports reason 2, dismissed)."""
        self._run("dunstctl", "close")

    def reset(self) -> None:
        """Back to an empty screen and an empty history."""
        self.want_file.unlink(missing_ok=True)
        self.menu_log.unlink(missing_ok=True)
        if self.dunst_running:
            self.close_all()
            # dunst 1.9.0 has no history-clear: hide what is there instead (ids only grow).
            self._run("dunstctl", "history-clear", check=False)
            self._old_history = {(e["id"], e.get("timestamp")) for e in self._raw_history()}

    def press(self, key: str) -> None:
        """Invoke action `key` on the newest displayed notification."""
        self.want_file.write_text(key)
        # dunst queues a new notification and shows it on its next update; an action on an
        # empty screen does nothing, so wait until there is something to press.
        wait_until(lambda: self.displayed_count() > 0, timeout=5)
        self._run("dunstctl", "action", "0")

    def move_mouse(self) -> None:
        """Real input: resets X idle time (an absolute move to the same spot does not)."""
        self._run("xdotool", "mousemove_relative", "1", "0")


# ---- standup itself, as a process -----------------------------------------------------------


def standup_status(env: dict[str, str]) -> dict[str, Any] | None:
    """`standup status --json` from a fresh process; None while no daemon answers."""
    result = subprocess.run(
        [sys.executable, "-m", "standup", "status", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=30,
    )
    return json.loads(result.stdout) if result.returncode == 0 else None


# A config whose only exercise is a 5 s timed hold: a countdown end to end in seconds.
QUICK_HOLD_CONFIG = """
[exercises]
include_only = ["quick-hold"]

[[exercises.custom]]
id = "quick-hold"
name = "Quick hold"
target = "hip_flexors"
kind = "stretch"
position = "standing"
equipment = ["none"]
dose = "5 s"
steps = ["Stand tall, one foot back."]
cue = "A mild pull, never pain."
hold = 5
"""


def start_standup(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """`standup run`, started and answering on its control socket."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "standup", *args, "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(lambda: proc.poll() is not None or standup_status(env), timeout=15)
    except TimeoutError:
        proc.kill()
        raise
    if proc.poll() is not None:
        raise RigError(f"standup run exited with {proc.returncode}: {proc.communicate()[1]}")
    return proc


def remind_and_start(rig: Rig, env: dict[str, str]) -> None:
    """`standup now`, then Start pressed on its bubble: a timed hold begins to count down."""
    subprocess.run([sys.executable, "-m", "standup", "now"], env=env, check=True,
                   capture_output=True, timeout=30)  # fmt: skip
    wait_until(lambda: rig.displayed_count() == 1, timeout=5)
    rig.press("start")


def stop_standup(proc: subprocess.Popen[str]) -> tuple[int, str]:
    """SIGTERM, then the exit code and what it logged."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _out, err = proc.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        _out, err = proc.communicate()
    return proc.returncode, err


def standup_env(rig: Rig, runtime_dir: Path, **settings: str) -> dict[str, str]:
    """The environment for a standup process on the rig: the rig's bus and display, a private
    runtime dir for the control socket, and STANDUP_* settings (schedule__sit="2s")."""
    env = {**os.environ, **rig.env, "XDG_RUNTIME_DIR": str(runtime_dir)}
    env.update({f"STANDUP_{key.upper()}": value for key, value in settings.items()})
    return env
