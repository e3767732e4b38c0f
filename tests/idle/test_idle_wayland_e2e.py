"""The Wayland source on a real headless sway (1.7 here: org_kde_kwin_idle; newer ones offer
ext-idle-notify-v1): idle after the timeout, back at once on a key from wtype, nothing while
an idle inhibitor is held, and a real `standup run` that goes away and comes back."""

from __future__ import annotations

import os
import queue
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_rigs.wlroots import SwaySession
from standup.idle import IdleError
from standup.idle.wayland import EXT_IDLE, KDE_IDLE, WaylandSource, open_wayland_source
from standup.idle.wayland_wire import (
    DISPLAY_ID,
    INTERFACES,
    Arg,
    Interface,
    MessageBuffer,
    pack_message,
    unpack_args,
)

from rig import (
    RigError,
    rig_unavailable,
    standup_status as status,
    start_standup,
    stop_standup,
    wait_until,
)

pytestmark = pytest.mark.e2e

TIMEOUT = 2.0  # seconds without input before the compositor says "idle"


def new_session() -> SwaySession:
    # Under /tmp itself: pytest's tmp_path sits in a 0700 directory of ours that the rig user
    # (sway runs as standup-rig when we are root) cannot enter.
    return SwaySession(Path(tempfile.mkdtemp(prefix="standup-wayland-")))


