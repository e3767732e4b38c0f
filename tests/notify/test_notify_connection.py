"""The bus client against a real dbus-daemon: a peer that answers twice, a bus that dies."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from jeepney import DBusAddress, MessageType, new_error, new_method_call, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from desktop_rigs.base import PrivateBus
from standup.notify.connection import call, open_router

pytestmark = pytest.mark.e2e

NAME = "org.example.Twice"
ADDRESS = DBusAddress("/org/example/Twice", bus_name=NAME, interface=NAME)


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateBus]:
    private = PrivateBus()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private.start())
    yield private
    private.stop()


def _answer_twice(address: str, ready: threading.Event, count: int) -> None:
    """A server like mako: each call gets a reply and then an error with the same serial."""
    conn = open_dbus_connection(address)
    try:
        conn.send_and_get_reply(message_bus.RequestName(NAME), timeout=5)
        ready.set()
        answered = 0
        while answered < count:
            msg = conn.receive(timeout=10)
            if msg.header.message_type is not MessageType.method_call:
                continue
            conn.send(new_method_return(msg, "as", (["actions", "body"],)))
            conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", ("no",)))
            answered += 1
    finally:
        conn.close()


def test_a_duplicate_reply_does_not_kill_the_connection(bus: PrivateBus) -> None:
    ready = threading.Event()
    server = threading.Thread(target=_answer_twice, args=(bus.address, ready, 20), daemon=True)
    server.start()
    assert ready.wait(5)
    with ExitStack() as stack:
        router = open_router(stack)
        for _ in range(20):  # the duplicate races the caller: many rounds give it every chance
            assert call(router, new_method_call(ADDRESS, "GetCapabilities")) == (
                ["actions", "body"],
            )
        # The receiver still runs: the bus itself still answers us.
        assert call(router, message_bus.NameHasOwner(NAME)) in ((True,), (False,))
    server.join(timeout=5)


def test_a_lost_bus_is_one_warning_and_no_traceback(
    bus: PrivateBus, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    uncaught: list[BaseException | None] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: uncaught.append(args.exc_value))
    caplog.set_level(logging.WARNING, logger="standup.notify")
    with ExitStack() as stack:
        router = open_router(stack)
        assert call(router, message_bus.NameHasOwner(NAME)) == (False,)
        bus.stop()
        router._rcv_thread.join(timeout=5)
        assert not router._rcv_thread.is_alive()
    assert uncaught == []
    lost = [r for r in caplog.records if "session bus connection lost" in r.getMessage()]
    assert len(lost) == 1
    assert lost[0].exc_info is None
