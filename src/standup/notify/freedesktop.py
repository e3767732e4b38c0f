"""org.freedesktop.Notifications over the session bus, through jeepney.

One long-lived connection (jeepney's threading router: its receiver thread blocks on the socket,
no timer) carries the calls and the two signals we listen to. A second small thread, the
dispatcher, reads those signals from a queue, closes an answered bubble and calls `on_action`;
it never runs on the receiver thread, so `on_action` may call back into `show()` safely.
"""

from __future__ import annotations

import logging
import queue
import threading
from contextlib import ExitStack
from typing import Any

from jeepney import DBusErrorResponse, Message
from jeepney.bus_messages import message_bus
from jeepney.io.common import RouterClosed
from jeepney.io.threading import DBusRouter, Proxy, open_dbus_router
from jeepney.wrappers import unwrap_msg

from .base import ActionCallback, Reminder
from .log import LogNotifier
from .message import (
    BUS_NAME,
    new_close_notification,
    new_get_capabilities,
    new_get_server_information,
    new_notify,
    parse_server_information,
    read_signal,
    signal_rule,
)

logger = logging.getLogger("standup.notify")

CALL_TIMEOUT = 5.0  # seconds; a hung notification server must not hang the daemon
_STOP = object()


class BusUnavailable(Exception):
    """No usable session bus: no address, a dead socket, or a refused connection."""


def _open_router(stack: ExitStack) -> DBusRouter:
    try:
        return stack.enter_context(open_dbus_router("SESSION"))
    except KeyError as exc:  # jeepney's way of saying DBUS_SESSION_BUS_ADDRESS is unset
        raise BusUnavailable("DBUS_SESSION_BUS_ADDRESS is not set") from exc
    except (OSError, ValueError, RouterClosed) as exc:  # dead socket, refused, bad address
        raise BusUnavailable(f"cannot connect to the session bus: {exc}") from exc
    except Exception as exc:  # jeepney's AuthenticationError and friends
        raise BusUnavailable(f"session bus refused us: {exc!r}") from exc


def _call(router: DBusRouter, msg: Message, timeout: float = CALL_TIMEOUT) -> tuple[Any, ...]:
    """Send a method call and return its reply body; D-Bus error replies raise."""
    return unwrap_msg(router.send_and_get_reply(msg, timeout=timeout))