def end(session: SwaySession) -> None:
    session.stop()
    shutil.rmtree(session.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def sway() -> Iterator[SwaySession]:
    missing = [b for b in (*SwaySession.binaries, "wtype") if shutil.which(b) is None]
    if missing:
        rig_unavailable(f"sway rig binaries missing: {', '.join(missing)} (packages sway, wtype)")
    session = new_session()
    try:
        session.start()
        yield session
    finally:
        end(session)


@pytest.fixture
def socket_path(sway: SwaySession) -> str:
    return str(sway.runtime_dir / sway.wayland_display)


def press_a_key(sway: SwaySession) -> None:
    """A key through the virtual-keyboard protocol, as the session's user."""
    out = subprocess.run(sway.as_user(["wtype", "x"]), env=sway.user_env, capture_output=True,
                         text=True, timeout=10, check=False)  # fmt: skip
    assert out.returncode == 0, out.stderr


def changes(source: WaylandSource) -> queue.Queue[float]:
    woken: queue.Queue[float] = queue.Queue()
    assert source.watch(lambda: woken.put(time.monotonic()), source.timeout)
    return woken


def context_switches(thread_id: int) -> int:
    text = Path(f"/proc/self/task/{thread_id}/status").read_text()
    return sum(int(line.split()[1]) for line in text.splitlines() if "ctxt_switches" in line)


def settled_switches(thread_id: int) -> int:
    """The reader's switch count once it is back asleep in recv(): the callback that woke us
    runs on the reader, which still has to return to its loop after we see the event."""
    last = context_switches(thread_id)
    deadline = time.monotonic() + 2
    while time.monotonic() < deadline:
        time.sleep(0.1)
        state = Path(f"/proc/self/task/{thread_id}/stat").read_text().rpartition(")")[2].split()[0]
        now = context_switches(thread_id)
        if state == "S" and now == last:
            return now
        last = now
    raise AssertionError(f"the reader thread did not settle (state {state}, {now} switches)")


def test_idle_after_the_timeout_and_back_at_once_on_a_key(sway: SwaySession, socket_path: str):
    press_a_key(sway)  # earlier tests' idle state must not leak into this one
    began = time.monotonic()
    source = open_wayland_source(socket_path, timeout=TIMEOUT)
    connect_ms = (time.monotonic() - began) * 1000
    try:
        assert source.protocol in (EXT_IDLE, KDE_IDLE)
        assert connect_ms < 500, f"connecting took {connect_ms:.0f} ms"
        woken = changes(source)
        assert source.sample().idle_seconds == 0.0
        idle_at = woken.get(timeout=TIMEOUT + 3)
        assert idle_at - began >= TIMEOUT - 0.1
        assert source.sample().idle_seconds >= TIMEOUT

        # Waiting while idle: the reader thread stays blocked, no wake-up at all.
        assert source.thread_id is not None
        wakeups, switches = source.wakeups, settled_switches(source.thread_id)
        with pytest.raises(queue.Empty):
            woken.get(timeout=1.5)
        assert (source.wakeups, context_switches(source.thread_id)) == (wakeups, switches)
        assert source.sample().idle_seconds >= TIMEOUT + 1.5

        pressed = time.monotonic()
        press_a_key(sway)
        back_at = woken.get(timeout=2)
        assert back_at - pressed < 1.0  # wtype's own start-up is most of it
        assert source.sample().idle_seconds == 0.0
    finally:
        source.close()


def _interface(name: str, requests: str = "", events: str = "") -> Interface:
    """From "name:sig name:sig" lists, as wayland_wire describes its own."""

    def table(spec: str) -> tuple[tuple[str, str], ...]:
        return tuple((item.partition(":")[0], item.partition(":")[2]) for item in spec.split())

    return Interface(name, table(requests), table(events))


# What a client needs beyond the idle interfaces to put a window on screen: an xdg-shell
# toplevel showing a shared-memory buffer. Version 1 of each; wl_shm.create_pool's fd travels
# beside the bytes (SCM_RIGHTS), so its signature here leaves it out.
WINDOW_INTERFACES: dict[str, Interface] = {
    i.name: i
    for i in (
        _interface("wl_compositor", "create_surface:n create_region:n"),
        _interface(
            "wl_surface",
            "destroy: attach:?oii damage:iiii frame:n set_opaque_region:?o "
            "set_input_region:?o commit:",
            "enter:o leave:o",
        ),
        _interface("wl_shm", "create_pool:ni", "format:u"),
        _interface("wl_shm_pool", "create_buffer:niiiiu destroy: resize:i"),
        _interface("wl_buffer", "destroy:", "release:"),
        _interface(
            "xdg_wm_base", "destroy: create_positioner:n get_xdg_surface:no pong:u", "ping:u"
        ),
        _interface(
            "xdg_surface",
            "destroy: get_toplevel:n get_popup:n?oo set_window_geometry:iiii ack_configure:u",
            "configure:u",
        ),
        _interface("xdg_toplevel", "destroy: set_parent:?o set_title:s", "configure:iia close:"),
    )
}
XRGB8888 = 1  # wl_shm's format every compositor supports
SIDE = 64  # pixels: the window's buffer is SIDE x SIDE


class Inhibitor:
    """A minimal client holding zwp_idle_inhibit_manager_v1's inhibitor on a window it shows,
    as a video player does.

    The protocol honours an inhibitor only while its surface is visible ("destroyed, unmapped,
    occluded ... will not be honored"): sway up to 1.10 also counted a bare surface with no
    role, sway 1.11 and later do not. So the surface is a mapped xdg toplevel with a buffer."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(path)
        self.ids: dict[int, Interface] = {DISPLAY_ID: INTERFACES["wl_display"]}
        self.buffer = MessageBuffer()
        self.configured: int | None = None  # the serial of xdg_surface.configure, unacked
        registry = self.new("wl_registry")
        globals_ = self._roundtrip(self.request(DISPLAY_ID, "get_registry", registry))

        names = ("wl_compositor", "wl_shm", "xdg_wm_base", "zwp_idle_inhibit_manager_v1")
        lacking = [name for name in names if name not in globals_]
        if lacking:
            raise RigError(f"inhibitor client: the compositor lacks {', '.join(lacking)}")
        compositor, shm, wm_base, manager = bound = [self.new(name) for name in names]
        binds = b"".join(
            self.request(registry, "bind", globals_[name], name, 1, object_id)
            for name, object_id in zip(names, bound, strict=True)
        )
        surface, xdg_surface, toplevel = (
            self.new("wl_surface"), self.new("xdg_surface"), self.new("xdg_toplevel")
        )  # fmt: skip
        self.wm_base = wm_base
        # A toplevel is shown after its first configure is acked and a buffer committed.
        self._roundtrip(
            binds
            + self.request(compositor, "create_surface", surface)
            + self.request(wm_base, "get_xdg_surface", xdg_surface, surface)
            + self.request(xdg_surface, "get_toplevel", toplevel)
            + self.request(toplevel, "set_title", "standup test: a video playing")
            + self.request(surface, "commit")
        )
        while self.configured is None:
            self._read()
        size = SIDE * SIDE * 4
        memory = os.memfd_create("standup-inhibitor")
        try:
            os.ftruncate(memory, size)
            pool = self.new("wl_shm_pool")
            socket.send_fds(self.sock, [self.request(shm, "create_pool", pool, size)], [memory])
        finally:
            os.close(memory)
        buffer = self.new("wl_buffer")
        self.inhibitor = self.new("zwp_idle_inhibitor_v1")
        self._roundtrip(
            self.request(xdg_surface, "ack_configure", self.configured)
            + self.request(pool, "create_buffer", buffer, 0, SIDE, SIDE, SIDE * 4, XRGB8888)
            + self.request(surface, "attach", buffer, 0, 0)
            + self.request(surface, "damage", 0, 0, SIDE, SIDE)
            + self.request(surface, "commit")
            + self.request(manager, "create_inhibitor", self.inhibitor, surface)
        )

    def new(self, interface: str) -> int:
        object_id = max(self.ids) + 1
        self.ids[object_id] = WINDOW_INTERFACES.get(interface) or INTERFACES[interface]
        return object_id

    def request(self, object_id: int, name: str, *args: Arg) -> bytes:
        opcode, signature = self.ids[object_id].request(name)
        return pack_message(object_id, opcode, signature, args)

    def _read(self) -> list[tuple[int, str, tuple[Arg, ...]]]:
        """Read what came, answer pings and note configures; the events as (id, name, args)."""
        data = self.sock.recv(4096)
        if not data:
            raise RigError("inhibitor client: the compositor closed the connection")
        events = []
        for message in self.buffer.feed(data):
            known = self.ids.get(message.object_id)
            if known is None or message.opcode >= len(known.events):
                continue  # an event this client has no use for (a newer version's)
            name, signature = known.events[message.opcode]
            args = unpack_args(signature, message.payload)
            if name == "error":
                raise RigError(f"inhibitor client: protocol error {args}")
            if name == "ping":
                self.sock.sendall(self.request(self.wm_base, "pong", args[0]))
            if known.name == "xdg_surface" and name == "configure":
                self.configured = int(args[0])  # type: ignore[arg-type]
            events.append((message.object_id, name, args))
        return events

    def _roundtrip(self, request: bytes) -> dict[str, int]:
        callback = self.new("wl_callback")
        self.sock.sendall(request + self.request(DISPLAY_ID, "sync", callback))
        found: dict[str, int] = {}
        while True:
            for object_id, name, args in self._read():
                if name == "global":
                    found.setdefault(str(args[1]), int(args[0]))  # type: ignore[arg-type]
                if object_id == callback:
                    return found

    def release(self) -> None:
        """The video stops; its window stays on screen."""
        self._roundtrip(self.request(self.inhibitor, "destroy"))

    def close(self) -> None:
        self.sock.close()


def test_an_idle_inhibitor_keeps_the_time_counting_as_sitting(
    sway: SwaySession, socket_path: str
) -> None:
    press_a_key(sway)
    source = open_wayland_source(socket_path, timeout=TIMEOUT)
    inhibitor = Inhibitor(socket_path)
    try:
        woken = changes(source)
        with pytest.raises(queue.Empty):  # a video playing: no "idle", however long
            woken.get(timeout=TIMEOUT * 2)
        assert source.sample().idle_seconds == 0.0
        released = time.monotonic()
        inhibitor.release()
        idle_at = woken.get(timeout=TIMEOUT + 3)  # counted from the release, not before
        assert idle_at - released >= TIMEOUT - 0.1
        assert source.sample().idle_seconds >= TIMEOUT
    finally:
        inhibitor.close()
        source.close()


def test_a_compositor_that_goes_away_fails_the_source(sway: SwaySession) -> None:
    session = new_session()  # one of its own, to stop
    try:
        session.start()
        source = open_wayland_source(str(session.runtime_dir / session.wayland_display))
        woken = changes(source)
    finally:
        end(session)
    try:
        woken.get(timeout=5)
        with pytest.raises(IdleError, match=r"closed the connection|connection failed"):
            source.sample()
    finally:
        source.close()


@pytest.fixture
def daemon_env(sway: SwaySession, socket_path: str, xdg_dirs) -> dict[str, str]:
    env = {
        **os.environ,
        # An absolute WAYLAND_DISPLAY (libwayland's rule) keeps the daemon's control socket in
        # the test's own runtime dir rather than the rig user's.
        "WAYLAND_DISPLAY": socket_path,
        "XDG_RUNTIME_DIR": str(xdg_dirs.runtime_dir),
        "XDG_SESSION_TYPE": "wayland",
        "XDG_CURRENT_DESKTOP": "sway",
        "STANDUP_IDLE__SOURCE": "wayland",
        "STANDUP_SCHEDULE__SIT": "1h",
        "STANDUP_SCHEDULE__NATURAL_BREAK": "6s",
        "STANDUP_NOTIFICATIONS__BACKEND": "log",
    }
    env.pop("DISPLAY", None)
    return env


def test_the_daemon_goes_away_without_input_and_is_back_on_a_key(
    sway: SwaySession, daemon_env: dict[str, str], socket_path: str
) -> None:
    press_a_key(sway)
    began = time.monotonic()
    proc = start_standup(daemon_env)
    try:
        info = status(daemon_env)
        assert info is not None
        assert info["idle_source"] == "wayland", info["idle_reason"]
        assert socket_path in info["idle_reason"]
        assert info["state"] == "sitting"

        def state(name: str) -> dict | None:
            info = status(daemon_env)
            return info if info and info["state"] == name else None

        away = wait_until(lambda: state("away"), timeout=15, interval=0.2)
        assert time.monotonic() - began >= 6 - 0.5  # not before the natural break
        assert away["away_since"] is not None
        pressed = time.monotonic()
        press_a_key(sway)
        wait_until(lambda: state("sitting"), timeout=5, interval=0.1)
        # At once: the daemon takes the compositor's push instead of sampling (every 2 s here).
        assert time.monotonic() - pressed < 1.5
    finally:
        code, log = stop_standup(proc)
    assert code == 0, log
    assert "Traceback" not in log


def test_auto_picks_the_compositor_and_falls_back_when_it_goes_away(
    daemon_env: dict[str, str],
) -> None:
    session = new_session()  # one of its own, to stop under the daemon
    try:
        session.start()
        env = {**daemon_env, "STANDUP_IDLE__SOURCE": "auto"}
        env["WAYLAND_DISPLAY"] = str(session.runtime_dir / session.wayland_display)
        proc = start_standup(env)
        try:
            info = status(env)
            assert info is not None and info["idle_source"] == "wayland", info
            end(session)
            info = wait_until(
                lambda: (i := status(env)) and i["idle_source"] != "wayland" and i,
                timeout=10,
                interval=0.2,
            )
            # Gone, or still going when the source was reopened: either way it says why.
            reason = info["idle_reason"]
            gone = ("wayland: cannot connect", "wayland: no answer", "the compositor closed")
            assert any(why in reason for why in gone), reason
            assert "[Errno" not in reason, reason
        finally:
            code, log = stop_standup(proc)
    finally:
        end(session)
    assert code == 0, log
    assert "Traceback" not in log
    assert log.count("stopped answering") == 1, log
