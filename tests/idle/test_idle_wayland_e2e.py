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
from standup.idle.wayland_wire import DISPLAY_ID, MessageBuffer, Objects

from rig import RigError, standup_status as status, start_standup, stop_standup, wait_until

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
        reason = f"sway rig binaries missing: {', '.join(missing)} (packages sway, wtype)"
        if os.environ.get("CI"):  # as conftest's _rig_unavailable: CI must run these
            pytest.fail(f"{reason} (CI is set: end-to-end tests must run)", pytrace=False)
        pytest.skip(reason)
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
    assert source.watch(lambda: woken.put(time.monotonic()))
    return woken


def context_switches(thread_id: int) -> int:
    text = Path(f"/proc/self/task/{thread_id}/status").read_text()
    return sum(int(line.split()[1]) for line in text.splitlines() if "ctxt_switches" in line)


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
        wakeups, switches = source.wakeups, context_switches(source.thread_id)
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


class Inhibitor:
    """A minimal client holding zwp_idle_inhibit_manager_v1's inhibitor on a bare surface.

    sway counts an inhibitor whose surface belongs to no view as visible, so no buffer (and no
    shared-memory fd) is needed."""

    def __init__(self, path: str) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(5)
        self.sock.connect(path)
        self.objects = Objects()
        self.buffer = MessageBuffer()
        registry = self.objects.new("wl_registry")
        globals_ = self._roundtrip(self.objects.request(DISPLAY_ID, "get_registry", registry))
        compositor = self.objects.new("wl_compositor")
        manager = self.objects.new("zwp_idle_inhibit_manager_v1")
        surface = self.objects.new("wl_surface")
        self.inhibitor = self.objects.new("zwp_idle_inhibitor_v1")
        self._roundtrip(
            self.objects.request(registry, "bind", globals_["wl_compositor"], "wl_compositor",
                                 1, compositor)
            + self.objects.request(registry, "bind", globals_["zwp_idle_inhibit_manager_v1"],
                                   "zwp_idle_inhibit_manager_v1", 1, manager)
            + self.objects.request(compositor, "create_surface", surface)
            + self.objects.request(manager, "create_inhibitor", self.inhibitor, surface)
        )  # fmt: skip

    def _roundtrip(self, request: bytes) -> dict[str, int]:
        callback = self.objects.new("wl_callback")
        self.sock.sendall(request + self.objects.request(DISPLAY_ID, "sync", callback))
        found: dict[str, int] = {}
        while True:
            for message in self.buffer.feed(self.sock.recv(4096)):
                event = self.objects.decode(message)
                if event is None:
                    continue
                if event.name == "error":
                    raise RigError(f"inhibitor client: protocol error {event.args}")
                if event.name == "global":
                    found.setdefault(str(event.args[1]), int(event.args[0]))  # type: ignore[arg-type]
                if event.object_id == callback:
                    return found

    def release(self) -> None:
        self._roundtrip(self.objects.request(self.inhibitor, "destroy"))

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
