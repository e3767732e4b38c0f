"""A real `systemd --user` (252 on Debian 12, 257 on 13) for end-to-end tests of standup's
unit, as a logged-in user has.

Run as root, everything lives inside `unshare --mount --pid --net --fork`, whose PID 1 is
user_manager_ns.py. There it mounts a tmpfs on /run holding /run/systemd/system
(what sd_booted() checks), a tmpfs on /var/log and its own journald.conf (nothing reaches the
host's journal), and cgroup2 on /sys/fs/cgroup with a subtree chowned to the test user, as logind
would delegate it. Then it starts systemd-journald (Storage=persistent, SplitMode=uid, so
`journalctl --user` works), Xvfb and `systemd --user` as the test user, and dunst on the
manager's session bus (dbus.socket from dbus-user-session, at $XDG_RUNTIME_DIR/bus).

The test user is `standup-um`, created if absent. Not a --system user: journald files the lines
of system users (uid < 1000) into system.journal, which such a user cannot read, so
`journalctl --user` would show nothing. Tests run commands as that user inside the namespaces
with `UserManager.run()` (nsenter + setpriv). The venv must be readable by that user:
`unreadable_paths()` names what is not.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from rig import _DMENU_SCRIPT, _DUNST_CONFIG, RigError, _kill_group, wait_until

RIG_USER = "standup-um"
SYSTEMD = "/usr/lib/systemd/systemd"
JOURNALD = "/usr/lib/systemd/systemd-journald"
DBUS_SOCKET_UNIT = "/usr/lib/systemd/user/dbus.socket"
BINARIES = (
    "unshare", "nsenter", "setpriv", "mount", "useradd", "systemctl", "journalctl",
    "dbus-daemon", "dbus-send", "Xvfb", "dunst", "dunstctl",
)  # fmt: skip
_PATH = "/usr/local/bin:/usr/bin:/bin"
_JOURNALD_CONF = "[Journal]\nStorage=persistent\nSplitMode=uid\nRateLimitBurst=0\n"


def unavailable_reason() -> str | None:
    """Why a user manager cannot run here (None when it can)."""
    if not sys.platform.startswith("linux"):
        return "a systemd user manager needs Linux"
    if os.geteuid() != 0:
        return "the user-manager rig needs root (namespaces, cgroup2, a test user)"
    missing = [name for name in BINARIES if shutil.which(name) is None]
    missing += [p for p in (SYSTEMD, JOURNALD) if not os.access(p, os.X_OK)]
    if not os.path.isfile(DBUS_SOCKET_UNIT):
        missing.append(f"{DBUS_SOCKET_UNIT} (package dbus-user-session)")
    if missing:
        return f"user-manager rig binaries missing: {', '.join(missing)}"
    probe = subprocess.run(
        ["unshare", "--mount", "--pid", "--net", "--fork", "true"],
        capture_output=True, text=True, timeout=10, check=False,
    )  # fmt: skip
    if probe.returncode != 0:
        return f"unshare --mount --pid --net is refused here: {probe.stderr.strip()}"
    return None


def rig_user() -> pwd.struct_passwd:
    """The test user, created when absent (uid from the regular range: see the module doc)."""
    try:
        return pwd.getpwnam(RIG_USER)
    except KeyError:
        pass
    out = subprocess.run(
        ["useradd", "--no-create-home", "--home-dir", "/nonexistent", "--shell",
         "/usr/sbin/nologin", "--user-group", RIG_USER],
        capture_output=True, text=True, timeout=30, check=False,
    )  # fmt: skip
    if out.returncode not in (0, 9):  # 9: created meanwhile by a parallel run
        raise RigError(f"useradd {RIG_USER} failed: {out.stderr.strip()}")
    return pwd.getpwnam(RIG_USER)


def unreadable_paths(paths: list[Path]) -> list[str]:
    """Each directory others cannot enter and each file others cannot read, on the way to
    `paths` (the interpreter, standup's sources, site-packages)."""
    found: list[str] = []
    for path in paths:
        for step in [*reversed(path.parents), path]:
            try:
                mode = step.stat().st_mode
            except OSError:
                continue
            need = 0o005 if step.is_dir() else 0o004  # folders: enter and list; files: read
            if mode & need != need and str(step) not in found:
                found.append(f"{step} (mode {mode & 0o777:o})")
    return found


def _python_paths() -> list[Path]:
    import standup

    prefix = Path(sys.prefix)
    site = [Path(p) for p in sys.path if p.startswith(str(prefix)) and "site-packages" in p]
    exe = Path(sys.executable)
    return [exe, exe.resolve(), Path(standup.__file__).resolve().parent, *site]


class UserManager:
    """The namespaces, journald, Xvfb, `systemd --user` and dunst. `start()` / `stop()`."""

    def __init__(self) -> None:
        # Not under pytest's tmp_path: its folders are 0700, and the test user must get in.
        self.dir = Path(tempfile.mkdtemp(prefix="standup-um-"))
        self.dir.chmod(0o755)
        self.user = rig_user()
        self.home = self.dir / "home"
        self.runtime_dir = self.dir / "runtime"
        self.dunst_dir = self.dir / "dunst"
        self.display = ""
        self.timings: dict[str, float] = {}
        self.python = sys.executable  # the interpreter the user runs standup with
        self._proc: subprocess.Popen[str] | None = None
        self._init_pid = 0

    # -- life cycle -------------------------------------------------------------------------

    def start(self) -> None:
        uid, gid = self.user.pw_uid, self.user.pw_gid
        for path, mode in ((self.home, 0o755), (self.runtime_dir, 0o700), (self.dunst_dir, 0o755)):
            path.mkdir(mode=mode)
            path.chmod(mode)
            os.chown(path, uid, gid)
        (self.dir / "journald.conf").write_text(_JOURNALD_CONF)
        dmenu = self.dunst_dir / "dmenu.sh"
        dmenu.write_text(_DMENU_SCRIPT.format(want=self.want_file, log=self.menu_log))
        dmenu.chmod(0o755)
        (self.dunst_dir / "dunstrc").write_text(_DUNST_CONFIG.format(dmenu=dmenu))
        settings = {"dir": str(self.dir), "uid": uid, "gid": gid, "env": self.manager_env}
        log = (self.dir / "inner.log").open("w")
        started = time.monotonic()
        self._proc = subprocess.Popen(
            ["unshare", "--mount", "--pid", "--net", "--fork", "--kill-child", "--",
             sys.executable, str(Path(__file__).with_name("user_manager_ns.py")),
             json.dumps(settings)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True,
            start_new_session=True,
        )  # fmt: skip
        log.close()
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith("{"):
            why = self.inner_log()
            self.stop()
            raise RigError(f"the user manager did not come up: {why}")
        answer = json.loads(line)
        self.display = answer["display"]
        self.timings = {**answer["timings"], "total": time.monotonic() - started}
        children = Path(f"/proc/{self._proc.pid}/task/{self._proc.pid}/children").read_text()
        self._init_pid = int(children.split()[0])
        try:
            self.python = self._readable_python()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()  # the inner side tears down when its stdin closes
            try:
                self._proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                _kill_group(self._proc)
            self._proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    def inner_log(self) -> str:
        try:
            return (self.dir / "inner.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def _python_works(self, python: str) -> subprocess.CompletedProcess[str]:
        # Through env: here a path setpriv itself execs may pass where the manager's would not.
        imports = "import standup, jeepney, apscheduler, pydantic_settings"
        return self.run("env", python, "-c", imports)

    def _readable_python(self) -> str:
        """This interpreter when the user may run it, else a venv of the system's Python of the
        same version that reads our site-packages (a pyenv Python under root's 0700 home)."""
        probe = self._python_works(sys.executable)
        if probe.returncode == 0:
            return sys.executable
        version = f"python{sys.version_info.major}.{sys.version_info.minor}"
        system = shutil.which(version, path="/usr/bin:/usr/local/bin")
        site = [p for p in _python_paths()[3:] if p.name == "site-packages"]
        if system and site:
            if unreadable_paths(site) or unreadable_paths(_python_paths()[2:3]):
                # A clone under a private folder (root's home): copies the user can read.
                site = self._readable_copies(site)
            venv = self.dir / "venv"
            subprocess.run([system, "-m", "venv", "--without-pip", str(venv)], check=True,
                           timeout=60)  # fmt: skip
            pth = venv / "lib" / version / "site-packages" / "standup-rig.pth"
            pth.write_text("".join(f"import site; site.addsitedir({str(p)!r})\n" for p in site))
            python = str(venv / "bin" / "python")
            if self._python_works(python).returncode == 0:
                return python
        unreadable = unreadable_paths(_python_paths())
        why = (probe.stderr.strip().splitlines() or [f"exit status {probe.returncode}"])[-1]
        raise RigError(
            f"user {RIG_USER} cannot run {sys.executable} with standup ({why}); not readable "
            f"by others: {', '.join(unreadable) or 'nothing found'}. chmod o+rX them, or put "
            "the clone, its venv and its Python where others may read"
        )

    def _readable_copies(self, site: list[Path]) -> list[Path]:
        """standup's sources and the site-packages, copied into the rig's readable folder;
        the sources first, so they win over an editable install's unreadable path."""
        import standup

        top = self.dir / "copies"
        src = top / "src"
        shutil.copytree(Path(standup.__file__).resolve().parent, src / "standup",
                        ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
        copies = [src]
        for index, path in enumerate(site):
            copy = top / f"site-{index}"
            shutil.copytree(path, copy, ignore=shutil.ignore_patterns("__pycache__"))
            copies.append(copy)
        for folder in [top, *top.rglob("*")]:
            folder.chmod(0o755 if folder.is_dir() else 0o644)
        return copies

    # -- environments -----------------------------------------------------------------------

    @property
    def manager_env(self) -> dict[str, str]:
        """What `systemd --user` starts with, as after a login (no DISPLAY: nothing imported)."""
        name = self.user.pw_name
        return {
            "HOME": str(self.home),
            "USER": name,
            "LOGNAME": name,
            "SHELL": "/bin/sh",
            "PATH": _PATH,
            "LANG": "C.UTF-8",
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
        }

    @property
    def env(self) -> dict[str, str]:
        """A login shell of the user: the manager's variables and the session bus."""
        return {**self.manager_env, "DBUS_SESSION_BUS_ADDRESS": f"unix:path={self.bus_path}"}

    @property
    def bus_path(self) -> Path:
        return self.runtime_dir / "bus"

    @property
    def config_home(self) -> Path:
        return self.home / ".config"

    @property
    def want_file(self) -> Path:
        return self.dunst_dir / "want"

    @property
    def menu_log(self) -> Path:
        return self.home / "dmenu-log"

    # -- running commands as the user, inside -----------------------------------------------

    def _as_user(self, argv: list[str]) -> list[str]:
        uid, gid = self.user.pw_uid, self.user.pw_gid
        return ["setpriv", f"--reuid={uid}", f"--regid={gid}", "--clear-groups", *argv]

    def argv(self, argv: list[str]) -> list[str]:
        """`argv` run as the user inside the namespaces."""
        enter = ["nsenter", f"--target={self._init_pid}", "--mount", "--pid", "--net", "--"]
        return [*enter, *self._as_user(argv)]

    def run(
        self,
        *argv: str,
        env: dict[str, str] | None = None,
        check: bool = False,
        timeout: float = 30,
    ) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            self.argv(list(argv)),
            env={**self.env, **(env or {})},
            cwd=self.home,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and done.returncode != 0:
            raise RigError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")
        return done

    def standup(self, *args: str, env: dict[str, str] | None = None, timeout: float = 30):
        return self.run(self.python, "-m", "standup", *args, env=env, timeout=timeout)

    def systemctl(self, *args: str, check: bool = False) -> subprocess.CompletedProcess[str]:
        return self.run("systemctl", "--user", *args, check=check)

    def show(self, unit: str, *props: str) -> dict[str, str]:
        out = self.systemctl("show", unit, *(f"--property={p}" for p in props), check=True)
        return dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)

    def journal(self, unit: str, since: str) -> list[dict[str, Any]]:
        """The user's journal lines of `unit` since `since` (journalctl's --since syntax)."""
        out = self.run(
            "journalctl", "--user", "-u", unit, "--since", since, "-o", "json",
            "--no-pager", check=True,
        )  # fmt: skip
        return [json.loads(line) for line in out.stdout.splitlines() if line.strip()]

    # -- dunst ------------------------------------------------------------------------------

    def dunstctl(self, *args: str) -> str:
        env = {"DISPLAY": self.display}
        return self.run("dunstctl", *args, env=env, check=True).stdout

    def displayed_count(self) -> int:
        return int(self.dunstctl("count", "displayed").strip())

    def press(self, key: str) -> None:
        """Invoke action `key` on the newest bubble (see rig.py: dunst's dmenu is our script)."""
        self.want_file.write_text(key)
        self.want_file.chmod(0o644)
        wait_until(lambda: self.displayed_count() > 0, timeout=10)
        self.dunstctl("action", "0")
