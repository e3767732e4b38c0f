"""The Debian package end to end: built from this checkout, installed into a fresh root of the
same release, and run there under a real `systemd --user`.

- `dependencies_missing()`: the release's packages of standup's dependencies, asked of
  apt-cache (Debian 12 has no python3-pydantic-settings, so there is nothing to test).
- `build_package()`: dpkg-buildpackage -b in a copy of the checkout's files.
- `clean_root()`: a minbase root of this release with what the rig needs (systemd,
  dbus-user-session, man-db), debootstrapped once and kept in the CI cache
  (/var/cache/standup-ci, or $STANDUP_RELEASE_CACHE) beside the .debs apt fetched for it.
- `PackagedRoot`: a copy of the clean root, the .deb installed with apt from the mirror, and
  journald and `systemd --user` started there by packaged_root_ns.py as PID 1 of their own
  namespaces; commands run in it as root or as the test user through nsenter.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rig import RigError

CHECKOUT = Path(__file__).resolve().parents[2]
# Debian's names for standup's runtime dependencies (pyproject.toml's).
DEPENDENCIES = (
    "python3-apscheduler", "python3-plyer", "python3-pydantic-settings", "python3-jeepney",
    "python3-tomlkit", "python3-tzlocal",
)  # fmt: skip
# What dpkg-buildpackage reads of the checkout (tests and benchmarks stay out).
# hatch_build.py compiles po/ with tools/po.py into the wheel pybuild installs.
PACKAGE_SOURCES = (
    "pyproject.toml", "README.md", "LICENSE", "hatch_build.py", "src", "po", "tools", "debian",
)  # fmt: skip
BUILD_TOOLS = ("dpkg-buildpackage", "dpkg-checkbuilddeps", "lintian", "debootstrap", "nsenter")
# What the rig needs in the fresh root beside the package: a user manager, its session bus,
# and man to read the pages. Raise CLEAN_VERSION when this or the way it is built changes.
RIG_PACKAGES = ("systemd", "dbus-user-session", "man-db", "passwd")
CLEAN_VERSION = 1
USER = "standup-pkg"
_PATH = "/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin"


def cache_dir() -> Path:
    return Path(os.environ.get("STANDUP_RELEASE_CACHE", "/var/cache/standup-ci"))


def codename() -> str:
    for line in Path("/etc/os-release").read_text().splitlines():
        if line.startswith("VERSION_CODENAME="):
            return line.split("=", 1)[1].strip('"')
    raise RigError("no VERSION_CODENAME in /etc/os-release")


def dependencies_missing() -> list[str]:
    """The dependencies this release does not package, as apt-cache says."""
    if shutil.which("apt-cache") is None:
        return list(DEPENDENCIES)
    missing = []
    for name in DEPENDENCIES:
        done = subprocess.run(["apt-cache", "show", "--no-all-versions", name],
                              capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
        if done.returncode != 0 or not done.stdout.strip():
            missing.append(name)
    return missing


def tools_missing() -> list[str]:
    return [name for name in BUILD_TOOLS if shutil.which(name) is None]


def _run(argv: list[str], timeout: float = 600, **kwargs) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout, check=False,
                          **kwargs)  # fmt: skip
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-3000:]
        raise RigError(f"{' '.join(argv[:6])} failed ({done.returncode}): {tail}")
    return done


@contextmanager
def _locked(name: str) -> Iterator[None]:
    """One run at a time changes the shared cache: CI and people run beside each other."""
    cache_dir().mkdir(parents=True, exist_ok=True)
    with open(cache_dir() / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        yield


# -- building ---------------------------------------------------------------------------------


def build_package(work: Path) -> tuple[Path, Path, float]:
    """Build the .deb from a copy of the checkout in `work`: (deb, changes, build seconds)."""
    tree = work / "standup"
    tree.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "generated", "standup.user.service")
    for name in PACKAGE_SOURCES:
        if (CHECKOUT / name).is_dir():
            shutil.copytree(CHECKOUT / name, tree / name, ignore=ignore)
        else:
            shutil.copy2(CHECKOUT / name, tree / name)
    _run(["dpkg-checkbuilddeps"], cwd=tree)
    started = time.monotonic()
    _run(["dpkg-buildpackage", "-b", "-us", "-uc"], cwd=tree, timeout=900)
    took = time.monotonic() - started
    return next(work.glob("standup_*.deb")), next(work.glob("standup_*.changes")), took


# -- the clean root and fresh copies ----------------------------------------------------------


def _mirror() -> str:
    for source in (Path("/etc/apt/sources.list"), *Path("/etc/apt/sources.list.d").glob("*")):
        try:
            lines = source.read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            words = line.split()
            if words[:1] == ["URIs:"] or (words[:1] == ["deb"] and "security" not in line):
                uri = words[1] if words[0] == "URIs:" else next(w for w in words[1:] if "://" in w)
                if "security" not in uri:
                    return uri
    return "http://deb.debian.org/debian"


def clean_root() -> Path:
    """The cached minbase root with the rig's packages, built when absent or out of date."""
    name = f"{codename()}-packaged-clean"
    root = cache_dir() / name
    key = f"{CLEAN_VERSION} {' '.join(RIG_PACKAGES)}"
    with _locked(name):
        stamp = root / ".standup-clean"
        if stamp.is_file() and stamp.read_text() == key:
            return root
        shutil.rmtree(root, ignore_errors=True)
        new = root.with_name(name + ".new")
        shutil.rmtree(new, ignore_errors=True)
        script = Path("/usr/share/debootstrap/scripts", codename())
        _run([
            "debootstrap", "--variant=minbase", codename(), str(new), _mirror(),
            *([str(script)] if script.exists() else ["/usr/share/debootstrap/scripts/sid"]),
        ], timeout=1200)  # fmt: skip
        # A testing release's Release file is valid for a week; a lagging mirror would stop apt.
        (new / "etc/apt/apt.conf.d/99standup-ci").write_text(
            'Acquire::Check-Valid-Until "false";\n'
        )
        in_root(new, ["apt-get", "update", "-qq"])
        # Through apt, not --include: debootstrap does not resolve virtual packages.
        rig = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *RIG_PACKAGES]
        in_root(new, rig, timeout=1200)
        in_root(new, ["apt-get", "clean"])
        stamp_new = new / ".standup-clean"
        stamp_new.write_text(key)
        new.rename(root)
        return root


