"""The daemon's side of the control socket: each command becomes a core event on the worker.

The notification buttons and these commands feed the same core events: one code path.

The server serves one request at a time, so `reload` holds it no longer than a `status` may
(RELOAD_REPLY_WAIT). One that ends in time answers {"reload_id", "message", "status"}, or an
error (code bad_config for a refused file). A longer one (a config near the 16 MiB cap) goes
on, answered {"reload_id": N, "under_way": true, "pid": ...}; its end then shows in every
status as `last_reload`, which the client polls.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from threading import Event
from typing import Any, Protocol, TypeVar

from standup import core
from standup.commands import DAEMON_COMMANDS, DAEMON_QUERIES
from standup.control import deadline as control_deadline
from standup.control.protocol import BAD_CONFIG, EXPIRED, FAILED, RequestError, encode_result
from standup.control.server import ControlServer
from standup.daemon import answers
from standup.errors import ConfigError
from standup.exercises.progression import RATINGS
from standup.i18n import N_, _, ngettext

log = logging.getLogger("standup")
T = TypeVar("T")

COMMAND_WAIT = 5.0  # seconds a command waits for the worker
STATUS_WAIT = 1.0  # seconds a status waits for the worker before the last known state will do
RELOAD_REPLY_WAIT = STATUS_WAIT  # seconds a reload waits before it is answered "under way"
COMMANDS = tuple(DAEMON_COMMANDS)  # from the command table, as the client's parser
SERVED = (*COMMANDS, *DAEMON_QUERIES)  # and what the daemon is asked by other commands
_ANSWERS = {"exercises": answers.exercises, "doctor": answers.doctor}
FOLLOWABLE = ("status",)  # `status --follow`: the connection then gets every change
# Status keys that change without anything to show: followers count the minutes themselves
# (from sitting_since and now), and a countdown's frames come once a second.
_PASSING = frozenset({"now", "sitting_seconds", "wakeups", "countdown"})
_MAX_SECONDS = 366 * 86400
_MAX_RELOAD_MESSAGE = 2000  # characters of a reload's message kept for every status


_FROM_CLI = "from the command line"

# The core's refusals, as it words them in English (it imports nothing of the shell): marked
# here for the catalogue, and translated in the reply. A test holds them to the core's texts.
REFUSALS = (
    N_("not paused"),
    N_("paused: run `standup resume` first"),
    N_("nothing to answer: away"),
    N_("nothing to answer: outside working hours"),
    N_("outside working hours: no reminders until they begin"),
    N_("the reminder was answered already, a moment before; nothing more recorded"),
    N_("standup postpones a reminder by a year at most"),
    N_("a snooze must be longer than zero"),
    N_("the pause must end in the future"),
)
# The one with a number in it: the core's "no snoozes left (3 in a row): answer it with ...".
_NO_SNOOZES = re.compile(
    r"no snoozes left \((\d+) in a row\): answer it with Done or Skip "
    r"\(`standup done`, `standup skip`\)"
)


class CommandTarget(answers.Knower, Protocol):
    """What the commands need of the daemon (worker.Worker): run work on its worker thread,
    feed the core, report its status, and what it knows (answers.Knower)."""

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


class Reloads:
    """The reloads asked for over the socket, numbered in order, and the last one to start or
    end (`last_reload` in the status). The worker writes it, the control thread reads it.

    The worker runs them in order, so a status showing a later id than a client's own says
    that its reload has ended, and what the config in force came from."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._last: dict[str, Any] | None = None  # replaced whole, never changed

    def new_id(self) -> int:
        with self._lock:
            self._count += 1
            return self._count

    def start(self, reload_id: int, deadline: float) -> bool:
        """Mark it running unless its client has given up (time.monotonic() past deadline).
        Checked under the lock a status reads with: a client that saw it not started by its
        deadline has seen that it never will."""
        with self._lock:
            if time.monotonic() >= deadline:
                return False
            self._last = {"id": reload_id, "state": "running", "message": "", "code": None}
            return True

    def end(self, reload_id: int, message: str, code: str | None = None) -> None:
        """Its outcome: done (code None) or failed, with why."""
        if len(message) > _MAX_RELOAD_MESSAGE:  # a huge bad value quoted whole, in every status
            message = message[: _MAX_RELOAD_MESSAGE - 1] + "\u2026"
        state = "done" if code is None else "failed"
        with self._lock:
            self._last = {"id": reload_id, "state": state, "message": message, "code": code}

    def last(self) -> dict[str, Any] | None:
        with self._lock:
            return self._last

    def running(self) -> bool:
        last = self.last()
        return last is not None and last["state"] == "running"


