"""The signal listener on a real bus: what it hands over, whom it believes, how it ends."""

from __future__ import annotations

import queue
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from standup.bus_signals import Listener, listen

from rig import Rig

NAME = "org.example.Signals"
PATH = "/org/example/Signals"
THREAD = "standup-test-signals"
PROMPT = 1.0  # seconds: what "at once" means for close() on a loaded machine


def test_importing_it_loads_no_jeepney() -> None:
    code = "import sys, standup.bus_signals; print('jeepney' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- on a real bus -----------------------------------------------------------------------------


class Peer:
    """A client of the bus that may own a name and sends signals."""

    def __init__(self, address: str, owns: str | None = None) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.conn = open_dbus_connection(address)
        self._bus = message_bus
        if owns is not None:
            self.own(owns)

    def own(self, name: str) -> None:
        self.call(self._bus.RequestName(name))

    def call(self, msg: Any) -> tuple[Any, ...]:
        from jeepney.wrappers import unwrap_msg

        return tuple(unwrap_msg(self.conn.send_and_get_reply(msg, timeout=5)))

    def signal(self, member: str, value: str) -> None:
        """Send it and wait until the bus has passed it on: whatever anyone sends after this
        reaches a listener after it."""
        from jeepney import DBusAddress, new_signal

        self.conn.send(new_signal(DBusAddress(PATH, interface=NAME), member, "s", (value,)))
        self.call(self._bus.NameHasOwner(NAME))

    def release(self) -> None:
        self.call(self._bus.ReleaseName(NAME))

    def close(self) -> None:
        self.conn.close()


def _rule(member: str = "Said") -> Any:
    from jeepney import MatchRule

    return MatchRule(type="signal", interface=NAME, member=member, path=PATH)


@pytest.fixture
def owner(rig: Rig) -> Iterator[Peer]:
    peer = Peer(rig.bus_address, owns=NAME)
    yield peer
    peer.close()


@pytest.fixture
def forger(rig: Rig) -> Iterator[Peer]:
    peer = Peer(rig.bus_address)
    yield peer
    peer.close()


def _said(heard: queue.Queue[str]) -> Callable[[Any], None]:
    return lambda msg: heard.put(msg.body[0])


def _threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD]


@pytest.fixture
def heard() -> Iterator[queue.Queue[str]]:
    """What the listener handed over; at the end, no listener thread may be left."""
    yield queue.Queue()
    assert not _threads()


@contextmanager
def _listening(rig: Rig, heard: queue.Queue[str], **options: Any) -> Iterator[Listener]:
    """A listener that puts what it hears in `heard`; closed at the end, when nothing more
    may have been heard."""
    listener = listen(rig.bus_address, [_rule()], _said(heard), name=THREAD, **options)
    try:
        yield listener
    finally:
        listener.close()
    assert heard.empty()


@pytest.mark.e2e
def test_a_matching_signal_is_handed_over_and_others_are_not(
    rig: Rig, owner: Peer, heard: queue.Queue[str]
) -> None:
    with _listening(rig, heard):
        owner.signal("Shouted", "not subscribed")
        owner.signal("Said", "hello")
        assert heard.get(timeout=5) == "hello"


@pytest.mark.e2e
def test_only_the_owner_of_the_name_is_believed(
    rig: Rig, owner: Peer, forger: Peer, heard: queue.Queue[str]
) -> None:
    with _listening(rig, heard, sender=NAME) as listener:
        assert listener.owner == owner.conn.unique_name
        forger.signal("Said", "forged")
        owner.signal("Said", "genuine")
        assert heard.get(timeout=5) == "genuine"  # the forged one came first and was dropped


@pytest.mark.e2e
def test_a_new_owner_is_followed(
    rig: Rig, owner: Peer, forger: Peer, heard: queue.Queue[str]
) -> None:
    with _listening(rig, heard, sender=NAME) as listener:
        owner.release()
        owner.signal("Said", "after leaving")
        forger.own(NAME)  # the former forger is the service now
        forger.signal("Said", "from the new owner")
        assert heard.get(timeout=5) == "from the new owner"
        assert listener.owner == forger.conn.unique_name


