"""org.freedesktop.Notifications over the session bus, through jeepney.

One long-lived connection (a `ToughRouter`: its receiver thread blocks on the socket, no timer)
carries the calls and the signals we listen to. The listener's thread (`standup.bus_signals`)
takes those signals, closes an answered bubble and calls `on_action`; it never runs on the
receiver thread, so `on_action` may call back into `show()` safely.

What the server is and can do (actions, markup) is asked once per server and forgotten when
the bus says the name changed hands; only that server's signals are believed.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import ExitStack
from dataclasses import replace
from datetime import timedelta
from typing import Any

from jeepney import DBusErrorResponse, Message
from jeepney.io.common import RouterClosed
from jeepney.io.threading import DBusRouter

from ..bus_signals import Listener, listen
from . import identity
from .base import ActionCallback, Reminder
from .connection import (
    CALL_TIMEOUT,
    FIRST_CONTACT_TIMEOUT,
    BusUnavailable,
    call,
    open_router,
)
from .log import LogNotifier
from .message import new_close_notification, new_notify, read_signal, signal_rule
from .server import (
    EXCESS,
    ServerInfo,
    is_owner_change,
    owner_changed_rule,
    query_server,
    server_present,
)
from .sound import Player

logger = logging.getLogger("standup.notify")

# After a server let a call time out, leave it alone this long (seconds): every reminder
# would otherwise hold the worker for the whole timeout again.
HUNG_BACKOFF = 60.0
_CLOSE_TIMEOUT = 1.0
# How long a bubble lingers when taken down by replacement (servers that ignore Close).
_VANISH = timedelta(milliseconds=1)
# Errors that mean the connection itself broke. KeyError: jeepney's reply bookkeeping when the
# receiver dies mid-call.
_LOST = (OSError, RouterClosed, KeyError)
# Answers that turn the same bubble into something else (a countdown, and back): the bubble
# stays up and stays ours. Sent "resident", so servers that close a bubble on any action
# (Plasma, swaync) keep it.
_STAYS_UP = frozenset({"start", "stop"})

__all__ = ["BusUnavailable", "FreedesktopNotifier", "open_freedesktop", "server_info"]


class FreedesktopNotifier:
    """Reminder bubbles with buttons, replaced in place, answers reported to `on_action`."""

    name = "freedesktop"

    def __init__(
        self, on_action: ActionCallback, app_name: str = "standup", player: Player | None = None
    ) -> None:
        self._on_action = on_action
        self._app_name = app_name
        self._icon = identity.icon_path()
        self._player = player if player is not None else Player()
        self._fallback = LogNotifier(player=self._player)
        self._lock = threading.RLock()  # guards the connection and the bubble state below
        self._listener: Listener | None = None  # the connection, its signals and their thread
        self._server: ServerInfo | None = None  # who showed our bubble; None: ask again
        self._id = 0  # the server's id of our bubble; 0 when none is shown
        self._keys: frozenset[str] = frozenset()
        self._shown: Reminder | None = None  # what the bubble says, to take it down by replace
        self._shut = False
        self._hung_until = 0.0  # monotonic time until which the server counts as hung

    # -- connection ---------------------------------------------------------------------------

    @property
    def _router(self) -> DBusRouter | None:
        """The connection in use; None before the first contact and after a drop."""
        return self._listener.router if self._listener is not None else None

    def _ensure_router(self) -> DBusRouter:
        if self._listener is not None:
            return self._listener.router
        if self._shut:
            raise BusUnavailable("notifier is shut down")
        try:
            # Subscribe before the first Notify, or a fast click would be missed. Whose
            # signals count is decided per bubble (`read_signal`), not per name.
            self._listener = listen(
                open_router,
                (signal_rule(), owner_changed_rule()),
                self._on_signal,
                name="standup-notify-signals",
                timeout=CALL_TIMEOUT,
            )
        except BusUnavailable:
            raise
        except Exception as exc:
            raise BusUnavailable(f"cannot subscribe to notification signals: {exc}") from exc
        return self._listener.router

    def _drop_connection(self) -> None:
        listener, self._listener = self._listener, None
        self._server = None
        if listener is not None:
            # No waiting: its thread may be waiting for our lock, in `_answer`.
            listener.close(wait=0)

    def _server_info(self, router: DBusRouter) -> ServerInfo:
        if self._server is None:
            self._server = query_server(router)
            logger.debug("notification server: %s", self._server.describe())
        return self._server

    def available(self) -> bool:
        """Whether a server owns org.freedesktop.Notifications or the bus would start one.
        Never raises."""
        with self._lock:
            for _attempt in range(2):
                try:
                    return server_present(self._ensure_router())
                except BusUnavailable:
                    return False
                except _LOST:
                    self._drop_connection()  # the bus went away under us: try a fresh one
                except Exception as exc:
                    logger.debug("probing for a notification server failed: %s", exc)
                    return False
            return False

    def server(self) -> ServerInfo | None:
        """The server in use, as last asked; None before the first reminder."""
        return self._server

    # -- showing ------------------------------------------------------------------------------

    def try_show(self, reminder: Reminder) -> bool:
        """Show or replace the bubble; False (after logging why) when the server cannot."""
        with self._lock:
            if time.monotonic() < self._hung_until:
                logger.debug("the notification server is still taken to be hung")
                return False
            for attempt in range(2):
                first_contact = self._server is None
                try:
                    router = self._ensure_router()
                    server = self._server_info(router)
                    if self._id and server.replace_drops_actions and server.actions:
                        old_id, self._id = self._id, 0
                        self._close_bubble(old_id, None)
                    # Only the buttons this server has room for; the answers it cannot show
                    # are not listened for either.
                    reminder = replace(reminder, actions=server.fit_actions(reminder.actions))
                    msg = self._notify_message(reminder, server)
                    try:
                        timeout = FIRST_CONTACT_TIMEOUT if first_contact else CALL_TIMEOUT
                        self._id = int(call(router, msg, timeout)[0])
                    except DBusErrorResponse as exc:
                        if not (exc.name == EXCESS and self._id):
                            raise
                        # Plasma: the bubble already shows exactly this; it stays ours.
                    self._keys = (
                        frozenset(key for key, _ in reminder.actions)
                        if server.actions
                        else frozenset()
                    )
                    self._shown = reminder
                    if reminder.sound is not None and not server.sound:
                        self._player.play(reminder.sound)  # the server plays no sound-name
                    return True
                except BusUnavailable as exc:
                    logger.info("no session bus for notifications: %s", exc)
                    return False
                except DBusErrorResponse as exc:
                    # Typically ServiceUnknown: nothing owns the name and activation is not set up.
                    logger.info("notification server error: %s", exc.name)
                    self._server = None
                    return False
                except TimeoutError:
                    # A hung server: the connection is fine; ask who serves again next time,
                    # and not before a while.
                    logger.warning(
                        "the notification server did not answer in %s s; reminders go to the "
                        "log for the next %d s",
                        FIRST_CONTACT_TIMEOUT if first_contact else CALL_TIMEOUT,
                        HUNG_BACKOFF,
                    )
                    self._server = None
                    self._hung_until = time.monotonic() + HUNG_BACKOFF
                    return False
                except _LOST as exc:
                    # The connection dropped (the socket broke, or the bus restarted): reconnect
                    # once. Keep the id: replacing the bubble from the new connection takes it
                    # over, answers included; a new bus or server just hands out a new id.
                    logger.info("session bus connection lost (%s); reconnecting", exc or "closed")
                    self._drop_connection()
                    if attempt:
                        return False
                except Exception as exc:
                    logger.warning("unexpected failure sending a notification: %s", exc)
                    logger.debug("the failure", exc_info=True)
                    return False
            return False

    def _notify_message(self, reminder: Reminder, server: ServerInfo) -> Message:
        return new_notify(
            reminder,
            app_name=self._app_name,
            replaces_id=self._id,
            with_actions=server.actions,
            markup=server.markup,
            icon=self._icon,
            resident=any(key in _STAYS_UP for key, _ in reminder.actions),
            progress_bar=not server.value_hides_text,
            plays_sound=server.sound,
        )

    def show(self, reminder: Reminder) -> str:
        if self.try_show(reminder):
            return self.name
        return self._fallback.show(reminder)

    def close(self) -> None:
        with self._lock:
            notification_id, self._id, self._keys = self._id, 0, frozenset()
            shown, self._shown = self._shown, None
            if notification_id and self._router is not None:
                self._close_bubble(notification_id, shown)

    def _close_bubble(self, notification_id: int, shown: Reminder | None) -> None:
        router, server = self._router, self._server
        if router is None or time.monotonic() < self._hung_until:
            return
        try:
            if server is not None and server.ignores_close and shown is not None:
                # notification-daemon answers CloseNotification and leaves the bubble up; a
                # replacement that expires at once takes it down.
                vanish = replace(shown, timeout=_VANISH, actions=(), progress=None, sound=None)
                msg = new_notify(
                    vanish,
                    app_name=self._app_name,
                    replaces_id=notification_id,
                    with_actions=False,
                    markup=server.markup,
                    icon=self._icon,
                )
                call(router, msg, _CLOSE_TIMEOUT)
            call(router, new_close_notification(notification_id), _CLOSE_TIMEOUT)
        except Exception as exc:  # the bubble may already be gone; nothing to do about it
            logger.debug("CloseNotification(%s) failed: %s", notification_id, exc)

    def shutdown(self) -> None:
        with self._lock:
            self._shut = True
            listener, self._listener = self._listener, None
            self._server = None
        if listener is not None:
            listener.close(wait=5)  # the answers already received are reported first

    # -- answers ------------------------------------------------------------------------------

    def _on_signal(self, msg: Message) -> None:
        """Listener thread: turn our bubble's signals into on_action calls."""
        key = self._answer(msg)
        if key is not None:
            self._on_action(key)

    def _answer(self, msg: Message) -> str | None:
        with self._lock:
            if is_owner_change(msg):
                _name, _old, new_owner = msg.body
                self._hung_until = 0.0  # a server that (re)started deserves a try
                if self._server is not None and new_owner != self._server.owner:
                    # Another server (or none): what we knew of the old one no longer holds,
                    # and its bubble went with it. (The start of the server we just asked is
                    # announced too, and changes nothing.)
                    self._server = None
                    self._id, self._keys, self._shown = 0, frozenset(), None
                return None
            owner = self._server.owner if self._server is not None else None
            answer = read_signal(msg, self._id, self._keys, owner)
            if answer is None:
                return None
            answered_id, shown = self._id, self._shown
            if answer.key in _STAYS_UP:
                if self._server is not None and self._server.closes_on_action:
                    # The server takes this bubble down itself: the next one is new, and the
                    # close it sends for this id is no answer.
                    self._id, self._keys, self._shown = 0, frozenset(), None
                return answer.key  # the daemon replaces this same bubble next
            if answer.finished:
                self._id, self._keys, self._shown = 0, frozenset(), None
            if answer.close_bubble:
                self._close_bubble(answered_id, shown)
            return answer.key


def open_freedesktop(
    on_action: ActionCallback, app_name: str = "standup", player: Player | None = None
) -> FreedesktopNotifier:
    """A notifier on the session bus; it connects on first use and reconnects after a drop."""
    return FreedesktopNotifier(on_action, app_name, player)


def server_info() -> dict[str, Any] | None:
    """Name, vendor, version, spec version and capabilities of the notification server, or None.

    Starts the server when it is activatable, as the first reminder would."""
    try:
        with ExitStack() as stack:
            return query_server(open_router(stack)).as_dict()
    except Exception as exc:
        logger.debug("no notification server information: %s", exc)
        return None
