"""The control socket's file, and the single-instance lock next to it: a file of ours,
flocked, holding our pid.

The directory may once have been writable by others, so the lock path is opened without
following a symlink, and used only when it is a regular file of ours with one link: a planted
link must never make us truncate and overwrite someone's file.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import socket
import stat
import time
from collections.abc import Callable
from pathlib import Path

from standup.errors import AlreadyRunning, RuntimeDirError, StandupError

log = logging.getLogger("standup.control")
_PID_WAIT = 1.0  # seconds a loser waits for the winner to write its pid


def claim_lock(lock_path: Path, find_pid: Callable[[], int | None]) -> int:
    """Lock `lock_path` and write our pid into it; return its fd.

    Raises AlreadyRunning naming the holder's pid: `find_pid` (a ping of the socket) or the
    lock file tells it, once the winner of a race has got as far as writing it.
    """
    import fcntl  # Unix only; imported here so the client also imports on other systems

    flags = os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NOCTTY | os.O_NONBLOCK
    try:
        fd = os.open(lock_path, flags, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # O_NOFOLLOW met a symlink
            raise _foreign(lock_path, "is a symbolic link") from None
        raise RuntimeDirError(
            f"cannot open {lock_path}: {exc.strerror or exc}",
            hint=f"remove {lock_path} and start again",
        ) from None
    try:
        _check_ours(fd, lock_path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            raise already_running(_holder_pid(fd, find_pid)) from None
    except BaseException:
        os.close(fd)
        raise
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return fd


def _check_ours(fd: int, lock_path: Path) -> None:
    st = os.fstat(fd)
    if not stat.S_ISREG(st.st_mode):
        raise _foreign(lock_path, "is not a regular file")
    if st.st_uid != os.getuid():
        raise _foreign(lock_path, f"belongs to uid {st.st_uid}, not to you")
    if st.st_nlink != 1:  # a hard link planted to a file of ours elsewhere
        raise _foreign(lock_path, f"has {st.st_nlink} links: it is another file's name too")


def _foreign(lock_path: Path, what: str) -> RuntimeDirError:
    return RuntimeDirError(
        f"{lock_path} {what}; standup will not use it as its lock",
        hint=f"someone may have planted it: remove it (`rm {lock_path}`) and start again",
    )


def _holder_pid(fd: int, find_pid: Callable[[], int | None]) -> int | None:
    # The winner of a race writes its pid just after it locks, and answers pings a moment
    # later: a loser that looked too early would say "already running" without the pid.
    give_up = time.monotonic() + _PID_WAIT
    while True:
        pid = _read_pid(fd) or find_pid()
        if pid is not None or time.monotonic() > give_up:
            return pid
        time.sleep(0.01)


def _read_pid(fd: int) -> int | None:
    try:
        return int(os.pread(fd, 32, 0).strip())
    except (OSError, ValueError):
        return None


def already_running(pid: int | None) -> AlreadyRunning:
    """The error for a second daemon; it names the first one's pid when known."""
    which = f" (pid {pid})" if pid else ""
    return AlreadyRunning(
        f"standup is already running{which}",
        hint="talk to it with `standup status`, or stop it with `systemctl --user stop standup`",
    )


def clear_socket_path(path: Path) -> None:
    """With the lock held: remove a stale socket at `path`, but never a live daemon's."""
    from standup.control.client import ping

    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    # We hold the lock, so no standup holds this socket; still, never steal a live one.
    # (ping trusts only a server of our uid: someone else's socket is not "running".)
    pid = ping(path)
    if pid is not None:
        raise already_running(pid)
    if not stat.S_ISSOCK(st.st_mode):
        raise StandupError(
            f"{path} exists and is not a socket", hint="move it away and start again"
        )
    if st.st_uid != os.getuid():
        log.warning("removing a control socket planted by uid %d at %s", st.st_uid, path)
    else:
        log.warning("removing stale control socket %s left by a previous run", path)
    path.unlink(missing_ok=True)


def bind_private(path: Path) -> tuple[socket.socket, tuple[int, int]]:
    """A listening socket at `path`, 0600 from the start; and its (device, inode), so that
    only this socket is ever removed (`remove_own_socket`).

    It is bound under a name of its own and renamed into place once it listens: a client that
    sees the path appear (`status --follow` watches for it) can connect at once. The caller
    holds the lock, so the temporary name is ours alone."""
    temporary = path.with_name(f"{path.name[:-1]}~")  # as long as `path`, which fits
    with contextlib.suppress(FileNotFoundError):
        os.unlink(temporary)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    # The umask makes bind() create the socket as 0600 straight away; the directory is 0700
    # too, but a socket should never be world-writable even for an instant.
    old = os.umask(0o177)
    try:
        try:
            listener.bind(os.fspath(temporary))
        finally:
            os.umask(old)
        os.chmod(temporary, 0o600)
        listener.listen(socket.SOMAXCONN)
        os.rename(temporary, path)
        st = os.stat(path)
    except BaseException:
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    listener.setblocking(False)
    return listener, (st.st_dev, st.st_ino)


def remove_own_socket(path: Path, socket_id: tuple[int, int] | None) -> None:
    """Remove the socket at `path` if it is still ours: a successor may have replaced it."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if (st.st_dev, st.st_ino) == socket_id:
        path.unlink(missing_ok=True)
