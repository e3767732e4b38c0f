"""The control protocol as data: one JSON object per line each way. No sockets here.

Request: {"v": 1, "cmd": "status", "args": {...}, "deadline": 12345.6}
Reply:   {"v": 1, "ok": true, "result": {...}}
     or  {"v": 1, "ok": false, "error": "<message>", "code": "<one of ERROR_CODES>"}

"deadline" (optional) is when the client stops waiting, in seconds of CLOCK_MONOTONIC, the clock
Python's time.monotonic() reads on Linux and macOS. It is system-wide: every process on the
machine reads the same value (one exception: a process in another time namespace, which a
same-user client of a session daemon does not use). Neither the wall clock (it steps) nor a
relative timeout (counted from when the daemon reads the request, so it would not see that a
stopped daemon kept the request waiting) would do. A request past its deadline is not carried
out: its client has already told the user it failed. Without one, the daemon waits its own
default. A client that hangs up before its reply loses its request the same way.
"""

from __future__ import annotations

import json
import math
from collections.abc import Collection
from typing import Any, NamedTuple

VERSION = 1
MAX_LINE = 64 * 1024  # bytes of one request line, newline excluded

BAD_JSON = "bad_json"
TOO_LARGE = "too_large"
UNKNOWN_COMMAND = "unknown_command"
BAD_ARGS = "bad_args"
BAD_VERSION = "bad_version"
FORBIDDEN = "forbidden"
FAILED = "failed"
BAD_CONFIG = "bad_config"  # `reload` found the config file invalid and kept the running one
EXPIRED = "expired"  # the client gave up before the daemon got to it; nothing was done
ERROR_CODES = frozenset(
    {
        BAD_JSON,
        TOO_LARGE,
        UNKNOWN_COMMAND,
        BAD_ARGS,
        BAD_VERSION,
        FORBIDDEN,
        FAILED,
        BAD_CONFIG,
        EXPIRED,
    }
)


class ProtocolError(Exception):
    """A request or reply that does not follow the protocol; `code` is the reply's error code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


class Request(NamedTuple):
    """A decoded request; `deadline` is on the monotonic clock, None when the client set none."""

    cmd: str
    args: dict[str, Any]
    deadline: float | None = None


class Reply(NamedTuple):
    """A decoded reply. (A NamedTuple: dataclasses would add milliseconds to every CLI call.)"""

    ok: bool
    result: dict[str, Any]
    error: str = ""
    code: str = ""


def _dump(obj: dict[str, Any]) -> bytes:
    # json never emits a raw newline (it escapes them inside strings), so one object is one line.
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def encode_request(
    cmd: str, args: dict[str, Any] | None = None, deadline: float | None = None
) -> bytes:
    request: dict[str, Any] = {"v": VERSION, "cmd": cmd, "args": args or {}}
    if deadline is not None:
        request["deadline"] = round(deadline, 6)
    return _dump(request)


def encode_result(result: dict[str, Any]) -> bytes:
    return _dump({"v": VERSION, "ok": True, "result": result})


def encode_error(message: str, code: str) -> bytes:
    return _dump({"v": VERSION, "ok": False, "error": message, "code": code})


def _load_object(line: bytes, what: str) -> dict[str, Any]:
    try:
        obj = json.loads(line.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ProtocolError(f"the {what} is not valid UTF-8", BAD_JSON) from exc
    except ValueError as exc:
        raise ProtocolError(f"the {what} is not valid JSON: {exc}", BAD_JSON) from exc
    except RecursionError as exc:  # deep nesting fits in 64 KiB; json gives up by recursion
        raise ProtocolError(f"the {what} is nested too deeply", BAD_JSON) from exc
    if not isinstance(obj, dict):
        raise ProtocolError(f"the {what} must be a JSON object, got {type(obj).__name__}", BAD_JSON)
    return obj


def decode_request(line: bytes, commands: Collection[str]) -> Request:
    """Parse and validate one request line (without its newline)."""
    if len(line) > MAX_LINE:
        raise ProtocolError(f"the request is larger than {MAX_LINE} bytes", TOO_LARGE)
    obj = _load_object(line, "request")
    version = obj.get("v")
    if version != VERSION:
        raise ProtocolError(
            f"unsupported protocol version {version!r}; this daemon speaks version {VERSION}",
            BAD_VERSION,
        )
    cmd = obj.get("cmd")
    if not isinstance(cmd, str) or not cmd:
        raise ProtocolError('the request has no "cmd" string', UNKNOWN_COMMAND)
    if cmd not in commands:
        known = ", ".join(sorted(commands))
        raise ProtocolError(f"unknown command {cmd!r}; known commands: {known}", UNKNOWN_COMMAND)
    args = obj.get("args", {})
    if not isinstance(args, dict):
        raise ProtocolError(f'"args" must be a JSON object, got {type(args).__name__}', BAD_ARGS)
    return Request(cmd, args, _deadline(obj.get("deadline")))


def _deadline(value: Any) -> float | None:
    if value is None:
        return None
    if not isinstance(value, bool) and isinstance(value, int | float):
        try:
            seconds = float(value)
        except OverflowError:  # an integer beyond any float
            seconds = math.inf
        if math.isfinite(seconds):
            return seconds
    shown = repr(value)[:40]  # bounded: the value may be a 60 KB string
    raise ProtocolError(f'"deadline" must be seconds on the monotonic clock, not {shown}', BAD_ARGS)


def decode_reply(line: bytes) -> Reply:
    """Parse one reply line; raise ProtocolError when it is not a well-formed reply."""
    obj = _load_object(line, "reply")
    if obj.get("v") != VERSION:
        raise ProtocolError(f"the daemon speaks protocol version {obj.get('v')!r}", BAD_VERSION)
    if obj.get("ok") is True:
        result = obj.get("result", {})
        if not isinstance(result, dict):
            raise ProtocolError('the reply "result" is not an object', BAD_JSON)
        return Reply(True, result)
    if obj.get("ok") is False:
        return Reply(False, {}, str(obj.get("error", "unknown error")), str(obj.get("code", "")))
    raise ProtocolError('the reply has no "ok" flag', BAD_JSON)


class LineBuffer:
    """Accumulates bytes from a stream and hands out complete lines, bounded by MAX_LINE."""

    def __init__(self, limit: int = MAX_LINE) -> None:
        self._data = bytearray()
        self._limit = limit

    def feed(self, data: bytes) -> None:
        self._data += data

    def next_line(self) -> bytes | None:
        """The next complete line (newline stripped), or None until one has arrived.

        Raises ProtocolError(too_large) as soon as a line grows past the limit, without waiting
        for its end: a client cannot make us buffer without bound.
        """
        end = self._data.find(b"\n")
        if end > self._limit or (end < 0 and len(self._data) > self._limit):
            raise ProtocolError(f"the request is larger than {self._limit} bytes", TOO_LARGE)
        if end < 0:
            return None
        line = bytes(self._data[:end])
        del self._data[: end + 1]
        return line

    def rest(self) -> bytes:
        """What is left after the last newline (a final line without one)."""
        return bytes(self._data)


class RequestError(Exception):
    """Raised by a command handler to refuse a request; becomes an error reply."""

    def __init__(self, message: str, code: str = BAD_ARGS) -> None:
        super().__init__(message)
        self.code = code
