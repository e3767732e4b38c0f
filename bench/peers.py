"""Workrave and Safe Eyes beside standup on the bench's rig, read the way standup is read.

Each peer runs from its Debian package in a session of its own (so its whole process tree can be
found and stopped), with a HOME and XDG directories of its own under the bench's temp dir: it
starts on its defaults and never sees the user's files. What they need to run headless:

- Workrave keeps its settings in GSettings; with no dconf on the bus every write fails and it
  falls back to settings in memory. A dconf-service on the rig's bus gives it the usual backend.
- Safe Eyes listens for suspend on the system bus and dies at start without one, so the peers
  get a private system bus. It copies its default config on first start; we copy it first, with
  one change: its RPC server gets a free port instead of 7200, which is machine-wide.
- Safe Eyes counts itself as running when any Python process has "safeeyes" in its arguments,
  and then only asks the running one to open its settings: a second copy on this machine makes
  ours exit at once, which `check_alive` reports.

dconf-service and the system bus are desktop plumbing every session has: they are read and
reported on their own, not added to either peer.

What the rig does not have, and so what is not in their figures: a tray. Workrave then shows
its small timer window instead (counted in `visible_windows`; it redraws each second, as its
tray applet would); Safe Eyes logs that its tray plugin did not load (its AppIndicator library
is a Recommends, left out by --no-install-recommends) and runs without it, so its figures are
a little low if anything.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import measure

INSTALL_HINT = "sudo apt-get install -y --no-install-recommends workrave safeeyes"
DCONF_SERVICE = Path("/usr/libexec/dconf-service")
SAFEEYES_DEFAULTS = Path("/usr/lib/python3/dist-packages/safeeyes/config")

_SYSTEM_BUS_CONFIG = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>system</type>
  <listen>unix:path={socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""

# Variables passed through from the bench's own environment; everything else is set here.
_KEEP = ("PATH", "LANG", "LANGUAGE", "LC_ALL", "LC_CTYPE", "TZ")


@dataclass(frozen=True)
class PeerSpec:
    name: str
    package: str  # the Debian package, for its version
    argv: tuple[str, ...]


SPECS = (
    PeerSpec("Workrave", "workrave", ("workrave",)),
    PeerSpec("Safe Eyes", "safeeyes", ("safeeyes",)),
)


def missing() -> list[str]:
    """The peers' programs (and their helpers) this machine lacks."""
    absent = [spec.argv[0] for spec in SPECS if shutil.which(spec.argv[0]) is None]
    if not DCONF_SERVICE.exists():
        absent.append(str(DCONF_SERVICE))
    return absent


def package_version(package: str) -> str:
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Version}", package],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip() or "unknown"


@dataclass
class Running:
    spec: PeerSpec
    home: Path
    proc: subprocess.Popen[bytes]
    log: Path
    started: float = field(default_factory=time.monotonic)

    def pids(self) -> list[int]:
        return measure.session_pids(self.proc.pid)


