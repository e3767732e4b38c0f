"""WaylandSource against a small fake compositor on a socket pair, and how `auto` picks it."""

from __future__ import annotations

import queue
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest

from standup.config.settings import IdleSourceName
from standup.idle import (
    IDLE_CHOICES,
    Environment,
    IdleError,
    IdleSample,
    candidates,
    open_idle_source,
)
from standup.idle.auto import OPENERS
from standup.idle.wayland import SAMPLE_TIMEOUT, WaylandSource, open_wayland_source, socket_path
from standup.idle.wayland_wire import INTERFACES, Arg, MessageBuffer, pack_message, unpack_args

EXT = (("wl_seat", 7), ("wl_output", 4), ("ext_idle_notifier_v1", 2), ("org_kde_kwin_idle", 1))
KDE_ONLY = (("wl_seat", 7), ("org_kde_kwin_idle", 1))


class FakeCompositor:
    """The server side of a socket pair: answers the registry and sync, records requests."""

    def __init__(self, globals_: tuple[tuple[str, int], ...] = EXT, *, answer: bool = True):
        self.client, self._sock = socket.socketpair()
        self.client.settimeout(2.0)  # as open_wayland_source sets it for the handshake
        self.globals = globals_
        self.answer = answer
        self.ids: dict[int, str] = {1: "wl_display"}
        self.requests: queue.Queue[tuple[str, str, tuple[Arg, ...]]] = queue.Queue()
        self.notification = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        buffer = MessageBuffer()
        while data := self._recv():
            for message in buffer.feed(data):
                interface = self.ids[message.object_id]
                name, signature = INTERFACES[interface].requests[message.opcode]
                args = unpack_args(signature, message.payload)
                self.requests.put((interface, name, args))
                if self.answer:
                    self._answer(interface, name, args)

    def _recv(self) -> bytes:
        try:
            return self._sock.recv(4096)
        except OSError:
            return b""

    def _answer(self, interface: str, name: str, args: tuple[Arg, ...]) -> None:
        if name == "get_registry":
            self.ids[int(args[0])] = "wl_registry"
            for number, (global_, version) in enumerate(self.globals, start=1):
                self.send(int(args[0]), 0, "usu", number, global_, version)
        elif name == "sync":  # done and delete_id in one write, as libwayland flushes them
            self._sock.sendall(
                pack_message(int(args[0]), 0, "u", (0,)) + pack_message(1, 1, "u", (args[0],))
            )
        elif name == "bind":
            self.ids[int(args[3])] = str(args[1])
        elif name in ("get_idle_notification", "get_idle_timeout"):
            self.notification = int(args[0])
            self.ids[self.notification] = (
                "ext_idle_notification_v1" if name == "get_idle_notification"
                else "org_kde_kwin_idle_timeout"
            )  # fmt: skip

    def send(self, object_id: int, opcode: int, signature: str = "", *args: Arg) -> None:
        self._sock.sendall(pack_message(object_id, opcode, signature, args))

    def idle(self) -> None:
        self.send(self.notification, 0)

    def resumed(self) -> None:
        self.send(self.notification, 1)

    def seen(self) -> list[tuple[str, str, tuple[Arg, ...]]]:
        out = []
        while not self.requests.empty():
            out.append(self.requests.get_nowait())
        return out

    def next_request(self, name: str) -> tuple[Arg, ...]:
        while True:
            _interface, seen, args = self.requests.get(timeout=2)
            if seen == name:
                return args

    def hang_up(self) -> None:
        self._sock.shutdown(socket.SHUT_RDWR)
        self._sock.close()


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def compositor() -> Iterator[FakeCompositor]:
    fake = FakeCompositor()
    yield fake
    fake._sock.close()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def source(compositor: FakeCompositor, clock: Clock) -> Iterator[WaylandSource]:
    opened = WaylandSource(compositor.client, monotonic=clock)
    yield opened
    opened.close()


def _changes(source: WaylandSource, idle_after: float | None = None) -> queue.Queue[str]:
    """Changes from now on; the idle threshold stays the source's unless one is given."""
    woken: queue.Queue[str] = queue.Queue()
    threshold = source.timeout if idle_after is None else idle_after
    assert source.watch(lambda: woken.put("change"), threshold)
    return woken


def test_prefers_ext_idle_notify_with_the_request_that_honours_inhibitors(
    compositor: FakeCompositor, source: WaylandSource
) -> None:
    assert source.protocol == "ext_idle_notifier_v1"
    requests = [(i, n) for i, n, _ in compositor.seen()]
    assert ("ext_idle_notifier_v1", "get_idle_notification") in requests
    assert ("ext_idle_notifier_v1", "get_input_idle_notification") not in requests
    assert ("org_kde_kwin_idle", "get_idle_timeout") not in requests


