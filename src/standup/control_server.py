"""The control socket server: one thread around a selector, for the daemon.

It blocks in `select()` with no timeout while no client is connected; with clients, the timeout
is the nearest idle deadline, so a silent client is dropped without a timer ticking otherwise.
Handler calls run on that thread, one at a time (the daemon's handler hands work to its own
thread and waits). A lock file next to the socket (flock) makes the daemon single-instance
without races; a socket left by a crashed daemon is then known to be stale and is replaced.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import selectors
import socket
import stat
import struct
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from standup.control import RequestError, ping
from standup.control_protocol import (
    FAILED,
    FORBIDDEN,
    LineBuffer,
    ProtocolError,
    decode_request,
    encode_error,
    encode_result,
)
from standup.errors import AlreadyRunning, StandupError

log = logging.getLogger(__name__)

Handler = Callable[[str, dict[str, Any]], dict[str, Any]]

_LINGER = 1.0  # seconds to wait for a client to hang up after our final reply


class _Conn:
    """One client connection: buffers, deadline, and whether to close once the reply is out."""

    __slots__ = ("closing", "deadline", "events", "inbuf", "outbuf", "shut", "sock")

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.inbuf = LineBuffer()
        self.outbuf = bytearray()
        self.deadline = deadline
        self.closing = False
        self.shut = False
        self.events = selectors.EVENT_READ


_LISTENER = object()
_WAKE = object()


class ControlServer:
    """Serves commands on a Unix socket from one background thread.

    `handler(cmd, args) -> result` runs on the server thread; it may raise RequestError to refuse
    a request. `ping` is built in and answers {"pid": ...}.
    """

    def __init__(
        self,
        path: Path,
        handler: Handler,
        commands: Iterable[str],
        *,
        idle_timeout: float = 5.0,
        max_clients: int = 512,
        allowed_uid: int | None = None,
    ) -> None:
        self.path = Path(path)
        self.idle_timeout = idle_timeout
        self.max_clients = max_clients
        self._handler = handler
        self._commands = frozenset(commands) | {"ping"}
        self._allowed_uid = os.getuid() if allowed_uid is None else allowed_uid
        self._selector: selectors.BaseSelector | None = None
        self._listener: socket.socket | None = None
        self._accepting = False
        self._wake_r = self._wake_w = -1
        self._lock_fd = -1
        self._socket_id: tuple[int, int] | None = None
        self._conns: dict[socket.socket, _Conn] = {}
        self._stopping = False
        self._thread: threading.Thread | None = None

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Claim the socket (or raise AlreadyRunning), bind it privately, start serving."""
        self._stopping = False
        _private_dir(self.path.parent)
        self._claim()
        try:
            self._bind()
            self._selector = selectors.DefaultSelector()
            self._wake_r, self._wake_w = os.pipe()
            os.set_blocking(self._wake_r, False)
            os.set_blocking(self._wake_w, False)
            self._selector.register(self._wake_r, selectors.EVENT_READ, _WAKE)
            self._set_accepting(True)
        except BaseException:
            self._cleanup()
            raise
        self._thread = threading.Thread(target=self._serve, name="standup-control", daemon=True)
        self._thread.start()
        log.info("control socket listening on %s", self.path)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close every connection, remove the socket. Safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping = True
            # The pipe is ours and nearly empty; a full one already wakes the thread.
            with contextlib.suppress(OSError):
                os.write(self._wake_w, b"x")
            thread.join(timeout)
            if thread.is_alive():
                log.warning("control server thread did not stop within %gs", timeout)
        self._cleanup()

    def __enter__(self) -> ControlServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _claim(self) -> None:
        import fcntl  # Unix only; imported here so the client also imports on other systems

        fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno not in (errno.EWOULDBLOCK, errno.EACCES):
                raise
            pid = ping(self.path) or _read_pid(self.lock_path)
            raise _already_running(pid) from None
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
        self._lock_fd = fd
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            return
        # We hold the lock, so no standup holds this socket; still, never steal a live one.
        pid = ping(self.path)
        if pid is not None:
            self._release_lock()
            raise _already_running(pid)
        if not stat.S_ISSOCK(st.st_mode):
            self._release_lock()
            raise StandupError(
                f"{self.path} exists and is not a socket", hint="move it away and start again"
            )
        log.warning("removing stale control socket %s left by a previous run", self.path)
        self.path.unlink(missing_ok=True)

    def _bind(self) -> None:
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener = listener
        # The umask makes bind() create the socket as 0600 straight away; the directory is 0700
        # too, but a socket should never be world-writable even for an instant.
        old = os.umask(0o177)
        try:
            listener.bind(os.fspath(self.path))
        finally:
            os.umask(old)
        os.chmod(self.path, 0o600)
        st = os.stat(self.path)
        self._socket_id = (st.st_dev, st.st_ino)
        listener.listen(socket.SOMAXCONN)
        listener.setblocking(False)

    def _cleanup(self) -> None:
        for conn in list(self._conns.values()):
            self._close(conn)
        if self._selector is not None:
            self._selector.close()
            self._selector = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            self._remove_socket()
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                os.close(fd)
        self._wake_r = self._wake_w = -1
        self._release_lock()

    def _remove_socket(self) -> None:
        # Only our own socket: a successor may already have replaced it.
        try:
            st = os.lstat(self.path)
        except FileNotFoundError:
            return
        if (st.st_dev, st.st_ino) == self._socket_id:
            self.path.unlink(missing_ok=True)

    def _release_lock(self) -> None:
        # The lock file stays: unlinking a lock file lets two starters lock different files.
        if self._lock_fd >= 0:
            os.close(self._lock_fd)
            self._lock_fd = -1

    # -- the loop ----------------------------------------------------------------------------

    def _serve(self) -> None:
        assert self._selector is not None
        while not self._stopping:
            try:
                self._step(self._selector)
            except Exception:  # pragma: no cover - a bug here must not silence the socket
                log.exception("control server error; continuing")

    def _step(self, selector: selectors.BaseSelector) -> None:
        timeout = None  # no clients: sleep until one connects, no periodic wake-ups
        if self._conns:
            nearest = min(c.deadline for c in self._conns.values())
            timeout = max(0.0, nearest - time.monotonic())
        for key, mask in selector.select(timeout):
            if key.data is _WAKE:
                _drain(self._wake_r)
            elif key.data is _LISTENER:
                self._accept()
            elif key.fileobj in self._conns:
                conn = key.data
                if mask & selectors.EVENT_READ:
                    self._read(conn)
                if mask & selectors.EVENT_WRITE and conn.sock in self._conns:
                    self._flush(conn)
        now = time.monotonic()
        for conn in [c for c in self._conns.values() if c.deadline <= now]:
            log.debug("dropping a control client that stayed silent for %gs", self.idle_timeout)
            self._close(conn)

    def _set_accepting(self, on: bool) -> None:
        assert self._selector is not None and self._listener is not None
        if on and not self._accepting:
            self._selector.register(self._listener, selectors.EVENT_READ, _LISTENER)
        elif not on and self._accepting:
            self._selector.unregister(self._listener)
        self._accepting = on

    def _accept(self) -> None:
        assert self._listener is not None and self._selector is not None
        while len(self._conns) < self.max_clients:
            try:
                sock, _ = self._listener.accept()
            except (BlockingIOError, InterruptedError):
                return
            except OSError as exc:
                # EMFILE and friends: stop accepting until a connection closes, or we would spin.
                log.warning("control socket cannot accept: %s", exc)
                if not self._conns:
                    return
                break
            sock.setblocking(False)
            conn = _Conn(sock, time.monotonic() + self.idle_timeout)
            self._conns[sock] = conn
            self._selector.register(sock, selectors.EVENT_READ, conn)
            uid = _peer_uid(sock)
            if uid is not None and uid != self._allowed_uid:
                log.warning("refused a control client running as uid %d", uid)
                self._reply(conn, encode_error("permission denied: not your daemon", FORBIDDEN))
                conn.closing = True
                self._flush(conn)
        self._set_accepting(False)

    def _read(self, conn: _Conn) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            self._close(conn)
            return
        if conn.closing:
            if not data:
                self._close(conn)
            return  # input after our final reply is read and dropped
        if not data:
            # End of input: a final request may lack its newline.
            rest = conn.inbuf.rest()
            if rest.strip():
                self._handle_line(conn, rest)
            conn.closing = True
        else:
            conn.inbuf.feed(data)
            while not conn.closing:
                try:
                    line = conn.inbuf.next_line()
                except ProtocolError as exc:
                    self._reply(conn, encode_error(str(exc), exc.code))
                    conn.closing = True
                    break
                if line is None:
                    break
                if line.strip():
                    self._handle_line(conn, line)
        self._flush(conn)

    def _handle_line(self, conn: _Conn, line: bytes) -> None:
        try:
            cmd, args = decode_request(line, self._commands)
        except ProtocolError as exc:
            self._reply(conn, encode_error(str(exc), exc.code))
            conn.closing = True
            return
        self._reply(conn, self._dispatch(cmd, args))
        conn.deadline = time.monotonic() + self.idle_timeout

    def _dispatch(self, cmd: str, args: dict[str, Any]) -> bytes:
        if cmd == "ping":
            return encode_result({"pid": os.getpid()})
        try:
            result = self._handler(cmd, args)
            if not isinstance(result, dict):
                raise TypeError(f"handler returned {type(result).__name__}, not a dict")
            return encode_result(result)
        except RequestError as exc:
            return encode_error(str(exc), exc.code)
        except Exception as exc:
            log.exception("control command %r failed", cmd)
            return encode_error(f"{cmd} failed: {exc}", FAILED)

    def _reply(self, conn: _Conn, data: bytes) -> None:
        conn.outbuf += data

    def _flush(self, conn: _Conn) -> None:
        while conn.outbuf:
            try:
                sent = conn.sock.send(conn.outbuf)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                self._close(conn)
                return
            del conn.outbuf[:sent]
        if not conn.outbuf and conn.closing and not conn.shut:
            # Closing now with the client's bytes unread would reset the connection, and the
            # client could lose our reply. Send EOF instead and read until the client hangs up.
            conn.shut = True
            conn.deadline = min(conn.deadline, time.monotonic() + _LINGER)
            try:
                conn.sock.shutdown(socket.SHUT_WR)
            except OSError:
                self._close(conn)
                return
        wanted = selectors.EVENT_READ | (selectors.EVENT_WRITE if conn.outbuf else 0)
        if wanted != conn.events and self._selector is not None:
            self._selector.modify(conn.sock, wanted, conn)
            conn.events = wanted

    def _close(self, conn: _Conn) -> None:
        if self._conns.pop(conn.sock, None) is None:
            return
        if self._selector is not None:
            self._selector.unregister(conn.sock)
        conn.sock.close()
        if self._selector is not None and self._listener is not None and not self._stopping:
            self._set_accepting(True)


