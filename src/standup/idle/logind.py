"""systemd-logind on the system bus: the session's IdleHint, IdleSinceHint and LockedHint, the
manager's BlockInhibited, and the PrepareForSleep signal.

IdleHint is set by the desktop after its own idle delay (GNOME: 5 min by default), so this source
reads 0 until then and jumps to the full idle time once the hint is set: good for lock and long
absences, coarse for short pauses. Prefer a desktop source for idle time where one answers.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Mapping
from typing import Any, Protocol

from jeepney import DBusAddress, MatchRule, Message, Properties, new_method_call

from ..bus_signals import listen
from .base import IdleError, IdleSample, summarize
from .bus import BusClient, BusFailure

logger = logging.getLogger("standup.idle")

LOGIN1 = "org.freedesktop.login1"
MANAGER = DBusAddress(
    "/org/freedesktop/login1", bus_name=LOGIN1, interface="org.freedesktop.login1.Manager"
)
SESSION_INTERFACE = "org.freedesktop.login1.Session"
USER_INTERFACE = "org.freedesktop.login1.User"


class Closeable(Protocol):
    def close(self) -> None: ...


# -- messages and arithmetic (no I/O) ---------------------------------------------------------


def new_get_session_by_pid(pid: int) -> Message:
    return new_method_call(MANAGER, "GetSessionByPID", "u", (pid,))


def new_get_session(session_id: str) -> Message:
    return new_method_call(MANAGER, "GetSession", "s", (session_id,))


def new_get_user(uid: int) -> Message:
    return new_method_call(MANAGER, "GetUser", "u", (uid,))


def session_address(path: str) -> DBusAddress:
    return DBusAddress(path, bus_name=LOGIN1, interface=SESSION_INTERFACE)


def new_get_session_properties(path: str) -> Message:
    return Properties(session_address(path)).get_all()


def sleep_rule() -> MatchRule:
    return MatchRule(
        type="signal",
        interface=MANAGER.interface,
        member="PrepareForSleep",
        path=MANAGER.object_path,
    )


def unwrap_properties(body: tuple[Any, ...]) -> dict[str, Any]:
    """GetAll's a{sv} reply as a plain dict."""
    (props,) = body
    return {name: variant[1] for name, variant in props.items()}


def idle_seconds_from_hints(
    props: Mapping[str, Any], now_realtime: float, now_monotonic: float
) -> float:
    """Seconds idle from IdleHint and IdleSince* (µs); 0 while the hint is off.

    IdleSinceHintMonotonic is preferred: a wall-clock step cannot distort it.
    """
    if not props.get("IdleHint"):
        return 0.0
    since_mono = int(props.get("IdleSinceHintMonotonic") or 0)
    if since_mono > 0:
        return max(0.0, now_monotonic - since_mono / 1e6)
    since_real = int(props.get("IdleSinceHint") or 0)
    if since_real > 0:
        return max(0.0, now_realtime - since_real / 1e6)
    return 0.0


def idle_blocked(block_inhibited: Any) -> bool:
    """Whether logind's BlockInhibited ("sleep:idle:...") holds an idle inhibitor."""
    return "idle" in str(block_inhibited).split(":")


# -- the source -------------------------------------------------------------------------------


class LogindSource:
    name = "logind"

    def __init__(
        self,
        client: BusClient | None = None,
        *,
        clock: Callable[[], float] = time.time,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._client = client or BusClient("SYSTEM")
        self._clock = clock
        self._monotonic = monotonic
        self.session_path = ""

    def find_session(self, pid: int | None = None, session_id: str | None = None) -> str:
        """Our session's object path: by PID, then $XDG_SESSION_ID, then the user's display
        session (a systemd user service runs outside any session). Raises IdleError."""
        pid = os.getpid() if pid is None else pid
        session_id = os.environ.get("XDG_SESSION_ID") if session_id is None else session_id
        errors: list[tuple[str, str]] = []
        attempts: list[tuple[str, Callable[[], str]]] = [
            ("by pid", lambda: str(self._client.call(new_get_session_by_pid(pid))[0])),
        ]
        if session_id:
            attempts.append(
                ("by id", lambda: str(self._client.call(new_get_session(session_id))[0]))
            )
        attempts.append(("display session", self._display_session))
        for label, attempt in attempts:
            try:
                path = attempt()
            except (BusFailure, IdleError, IndexError, TypeError) as exc:
                errors.append((label, str(exc)))
                continue
            if path and path != "/":
                self.session_path = path
                return path
            errors.append((label, "none"))
        raise IdleError("logind: no session found (" + summarize(errors) + ")")

    def _display_session(self) -> str:
        (user_path,) = self._client.call(new_get_user(os.getuid()))
        user = DBusAddress(user_path, bus_name=LOGIN1, interface=USER_INTERFACE)
        _session_id, path = self._client.get_property(user, "Display")
        return str(path)

    def sample(self) -> IdleSample:
        if not self.session_path:
            self.find_session()
        try:
            props = unwrap_properties(
                self._client.call(new_get_session_properties(self.session_path))
            )
        except BusFailure as exc:
            self.session_path = ""  # the session may have ended; look it up again next time
            raise IdleError(f"logind session: {exc}") from exc
        idle = idle_seconds_from_hints(props, self._clock(), self._monotonic())
        locked = props.get("LockedHint")
        return IdleSample(
            idle,
            locked=None if locked is None else bool(locked),
            inhibited=self._inhibited(),
        )

    def _inhibited(self) -> bool | None:
        try:
            return idle_blocked(self._client.get_property(MANAGER, "BlockInhibited"))
        except BusFailure as exc:
            logger.debug("logind BlockInhibited: %s", exc)
            return None

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        """Unsupported for now: the daemon samples logind on its schedule."""
        return False

    def close(self) -> None:
        self._client.close()


class SleepWatch:
    """Calls `on_sleep(True)` before suspend, `on_sleep(False)` after resume, on its own thread.

    Only logind's own PrepareForSleep counts: any client of the bus may send one."""

    def __init__(self, on_sleep: Callable[[bool], None], bus: str = "SYSTEM") -> None:
        self._on_sleep = on_sleep
        self._listener = listen(
            bus, [sleep_rule()], self._signal, sender=LOGIN1, name="standup-sleep-watch"
        )

    def _signal(self, msg: Message) -> None:
        self._on_sleep(bool(msg.body[0]))

    def close(self) -> None:
        self._listener.close()


def watch_sleep(on_sleep: Callable[[bool], None], bus: str = "SYSTEM") -> SleepWatch | None:
    """Subscribe to logind's PrepareForSleep; None (logged at debug) when the bus is not there."""
    try:
        return SleepWatch(on_sleep, bus)
    except Exception as exc:
        logger.debug("no PrepareForSleep subscription: %s", exc)
        return None