class CommandHandler:
    def __init__(self, daemon: CommandTarget) -> None:
        self._daemon = daemon
        self._server: ControlServer | None = None
        self.reloads = Reloads()
        self._last_shown: dict[str, Any] | None = None  # the status last pushed to followers
        self._config_seen = answers.ConfigSeen()  # worker thread only

    def start_server(self, path: Path) -> None:
        self._server = ControlServer(path, self.handle, SERVED, followable=FOLLOWABLE)
        self._server.start()

    def publish(self, status: dict[str, Any]) -> None:
        """Worker thread, after each step: push the status to `status --follow` clients when
        what it shows has changed. Nothing at all while nobody follows."""
        server = self._server
        if server is None or not server.feed.active:
            return
        status = {**status, "last_reload": self.reloads.last()}
        shown = _shown(status)
        if shown != self._last_shown:
            self._last_shown = shown
            server.feed.publish(encode_result(status))

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
        # Not past COMMAND_WAIT, however long the client waits (a reload's, minutes): the
        # server serves one request at a time.
        if not daemon.ready.wait(min(COMMAND_WAIT, ticket.remaining())):
            raise RequestError(_("standup is still starting; try again"), code="failed")
        # An answer is given now, though the worker may get to it a moment later.
        asked_at = daemon.clock()
        daemon.count_wakeup("control")
        spec = DAEMON_COMMANDS.get(cmd) or DAEMON_QUERIES[cmd]
        unknown = set(args) - spec.request
        if unknown:
            said = _("{command} takes no argument {names}")
            raise RequestError(said.format(command=cmd, names=", ".join(sorted(unknown))))
        try:
            return self._dispatch(cmd, args, ticket, asked_at)
        except TimeoutError:
            # A command that has not started is called off for good: its client gives up now.
            said = self._busy(called_off=ticket.abandon())
            raise RequestError(said.format(command=cmd), code="failed") from None

    def _busy(self, called_off: bool) -> str:
        """Why a command got no answer in time, and whether it will still be done."""
        if self.reloads.running():
            if called_off:
                return _("standup is busy reloading its config; `{command}` was not done")
            return _("standup is busy reloading its config; `{command}` is under way")
        if called_off:
            return _("standup is busy; `{command}` was not done")
        return _("standup is busy; `{command}` is under way")

    def _dispatch(
        self, cmd: str, args: dict[str, Any], ticket: control_deadline.Ticket, asked_at: datetime
    ) -> dict[str, Any]:
        daemon = self._daemon

        def call(fn: Callable[..., Any], *fn_args: Any, wait: float = COMMAND_WAIT) -> Any:
            # On the worker, the ticket runs fn only while the client still waits for it.
            # The server waits with us: behind a long reload, not for long.
            if self.reloads.running():
                wait = min(wait, STATUS_WAIT)
            wait = min(wait, ticket.remaining())
            return daemon.call(ticket.run, fn, *fn_args, timeout=wait)

        if cmd == "status":
            # The reload as it stood before this status: one seen ended came before it.
            last_reload = self.reloads.last()
            status = {**self._status(call, last_reload), "last_reload": last_reload}
            if args.get("follow"):
                self._last_shown = _shown(status)  # what the new follower sees now
            return status
        if cmd == "reload":
            return self._reload(ticket)
        if cmd in _ANSWERS:
            return dict(call(_ANSWERS[cmd], daemon, self._config_seen, args))
        kind = _event_kind(cmd)
        rating = args.get("rating")
        if kind is core.Done and rating is not None:
            if rating not in RATINGS:
                said = _("rating must be one of {ratings}, not {rating}")
                raise RequestError(said.format(ratings=", ".join(RATINGS), rating=repr(rating)))
            rejections = call(daemon.answer_rated, rating, _FROM_CLI, asked_at)
        else:
            source = _FROM_CLI if issubclass(kind, core.Answer) else ""
            rejections = call(daemon.feed, _event_maker(kind, args, asked_at), source)
        if rejections:
            raise RequestError("; ".join(map(refusal, rejections)), code="failed")
        return self._with_reload(call(daemon.status))

    def _status(
        self, call: Callable[..., Any], last_reload: dict[str, Any] | None
    ) -> dict[str, Any]:
        daemon = self._daemon
        reloading = last_reload is not None and last_reload["state"] == "running"
        if daemon.last_status is not None and reloading:
            # The worker cannot answer before the reload ends: the last known state at once,
            # or each look of a client waiting for that end would hold the socket.
            return {**daemon.last_status, "stale": True}
        try:
            return call(daemon.status, wait=STATUS_WAIT)
        except TimeoutError:
            # The worker is held up (a notification server that does not answer): the
            # state as of the last step, rather than no answer.
            if daemon.last_status is None:
                raise
            return {**daemon.last_status, "stale": True}

    def _with_reload(self, info: dict[str, Any]) -> dict[str, Any]:
        return {**info, "last_reload": self.reloads.last()}

    def _reload(self, ticket: control_deadline.Ticket) -> dict[str, Any]:
        """Control thread: a reload that ends within RELOAD_REPLY_WAIT is answered with its
        outcome; a longer one goes on, its client is told so, and the socket serves the others
        meanwhile (a status sent behind it waits no longer than for a held-up worker)."""
        reload_id = self.reloads.new_id()
        wait = min(RELOAD_REPLY_WAIT, ticket.remaining())
        try:
            result = self._daemon.call(self._run_reload, reload_id, ticket.deadline, timeout=wait)
        except TimeoutError:
            return {"reload_id": reload_id, "under_way": True, "pid": os.getpid()}
        return {"reload_id": reload_id, **result}

    def _run_reload(self, reload_id: int, deadline: float) -> dict[str, Any]:
        """Worker thread: reload unless the client has given up, and note the outcome for
        `status` whether or not anyone still waits on this call. The status comes from the
        same turn of the worker, not from behind the next reload (the file watcher's, after
        a `config set`)."""
        not_reloaded = _("config not reloaded: {error}")
        if not self.reloads.start(reload_id, deadline):
            reason = _("the client gave up waiting before standup got to it; nothing was done")
            self.reloads.end(reload_id, not_reloaded.format(error=reason), EXPIRED)
            raise control_deadline.Abandoned(reason)
        try:
            message = self._daemon.reload()
        except ConfigError as error:
            text = not_reloaded.format(error=error)
            self.reloads.end(reload_id, text, BAD_CONFIG)
            raise RequestError(text, code=BAD_CONFIG) from None
        except Exception as error:
            log.exception("reload failed")
            text = _("reload failed: {error}").format(error=error)
            self.reloads.end(reload_id, text, FAILED)
            raise RequestError(text, code=FAILED) from None
        self.reloads.end(reload_id, message)
        return {"message": message, "status": self._with_reload(self._daemon.status())}


