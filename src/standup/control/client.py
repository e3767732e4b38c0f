"""The control socket client: how the commands talk to the daemon, and the peer checks the
server (`server`, the daemon's alone) uses too.

CLI commands import this module, so it stays standard-library only and light: no sqlite3,
pydantic, APScheduler, plyer or jeepney, and not the server's selector and threads either. The
wire format is `protocol`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any

from standup import paths
from standup.control.protocol import FAILED, ProtocolError, decode_reply, encode_request
from standup.errors import DaemonNotRunning, RuntimeDirError, StandupError, UntrustedPeer
from standup.i18n import N_, _

_MAX_REPLY = 16 * 1024 * 1024
# What a user reads, translated where it is raised.
NOT_RUNNING = N_("the standup daemon is not running")
STUCK_HINT = N_("the daemon may be stuck; see `journalctl --user -u standup`")


class ControlError(StandupError):
    """The daemon answered with an error, or answered in a way we cannot read."""

    exit_code = 1

    def __init__(self, message: str, hint: str = "", code: str = FAILED) -> None:
        super().__init__(message, hint)
        self.code = code


# -- client ----------------------------------------------------------------------------------


WAIT = 5.0  # seconds a command may take before the client gives up
# A reload parses the whole config again: one near the 16 MiB cap takes seconds of CPU, more
# on a busy machine, and a reload that completes must not be reported as failed.
RELOAD_WAIT = 120.0
RELOAD_POLL = 0.2  # seconds between two looks at a reload under way


class ConnectionLost(ControlError):
    """The connection broke before the daemon answered: it is stopping, or crashed."""


class ReloadUnfinished(ControlError):
    """The daemon did not say how a reload ended: it may still apply the config."""


def request(
    cmd: str,
    args: dict[str, Any] | None = None,
    *,
    path: Path | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """Send one command to the running daemon and return its result; `timeout` None: the
    command's own wait (WAIT, or RELOAD_WAIT for a reload, followed to its end: `reload`)."""
    if cmd == "reload":
        return reload(path, timeout=timeout)
    return exchange(cmd, args, path=path, timeout=timeout)


def exchange(
    cmd: str,
    args: dict[str, Any] | None = None,
    *,
    path: Path | None = None,
    timeout: float | None = None,
) -> dict[str, Any]:
    """One request and its reply, as the protocol has them (a reload may answer "under way")."""
    if timeout is None:
        timeout = RELOAD_WAIT if cmd == "reload" else WAIT
    # Our own give-up time goes into the request: past it, the daemon must not carry it out.
    deadline = time.monotonic() + timeout
    sock = _open(path, timeout, deadline)
    try:
        try:
            # A daemon that refuses us may reply and hang up before reading the request; its
            # reply is still worth reading.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(encode_request(cmd, args, deadline))
            line, _rest = _read_line(sock, deadline)
        except TimeoutError:
            raise _no_answer(cmd, timeout) from None
        except OSError as exc:
            raise _lost(exc) from None
    finally:
        sock.close()
    return _result(line)


def _open(path: Path | None, timeout: float, deadline: float) -> socket.socket:
    """A connection to the daemon's socket, its server checked to be ours."""
    path = Path(path) if path is not None else paths.control_socket()
    try:
        paths.check_socket_path(path)
    except RuntimeDirError as exc:  # no daemon can listen there: `standup run` refuses it too
        raise DaemonNotRunning(_not_running_because(exc), hint=exc.hint) from None
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.settimeout(timeout)
        try:
            _connect(sock, path, deadline)
        except (FileNotFoundError, ConnectionRefusedError, NotADirectoryError):
            raise _not_running(path) from None
        except TimeoutError:
            raise _no_answer(None, timeout) from None
        except OSError as exc:
            text = _("cannot connect to {path}: {reason}")
            raise ControlError(text.format(path=path, reason=_reason(exc))) from None
        _check_server(sock, path)
    except BaseException:
        sock.close()
        raise
    return sock


def _result(line: bytes) -> dict[str, Any]:
    try:
        reply = decode_reply(line)
    except ProtocolError as exc:
        raise ControlError(_unreadable(exc)) from None
    if not reply.ok:
        raise ControlError(reply.error, code=reply.code)
    return reply.result


