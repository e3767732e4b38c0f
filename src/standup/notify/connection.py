"""A long-lived session-bus connection that no peer's answer can kill.

jeepney's threading router runs a receiver thread that matches replies to waiting callers. Two
things a real desktop does stop that thread for good, and with it every later call:
- mako answers GetCapabilities twice, a reply and then an error with the same serial; when the
  duplicate arrives before the caller has collected the first, setting the reply a second time
  raises in the receiver thread;
- a bus that goes away makes the receiver raise ConnectionResetError, which Python prints as a
  thread traceback.
`ToughRouter` drops the duplicate and turns the loss into one warning line; callers then see
RouterClosed and reconnect.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import InvalidStateError
from contextlib import ExitStack
from typing import Any

from jeepney import Message
from jeepney.io.common import RouterClosed
from jeepney.io.threading import (
    DBusConnection,
    DBusRouter,
    ReceiveStopped,
    open_dbus_connection,
)
from jeepney.wrappers import unwrap_msg

logger = logging.getLogger("standup.notify")

# Seconds; a notification server answers in milliseconds, and a hung one must not hold the
# daemon's worker for long.
CALL_TIMEOUT = 2.0
# The first contact with a server may start it (D-Bus activation) or meet it busy just after
# login or under load: its calls, and the Notify that follows, get longer.
FIRST_CONTACT_TIMEOUT = 4.0


class BusUnavailable(Exception):
    """No usable session bus: no address, a dead socket, or a refused connection."""


class ToughRouter(DBusRouter):  # type: ignore[misc]  # jeepney ships no types: DBusRouter is Any
    """jeepney's router, with a receiver thread that survives duplicate replies and says a lost
    bus in one line."""

    def _dispatch(self, msg: Message) -> None:
        try:
            super()._dispatch(msg)
        except InvalidStateError:
            # A second reply to a serial already answered (mako): the first one counts.
            logger.debug("dropped a duplicate reply from %s", msg.header.fields)

    def _receiver(self) -> None:
        try:
            super()._receiver()
        except ReceiveStopped:
            pass
        except (OSError, ValueError) as exc:  # reset, closed, or a stream we cannot parse
            logger.warning("session bus connection lost: %s", exc or type(exc).__name__)
        except Exception as exc:  # the thread must end quietly whatever broke it
            logger.warning("session bus connection failed: %s", exc or type(exc).__name__)
        finally:
            self._replies.drop_all()


def open_router(
    stack: ExitStack,
    make: Callable[[DBusConnection], ToughRouter] = ToughRouter,
    bus: str = "SESSION",
) -> ToughRouter:
    """A connected router on the session bus (or the bus at address `bus`), closed with
    `stack`; `make` builds it from the connection (a subclass that serves calls too)."""
    try:
        conn = open_dbus_connection(bus)
    except KeyError as exc:  # jeepney's way of saying DBUS_SESSION_BUS_ADDRESS is unset
        raise BusUnavailable("DBUS_SESSION_BUS_ADDRESS is not set") from exc
    except (OSError, ValueError, RouterClosed) as exc:  # dead socket, refused, bad address
        raise BusUnavailable(f"cannot connect to the session bus: {exc}") from exc
    except Exception as exc:  # jeepney's AuthenticationError and friends
        raise BusUnavailable(f"session bus refused us: {exc or type(exc).__name__}") from exc
    stack.callback(conn.close)
    router = make(conn)
    stack.callback(router.close)
    return router


def call(router: DBusRouter, msg: Message, timeout: float = CALL_TIMEOUT) -> tuple[Any, ...]:
    """Send a method call and return its reply body; D-Bus error replies raise."""
    return tuple(unwrap_msg(router.send_and_get_reply(msg, timeout=timeout)))
