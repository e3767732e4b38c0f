"""MutterSource and its push watch against a small fake Mutter on the rig's private bus."""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator

import pytest
from jeepney import HeaderFields, MessageType, new_error, new_method_return, new_signal
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from standup.idle import IdleSample
from standup.idle.mutter import IDLE_MONITOR, MutterSource

from rig import Rig

pytestmark = pytest.mark.e2e


class FakeMutter:
    """Answers GetIdletime; fires the idle watch at once and the active watch when armed."""

    def __init__(self) -> None:
        self.conn = open_dbus_connection("SESSION")
        self.conn.send_and_get_reply(message_bus.RequestName(IDLE_MONITOR.bus_name), timeout=2)
        self.idle_ms = 4321
        self.calls: list[str] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                msg = self.conn.receive(timeout=0.05)
            except TimeoutError:
                continue
            if msg.header.message_type != MessageType.method_call:
                continue
            member = msg.header.fields.get(HeaderFields.member)
            sender = msg.header.fields.get(HeaderFields.sender)
            self.calls.append(member)
            if member == "GetIdletime":
                self.conn.send(new_method_return(msg, "t", (self.idle_ms,)))
            elif member in ("AddIdleWatch", "AddUserActiveWatch"):
                watch_id = 1 if member == "AddIdleWatch" else 2
                self.conn.send(new_method_return(msg, "u", (watch_id,)))
                fired = new_signal(IDLE_MONITOR, "WatchFired", "u", (watch_id,))
                fired.header.fields[HeaderFields.destination] = sender
                self.conn.send(fired)
            else:
                self.conn.send(new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod"))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2)
        self.conn.close()


@pytest.fixture
def fake_mutter(rig: Rig) -> Iterator[FakeMutter]:
    mutter = FakeMutter()
    try:
        yield mutter
    finally:
        mutter.close()


def test_mutter_source_over_a_real_bus(fake_mutter: FakeMutter) -> None:
    source = MutterSource()
    try:
        # No org.gnome.ScreenSaver or SessionManager on the rig: unknown, not an error.
        assert source.sample() == IdleSample(4.321, locked=None, inhibited=None)
    finally:
        source.close()


def test_mutter_watch_wakes_on_idle_and_on_return(fake_mutter: FakeMutter) -> None:
    woken: queue.Queue[str] = queue.Queue()
    source = MutterSource()
    try:
        assert source.watch(lambda: woken.put("change"), idle_after=30) is True
        # The idle watch fires, the source arms the one-shot active watch, which fires too.
        assert woken.get(timeout=5) == "change"
        assert woken.get(timeout=5) == "change"
        assert fake_mutter.calls.count("AddIdleWatch") == 1
        assert fake_mutter.calls.count("AddUserActiveWatch") == 1
    finally:
        source.close()
    assert not [t for t in threading.enumerate() if t.name == "standup-idle-watch"]


def test_watch_sleep_reports_prepare_for_sleep(rig: Rig) -> None:
    from jeepney import new_signal

    from standup.idle import watch_sleep
    from standup.idle.logind import LOGIN1, MANAGER

    slept: queue.Queue[bool] = queue.Queue()
    # The rig's session bus stands in for the system bus: logind's signal, sent by a test peer
    # that owns logind's name.
    watch = watch_sleep(slept.put, bus=rig.bus_address)
    assert watch is not None
    try:
        with open_dbus_connection("SESSION") as peer:
            peer.send_and_get_reply(message_bus.RequestName(LOGIN1), timeout=2)
            peer.send(new_signal(MANAGER, "PrepareForSleep", "b", (True,)))
            assert slept.get(timeout=5) is True
            peer.send(new_signal(MANAGER, "PrepareForSleep", "b", (False,)))
            assert slept.get(timeout=5) is False
    finally:
        watch.close()
    assert not [t for t in threading.enumerate() if t.name == "standup-sleep-watch"]


def test_watch_sleep_believes_only_logind(rig: Rig) -> None:
    from standup.idle import watch_sleep
    from standup.idle.logind import LOGIN1, MANAGER

    slept: queue.Queue[bool] = queue.Queue()
    watch = watch_sleep(slept.put, bus=rig.bus_address)
    assert watch is not None
    try:
        with (
            open_dbus_connection("SESSION") as logind,
            open_dbus_connection("SESSION") as forger,
        ):
            logind.send_and_get_reply(message_bus.RequestName(LOGIN1), timeout=2)
            forger.send(new_signal(MANAGER, "PrepareForSleep", "b", (True,)))
            logind.send(new_signal(MANAGER, "PrepareForSleep", "b", (False,)))
            # Whichever reaches the bus first, only logind's signal is reported.
            assert slept.get(timeout=5) is False
            with pytest.raises(queue.Empty):
                slept.get(timeout=0.2)
    finally:
        watch.close()


def test_watch_sleep_without_a_system_bus_is_none() -> None:
    from standup.idle import watch_sleep

    assert watch_sleep(lambda _sleeping: None, bus="unix:path=/nonexistent/standup") is None
