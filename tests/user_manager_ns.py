"""PID 1 of the user-manager rig's namespaces (tests/user_manager.py starts it under unshare).

It mounts the rig's /run, /var/log, /proc and cgroup2, starts journald, Xvfb, `systemd --user`
and dunst, prints one JSON line (display, timings) when all are up, reaps orphans, and tears
everything down when its stdin closes.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from user_manager import JOURNALD, SYSTEMD

from rig import RigError, wait_until
from sweep import reap  # as PID 1, every orphan of the namespace is ours to collect


def main(settings: dict[str, Any]) -> None:
    base = Path(settings["dir"])
    uid, gid, env = settings["uid"], settings["gid"], settings["env"]
    runtime = Path(env["XDG_RUNTIME_DIR"])
    timings: dict[str, float] = {}
    started = time.monotonic()

    def mount(*args: str) -> None:
        subprocess.run(["mount", *args], check=True, timeout=10)

    as_user = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
    mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run")
    for sub in ("systemd/system", "systemd/journal", "user"):
        Path("/run", sub).mkdir(parents=True)
    mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/var/log")
    journal_dir = Path("/var/log/journal")
    journal_dir.mkdir()
    mount("--bind", str(base / "journald.conf"), "/etc/systemd/journald.conf")
    # Our own /proc: journald reads a sender's unit from /proc/PID, in this PID namespace.
    mount("-t", "proc", "proc", "/proc")
    mount("-t", "cgroup2", "cgroup2", "/sys/fs/cgroup")
    # The host's enabled user units (pipewire, ...) would start too: only vendor units here.
    if Path("/etc/systemd/user").is_dir():
        mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/etc/systemd/user")
    # A slice of our own above the user's: parallel rigs must not share cgroups, and journald
    # finds the user unit only after slices (a plain folder there would hide it).
    token = "".join(c for c in base.name if c.isalnum())
    top = Path("/sys/fs/cgroup", f"{token}.slice")
    delegated = top / f"user-{uid}.slice" / f"user@{uid}.service"
    delegated.mkdir(parents=True)
    for path in (
        delegated,
        *(delegated / f for f in ("cgroup.procs", "cgroup.threads", "cgroup.subtree_control")),
    ):
        os.chown(path, uid, gid)

    children: list[subprocess.Popen[bytes]] = []

    def spawn(argv: list[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, **kwargs)
        children.append(proc)
        return proc

    try:
        spawn([JOURNALD])
        wait_until(lambda: Path("/run/systemd/journal/stdout").exists(), timeout=10)
        subprocess.run(["journalctl", "--flush"], check=True, timeout=10)
        timings["journald"] = time.monotonic() - started

        read_fd, write_fd = os.pipe()
        spawn(
            [*as_user, "Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp"],
            pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(write_fd)
        with os.fdopen(read_fd) as pipe:
            display = ":" + pipe.readline().strip()

        def into_cgroup() -> None:  # runs in the child, before setpriv and systemd
            (delegated / "cgroup.procs").write_text(str(os.getpid()))

        before = time.monotonic()
        spawn([*as_user, SYSTEMD, "--user"], env=env, preexec_fn=into_cgroup)
        wait_until(lambda: (runtime / "systemd/private").exists(), timeout=15)
        timings["manager"] = time.monotonic() - before
        # dbus.socket may listen a moment after the manager's own socket (257 often does):
        # dunst started before it cannot connect and exits.
        wait_until(lambda: (runtime / "bus").is_socket(), timeout=15)

        dunst_env = {
            **env,
            "DISPLAY": display,
            "DBUS_SESSION_BUS_ADDRESS": f"unix:path={runtime}/bus",
        }
        spawn([*as_user, "dunst", "-config", str(base / "dunst/dunstrc")], env=dunst_env,
              stdout=subprocess.DEVNULL, stderr=(base / "dunst/log").open("ab"))  # fmt: skip

        def dunst_owns_the_name() -> bool:
            out = subprocess.run(
                [*as_user, "dbus-send", "--session", "--print-reply",
                 "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus",
                 "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.Notifications"],
                env=dunst_env, capture_output=True, text=True, timeout=10, check=False,
            )  # fmt: skip
            return "boolean true" in out.stdout

        try:
            wait_until(dunst_owns_the_name, timeout=15, interval=0.05)
        except TimeoutError:
            log = (base / "dunst/log").read_text(errors="replace")[-1500:]
            raise RigError(f"dunst did not take the bus name; its log: {log}") from None
        timings["ready"] = time.monotonic() - started
        print(json.dumps({"display": display, "timings": timings}), flush=True)
        _serve_until_stdin_closes()
    finally:
        for proc in reversed(children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(p.poll() is None for p in children):
            reap()
            time.sleep(0.05)
        _remove_cgroups(top)


def _serve_until_stdin_closes() -> None:
    while True:
        ready, _, _ = select.select([sys.stdin], [], [], 0.5)
        if ready and not sys.stdin.readline():
            return
        reap()


def _remove_cgroups(top: Path) -> None:
    for _ in range(50):
        if not top.exists():
            return
        for folder in sorted(top.rglob("*"), key=lambda p: len(p.parts), reverse=True):
            if folder.is_dir():
                with contextlib.suppress(OSError):  # still busy: the next round
                    folder.rmdir()
        try:
            top.rmdir()
            return
        except OSError:
            time.sleep(0.1)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