def reload(path: Path | None = None, *, timeout: float | None = None) -> dict[str, Any]:
    """Have the daemon reload its config: {"message", "status"} once it is done; ControlError
    (code bad_config for a refused file) when it failed or was never done, ReloadUnfinished
    when it had not ended at `timeout` (None: RELOAD_WAIT).

    A reload longer than an ordinary command is answered "under way" (the daemon serves one
    request at a time); its end then shows in the status as `last_reload`, looked at a few
    times a second, each look answered at once."""
    if timeout is None:
        timeout = RELOAD_WAIT
    deadline = time.monotonic() + timeout
    result = exchange("reload", path=path, timeout=timeout)
    if not result.get("under_way"):
        return result
    reload_id, pid = result.get("reload_id"), result.get("pid")
    if not isinstance(reload_id, int):
        raise ControlError(_unreadable(f"reload_id {reload_id!r}"))
    started = False
    while True:
        time.sleep(max(0.0, min(RELOAD_POLL, deadline - time.monotonic())))
        status = _reload_status(path, pid)
        last = status.get("last_reload")
        # Reloads run in order: a later one seen means ours has ended, and the config in
        # force is the later one's, whose outcome is then the one to tell.
        if isinstance(last, dict) and isinstance(last.get("id"), int) and last["id"] >= reload_id:
            started = True
            message = str(last.get("message") or "")
            if last.get("state") == "done":
                return {"message": message, "status": status, "reload_id": last["id"]}
            if last.get("state") == "failed":
                code = str(last.get("code") or FAILED)
                raise ControlError(message or _("config not reloaded"), code=code)
        if time.monotonic() >= deadline:
            break
    if started:
        text = _("standup is still reloading its config after {seconds} s")
        raise ReloadUnfinished(
            text.format(seconds=f"{timeout:g}"),
            hint=_("it applies the config when it is done: `standup status` then shows it"),
        )
    # The daemon starts a reload only before its client's deadline: this one never will.
    text = _("standup was busy for {seconds} s and did not reload; nothing was done")
    raise ControlError(text.format(seconds=f"{timeout:g}"), hint=_(STUCK_HINT))


def _reload_status(path: Path | None, pid: object) -> dict[str, Any]:
    """The status while a reload is under way; the daemon that took the reload must answer."""
    try:
        status = request("status", path=path)
    except DaemonNotRunning:
        raise ControlError(_("standup stopped before its reload was done")) from None
    except ControlError as error:
        text = _("standup did not say how its reload ended: {error}")
        raise ReloadUnfinished(text.format(error=error)) from None
    if status.get("pid") != pid:
        raise ReloadUnfinished(
            _("standup restarted before its reload was done"),
            hint=_("it read the config as it started: `standup status` shows how that went"),
        )
    return status