def refusal(message: str) -> str:
    """One of the core's refusals in the user's language (as it is, when no catalogue has it)."""
    found = _NO_SNOOZES.fullmatch(message)
    if found is None:
        return _(message) if message else message  # _("") is the catalogue's header
    count = int(found.group(1))
    # Translators: {count} is the config's max_snoozes (English: "1 in a row" too); "Done"
    # and "Skip" are the reminder's buttons.
    said = ngettext(
        "no snoozes left ({count} in a row): answer it with Done or Skip "
        "(`standup done`, `standup skip`)",
        "no snoozes left ({count} in a row): answer it with Done or Skip "
        "(`standup done`, `standup skip`)",
        count,
    )
    return said.format(count=count)


def _shown(status: dict[str, Any]) -> dict[str, Any]:
    """What a follower shows of a status: a change here is pushed."""
    shown = {k: v for k, v in status.items() if k not in _PASSING}
    shown["countdown"] = status.get("countdown") is not None  # started or ended
    return shown


def _event_kind(cmd: str) -> type[core.Event]:
    """The core event the command table says `cmd` becomes."""
    name = DAEMON_COMMANDS[cmd].event
    assert name is not None, f"{cmd} becomes no event"
    kind: type[core.Event] = getattr(core, name)
    return kind


def _event_maker(
    kind: type[core.Event], args: dict[str, Any], asked_at: datetime
) -> Callable[[datetime], core.Event]:
    """The event of `kind` from the request's arguments, made at the worker's `now`. An
    answer carries when it was asked, for the core to tell a late one from a new one."""
    if kind is core.Snooze:
        duration = _seconds(args, "duration")
        return lambda now: core.Snooze(now, duration, asked_at=asked_at)
    if kind is core.Pause:
        duration = _seconds(args, "duration")
        until = _instant(args, "until")
        if duration is not None and until is not None:
            raise RequestError(_("give either duration or until, not both"))
        if duration is not None:
            return lambda now: core.Pause(now, until=now + duration)
        return lambda now: core.Pause(now, until=until)
    if issubclass(kind, core.Answer):
        answer = kind
        return lambda now: answer(now, asked_at=asked_at)
    return kind


def _seconds(args: dict[str, Any], key: str) -> timedelta | None:
    value = args.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        said = _("{key} must be a number of seconds, not {value}")
        raise RequestError(said.format(key=key, value=repr(value)))
    if not 1 <= value <= _MAX_SECONDS:
        said = _("{key} must be between 1 second and a year, not {value}")
        raise RequestError(said.format(key=key, value=value))
    return timedelta(seconds=value)


def _instant(args: dict[str, Any], key: str) -> datetime | None:
    value = args.get(key)
    if value is None:
        return None
    not_a_time = _("{key} must be an ISO 8601 time with a zone, not {value}")
    if not isinstance(value, str):
        raise RequestError(not_a_time.format(key=key, value=repr(value)))
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        raise RequestError(not_a_time.format(key=key, value=repr(value))) from None
    if instant.tzinfo is None:
        raise RequestError(
            _("{key} must carry a time zone: {value}").format(key=key, value=repr(value))
        )
    if not 2000 <= instant.year <= 9000:
        raise RequestError(_("{key} is out of range: {value}").format(key=key, value=repr(value)))
    return instant