class Peers:
    """Starts the peers on a rig, reads them, and stops every process they started."""

    def __init__(self, rig_env: dict[str, str], base: Path) -> None:
        self.rig_env = rig_env
        self.base = base
        self.running: list[Running] = []
        self._plumbing: dict[str, subprocess.Popen[bytes]] = {}
        self._system_bus_pid: int | None = None
        self._system_bus = ""

    # ---- starting -------------------------------------------------------------------------

    def start(self) -> None:
        self.base.mkdir(parents=True, exist_ok=True)
        self._start_system_bus()
        self._start_plumbing("dconf-service", [str(DCONF_SERVICE)], self._env(self.base / "dconf"))
        for spec in SPECS:
            self._start_peer(spec)

    def _start_system_bus(self) -> None:
        config = self.base / "system-bus.conf"
        config.write_text(_SYSTEM_BUS_CONFIG.format(socket=self.base / "system-bus"))
        out = subprocess.run(
            ["dbus-daemon", f"--config-file={config}", "--fork", "--print-address=1",
             "--print-pid=1"],
            capture_output=True, text=True, timeout=10, check=False,
        )  # fmt: skip
        lines = out.stdout.split()
        if out.returncode != 0 or len(lines) < 2:
            raise RuntimeError(f"the peers' system bus did not start: {out.stderr.strip()}")
        self._system_bus, self._system_bus_pid = lines[0], int(lines[1])

    def _env(self, home: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if k in _KEEP}
        env.update(self.rig_env)
        env.update(
            HOME=str(home),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_STATE_HOME=str(home / ".local" / "state"),
            DBUS_SYSTEM_BUS_ADDRESS=self._system_bus,
        )
        for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
            Path(env[key]).mkdir(parents=True, exist_ok=True)
        return env

    def _start_plumbing(self, name: str, argv: list[str], env: dict[str, str]) -> None:
        log = (self.base / f"{name}.log").open("ab")
        self._plumbing[name] = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
            start_new_session=True,
        )  # fmt: skip
        log.close()

    def _start_peer(self, spec: PeerSpec) -> None:
        home = self.base / spec.package
        env = self._env(home)
        if spec.package == "safeeyes":
            _prepare_safeeyes(Path(env["XDG_CONFIG_HOME"]) / "safeeyes")
        log_path = self.base / f"{spec.package}.log"
        log = log_path.open("ab")
        proc = subprocess.Popen(
            list(spec.argv), env=env, cwd=home, stdin=subprocess.DEVNULL, stdout=log,
            stderr=log, start_new_session=True,
        )  # fmt: skip
        log.close()
        self.running.append(Running(spec, home, proc, log_path))

    def wait_quiet(self, timeout: float = 30.0) -> None:
        """Until no peer has used CPU for a second: their start-up is over."""
        deadline = time.monotonic() + timeout
        last = self._ticks()
        while time.monotonic() < deadline:
            time.sleep(1)
            now = self._ticks()
            if now == last:
                return
            last = now

    def _ticks(self) -> int:
        return sum(c.cpu_ticks for c in self.counters().values())

    # ---- reading --------------------------------------------------------------------------

    def check_alive(self) -> None:
        """Raise if a peer has exited: its figures would be nobody's."""
        for peer in self.running:
            if peer.proc.poll() is not None:
                tail = peer.log.read_text(errors="replace")[-1500:]
                raise RuntimeError(
                    f"{peer.spec.name} exited with {peer.proc.returncode} "
                    f"{time.monotonic() - peer.started:.0f} s after start; its log ends:\n{tail}"
                )

    def memory(self) -> dict[str, dict[str, int]]:
        readings = {p.spec.name: measure.tree_memory(p.pids()) for p in self.running}
        plumbing = [p.pid for p in self._plumbing.values()]
        if self._system_bus_pid is not None:
            plumbing.append(self._system_bus_pid)
        readings["plumbing"] = measure.tree_memory(plumbing)
        return readings

    def counters(self) -> dict[str, measure.Counters]:
        self.check_alive()
        return {p.spec.name: measure.tree_counters(p.pids()) for p in self.running}

    def describe(self) -> dict[str, Any]:
        """Versions and process trees, for the JSON."""
        return {
            p.spec.name: {
                "package": p.spec.package,
                "version": package_version(p.spec.package),
                "processes": [_comm(pid) for pid in p.pids()],
                "visible_windows": _visible_windows(p.proc.pid, self.rig_env),
            }
            for p in self.running
        }

    # ---- stopping -------------------------------------------------------------------------

    def stop(self) -> None:
        for peer in self.running:
            _stop_session(peer.proc)
        self.running = []
        for proc in self._plumbing.values():
            _stop_session(proc)
        self._plumbing = {}
        if self._system_bus_pid is not None:
            _stop_forked(self._system_bus_pid, "dbus-daemon")
            self._system_bus_pid = None


def _prepare_safeeyes(config_dir: Path) -> None:
    """Safe Eyes' own first-run copy, made by us so its RPC port cannot collide."""
    config = json.loads((SAFEEYES_DEFAULTS / "safeeyes.json").read_text())
    config["rpc_port"] = _free_port()
    (config_dir / "style").mkdir(parents=True, exist_ok=True)
    (config_dir / "safeeyes.json").write_text(json.dumps(config, indent=4))
    shutil.copy(SAFEEYES_DEFAULTS / "style" / "safeeyes_style.css", config_dir / "style")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _comm(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/comm").read_text().strip()
    except OSError:
        return "?"


def _visible_windows(pid: int, rig_env: dict[str, str]) -> int:
    """Mapped windows the peer owns: nonzero means a break screen or dialog is up."""
    out = subprocess.run(
        ["xdotool", "search", "--onlyvisible", "--pid", str(pid)],
        env={**os.environ, **rig_env},
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    return len(out.stdout.split())


def _stop_session(proc: subprocess.Popen[bytes]) -> None:
    """SIGTERM to every process of the session, then SIGKILL to what is left, then reap."""
    for sig, grace in ((signal.SIGTERM, 5.0), (signal.SIGKILL, 3.0)):
        pids = measure.session_pids(proc.pid)  # zombies left out: they are already gone
        for pid in pids:
            _kill(pid, sig)
        deadline = time.monotonic() + grace
        while pids and time.monotonic() < deadline:
            time.sleep(0.05)
            pids = measure.session_pids(proc.pid)
        if not pids:
            break
    proc.wait(timeout=5)


def _stop_forked(pid: int, comm: str) -> None:
    """A daemon that forked away from us (dbus-daemon --fork): signalled only while the pid
    still names that program, so a reused pid is never hit."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        deadline = time.monotonic() + 3
        if _comm(pid) == comm:
            _kill(pid, sig)
        while _comm(pid) == comm and _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)


def _kill(pid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, sig)


def _alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"
