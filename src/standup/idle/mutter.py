"""GNOME: org.gnome.Mutter.IdleMonitor for input idle time, org.gnome.ScreenSaver for the lock,
org.gnome.SessionManager's InhibitedActions for idle inhibition (a video playing).

Mutter can also push: `watch()` asks it to signal when the user goes idle and comes back, so the
daemon sleeps instead of polling.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from jeepney import DBusAddress, MatchRule, Message, new_method_call

from ..bus_signals import listen
from .base import IdleError, IdleSample
from .bus import BusClient, BusFailure

if TYPE_CHECKING:
    from jeepney.io.threading import DBusRouter

logger = logging.getLogger("standup.idle")

IDLE_MONITOR = DBusAddress(
    "/org/gnome/Mutter/IdleMonitor/Core",
    bus_name="org.gnome.Mutter.IdleMonitor",
    interface="org.gnome.Mutter.IdleMonitor",
)
GNOME_SCREENSAVER = DBusAddress(
    "/org/gnome/ScreenSaver", bus_name="org.gnome.ScreenSaver", interface="org.gnome.ScreenSaver"
)
SESSION_MANAGER = DBusAddress(
    "/org/gnome/SessionManager",
    bus_name="org.gnome.SessionManager",
    interface="org.gnome.SessionManager",
)
INHIBIT_IDLE = 8  # GsmInhibitorFlag: 1 logout, 2 switch user, 4 suspend, 8 idle


# -- messages (no I/O) ------------------------------------------------------------------------


def new_get_idletime() -> Message:
    return new_method_call(IDLE_MONITOR, "GetIdletime")


def new_get_active(address: DBusAddress = GNOME_SCREENSAVER) -> Message:
    return new_method_call(address, "GetActive")


def new_add_idle_watch(interval_ms: int) -> Message:
    return new_method_call(IDLE_MONITOR, "AddIdleWatch", "t", (interval_ms,))


def new_add_user_active_watch() -> Message:
    return new_method_call(IDLE_MONITOR, "AddUserActiveWatch")


def new_remove_watch(watch_id: int) -> Message:
    return new_method_call(IDLE_MONITOR, "RemoveWatch", "u", (watch_id,))


def watch_fired_rule() -> MatchRule:
    # No sender: the signal comes from Mutter's unique name, which a local filter cannot match
    # against the well-known name; the listener believes only the name's owner.
    return MatchRule(
        type="signal",
        interface=IDLE_MONITOR.interface,
        member="WatchFired",
        path=IDLE_MONITOR.object_path,
    )


def parse_idletime(body: tuple[Any, ...]) -> float:
    """GetIdletime's reply (milliseconds, uint64) in seconds."""
    (ms,) = body
    if not isinstance(ms, int) or ms < 0:
        raise IdleError(f"GetIdletime returned {ms!r}, not milliseconds")
    return ms / 1000.0


def parse_active(body: tuple[Any, ...]) -> bool:
    (active,) = body
    return bool(active)


def parse_inhibited_actions(value: Any) -> bool:
    """Whether the InhibitedActions flags include idle."""
    return bool(int(value) & INHIBIT_IDLE)


# -- the source -------------------------------------------------------------------------------


class MutterSource:
    name = "mutter"

    def __init__(self, client: BusClient | None = None) -> None:
        self._client = client or BusClient("SESSION")
        self._watch: _MutterWatch | None = None

    def idle_seconds(self) -> float:
        try:
            return parse_idletime(self._client.call(new_get_idletime()))
        except BusFailure as exc:
            raise IdleError(f"Mutter IdleMonitor: {exc}") from exc

    def sample(self) -> IdleSample:
        idle = self.idle_seconds()
        return IdleSample(idle, locked=self._locked(), inhibited=self._inhibited())

    def _locked(self) -> bool | None:
        try:
            return parse_active(self._client.call(new_get_active()))
        except (BusFailure, ValueError) as exc:
            logger.debug("org.gnome.ScreenSaver.GetActive: %s", exc)
            return None

    def _inhibited(self) -> bool | None:
        try:
            value = self._client.get_property(SESSION_MANAGER, "InhibitedActions")
            return parse_inhibited_actions(value)
        except (BusFailure, ValueError, TypeError) as exc:
            logger.debug("org.gnome.SessionManager InhibitedActions: %s", exc)
            return None

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        """Call `on_change` when the user has been idle `idle_after` s and when they come back.

        It runs on a small thread of its own (hand the daemon an event from there). False when
        Mutter does not answer; the daemon then keeps sampling on its schedule.
        """
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        try:
            self._watch = _MutterWatch(self._client.bus, on_change, int(idle_after * 1000))
        except Exception as exc:  # no bus, no Mutter: polling it is
            logger.debug("Mutter idle watch unavailable: %s", exc)
            return False
        return True

    def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
            self._watch = None
        self._client.close()


class _MutterWatch:
    """One connection (watches die with it), one persistent idle watch, one active watch armed
    after each idle firing: Mutter's user-active watches fire once, and arming one while the user
    types would wake us on every key."""

    def __init__(self, bus: str, on_change: Callable[[], None], idle_ms: int) -> None:
        self._on_change = on_change
        self._idle_id = self._active_id = 0

        def add_idle_watch(router: DBusRouter) -> None:
            self._router = router  # signals may come before listen() returns
            self._idle_id = _call(router, new_add_idle_watch(max(idle_ms, 1)))

        self._listener = listen(
            bus,
            [watch_fired_rule()],
            self._fired,
            sender=IDLE_MONITOR.bus_name,
            prepare=add_idle_watch,
            name="standup-idle-watch",
        )

    def _fired(self, msg: Message) -> None:
        (watch_id,) = msg.body
        if watch_id == self._idle_id:
            try:
                self._active_id = _call(self._router, new_add_user_active_watch())
            except Exception:  # Mutter went away: the next idle firing will not come either
                logger.debug("re-arming the user-active watch failed", exc_info=True)
        elif watch_id == self._active_id:
            self._active_id = 0
        else:
            return
        self._on_change()

    def close(self) -> None:
        self._listener.close()  # Mutter drops the connection's watches itself


def _call(router: DBusRouter, msg: Message) -> int:
    """A call that answers a watch id (or nothing: 0)."""
    from jeepney.wrappers import unwrap_msg

    body = unwrap_msg(router.send_and_get_reply(msg, timeout=2.0))
    return int(body[0]) if body else 0