class FreedesktopNotifier:
    """Reminder bubbles with buttons, replaced in place, answers reported to `on_action`."""

    name = "freedesktop"

    def __init__(self, on_action: ActionCallback, app_name: str = "standup") -> None:
        self._on_action = on_action
        self._app_name = app_name
        self._fallback = LogNotifier()
        self._lock = threading.RLock()  # guards the connection and the bubble state below
        self._stack: ExitStack | None = None
        self._router: DBusRouter | None = None
        self._signals: queue.Queue[Any] = queue.Queue()
        self._dispatcher: threading.Thread | None = None
        self._id = 0  # the server's id of our bubble; 0 when none is shown
        self._keys: frozenset[str] = frozenset()
        self._shut = False

    # -- connection ---------------------------------------------------------------------------

    def _ensure_router(self) -> DBusRouter:
        if self._router is not None:
            return self._router
        if self._shut:
            raise BusUnavailable("notifier is shut down")
        stack = ExitStack()
        try:
            router = _open_router(stack)
            # Subscribe before the first Notify, or a fast click would be missed.
            rule = signal_rule()
            stack.enter_context(router.filter(rule, queue=self._signals))
            Proxy(message_bus, router, timeout=CALL_TIMEOUT).AddMatch(rule)
        except BusUnavailable:
            stack.close()
            raise
        except Exception as exc:
            stack.close()
            raise BusUnavailable(f"cannot subscribe to notification signals: {exc!r}") from exc
        self._stack, self._router = stack, router
        if self._dispatcher is None:
            self._dispatcher = threading.Thread(
                target=self._dispatch, name="standup-notify-signals", daemon=True
            )
            self._dispatcher.start()
        return router

    def _drop_connection(self) -> None:
        stack, self._stack, self._router = self._stack, None, None
        if stack is not None:
            try:
                stack.close()
            except Exception:  # a connection that already broke may fail to close; it is gone
                logger.debug("closing a broken bus connection failed", exc_info=True)

    def server_present(self) -> bool:
        """Whether something owns org.freedesktop.Notifications right now. Never raises."""
        with self._lock:
            for _attempt in range(2):
                try:
                    router = self._ensure_router()
                    proxy = Proxy(message_bus, router, timeout=CALL_TIMEOUT)
                    return bool(proxy.NameHasOwner(BUS_NAME)[0])
                except BusUnavailable:
                    return False
                except (OSError, RouterClosed, KeyError):
                    self._drop_connection()  # the bus went away under us: try a fresh one
                except Exception:
                    logger.debug("probing for a notification server failed", exc_info=True)
                    return False
            return False

    # -- showing ------------------------------------------------------------------------------

    def try_show(self, reminder: Reminder) -> bool:
        """Show or replace the bubble; False (after logging why) when the server cannot."""
        with self._lock:
            for attempt in range(2):
                try:
                    router = self._ensure_router()
                    capabilities = _call(router, new_get_capabilities())[0]
                    with_actions = "actions" in capabilities
                    msg = new_notify(
                        reminder,
                        app_name=self._app_name,
                        replaces_id=self._id,
                        with_actions=with_actions,
                    )
                    self._id = int(_call(router, msg)[0])
                    self._keys = (
                        frozenset(key for key, _ in reminder.actions)
                        if with_actions
                        else frozenset()
                    )
                    return True
                except BusUnavailable as exc:
                    logger.info("no session bus for notifications: %s", exc)
                    return False
                except DBusErrorResponse as exc:
                    # Typically ServiceUnknown: nothing owns the name and activation is not set up.
                    logger.info("notification server error: %s", exc)
                    return False
                except (OSError, RouterClosed, KeyError) as exc:
                    # KeyError: jeepney's reply bookkeeping when the receiver dies mid-call.
                    # The connection dropped (the socket broke, or the bus restarted): reconnect
                    # once. Keep the id: replacing the bubble from the new connection takes it
                    # over, answers included; a new bus or server just hands out a new id.
                    logger.info("session bus connection lost (%s); reconnecting", exc)
                    self._drop_connection()
                    if attempt:
                        return False
                except Exception:
                    logger.warning("unexpected failure sending a notification", exc_info=True)
                    return False
            return False

    def show(self, reminder: Reminder) -> str:
        if self.try_show(reminder):
            return self.name
        return self._fallback.show(reminder)

    def close(self) -> None:
        with self._lock:
            notification_id, self._id, self._keys = self._id, 0, frozenset()
            if notification_id and self._router is not None:
                self._close_bubble(notification_id)

    def _close_bubble(self, notification_id: int) -> None:
        router = self._router
        if router is None:
            return
        try:
            _call(router, new_close_notification(notification_id))
        except Exception as exc:  # the bubble may already be gone; nothing to do about it
            logger.debug("CloseNotification(%s) failed: %s", notification_id, exc)

    def shutdown(self) -> None:
        with self._lock:
            self._shut = True
            self._drop_connection()
            dispatcher, self._dispatcher = self._dispatcher, None
        if dispatcher is not None:
            self._signals.put(_STOP)
            dispatcher.join(timeout=5)

    # -- answers ------------------------------------------------------------------------------

    def _dispatch(self) -> None:
        """Dispatcher thread: turn our bubble's signals into on_action calls."""
        while True:
            msg = self._signals.get()
            if msg is _STOP:
                return
            with self._lock:
                answer = read_signal(msg, self._id, self._keys)
                if answer is None:
                    continue
                answered_id = self._id
                if answer.finished:
                    self._id, self._keys = 0, frozenset()
                if answer.close_bubble:
                    self._close_bubble(answered_id)
            if answer.key is not None:
                try:
                    self._on_action(answer.key)
                except Exception:
                    logger.exception("on_action(%r) failed", answer.key)


def open_freedesktop(on_action: ActionCallback, app_name: str = "standup") -> FreedesktopNotifier:
    """A notifier on the session bus; it connects on first use and reconnects after a drop."""
    return FreedesktopNotifier(on_action, app_name)


def server_info() -> dict[str, Any] | None:
    """Name, vendor, version, spec version and capabilities of the notification server, or None."""
    try:
        with ExitStack() as stack:
            router = _open_router(stack)
            info = _call(router, new_get_server_information())
            capabilities = _call(router, new_get_capabilities())[0]
            return parse_server_information(info, capabilities)
    except Exception as exc:
        logger.debug("no notification server information: %s", exc)
        return None
