"""Call back when a config file changes: inotify on Linux, a 2 s stat poll elsewhere.

Theory of operation (inotify). We watch the *directories* that hold the config files, because
editors save by writing a new file and renaming it over the old one (vim, gedit, emacs'
backup-by-rename); a watch on the file itself would die with the old inode. Events are filtered
by file name. A directory that does not exist yet is covered by a watch on its nearest existing
parent; when the missing part appears (or a watched directory goes away) the watches are armed
again. One thread blocks in select() on the inotify fd and a self-pipe with no timeout, so it
never wakes while nothing changes; while events arrive the timeout is the end of the debounce
window, so an editor's save (several events) becomes one callback. stop() writes to the pipe.

The callback runs on the watcher thread; the daemon hands the work to its own worker.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import errno
import logging
import os
import select
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

log = logging.getLogger("standup.config")

Signature = tuple[int, int, int] | None  # (mtime_ns, size, inode) or None when missing

# <sys/inotify.h>
IN_MODIFY = 0x002
IN_CLOSE_WRITE = 0x008
IN_MOVED_FROM = 0x040
IN_MOVED_TO = 0x080
IN_CREATE = 0x100
IN_DELETE = 0x200
IN_DELETE_SELF = 0x400
IN_MOVE_SELF = 0x800
IN_Q_OVERFLOW = 0x4000
IN_IGNORED = 0x8000
IN_ONLYDIR = 0x01000000
IN_CLOEXEC = 0o2000000

_FILE_EVENTS = IN_CLOSE_WRITE | IN_MOVED_TO | IN_CREATE | IN_DELETE | IN_MOVED_FROM
_SELF_EVENTS = IN_DELETE_SELF | IN_MOVE_SELF
_CONFIG_DIR_MASK = _FILE_EVENTS | _SELF_EVENTS | IN_ONLYDIR
# A parent of a missing directory only needs to see that directory appear.
_ANCESTOR_MASK = IN_CREATE | IN_MOVED_TO | _SELF_EVENTS | IN_ONLYDIR
_EVENT = struct.Struct("iIII")

DEBOUNCE = 0.2
MAX_DELAY = 2.0  # a file rewritten without pause still reports within this
POLL_INTERVAL = 2.0


def signature(path: Path) -> Signature:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class ConfigWatcher:
    """Watch `paths` (files, which need not exist) and call `on_change()` after each change."""

    def __init__(
        self,
        paths: Iterable[Path],
        on_change: Callable[[], None],
        *,
        backend: str = "auto",
        debounce: float = DEBOUNCE,
        poll_interval: float = POLL_INTERVAL,
    ) -> None:
        if backend not in ("auto", "inotify", "stat"):
            raise ValueError(f"unknown watch backend {backend!r}")
        self.paths = [Path(os.path.abspath(p)) for p in paths]
        self.on_change = on_change
        self.debounce = debounce
        self.poll_interval = poll_interval
        self.backend = backend
        self.wakeups = 0  # times the thread woke up; tests check that idle means zero
        self._inotify: _Inotify | None = None
        self._wake_r = self._wake_w = -1
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._seen = {p: signature(p) for p in self.paths}
        self._watches: dict[int, Path] = {}

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        if self.backend in ("auto", "inotify"):
            try:
                self._inotify = _Inotify()
            except OSError as error:
                if self.backend == "inotify":
                    raise
                log.info(
                    "inotify unavailable (%s); checking the config every %g s",
                    error,
                    self.poll_interval,
                )
        if self._inotify is not None:
            self.backend = "inotify"
            self._wake_r, self._wake_w = os.pipe2(os.O_CLOEXEC | os.O_NONBLOCK)
            try:
                self._arm()
            except OSError as error:  # e.g. the watch limit is reached
                log.info("cannot watch the config directories (%s); polling instead", error)
                self._close_fds()
        if self._inotify is None:
            self.backend = "stat"
            target = self._poll_loop
        else:
            target = self._inotify_loop
        self._stopped.clear()
        self._thread = threading.Thread(target=target, name="standup-config-watch", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._wake_w >= 0:
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"x")
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(5.0)
        self._thread = None
        if thread is None or not thread.is_alive():
            self._close_fds()

    def _close_fds(self) -> None:
        if self._inotify is not None:
            self._inotify.close()
            self._inotify = None
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                with contextlib.suppress(OSError):
                    os.close(fd)
        self._wake_r = self._wake_w = -1
        self._watches = {}

    # -- shared ------------------------------------------------------------------------------

    def _changed(self) -> bool:
        """Whether any file's signature differs from the last one seen (and remember the new)."""
        now = {p: signature(p) for p in self.paths}
        changed = now != self._seen
        self._seen = now
        return changed

    def _fire(self) -> None:
        try:
            self.on_change()
        except Exception:  # the watcher must outlive a failing callback
            log.exception("config change handler failed")

    # -- stat fallback -----------------------------------------------------------------------

    def _poll_loop(self) -> None:
        while not self._stopped.wait(self.poll_interval):
            self.wakeups += 1
            if self._changed():
                self._fire()

    # -- inotify -----------------------------------------------------------------------------

    def _targets(self) -> dict[Path, set[str]]:
        """Directory -> file names to react to. A symlinked file adds its target's directory:
        editing the file a dotfiles manager links to changes nothing in the link's directory."""
        targets: dict[Path, set[str]] = {}
        for path in self.paths:
            targets.setdefault(path.parent, set()).add(path.name)
            if path.is_symlink():
                try:
                    real = path.resolve()
                except (RuntimeError, OSError):  # a symlink loop: watch the link's directory
                    continue
                targets.setdefault(real.parent, set()).add(real.name)
        return targets

    def _arm(self) -> None:
        """Watch each target directory, or its nearest existing parent while it is missing."""
        assert self._inotify is not None
        self._names = self._targets()
        masks: dict[Path, int] = {}
        self._pending_dirs: set[Path] = set()  # missing directories and their missing parents
        for directory in self._names:
            where, mask = directory, _CONFIG_DIR_MASK
            while not where.is_dir() and where != where.parent:
                self._pending_dirs.add(where)
                where, mask = where.parent, _ANCESTOR_MASK
            masks[where] = masks.get(where, 0) | mask
        watches: dict[int, Path] = {}
        for directory, mask in masks.items():
            try:
                wd = self._inotify.add_watch(directory, mask)
            except OSError as error:
                if error.errno in (errno.ENOENT, errno.ENOTDIR):
                    # Gone between the check and the watch: its parent reports it coming back.
                    self._pending_dirs.add(directory)
                    wd = self._inotify.add_watch(directory.parent, _ANCESTOR_MASK)
                    directory = directory.parent
                else:
                    raise
            watches[wd] = directory
        for wd in set(self._watches) - set(watches):
            self._inotify.rm_watch(wd)
        self._watches = watches

    def _inotify_loop(self) -> None:
        assert self._inotify is not None
        fd = self._inotify.fd
        deadline: float | None = None
        first: float | None = None
        while not self._stopped.is_set():
            timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
            try:
                ready, _, _ = select.select([fd, self._wake_r], [], [], timeout)
            except InterruptedError:
                continue
            self.wakeups += 1
            if self._wake_r in ready:
                break
            if fd in ready:
                relevant = self._read_events(fd)
                if relevant:
                    now = time.monotonic()
                    first = first if first is not None else now
                    deadline = min(now + self.debounce, first + MAX_DELAY)
                continue
            if deadline is not None and time.monotonic() >= deadline:
                deadline = first = None
                self._changed()  # remember what we reported
                self._fire()
        self._close_fds()

    def _read_events(self, fd: int) -> bool:
        """Drain the queue; True when a config file may have changed."""
        try:
            data = os.read(fd, 65536)
        except BlockingIOError:
            return False
        relevant = rearm = False
        offset = 0
        while offset + _EVENT.size <= len(data):
            wd, mask, _cookie, length = _EVENT.unpack_from(data, offset)
            raw = data[offset + _EVENT.size : offset + _EVENT.size + length]
            offset += _EVENT.size + length
            name = os.fsdecode(raw.rstrip(b"\0"))
            if mask & IN_Q_OVERFLOW:
                relevant = rearm = True
                continue
            directory = self._watches.get(wd)
            if directory is None:
                continue
            if mask & (IN_IGNORED | _SELF_EVENTS):
                rearm = True
                continue
            if name in self._names.get(directory, ()):
                relevant = True
            if name and (directory / name) in self._pending_dirs:
                rearm = True
        if rearm:
            self._arm()
            # A file may have been written into a new directory before we watched it.
            relevant = relevant or self._seen != {p: signature(p) for p in self.paths}
        return relevant