def _already_running(pid: int | None) -> AlreadyRunning:
    which = f" (pid {pid})" if pid else ""
    return AlreadyRunning(
        f"standup is already running{which}",
        hint="talk to it with `standup status`, or stop it with `systemctl --user stop standup`",
    )


def _private_dir(directory: Path) -> None:
    """Create the socket directory 0700, tighten it if wider, refuse one owned by someone else."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = os.lstat(directory)
    if not stat.S_ISDIR(st.st_mode):
        raise StandupError(f"{directory} is not a directory", hint="move it away and start again")
    if st.st_uid != os.getuid():
        raise StandupError(
            f"{directory} belongs to uid {st.st_uid}, not to you (uid {os.getuid()})",
            hint="set XDG_RUNTIME_DIR to a directory of your own",
        )
    if stat.S_IMODE(st.st_mode) & 0o077:
        log.warning("tightening permissions of %s to 0700", directory)
        os.chmod(directory, 0o700)


def _read_pid(lock_path: Path) -> int | None:
    try:
        return int(lock_path.read_text().strip())
    except (OSError, ValueError):
        return None


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass


def _peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end, or None where the system cannot tell."""
    if hasattr(socket, "SO_PEERCRED"):  # Linux: struct ucred {pid_t pid; uid_t uid; gid_t gid}
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return struct.unpack("3i", creds)[1]
    if sys.platform == "darwin" or "bsd" in sys.platform:
        # struct xucred {u_int cr_version; uid_t cr_uid; short cr_ngroups; gid_t cr_groups[16]}
        # at level SOL_LOCAL (0), option LOCAL_PEERCRED (1); the module may not name them.
        option = getattr(socket, "LOCAL_PEERCRED", 1)
        try:
            creds = sock.getsockopt(0, option, struct.calcsize("IIh16I"))
        except OSError:
            return None
        return struct.unpack_from("II", creds)[1]
    return None  # the 0700 directory is the only guard left
