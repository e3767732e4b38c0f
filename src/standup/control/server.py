"""The control socket server: one thread around a selector, for the daemon.

It blocks in `select()` with no timeout while no client is connected; with clients, the timeout
is the nearest idle deadline, so a silent client is dropped without a timer ticking otherwise.
Handler calls run on that thread, one at a time (the daemon's handler hands work to its own
thread and waits). A lock file next to the socket (flock, `lock`) makes the daemon single-
instance without races; a socket left by a crashed daemon (or planted by another user: the
client trusts only a server of its own uid) is then stale and replaced. Each request carries a
ticket (`deadline`): one its client gave up on is not carried out. Limits are in `conns`.
"""

from __future__ import annotations

import contextlib
import logging
import os
import selectors
import socket
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from standup import paths
from standup.control import deadline as control_deadline
from standup.control.client import peer_uid, ping
from standup.control.conns import OUTPUT_CAP, Conn, OnceLog, longest_idle
from standup.control.feed import Feed, nearest_deadline
from standup.control.lock import bind_private, claim_lock, clear_socket_path, remove_own_socket
from standup.control.protocol import (
    EXPIRED,
    FAILED,
    FORBIDDEN,
    ProtocolError,
    Request,
    RequestError,
    decode_request,
    encode_error,
    encode_result,
)

log = logging.getLogger("standup.control")

Handler = Callable[[str, dict[str, Any]], dict[str, Any]]

_LINGER = 1.0  # seconds to wait for a client to hang up after our final reply
_LISTENER = object()
_WAKE = object()