class _Inotify:
    """The three inotify calls through ctypes on libc (no extension module needed)."""

    def __init__(self) -> None:
        if not sys.platform.startswith("linux"):
            raise OSError(errno.ENOSYS, "inotify is Linux only")
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        try:
            self._init = libc.inotify_init1
            self._add = libc.inotify_add_watch
            self._rm = libc.inotify_rm_watch
        except AttributeError:
            raise OSError(errno.ENOSYS, "libc has no inotify") from None
        self._add.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_uint32]
        self._rm.argtypes = [ctypes.c_int, ctypes.c_int]
        # Non-blocking so a spurious select() wake-up can never hang the thread in read().
        fd = self._init(IN_CLOEXEC | os.O_NONBLOCK)
        if fd < 0:
            raise _errno_error("inotify_init1")
        self.fd = fd

    def add_watch(self, path: Path, mask: int) -> int:
        wd = self._add(self.fd, os.fsencode(path), mask)
        if wd < 0:
            raise _errno_error(f"inotify_add_watch {path}")
        return int(wd)

    def rm_watch(self, wd: int) -> None:
        self._rm(self.fd, wd)  # fails harmlessly when the kernel already dropped it

    def close(self) -> None:
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1


def _errno_error(what: str) -> OSError:
    code = ctypes.get_errno()
    return OSError(code, f"{what}: {os.strerror(code)}")