@pytest.mark.e2e
def test_nobody_is_believed_while_nobody_owns_the_name(
    rig: Rig, forger: Peer, heard: queue.Queue[str]
) -> None:
    with _listening(rig, heard, sender=NAME) as listener:
        assert listener.owner is None
        forger.signal("Said", "forged")
        late = Peer(rig.bus_address, owns=NAME)
        try:
            late.signal("Said", "started later")
            assert heard.get(timeout=5) == "started later"
        finally:
            late.close()


@pytest.mark.e2e
def test_prepare_runs_before_the_first_signal(
    rig: Rig, owner: Peer, heard: queue.Queue[str]
) -> None:
    def prepare(router: Any) -> None:
        heard.put("prepared")
        owner.signal("Said", "during prepare")

    with _listening(rig, heard, prepare=prepare):
        assert heard.get(timeout=5) == "prepared"
        assert heard.get(timeout=5) == "during prepare"


@pytest.mark.e2e
def test_a_failing_prepare_closes_everything(rig: Rig, heard: queue.Queue[str]) -> None:
    def prepare(router: Any) -> None:
        raise RuntimeError("no service")

    with pytest.raises(RuntimeError, match="no service"), _listening(rig, heard, prepare=prepare):
        pass


@pytest.mark.e2e
def test_a_handler_that_raises_does_not_stop_the_listener(
    rig: Rig, owner: Peer, heard: queue.Queue[str], caplog: pytest.LogCaptureFixture
) -> None:
    def handler(msg: Any) -> None:
        value = msg.body[0]
        if value == "bad":
            raise ValueError(value)
        heard.put(value)

    listener = listen(rig.bus_address, [_rule()], handler, name=THREAD)
    try:
        owner.signal("Said", "bad")
        owner.signal("Said", "good")
        assert heard.get(timeout=5) == "good"
    finally:
        listener.close()
    assert "handling Said failed" in caplog.text


@pytest.mark.e2e
def test_close_is_prompt_and_ends_the_thread(rig: Rig, heard: queue.Queue[str]) -> None:
    listener = listen(rig.bus_address, [_rule()], _said(heard), name=THREAD)
    assert len(_threads()) == 1
    start = time.monotonic()
    listener.close()
    assert time.monotonic() - start < PROMPT
    assert not _threads()
    listener.close()  # twice is harmless


@pytest.mark.e2e
def test_close_does_not_wait_long_for_a_stuck_handler(rig: Rig, owner: Peer) -> None:
    entered, release = threading.Event(), threading.Event()

    def stuck(msg: Any) -> None:
        entered.set()
        release.wait(10)

    listener = listen(rig.bus_address, [_rule()], stuck, name=THREAD)
    owner.signal("Said", "hold on")
    assert entered.wait(5)
    start = time.monotonic()
    listener.close(wait=0.1)
    assert time.monotonic() - start < PROMPT
    release.set()
    for thread in _threads():
        thread.join(5)
    assert not _threads()


@pytest.mark.e2e
def test_a_handler_may_close_its_own_listener(
    rig: Rig, owner: Peer, heard: queue.Queue[str]
) -> None:
    listeners: list[Listener] = []

    def close_me(msg: Any) -> None:
        listeners[0].close()
        heard.put("closed")

    listeners.append(listen(rig.bus_address, [_rule()], close_me, name=THREAD))
    owner.signal("Said", "stop")
    assert heard.get(timeout=5) == "closed"
    for thread in _threads():
        thread.join(5)


@pytest.mark.e2e
def test_a_bus_that_goes_away_still_closes_promptly(
    monkeypatch: pytest.MonkeyPatch, heard: queue.Queue[str]
) -> None:
    from desktop_rigs.base import PrivateBus

    # Whatever the dead receiver prints is jeepney's, not ours to assert on.
    monkeypatch.setattr(threading, "excepthook", lambda args: None)
    bus = PrivateBus()
    listener = listen(bus.start(), [_rule()], _said(heard), name=THREAD, sender=NAME)
    bus.stop()
    start = time.monotonic()
    listener.close()
    assert time.monotonic() - start < PROMPT
    assert not _threads()


def test_no_bus_raises_and_leaves_no_thread(heard: queue.Queue[str]) -> None:
    with pytest.raises(OSError):
        listen("unix:path=/nonexistent/standup", [_rule()], _said(heard), name=THREAD)
