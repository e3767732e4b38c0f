"""A D-Bus service for tests: owns a name on a real bus and answers each method call with
what `answer` returns, on a thread of its own, until closed; `emit` sends a signal from it."""

from __future__ import annotations

import queue
import threading
from typing import Any

from jeepney import HeaderFields, MessageType, new_error
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection


class FakeBusServer:
    """Subclasses answer in `answer(member, msg)`; None means "no such method"."""

    def __init__(self, address: str, name: str) -> None:
        self.address, self.name = address, name
        self.ready, self.stop = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self._outbox: queue.Queue[Any] = queue.Queue()  # signals, sent from the serving thread

    def start(self) -> None:
        self.thread.start()
        assert self.ready.wait(5), f"{self.name} did not take its name on the bus"

    def answer(self, member: str, msg: Any) -> Any:
        raise NotImplementedError

    def answered(self, member: str, msg: Any) -> None:
        """After the reply to `msg` has gone out: what the service does next, if anything."""

    def emit(self, signal: Any) -> None:
        """Send `signal` (a jeepney message) from the service's own connection."""
        self._outbox.put(signal)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)

    def _serve(self) -> None:
        conn = open_dbus_connection(self.address)
        try:
            conn.send_and_get_reply(message_bus.RequestName(self.name), timeout=5)
            self.ready.set()
            while not self.stop.is_set():
                while not self._outbox.empty():
                    conn.send(self._outbox.get())
                try:
                    msg = conn.receive(timeout=0.1)
                except TimeoutError:
                    continue
                if msg.header.message_type is MessageType.method_call:
                    member = msg.header.fields[HeaderFields.member]
                    reply = self.answer(member, msg)
                    if reply is None:
                        reply = new_error(
                            msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (member,)
                        )
                    conn.send(reply)
                    self.answered(member, msg)
        finally:
            conn.close()
