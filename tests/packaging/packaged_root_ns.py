"""PID 1 of the packaged root's namespaces (packaged_root.py copies it in and starts it with the
root's own python3, chrooted there, under unshare --mount --pid --net).

Standard library only: it runs on the packaged root's Python, which has nothing of the tests.
It mounts /proc, /run, /var/log and cgroup2 (a delegated subtree, as logind would give), starts
journald and `systemd --user` as the user, prints one JSON line when the manager and its bus
are up, reaps orphans, and stops everything when its stdin closes.
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


def wait_for(path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(f"{path} did not appear within {timeout} s")
        reap()
        time.sleep(0.02)


def reap() -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def main(settings: dict) -> None:
    uid, gid, env = settings["uid"], settings["gid"], settings["env"]
    runtime = Path(env["XDG_RUNTIME_DIR"])
    started = time.monotonic()

    def mount(*args: str) -> None:
        subprocess.run(["mount", *args], check=True, timeout=10)

    mount("-t", "proc", "proc", "/proc")
    mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/run")
    for sub in ("systemd/system", "systemd/journal", "user"):
        Path("/run", sub).mkdir(parents=True)
    runtime.mkdir(mode=0o700, parents=True)
    os.chown(runtime, uid, gid)
    mount("-t", "tmpfs", "-o", "mode=0755", "tmpfs", "/var/log")
    Path("/var/log/journal").mkdir()
    mount("-t", "cgroup2", "cgroup2", "/sys/fs/cgroup")
    top = Path("/sys/fs/cgroup", f"{settings['token']}.slice")
    delegated = top / f"user-{uid}.slice" / f"user@{uid}.service"
    delegated.mkdir(parents=True)
    for name in ("", "cgroup.procs", "cgroup.threads", "cgroup.subtree_control"):
        os.chown(delegated / name if name else delegated, uid, gid)

    children: list[subprocess.Popen[bytes]] = []
    try:
        children.append(subprocess.Popen(["/usr/lib/systemd/systemd-journald"]))
        wait_for(Path("/run/systemd/journal/stdout"), 20)
        subprocess.run(["journalctl", "--flush"], check=True, timeout=20)

        def into_cgroup() -> None:
            (delegated / "cgroup.procs").write_text(str(os.getpid()))

        as_user = ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups"]
        children.append(
            subprocess.Popen(
                [*as_user, "/usr/lib/systemd/systemd", "--user"],
                env=env,
                preexec_fn=into_cgroup,
                stdin=subprocess.DEVNULL,
            )
        )
        wait_for(runtime / "systemd/private", 30)
        wait_for(runtime / "bus", 30)
        print(json.dumps({"ready": time.monotonic() - started}), flush=True)
        while True:
            ready, _, _ = select.select([sys.stdin], [], [], 0.5)
            if ready and not sys.stdin.readline():
                break
            reap()
    finally:
        for proc in reversed(children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(p.poll() is None for p in children):
            reap()
            time.sleep(0.05)
        for _ in range(50):
            for folder in sorted(top.rglob("*"), key=lambda p: len(p.parts), reverse=True):
                if folder.is_dir():
                    with contextlib.suppress(OSError):
                        folder.rmdir()
            try:
                top.rmdir()
                break
            except OSError:
                time.sleep(0.1)


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
