"""A small blocking D-Bus client shared by the idle sources and the busy probes.

One jeepney blocking connection per client, opened on first use and reopened once when the
socket breaks. Every call has a short timeout and runs on the caller's thread: no thread is
started, so nothing is left behind when the daemon forgets a client.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jeepney import DBusAddress, Message
    from jeepney.io.blocking import DBusConnection

logger = logging.getLogger("standup.idle")

CALL_TIMEOUT = 0.5  # seconds; an idle query must never stall the daemon


class BusFailure(Exception):
    """A D-Bus call failed; `error_name` is the D-Bus error name (ServiceUnknown...) if any."""

    def __init__(self, message: str, error_name: str = "") -> None:
        super().__init__(message)
        self.error_name = error_name


def describe_error(name: str, data: Any) -> str:
    """A D-Bus error as a sentence: its message when it carries one, else its name.

    jeepney's own text shows the error's body as a Python tuple."""
    if isinstance(data, tuple) and data and isinstance(data[0], str) and data[0].strip():
        return data[0].strip()
    return name


class BusClient:
    """Method calls and property reads on one bus ("SESSION", "SYSTEM" or an address)."""

    def __init__(self, bus: str = "SESSION", timeout: float = CALL_TIMEOUT) -> None:
        self.bus = bus
        self.timeout = timeout
        self._conn: DBusConnection | None = None

    def _connect(self) -> DBusConnection:
        if self._conn is None:
            from jeepney.io.blocking import open_dbus_connection

            try:
                self._conn = open_dbus_connection(self.bus, auth_timeout=self.timeout)
            except KeyError as exc:  # jeepney's way of saying the bus address variable is unset
                variable = exc.args[0] if exc.args else "the bus address variable"
                raise BusFailure(f"no {self.bus.lower()} bus ({variable} is not set)") from exc
            except Exception as exc:  # dead socket, refused, bad address, auth timeout
                why = getattr(exc, "strerror", None) or exc
                raise BusFailure(f"cannot connect to the {self.bus.lower()} bus: {why}") from exc
        return self._conn

    def call(self, msg: Message) -> tuple[Any, ...]:
        """Send `msg` and return the reply body; errors of every kind raise BusFailure."""
        from jeepney import DBusErrorResponse
        from jeepney.wrappers import unwrap_msg

        for attempt in range(2):
            conn = self._connect()
            try:
                reply = conn.send_and_get_reply(msg, timeout=self.timeout)
                return tuple(unwrap_msg(reply))
            except DBusErrorResponse as exc:
                raise BusFailure(describe_error(exc.name, exc.data), exc.name) from exc
            except TimeoutError as exc:
                # The peer is hung, the connection is fine; a late reply is skipped later.
                raise BusFailure(f"no reply within {self.timeout} s") from exc
            except OSError as exc:
                # The socket broke (the bus restarted): one fresh connection, then give up.
                self.close()
                if attempt:
                    raise BusFailure(f"bus connection lost: {exc}") from exc
        raise AssertionError("unreachable")

    def get_property(self, address: DBusAddress, name: str) -> Any:
        """The value of one property (the variant unwrapped)."""
        from jeepney import Properties

        (variant,) = self.call(Properties(address).get(name))
        return variant[1]

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except OSError:  # already broken; it is gone either way
                logger.debug("closing a broken bus connection failed", exc_info=True)
