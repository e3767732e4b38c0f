"""Wayland compositors (sway, Hyprland, niri, labwc, KWin, COSMIC...): idle pushed by the
compositor over its own socket, through ext-idle-notify-v1 or, where that is absent, KDE's
org_kde_kwin_idle (sway 1.7, wlroots up to 0.15).

Both protocols take a timeout and then send "idle" once that much time has passed without
input, and "resumed" at the next input. One thread blocks on the socket for them, so waiting
costs no wake-ups. Idle time is known only from the "idle" event on: timeout plus the time
since it came (monotonic); before it, 0. Both requests used here honour idle inhibitors (a
video playing, a presentation): while one is held the compositor does not count the time, so
sitting in front of a film still counts as sitting.

The wire format lives in `wayland_wire`; this module is the socket and the thread.
"""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Mapping
from pathlib import Path

from .base import IdleError, IdleSample
from .wayland_wire import DISPLAY_ID, Event, MessageBuffer, Objects, WireError

logger = logging.getLogger("standup.idle")

# Until watch() names the daemon's natural break, a short timeout keeps sample() within this
# many seconds of the truth for a caller that samples (doctor, a daemon that does not watch).
SAMPLE_TIMEOUT = 5.0
# The whole handshake, connect to the last sync, on the caller's thread (the daemon's start,
# its worker on a config change): a compositor that trickles or floods cannot hold it longer.
# Afterwards the socket blocks without a timer.
HANDSHAKE_DEADLINE = 2.0
# Globals a compositor may announce before it is taken as broken: sway 1.7 offers 38, a desk
# with many outputs a few more. Only the ones we use are kept.
MAX_GLOBALS = 1024
_MAX_TIMEOUT_MS = 2**32 - 1

# Preference order: the standard protocol first, KDE's older one where it is all there is.
EXT_IDLE = "ext_idle_notifier_v1"
KDE_IDLE = "org_kde_kwin_idle"
_WANTED_GLOBALS = ("wl_seat", EXT_IDLE, KDE_IDLE)