class Subscription:
    """A `status` that follows: `first` is the status now; `next()` waits for each change the
    daemon pushes. Close it when done (or use it as a context manager)."""

    def __init__(self, sock: socket.socket, first: dict[str, Any], rest: bytes) -> None:
        self._sock = sock
        self._buffer = bytearray(rest)
        self.first = first

    def next(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next status; None when `timeout` seconds pass first. ConnectionResetError when
        the daemon has gone (stopped, restarted); ControlError for a line it cannot read."""
        while b"\n" not in self._buffer:
            self._sock.settimeout(timeout)
            try:
                chunk = self._sock.recv(65536)
            except TimeoutError:
                return None
            if not chunk:
                raise ConnectionResetError(errno.ECONNRESET, _("the daemon closed the feed"))
            self._buffer += chunk
            if len(self._buffer) > _MAX_REPLY:
                text = _("standup sent a line longer than {bytes} bytes")
                raise ControlError(text.format(bytes=_MAX_REPLY))
        end = self._buffer.index(b"\n")
        line = bytes(self._buffer[:end])
        del self._buffer[: end + 1]
        return _result(line)

    def close(self) -> None:
        self._sock.close()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def subscribe(path: Path | None = None, *, timeout: float = WAIT) -> Subscription:
    """Follow the daemon's status (`standup status --follow`). Raises as `request` does when
    there is no daemon or it does not answer within `timeout`."""
    deadline = time.monotonic() + timeout
    sock = _open(path, timeout, deadline)
    try:
        sock.sendall(encode_request("status", {"follow": True}, deadline))
        line, rest = _read_line(sock, deadline)
        first = _result(line)
    except TimeoutError:
        sock.close()
        raise _no_answer("status", timeout) from None
    except OSError as exc:
        sock.close()
        raise _lost(exc) from None
    except BaseException:
        sock.close()
        raise
    return Subscription(sock, first, rest)


def ping(path: Path | None = None, timeout: float = 1.0) -> int | None:
    """The pid of the daemon answering on the socket, or None when nothing answers."""
    try:
        pid = request("ping", path=path, timeout=timeout).get("pid")
    except StandupError:
        return None
    return pid if isinstance(pid, int) else None


def _no_answer(cmd: str | None, timeout: float) -> ControlError:
    """The error for a daemon that did not answer `cmd` (None: did not accept the connection)
    within `timeout` s."""
    seconds = f"{timeout:g}"
    if cmd is None:
        text = _("standup did not accept a connection within {seconds} s").format(seconds=seconds)
    else:
        # Translators: {command} is the command asked, quoted: 'status'.
        text = _("standup did not answer {command} within {seconds} s")
        text = text.format(command=repr(cmd), seconds=seconds)
    return ControlError(text, hint=_(STUCK_HINT))


def _lost(exc: OSError) -> ConnectionLost:
    text = _("lost the connection to standup: {reason}")
    return ConnectionLost(text.format(reason=_reason(exc)))


def _unreadable(problem: object) -> str:
    return _("standup sent an unreadable reply: {problem}").format(problem=problem)


def _not_running_because(problem: object) -> str:
    # Translators: {problem} says what keeps a daemon from listening (the runtime directory).
    return _("the standup daemon is not running: {problem}").format(problem=problem)


def _not_running(path: Path) -> DaemonNotRunning:
    # Only on this slow path: say why when the directory itself is what keeps a daemon away.
    problem = paths.runtime_dir_problem(path.parent)
    if problem:
        hint = _("move {folder} away, then start it").format(folder=path.parent)
        return DaemonNotRunning(_not_running_because(problem), hint=hint)
    return DaemonNotRunning(_(NOT_RUNNING), hint=not_running_hint())


def not_running_hint() -> str:
    """How to start the daemon, as things stand: through the service when one is installed."""
    if sys.platform.startswith("linux"):
        unit = paths.config_home() / "systemd" / "user" / "standup.service"
        if unit.is_file():
            return _(
                "start it with `systemctl --user start standup`, or `standup run` in a terminal"
            )
    return _(
        "start it with `standup run`, or `standup service install` to have it start at every login"
    )


def _check_server(sock: socket.socket, path: Path) -> None:
    """Trust only a daemon running as us, as the daemon trusts only clients running as us."""
    uid = peer_uid(sock)
    if uid is not None and uid != os.getuid():
        text = _("the control socket {path} is served by uid {uid}, not by you (uid {mine})")
        raise UntrustedPeer(
            text.format(path=path, uid=uid, mine=os.getuid()),
            hint=_("another user's program is listening there; `standup run` replaces it"),
        )


def peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end, or None where the system cannot tell."""
    if hasattr(socket, "SO_PEERCRED"):  # Linux: struct ucred {pid_t pid; uid_t uid; gid_t gid}
        creds = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, struct.calcsize("3i"))
        return int(struct.unpack("3i", creds)[1])
    if sys.platform == "darwin" or "bsd" in sys.platform:
        # struct xucred {u_int cr_version; uid_t cr_uid; short cr_ngroups; gid_t cr_groups[16]}
        # at level SOL_LOCAL (0), option LOCAL_PEERCRED (1); the module may not name them.
        option = getattr(socket, "LOCAL_PEERCRED", 1)
        try:
            creds = sock.getsockopt(0, option, struct.calcsize("IIh16I"))
        except OSError:
            return None
        return int(struct.unpack_from("II", creds)[1])
    return None  # the 0700 directory is the only guard left


def _connect(sock: socket.socket, path: Path, deadline: float) -> None:
    # A Unix socket with a full accept backlog fails connect() with EAGAIN instead of waiting
    # (a socket with a timeout is non-blocking underneath), so wait for room ourselves.
    delay = 0.001
    while True:
        try:
            sock.connect(os.fspath(path))
            return
        except BlockingIOError:
            if time.monotonic() + delay > deadline:
                raise TimeoutError from None
            time.sleep(delay)
            delay = min(delay * 2, 0.05)


def _read_line(sock: socket.socket, deadline: float) -> tuple[bytes, bytes]:
    """The first line the server sends, and what came after it."""
    data = bytearray()
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError
        sock.settimeout(remaining)
        chunk = sock.recv(65536)
        if not chunk:
            raise ConnectionResetError(errno.ECONNRESET, _("closed without answering"))
        data += chunk
        if len(data) > _MAX_REPLY:
            text = _("standup sent a reply larger than {bytes} bytes")
            raise ControlError(text.format(bytes=_MAX_REPLY))
    end = data.index(b"\n")
    return bytes(data[:end]), bytes(data[end + 1 :])


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)