class ControlServer:
    """Serves commands on a Unix socket from one background thread.

    `handler(cmd, args) -> result` runs on the server thread; it may raise RequestError to refuse
    a request. `ping` is built in and answers {"pid": ...}. A `followable` command asked with
    {"follow": true} makes its connection a follower of `feed` once it is answered.
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
        followable: Iterable[str] = (),
    ) -> None:
        self.path = Path(path)
        self.idle_timeout = idle_timeout
        self.max_clients = max_clients
        self._handler = handler
        self._commands = frozenset(commands) | {"ping"}
        self._followable = frozenset(followable)
        self.feed = Feed(self._wake)
        self._allowed_uid = os.getuid() if allowed_uid is None else allowed_uid
        self._selector: selectors.BaseSelector | None = None
        self._listener: socket.socket | None = None
        self._accepting = False
        self._wake_r = self._wake_w = -1
        self._lock_fd = -1
        self._socket_id: tuple[int, int] | None = None
        self._conns: dict[socket.socket, Conn] = {}
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._full_log = OnceLog()
        self._unread_log = OnceLog()
        self._expired_log = OnceLog()

    @property
    def lock_path(self) -> Path:
        return self.path.with_name(self.path.name + ".lock")

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> None:
        """Claim the socket (or raise AlreadyRunning), bind it privately, start serving."""
        self._stopping = False
        paths.check_socket_path(self.path)
        if paths.ensure_private_dir(self.path.parent):
            log.warning("tightened the permissions of %s to 0700", self.path.parent)
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
        log.debug("control socket listening on %s", self.path)

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, close every connection, remove the socket. Safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopping = True
            self._wake()
            thread.join(timeout)
            if thread.is_alive():
                log.warning("control server thread did not stop within %gs", timeout)
        self._cleanup()

    def _wake(self) -> None:
        # The pipe is ours and nearly empty; a full one already wakes the thread.
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def __enter__(self) -> ControlServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _claim(self) -> None:
        self._lock_fd = claim_lock(self.lock_path, lambda: ping(self.path))
        try:
            clear_socket_path(self.path)
        except BaseException:
            self._release_lock()
            raise

    def _bind(self) -> None:
        self._listener, self._socket_id = bind_private(self.path)

    def _cleanup(self) -> None:
        for conn in list(self._conns.values()):
            self._close(conn)
        if self._selector is not None:
            self._selector.close()
            self._selector = None
        if self._listener is not None:
            self._listener.close()
            self._listener = None
            remove_own_socket(self.path, self._socket_id)
        for fd in (self._wake_r, self._wake_w):
            if fd >= 0:
                os.close(fd)
        self._wake_r = self._wake_w = -1
        self._release_lock()

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
        # No clients (or only followers): sleep until something happens, no periodic wake-ups.
        deadlines = [c.deadline for c in self._conns.values()]
        for key, mask in selector.select(nearest_deadline(deadlines, time.monotonic())):
            if key.data is _WAKE:
                _drain(self._wake_r)
                for conn in self.feed.deliver():
                    self._flush(conn)
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
        while True:
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
            conn = Conn(sock, time.monotonic() + self.idle_timeout)
            self._conns[sock] = conn
            self._selector.register(sock, selectors.EVENT_READ, conn)
            if len(self._conns) > self.max_clients:
                self._make_room(conn)
            elif len(self._conns) <= self.max_clients // 2:
                self._full_log.clear()
            uid = peer_uid(sock)
            if uid is not None and uid != self._allowed_uid:
                log.warning("refused a control client running as uid %d", uid)
                self._reply(conn, encode_error("permission denied: not your daemon", FORBIDDEN))
                conn.closing = True
                self._flush(conn)
        self._set_accepting(False)

    def _make_room(self, newcomer: Conn) -> None:
        victim = longest_idle(self._conns, newcomer)
        self._full_log.warn(
            "control socket: %d clients connected, the most allowed; closing the longest idle "
            "one for each newcomer",
            self.max_clients,
        )
        if victim is not None:
            self._close(victim)

    def _read(self, conn: Conn) -> None:
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
            # End of input: a final request may lack its newline. (No complete line is left:
            # we read only while none is waiting.)
            rest = conn.inbuf.rest()
            if rest.strip():
                self._handle_line(conn, rest)
            conn.closing = True
        else:
            conn.inbuf.feed(data)
            self._handle_lines(conn)
        self._flush(conn)

    def _handle_lines(self, conn: Conn) -> None:
        """Answer the complete lines received, while the client's unsent replies stay small."""
        while not conn.closing:
            if conn.over_cap:
                # Read no more from a client that does not read: its requests wait in the
                # kernel until it does, or until the idle timeout closes it.
                conn.held = True
                self._unread_log.warn(
                    "a control client is not reading its replies; not reading its requests "
                    "while more than %d KiB of replies wait for it",
                    OUTPUT_CAP // 1024,
                )
                return
            try:
                line = conn.inbuf.next_line()
            except ProtocolError as exc:
                self._reply(conn, encode_error(str(exc), exc.code))
                conn.closing = True
                return
            if line is None:
                return
            if line.strip():
                self._handle_line(conn, line)

    def _handle_line(self, conn: Conn, line: bytes) -> None:
        try:
            request = decode_request(line, self._commands)
        except ProtocolError as exc:
            self._reply(conn, encode_error(str(exc), exc.code))
            conn.closing = True
            return
        now = time.monotonic()
        deadline = request.deadline
        ticket = control_deadline.Ticket(
            now + control_deadline.DEFAULT_WAIT if deadline is None else deadline, conn.hung_up
        )
        reason = ticket.why_not()
        if reason:
            # Its client has told the user it failed; doing it now would be a lie.
            self._expired_log.warn("control: not doing %r: %s", request.cmd, reason)
            self._reply(conn, encode_error(reason, EXPIRED))
        else:
            reply, answered = self._dispatch(request, ticket)
            self._reply(conn, reply)
            if answered and request.cmd in self._followable and request.args.get("follow"):
                self.feed.follow(conn)
        conn.served = True
        conn.deadline = max(conn.deadline, time.monotonic() + self.idle_timeout)

    def _dispatch(self, request: Request, ticket: control_deadline.Ticket) -> tuple[bytes, bool]:
        """The reply, and whether it is a result (not an error)."""
        cmd, args = request.cmd, request.args
        if cmd == "ping":
            return encode_result({"pid": os.getpid()}), True
        try:
            with control_deadline.handing(ticket):
                result = self._handler(cmd, args)
            if not isinstance(result, dict):
                raise TypeError(f"handler returned {type(result).__name__}, not a dict")
            return encode_result(result), True
        except RequestError as exc:
            return encode_error(str(exc), exc.code), False
        except control_deadline.Abandoned as exc:
            self._expired_log.warn("control: not doing %r: %s", cmd, exc)
            return encode_error(str(exc), EXPIRED), False
        except Exception as exc:
            log.exception("control command %r failed", cmd)
            return encode_error(f"{cmd} failed: {exc}", FAILED), False

    def _reply(self, conn: Conn, data: bytes) -> None:
        conn.outbuf += data

    def _flush(self, conn: Conn) -> None:
        while True:
            if not conn.send():
                self._close(conn)
                return
            if not conn.held or conn.over_cap:
                break
            # The client read enough: answer the requests we held back, then read again.
            conn.held = False
            self._handle_lines(conn)
        self.feed.catch_up(conn)
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
        wanted = conn.wanted_events()
        if wanted != conn.events and self._selector is not None:
            self._selector.modify(conn.sock, wanted, conn)
            conn.events = wanted

    def _close(self, conn: Conn) -> None:
        if self._conns.pop(conn.sock, None) is None:
            return
        self.feed.forget(conn)
        if self._selector is not None:
            self._selector.unregister(conn.sock)
        conn.sock.close()
        if self._selector is not None and self._listener is not None and not self._stopping:
            self._set_accepting(True)


def _drain(fd: int) -> None:
    try:
        while os.read(fd, 4096):
            pass
    except BlockingIOError:
        pass