def socket_path(display: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """Where the compositor listens, by libwayland's rules: $WAYLAND_DISPLAY (default
    "wayland-0"), an absolute path as is, else under $XDG_RUNTIME_DIR."""
    env = os.environ if environ is None else environ
    name = display or env.get("WAYLAND_DISPLAY") or "wayland-0"
    if name.startswith("/"):
        return Path(name)
    base = env.get("XDG_RUNTIME_DIR")
    if not base:
        raise IdleError("wayland: XDG_RUNTIME_DIR is not set, so there is no Wayland socket")
    return Path(base) / name


def open_wayland_source(
    display: str | None = None,
    timeout: float = SAMPLE_TIMEOUT,
    *,
    deadline: float | None = None,
) -> WaylandSource:
    """Connect to the compositor and ask for idle notifications, all within `deadline`
    seconds (HANDSHAKE_DEADLINE); raises IdleError."""
    path = socket_path(display)
    deadline = HANDSHAKE_DEADLINE if deadline is None else deadline
    started = time.monotonic()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
    sock.settimeout(deadline)
    try:
        sock.connect(str(path))
    except OSError as exc:
        sock.close()
        why = exc.strerror or str(exc) or "timed out"
        raise IdleError(f"wayland: cannot connect to {path}: {why}") from None
    return WaylandSource(sock, timeout, path=str(path), deadline=deadline, started=started)


class WaylandSource:
    name = "wayland"

    def __init__(
        self,
        sock: socket.socket,
        timeout: float = SAMPLE_TIMEOUT,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        path: str = "",
        deadline: float | None = None,
        started: float | None = None,
    ) -> None:
        """Take over a connected socket: handshake, done or failed within `deadline` seconds
        (HANDSHAKE_DEADLINE) of `started` (now) on the real monotonic clock, then a thread
        that waits for events."""
        self._sock = sock
        self._monotonic = monotonic
        self._deadline = HANDSHAKE_DEADLINE if deadline is None else deadline
        self._handshake_ends = (time.monotonic() if started is None else started) + self._deadline
        self._handshaking = True
        self._announced = 0  # globals announced so far, kept or not
        self._objects = Objects()
        self._buffer = MessageBuffer()
        self._lock = threading.Lock()  # guards the state below and writes to the socket
        self._idle_at: float | None = None  # monotonic time of the last "idle" event
        self._error: str | None = None
        self._on_change: Callable[[], None] | None = None
        self._closing = False
        # interface -> (name, version), the first of each; only _WANTED_GLOBALS are kept
        self._globals: dict[str, tuple[int, int]] = {}
        self._synced: set[int] = set()
        self.path = path
        self.protocol = ""
        self.timeout = timeout
        self.events = 0  # idle/resumed events seen
        self.wakeups = 0  # times the thread woke from recv(); waiting means none
        self.thread_id: int | None = None  # the reader's native id, for tests that count switches
        self._registry = self._seat = self._notifier = self._notification = 0  # object ids
        try:
            self._handshake()
        except BaseException:
            sock.close()
            raise
        self._handshaking = False
        sock.settimeout(None)
        self._thread = threading.Thread(target=self._run, name="standup-wayland", daemon=True)
        self._thread.start()

    # -- handshake (on the caller's thread, within the deadline) --------------------------------

    def _handshake(self) -> None:
        self._registry = self._objects.new("wl_registry")
        self._roundtrip(self._objects.request(DISPLAY_ID, "get_registry", self._registry))
        if "wl_seat" not in self._globals:
            raise IdleError("wayland: the compositor offers no wl_seat")
        for protocol in (EXT_IDLE, KDE_IDLE):
            if protocol in self._globals:
                self.protocol = protocol
                break
        else:
            raise IdleError(
                "wayland: the compositor offers neither ext-idle-notify-v1 nor org_kde_kwin_idle"
            )
        self._seat = self._bind("wl_seat")
        self._notifier = self._bind(self.protocol)
        self._roundtrip(self._new_notification(self.timeout))
        logger.debug("wayland: %s on %s, timeout %g s", self.protocol, self.path, self.timeout)

    def _bind(self, interface: str) -> int:
        name, _version = self._globals[interface]
        object_id = self._objects.new(interface)
        # Version 1 of each is all we use; the compositor must accept any version it offers.
        request = self._objects.request(self._registry, "bind", name, interface, 1, object_id)
        self._sock.sendall(request)
        return object_id

    def _new_notification(self, timeout: float) -> bytes:
        """The request for a notification after `timeout` s; replaces self._notification."""
        ms = min(max(round(timeout * 1000), 1), _MAX_TIMEOUT_MS)
        if self.protocol == EXT_IDLE:
            self._notification = self._objects.new("ext_idle_notification_v1")
            # get_idle_notification, not get_input_idle_notification: the one that honours
            # idle inhibitors.
            return self._objects.request(
                self._notifier, "get_idle_notification", self._notification, ms, self._seat
            )
        self._notification = self._objects.new("org_kde_kwin_idle_timeout")
        return self._objects.request(
            self._notifier, "get_idle_timeout", self._notification, self._seat, ms
        )

    def _roundtrip(self, request: bytes) -> None:
        """Send `request` and a wl_display.sync; handle events until the sync is done."""
        callback = self._objects.new("wl_callback")
        try:
            self._sock.settimeout(self._time_left())
            self._sock.sendall(request + self._objects.request(DISPLAY_ID, "sync", callback))
        except TimeoutError:
            raise self._misbehaving(self._late()) from None
        except OSError as exc:  # a compositor that went away after the connect: EPIPE
            raise IdleError(
                f"wayland: the compositor closed the connection ({exc.strerror or exc})"
            ) from None
        while callback not in self._synced:
            if self._error is not None:
                raise self._misbehaving(self._error)
            try:
                # One deadline for the whole handshake, not one per read: a compositor that
                # sends a little now and then must not keep us here.
                self._sock.settimeout(self._time_left())
                data = self._sock.recv(4096)
            except TimeoutError:
                raise self._misbehaving(self._late()) from None
            except OSError as exc:
                why = exc.strerror or str(exc)
                raise IdleError(f"wayland: no answer from the compositor: {why}") from None
            if not data:
                raise IdleError("wayland: the compositor closed the connection")
            self._feed(data)
        if self._error is not None:  # an error in the same read as the sync's answer
            raise self._misbehaving(self._error)

    def _time_left(self) -> float:
        left = self._handshake_ends - time.monotonic()
        if left <= 0:
            raise TimeoutError
        return left

    def _late(self) -> str:
        return f"no answer from the compositor within {self._deadline:.3g} s"

    def _misbehaving(self, reason: str) -> IdleError:
        """A compositor that broke the handshake: said once, as a warning, by the source that
        saw it; the caller falls back to another source."""
        logger.warning("wayland: %s on %s; using another idle source", reason, self.path or "?")
        return IdleError(f"wayland: {reason}")

    # -- events ------------------------------------------------------------------------------

    def _feed(self, data: bytes) -> bool:
        """Handle what arrived; True when the idle state changed."""
        changed = False
        try:
            for message in self._buffer.feed(data):
                event = self._objects.decode(message)
                if event is not None:
                    changed |= self._handle(event)
                if self._error is not None:
                    break
        except WireError as exc:
            self._fail(f"garbled message from the compositor: {exc}")
            return True
        return changed

    def _handle(self, event: Event) -> bool:
        kind = (event.interface, event.name)
        if kind == ("wl_display", "error"):
            obj, code, message = (int(event.args[0] or 0), int(event.args[1] or 0), event.args[2])
            where = self._objects.interface(obj) or f"object {obj}"
            text = message if isinstance(message, str) else repr(message)  # "s" on the wire
            self._fail(f"protocol error {code} on {where}: {text}")
            return True
        if kind == ("wl_display", "delete_id"):
            gone = int(event.args[0] or 0)
            if gone in (self._registry, self._seat, self._notifier, self._notification):
                # Only what we destroyed may go (callbacks, an old notification).
                self._fail(f"the compositor deleted object {gone}, which is still in use")
                return True
            self._objects.forget(gone)
        elif kind == ("wl_callback", "done"):
            self._synced.add(event.object_id)
        elif kind == ("wl_registry", "global") and self._handshaking:
            # Globals matter only for the binds; later ones (an output plugged in) are let go.
            self._announced += 1
            if self._announced > MAX_GLOBALS:
                self._fail(f"the compositor announced more than {MAX_GLOBALS} globals")
                return True
            name, interface, version = event.args
            if interface in _WANTED_GLOBALS:
                self._globals.setdefault(str(interface), (int(name or 0), int(version or 0)))
        elif kind == ("wl_registry", "global_remove"):
            gone = int(event.args[0] or 0)
            for interface in ("wl_seat", self.protocol):
                if self._globals.get(interface, (0, 0))[0] == gone and self._notification:
                    self._fail(f"the compositor removed {interface}")
                    return True
        elif event.object_id == self._notification and event.name in ("idled", "idle"):
            with self._lock:
                self._idle_at = self._monotonic()
            self.events += 1
            return True
        elif event.object_id == self._notification and event.name == "resumed":
            with self._lock:
                self._idle_at = None
            self.events += 1
            return True
        return False

    def _fail(self, reason: str) -> None:
        with self._lock:
            if self._error is None:
                self._error = reason
                logger.debug("wayland: %s", reason)

    def _run(self) -> None:
        self.thread_id = threading.get_native_id()
        while True:
            try:
                data = self._sock.recv(4096)
            except OSError as exc:
                data = b""
                if not self._closing:
                    self._fail(f"the connection failed: {exc.strerror or exc}")
            self.wakeups += 1
            if self._closing:
                return
            if not data:
                self._fail("the compositor closed the connection")
                self._notify()  # so the daemon samples now, sees the error and falls back
                return
            if self._feed(data):
                self._notify()
            if self._error is not None:
                return

    def _notify(self) -> None:
        callback = self._on_change
        if callback is None:
            return
        try:
            callback()
        except Exception:
            logger.exception("idle watch callback failed")

    # -- the IdleSource interface ------------------------------------------------------------

    def sample(self) -> IdleSample:
        with self._lock:
            if self._error is not None:
                raise IdleError(f"wayland: {self._error}")
            idle_at, timeout = self._idle_at, self.timeout
        idle = 0.0 if idle_at is None else timeout + max(0.0, self._monotonic() - idle_at)
        # Lock state is not on this socket; inhibition is already applied by the compositor.
        return IdleSample(idle, locked=None, inhibited=None)

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        """Call `on_change` (on the reader thread) when the user has been idle `idle_after`
        seconds and when they come back. False once the connection is gone."""
        self._on_change = on_change
        if idle_after != self.timeout:
            self._rearm(idle_after)
        with self._lock:
            return self._error is None

    def _rearm(self, timeout: float) -> None:
        """A new notification with another timeout: what the old one knew is not carried over
        (the new one starts counting now, so it would not send "resumed" for it)."""
        with self._lock:
            if self._error is not None:
                return
            old = self._notification
            done = "destroy" if self.protocol == EXT_IDLE else "release"
            request = self._objects.request(old, done) + self._new_notification(timeout)
            self.timeout, self._idle_at = timeout, None
            try:
                self._sock.sendall(request)
            except OSError as exc:
                self._error = f"the connection failed: {exc.strerror or exc}"

    def close(self) -> None:
        self._closing = True
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)  # wakes the reader's recv()
        thread = getattr(self, "_thread", None)
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2.0)
        self._sock.close()