def test_binds_version_one_and_asks_for_the_sampling_timeout(compositor: FakeCompositor) -> None:
    source = WaylandSource(compositor.client)
    try:
        seen = compositor.seen()
        binds = {args[1]: args[2] for _i, name, args in seen if name == "bind"}
        assert binds == {"wl_seat": 1, "ext_idle_notifier_v1": 1}
        (args,) = [args for _i, name, args in seen if name == "get_idle_notification"]
        seat = next(a[3] for _i, n, a in seen if n == "bind" and a[1] == "wl_seat")
        assert args[1:] == (int(SAMPLE_TIMEOUT * 1000), seat)
    finally:
        source.close()


def test_falls_back_to_kde_idle() -> None:
    compositor = FakeCompositor(KDE_ONLY)
    source = WaylandSource(compositor.client, timeout=2.5)
    try:
        assert source.protocol == "org_kde_kwin_idle"
        seen = compositor.seen()
        seat = next(a[3] for _i, n, a in seen if n == "bind" and a[1] == "wl_seat")
        (args,) = [args for _i, name, args in seen if name == "get_idle_timeout"]
        assert args[1:] == (seat, 2500)  # seat before timeout in KDE's protocol
        woken = _changes(source)
        compositor.idle()
        assert woken.get(timeout=2) == "change"
        assert source.sample().idle_seconds >= 2.5
    finally:
        source.close()


@pytest.mark.parametrize(
    ("globals_", "match"),
    [
        ((("wl_seat", 7), ("wl_output", 4)), "neither ext-idle-notify-v1 nor org_kde_kwin_idle"),
        ((("ext_idle_notifier_v1", 1),), "no wl_seat"),
    ],
)
def test_a_compositor_without_what_we_need(
    globals_: tuple[tuple[str, int], ...], match: str
) -> None:
    compositor = FakeCompositor(globals_)
    with pytest.raises(IdleError, match=match):
        WaylandSource(compositor.client)
    assert compositor.client.fileno() == -1  # closed, nothing left behind
    assert not [t for t in threading.enumerate() if t.name == "standup-wayland"]


def test_a_compositor_that_never_answers() -> None:
    compositor = FakeCompositor(answer=False)
    with pytest.raises(IdleError, match=r"no answer from the compositor within 0\.05 s"):
        WaylandSource(compositor.client, deadline=0.05)


def test_idle_time_is_the_timeout_plus_the_time_since_the_idle_event(
    compositor: FakeCompositor, source: WaylandSource, clock: Clock
) -> None:
    woken = _changes(source)
    assert source.sample() == IdleSample(0.0, locked=None, inhibited=None)
    clock.now += 60  # no event yet: nothing is known, nothing is back-dated
    assert source.sample().idle_seconds == 0.0
    compositor.idle()
    assert woken.get(timeout=2) == "change"
    clock.now += 7
    assert source.sample().idle_seconds == pytest.approx(SAMPLE_TIMEOUT + 7)
    compositor.resumed()
    assert woken.get(timeout=2) == "change"
    assert source.sample().idle_seconds == 0.0
    assert source.events == 2


def test_watch_asks_again_with_the_natural_break(
    compositor: FakeCompositor, source: WaylandSource, clock: Clock
) -> None:
    first = compositor.notification
    compositor.seen()
    woken = _changes(source, idle_after=300.0)
    assert compositor.next_request("destroy") == ()
    args = compositor.next_request("get_idle_notification")
    assert args[1] == 300_000
    assert source.timeout == 300.0
    compositor.send(first, 0)  # a late event for the old notification counts for nothing
    compositor.idle()
    assert woken.get(timeout=2) == "change"
    assert source.sample().idle_seconds == pytest.approx(300.0)
    assert woken.empty()


def test_a_dropped_connection_wakes_the_watcher_and_fails_the_next_sample(
    compositor: FakeCompositor, source: WaylandSource
) -> None:
    woken = _changes(source)
    compositor.hang_up()
    assert woken.get(timeout=2) == "change"
    with pytest.raises(IdleError, match="closed the connection"):
        source.sample()
    assert source.watch(lambda: None, source.timeout) is False


def test_a_protocol_error_fails_the_source(
    compositor: FakeCompositor, source: WaylandSource
) -> None:
    woken = _changes(source)
    compositor.send(1, 0, "ous", compositor.notification, 0, "invalid object")
    assert woken.get(timeout=2) == "change"
    with pytest.raises(IdleError, match="protocol error 0 on ext_idle_notification_v1"):
        source.sample()


def test_garbage_on_the_socket_fails_the_source(
    compositor: FakeCompositor, source: WaylandSource
) -> None:
    woken = _changes(source)
    compositor._sock.sendall(b"\x01\0\0\0\x00\x00\x03\x00")  # size 3: impossible
    assert woken.get(timeout=2) == "change"
    with pytest.raises(IdleError, match="garbled"):
        source.sample()


def test_deleting_an_object_still_in_use_fails_the_source_not_the_caller(
    compositor: FakeCompositor, source: WaylandSource
) -> None:
    woken = _changes(source)
    compositor.send(1, 1, "u", compositor.notification)  # wl_display.delete_id
    assert woken.get(timeout=2) == "change"
    with pytest.raises(IdleError, match=r"deleted object .* still in use"):
        source.sample()
    # A new timeout (a config change, on the daemon's worker) asks nothing of a dead source.
    assert source.watch(lambda: None, idle_after=180.0) is False


