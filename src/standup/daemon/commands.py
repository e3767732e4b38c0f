"""The daemon's side of the control socket: each command becomes a core event on the worker.

The notification buttons and these commands feed the same core events: one code path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from threading import Event
from typing import Any, Protocol, TypeVar

from standup import core
from standup.control import deadline as control_deadline
from standup.control.protocol import RequestError
from standup.control.server import ControlServer
from standup.errors import ConfigError
from standup.exercises.progression import RATINGS

log = logging.getLogger("standup")
T = TypeVar("T")

COMMAND_WAIT = 5.0  # seconds a command waits for the worker (a reload: as long as its client)
STATUS_WAIT = 1.0  # seconds a status waits for the worker before the last known state will do
COMMANDS = ("status", "snooze", "pause", "resume", "done", "skip", "now", "reload")
_MAX_SECONDS = 366 * 86400
_READY_TIMEOUT = 10.0
_ARGS = {"snooze": {"duration"}, "pause": {"duration", "until"}, "done": {"rating"}}


_FROM_CLI = "from the command line"


class CommandTarget(Protocol):
    """What the commands need of the daemon (worker.Daemon): run work on its worker thread,
    feed the core, and report its status."""

    ready: Event
    last_status: dict[str, Any] | None

    def call(self, fn: Callable[..., T], *args: Any, timeout: float = 5.0) -> T: ...
    def clock(self) -> datetime: ...
    def count_wakeup(self, source: str) -> None: ...
    def feed(
        self, make_event: Callable[[datetime], core.Event] | None, source: str = ""
    ) -> list[str]: ...
    def answer_rated(
        self, rating: str, source: str = "", asked_at: datetime | None = None
    ) -> list[str]: ...
    def status(self) -> dict[str, Any]: ...
    def reload(self) -> str: ...


class CommandHandler:
    def __init__(self, daemon: CommandTarget) -> None:
        self._daemon = daemon
        self._server: ControlServer | None = None

    def start_server(self, path: Path) -> None:
        self._server = ControlServer(path, self.handle, COMMANDS)
        self._server.start()

    def stop_server(self) -> None:
        if self._server is not None:
            self._server.stop(timeout=1.0)
            self._server = None

    def handle(self, cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        """Runs on the control thread: validate here, then do the work on the worker."""
        daemon = self._daemon
        ticket = control_deadline.current()  # the client's deadline, and whether it hung up
        # The socket listens from the start (it guards against a second daemon), but commands
        # wait until the saved state is restored, or they would see and change a stale one.
        if not daemon.ready.wait(min(_READY_TIMEOUT, ticket.remaining())):
            raise RequestError("standup is still starting; try again", code="failed")
        # An answer is given now, though the worker may get to it a moment later.
        asked_at = daemon.clock()
        daemon.count_wakeup("control")
        unknown = set(args) - _ARGS.get(cmd, set())
        if unknown:
            raise RequestError(f"{cmd} takes no argument {', '.join(sorted(unknown))}")
        try:
            return self._dispatch(cmd, args, ticket, asked_at)
        except TimeoutError:
            # A command that has not started is called off for good: its client gives up now.
            done = "was not done" if ticket.abandon() else "is under way"
            raise RequestError(f"standup is busy; `{cmd}` {done}", code="failed") from None

    def _dispatch(
        self, cmd: str, args: dict[str, Any], ticket: control_deadline.Ticket, asked_at: datetime
    ) -> dict[str, Any]:
        daemon = self._daemon

        def call(fn: Callable[..., Any], *fn_args: Any, wait: float = COMMAND_WAIT) -> Any:
            # On the worker, the ticket runs fn only while the client still waits for it.
            wait = min(wait, ticket.remaining())
            return daemon.call(ticket.run, fn, *fn_args, timeout=wait)

        if cmd == "status":
            try:
                return call(daemon.status, wait=STATUS_WAIT)
            except TimeoutError:
                # The worker is held up (a notification server that does not answer): the
                # state as of the last step, rather than no answer.
                if daemon.last_status is None:
                    raise
                return {**daemon.last_status, "stale": True}
        if cmd == "reload":
            try:
                # As long as its client waits: a config near the size cap takes seconds. The
                # status comes from the same turn of the worker, not from behind the next
                # reload (the file watcher's, after a `config set`).
                return call(self._reload, wait=ticket.remaining())
            except ConfigError as error:
                raise RequestError(f"config not reloaded: {error}", code="bad_config") from None
        rating = args.get("rating")
        if cmd == "done" and rating is not None:
            if rating not in RATINGS:
                raise RequestError(f"rating must be one of {', '.join(RATINGS)}, not {rating!r}")
            rejections = call(daemon.answer_rated, rating, _FROM_CLI, asked_at)
        else:
            source = _FROM_CLI if cmd in ("done", "skip", "snooze") else ""
            rejections = call(daemon.feed, self._event_maker(cmd, args, asked_at), source)
        if rejections:
            raise RequestError("; ".join(rejections), code="failed")
        return call(daemon.status)

    def _reload(self) -> dict[str, Any]:
        """Worker thread: reload, and the status right after it."""
        return {"message": self._daemon.reload(), "status": self._daemon.status()}

    def _event_maker(
        self, cmd: str, args: dict[str, Any], asked_at: datetime
    ) -> Callable[[datetime], core.Event]:
        if cmd == "snooze":
            duration = _seconds(args, "duration")
            return lambda now: core.Snooze(now, duration, asked_at=asked_at)
        if cmd == "pause":
            duration = _seconds(args, "duration")
            until = _instant(args, "until")
            if duration is not None and until is not None:
                raise RequestError("give either duration or until, not both")
            if duration is not None:
                return lambda now: core.Pause(now, until=now + duration)
            return lambda now: core.Pause(now, until=until)
        if cmd in ("done", "skip"):
            answer = core.Done if cmd == "done" else core.Skip
            return lambda now: answer(now, asked_at=asked_at)
        simple: dict[str, Callable[[datetime], core.Event]] = {
            "resume": core.Resume,
            "now": core.RemindNow,
        }
        return simple[cmd]


def _seconds(args: dict[str, Any], key: str) -> timedelta | None:
    value = args.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise RequestError(f"{key} must be a number of seconds, not {value!r}")
    if not 1 <= value <= _MAX_SECONDS:
        raise RequestError(f"{key} must be between 1 second and a year, not {value}")
    return timedelta(seconds=value)


def _instant(args: dict[str, Any], key: str) -> datetime | None:
    value = args.get(key)
    if value is None:
        return None
    if not isinstance(value, str):
        raise RequestError(f"{key} must be an ISO 8601 time with a zone, not {value!r}")
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise RequestError(f"{key} must be an ISO 8601 time with a zone, not {value!r}") from None
    if instant.tzinfo is None:
        raise RequestError(f"{key} must carry a time zone: {value!r}")
    if not 2000 <= instant.year <= 9000:
        raise RequestError(f"{key} is out of range: {value!r}")
    return instant