def in_root(root: Path, argv: list[str], timeout: float = 600, archives: Path | None = None
            ) -> subprocess.CompletedProcess[str]:  # fmt: skip
    """`argv` as root in `root`, with /proc, /dev and the host's DNS, in a mount namespace of its
    own; `archives` (apt's downloaded .debs) bound in when given."""
    binds = f'mount --bind "{archives}" "$0/var/cache/apt/archives"; ' if archives else ""
    script = (
        'mount -t proc proc "$0/proc"; mount --rbind /dev "$0/dev"; '
        f'cp /etc/resolv.conf "$0/etc/resolv.conf" 2>/dev/null || true; {binds}'
        'exec chroot "$0" "$@"'
    )
    env = {"PATH": _PATH, "LANG": "C.UTF-8", "DEBIAN_FRONTEND": "noninteractive", "HOME": "/root"}
    return _run(["unshare", "--mount", "--propagation", "private", "--", "sh", "-c", script,
                 str(root), *argv], timeout=timeout, env=env)  # fmt: skip


class PackagedRoot:
    """A fresh copy of the clean root with the package installed, and a user manager in it."""

    def __init__(self, clean: Path) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="standup-deb-", dir="/var/tmp"))
        self.root = self.dir / "root"
        self.timings: dict[str, float] = {}
        started = time.monotonic()
        _run(["cp", "-a", "--reflink=auto", str(clean), str(self.root)])
        self.timings["copy"] = time.monotonic() - started
        self._proc: subprocess.Popen[str] | None = None
        self._pid = 0
        self.uid = self.gid = 0
        self.home = Path("/home") / USER
        self.runtime_dir = Path("/run/user/1000")

    def install(self, deb: Path) -> str:
        """`apt install ./standup_*.deb` in the root; apt's output. The .debs apt fetches are
        kept beside the clean root for the next run (apt still checks each against the
        mirror's signed lists)."""
        shutil.copy2(deb, self.root / "tmp" / deb.name)
        archives = cache_dir() / f"{codename()}-packaged-debs"
        (archives / "partial").mkdir(parents=True, exist_ok=True)
        started = time.monotonic()
        with _locked(archives.name):
            argv = ["apt-get", "install", "-y", f"/tmp/{deb.name}"]
            try:
                done = in_root(self.root, argv, archives=archives)
            except RigError:  # the lists may be older than the mirror: read them again
                in_root(self.root, ["apt-get", "update", "-qq"])
                done = in_root(self.root, argv, archives=archives)
        self.timings["install"] = time.monotonic() - started
        return done.stdout

    def as_root(self, *argv: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return in_root(self.root, list(argv), timeout=timeout)

    # -- the user manager -----------------------------------------------------------------

    def start(self) -> None:
        self.as_root("useradd", "--create-home", "--user-group", "--shell", "/bin/sh", USER)
        ids = self.as_root("id", "-u", USER).stdout.strip(), self.as_root("id", "-g", USER)
        self.uid, self.gid = int(ids[0]), int(ids[1].stdout.strip())
        self.runtime_dir = Path(f"/run/user/{self.uid}")
        (self.root / "etc/systemd/journald.conf").write_text(
            "[Journal]\nStorage=persistent\nSplitMode=uid\nRateLimitBurst=0\n"
        )
        shutil.copy2(Path(__file__).with_name("packaged_root_ns.py"), self.root / "root/ns.py")
        token = "".join(c for c in self.dir.name if c.isalnum())
        settings = {"uid": self.uid, "gid": self.gid, "token": token, "env": self.manager_env}
        script = 'mount --rbind /dev "$0/dev"; mount --rbind /sys "$0/sys"; exec chroot "$0" "$@"'
        started = time.monotonic()
        self._proc = subprocess.Popen(
            ["unshare", "--mount", "--pid", "--net", "--fork", "--kill-child", "--propagation",
             "private", "--", "sh", "-c", script, str(self.root), "python3", "/root/ns.py",
             json.dumps(settings)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=(self.dir / "ns.log").open("w"), text=True, start_new_session=True,
            env={"PATH": _PATH, "LANG": "C.UTF-8"},
        )  # fmt: skip
        assert self._proc.stdout is not None
        line = self._proc.stdout.readline()
        if not line.startswith("{"):
            log = (self.dir / "ns.log").read_text(errors="replace")[-3000:]
            self.stop()
            raise RigError(f"the packaged root's user manager did not come up: {log}")
        self.timings["manager"] = time.monotonic() - started
        children = Path(f"/proc/{self._proc.pid}/task/{self._proc.pid}/children").read_text()
        self._pid = int(children.split()[0])

    def stop(self) -> None:
        if self._proc is not None:
            assert self._proc.stdin is not None
            self._proc.stdin.close()
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self._proc.pid, 9)
                self._proc.wait(timeout=10)
            self._proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    @property
    def manager_env(self) -> dict[str, str]:
        return {
            "HOME": str(self.home), "USER": USER, "LOGNAME": USER, "SHELL": "/bin/sh",
            "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8",
            "XDG_RUNTIME_DIR": str(self.runtime_dir),
        }  # fmt: skip

    def run(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        """`argv` as the user, in the root, beside the manager (nsenter into its namespaces)."""
        enter = ["nsenter", f"--target={self._pid}", "--mount", "--pid", "--net", "--root",
                 "--wd"]  # fmt: skip
        user = ["setpriv", f"--reuid={self.uid}", f"--regid={self.gid}", "--clear-groups"]
        env = {**self.manager_env, "DBUS_SESSION_BUS_ADDRESS": f"unix:path={self.runtime_dir}/bus"}
        return subprocess.run(
            [*enter, *user, "env", "-i", *(f"{k}={v}" for k, v in env.items()),
             "sh", "-c", 'cd "$HOME" && exec "$@"', "sh", *argv],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip

    def write_home(self, relative: str, text: str) -> None:
        """A file in the user's home, owned by them as if they wrote it."""
        path = self.root / str(self.home).lstrip("/") / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        home = self.root / str(self.home).lstrip("/")
        for folder in [path.parent, *path.parent.parents]:
            if folder == home:
                break
            os.chown(folder, self.uid, self.gid)
        path.write_text(text)
        os.chown(path, self.uid, self.gid)

    def home_path(self, relative: str) -> Path:
        return self.root / str(self.home).lstrip("/") / relative