def test_the_seat_going_away_fails_the_source(
    compositor: FakeCompositor, source: WaylandSource
) -> None:
    woken = _changes(source)
    registry = next(i for i, name in compositor.ids.items() if name == "wl_registry")
    compositor.send(registry, 1, "u", 2)  # global 2 is wl_output: not ours
    compositor.send(registry, 1, "u", 1)  # global 1 is the seat
    assert woken.get(timeout=2) == "change"
    with pytest.raises(IdleError, match="removed wl_seat"):
        source.sample()


def test_close_ends_the_thread(compositor: FakeCompositor, clock: Clock) -> None:
    source = WaylandSource(compositor.client, monotonic=clock)
    assert [t for t in threading.enumerate() if t.name == "standup-wayland"]
    source.close()
    assert not [t for t in threading.enumerate() if t.name == "standup-wayland"]
    assert source.wakeups == 1  # the shutdown itself, nothing before it


def test_socket_path_follows_libwayland() -> None:
    env = {"XDG_RUNTIME_DIR": "/run/user/1000"}
    assert socket_path(environ=env) == Path("/run/user/1000/wayland-0")
    assert socket_path(environ={**env, "WAYLAND_DISPLAY": "wayland-1"}) == Path(
        "/run/user/1000/wayland-1"
    )
    assert socket_path("/tmp/sock", environ={}) == Path("/tmp/sock")
    with pytest.raises(IdleError, match="XDG_RUNTIME_DIR"):
        socket_path(environ={"WAYLAND_DISPLAY": "wayland-1"})


def test_no_socket_is_an_idle_error(tmp_path: Path) -> None:
    with pytest.raises(IdleError, match="cannot connect"):
        open_wayland_source(str(tmp_path / "wayland-9"))


# -- auto ---------------------------------------------------------------------------------


SWAY = Environment("linux", "wayland", "sway", ":1", "wayland-1")
GNOME = Environment("linux", "wayland", "GNOME", ":0", "wayland-0")
KDE = Environment("linux", "wayland", "KDE", ":0", "wayland-0")


def test_config_and_auto_know_the_same_sources() -> None:
    assert set(get_args(IdleSourceName)) == set(IDLE_CHOICES)
    assert "wayland" in OPENERS


@pytest.mark.parametrize(
    ("env", "order"),
    [
        (SWAY, ["wayland", "screensaver", "logind", "none"]),
        (KDE, ["wayland", "screensaver", "logind", "none"]),
        (GNOME, ["mutter", "screensaver", "logind", "none"]),  # Mutter has no idle protocol
        (Environment("linux", "wayland", "sway", ""), ["screensaver", "logind", "none"]),
    ],
)
def test_auto_prefers_the_compositor_on_wayland_but_gnome(env: Environment, order: list[str]):
    assert candidates(env) == order


def test_auto_falls_through_when_the_compositor_does_not_answer(tmp_path: Path) -> None:
    env = Environment("linux", "wayland", "sway", "", str(tmp_path / "wayland-9"))

    def screensaver(_env: Environment) -> tuple[Any, str]:
        from standup.idle import NoneSource

        return NoneSource(), "fake ScreenSaver answers"

    openers = {**OPENERS, "screensaver": screensaver}
    source, reason = open_idle_source(env=env, openers=openers)
    assert reason.startswith("screensaver: fake ScreenSaver answers")
    source.close()
    _, reason = open_idle_source("wayland", env=env, openers=openers)
    assert reason.startswith("none: always active; no idle source answered (wayland: cannot")


def test_auto_opens_it_and_passes_the_timeout_through(
    compositor: FakeCompositor, monkeypatch: pytest.MonkeyPatch
) -> None:
    import standup.idle.wayland as wayland

    opened: list[WaylandSource] = []

    def fake_open(display: str | None = None) -> WaylandSource:
        opened.append(WaylandSource(compositor.client, path=f"/run/{display}"))
        return opened[-1]

    monkeypatch.setattr(wayland, "open_wayland_source", fake_open)
    source, reason = open_idle_source(env=SWAY)
    try:
        assert source.name == "wayland"
        assert reason.startswith("wayland: ext_idle_notifier_v1 on /run/wayland-1")
        # Through the logind pairing, when there is one: the timeout must still arrive.
        assert source.watch(lambda: None, idle_after=120.0)
        assert opened[0].timeout == 120.0
    finally:
        source.close()


def test_the_logind_pairing_passes_the_timeout_through(compositor: FakeCompositor) -> None:
    from standup.idle import CombinedSource, NoneSource

    primary = WaylandSource(compositor.client)
    paired = CombinedSource(primary, NoneSource())
    try:
        assert paired.watch(lambda: None, idle_after=90.0)
        assert primary.timeout == 90.0
        assert paired.name == "wayland"
    finally:
        paired.close()
