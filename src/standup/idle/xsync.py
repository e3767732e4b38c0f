"""X11 idle pushed by the X server: alarms on the SYNC extension's IDLETIME counter.

IDLETIME counts the milliseconds since the last input. Two alarms on it stand in for sampling:
one fires when it rises to the natural break ("idle"), the other, armed then, when it falls
back below it ("back", the next input; input that came while it was being armed is seen by
reading the counter once it is). After firing, an alarm with no delta goes
inactive; changing it arms it again. A thread blocks on the connection (and a pipe that stops
it), so waiting costs no wake-ups. The alarms live on a connection of their own: the thread is
the only one reading its events.

An idle alarm armed while the counter is already past its value does not fire, so the counter
is read at the start and, for a user already away, the "back" alarm is armed at once.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import os
import select
import threading
from collections.abc import Callable
from typing import Any

from .base import IdleError
from .xlib import XDisplay, XlibError

logger = logging.getLogger("standup.idle")

XID = ctypes.c_ulong
_ALARM_NOTIFY = 1  # XSyncAlarmNotify, added to the extension's event base
_POSITIVE_COMPARISON, _NEGATIVE_COMPARISON = 2, 3  # XSyncTestType
_ABSOLUTE = 0  # XSyncValueType
# XSyncCA*: which attributes a create or change sets.
_CA_COUNTER, _CA_VALUE_TYPE, _CA_VALUE, _CA_TEST_TYPE, _CA_DELTA, _CA_EVENTS = (
    1 << n for n in range(6)
)
_CREATE = _CA_COUNTER | _CA_VALUE_TYPE | _CA_VALUE | _CA_TEST_TYPE | _CA_DELTA | _CA_EVENTS
_CHANGE = _CA_VALUE | _CA_TEST_TYPE  # a change also makes a spent alarm active again


class SyncValue(ctypes.Structure):
    _fields_ = [("hi", ctypes.c_int), ("lo", ctypes.c_uint)]

    @classmethod
    def of(cls, value: int) -> SyncValue:
        return cls(value >> 32, value & 0xFFFFFFFF)

    def __int__(self) -> int:
        return int(self.hi << 32) | int(self.lo)


class _Trigger(ctypes.Structure):
    _fields_ = [
        ("counter", XID),
        ("value_type", ctypes.c_int),
        ("wait_value", SyncValue),
        ("test_type", ctypes.c_int),
    ]


class _AlarmAttributes(ctypes.Structure):
    _fields_ = [
        ("trigger", _Trigger),
        ("delta", SyncValue),
        ("events", ctypes.c_int),
        ("state", ctypes.c_int),
    ]


class _SystemCounter(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("counter", XID), ("resolution", SyncValue)]


class _AlarmNotify(ctypes.Structure):
    _fields_ = [
        ("type", ctypes.c_int),
        ("serial", ctypes.c_ulong),
        ("send_event", ctypes.c_int),
        ("display", ctypes.c_void_p),
        ("alarm", XID),
        ("counter_value", SyncValue),
        ("alarm_value", SyncValue),
        ("time", ctypes.c_ulong),
        ("state", ctypes.c_int),
    ]


class _Event(ctypes.Union):
    _fields_ = [("type", ctypes.c_int), ("alarm", _AlarmNotify), ("pad", ctypes.c_long * 24)]


def load_xext(xlib: Any) -> Any:
    """libXext's SYNC calls, and the few of libX11's that reading events needs."""
    try:
        lib = ctypes.CDLL("libXext.so.6")
    except OSError as exc:
        raise IdleError(f"libXext not found ({exc}); install libxext6") from exc
    ptr, out_int = ctypes.c_void_p, ctypes.POINTER(ctypes.c_int)
    attrs = ctypes.POINTER(_AlarmAttributes)
    sync_calls: tuple[tuple[str, list[Any], Any], ...] = (
        ("XSyncQueryExtension", [ptr, out_int, out_int], ctypes.c_int),
        ("XSyncInitialize", [ptr, out_int, out_int], ctypes.c_int),
        ("XSyncListSystemCounters", [ptr, out_int], ctypes.POINTER(_SystemCounter)),
        ("XSyncFreeSystemCounterList", [ctypes.POINTER(_SystemCounter)], None),
        ("XSyncQueryCounter", [ptr, XID, ctypes.POINTER(SyncValue)], ctypes.c_int),
        ("XSyncCreateAlarm", [ptr, ctypes.c_ulong, attrs], XID),
        ("XSyncChangeAlarm", [ptr, XID, ctypes.c_ulong, attrs], ctypes.c_int),
    )
    for name, args, result in sync_calls:
        function = getattr(lib, name)
        function.argtypes, function.restype = args, result
    event_calls: tuple[tuple[str, list[Any], Any], ...] = (
        ("XConnectionNumber", [ptr], ctypes.c_int),
        ("XPending", [ptr], ctypes.c_int),
        ("XNextEvent", [ptr, ctypes.POINTER(_Event)], ctypes.c_int),
        ("XFlush", [ptr], ctypes.c_int),
    )
    for name, args, result in event_calls:
        function = getattr(xlib, name)
        function.argtypes, function.restype = args, result
    return lib


class IdletimeWatch:
    """Calls `on_change` (on its own thread) when the user has been idle `idle_after` seconds
    and at their next input after that. Raises IdleError when the server cannot push."""

    def __init__(
        self,
        display: str,
        on_change: Callable[[], None],
        idle_after: float,
        load_xext: Callable[[Any], Any] = load_xext,
    ) -> None:
        try:
            self._display = XDisplay(display)
        except XlibError as exc:
            raise IdleError(str(exc)) from exc
        self._x = self._display.lib
        self._on_change = on_change
        self.error: str | None = None
        self.wakeups = 0  # times the thread woke; waiting means none
        self._closing = False
        self._lock = threading.Lock()  # guards _wanted_ms between the caller and the thread
        self._wanted_ms = self._idle_ms = _milliseconds(idle_after)
        self._back_alarm: int | None = None
        try:
            self._sync = load_xext(self._x)
            self._event_base = self._check_extension()
            self._counter = self._find_idletime()
            self._idle_alarm = self._alarm(None, self._idle_ms, _POSITIVE_COMPARISON)
            if self._read_counter() >= self._idle_ms:  # already away: that alarm cannot fire
                self._arm_back()
            self._x.XFlush(self._display.ptr)
            if self._display.dead:
                raise IdleError(f"lost the connection to X display {self._display.name}")
        except BaseException:
            self._display.close()
            raise
        self._wake_read, self._wake_write = os.pipe()
        os.set_blocking(self._wake_read, False)
        os.set_blocking(self._wake_write, False)
        self._thread = threading.Thread(target=self._run, name="standup-xsync", daemon=True)
        self._thread.start()

    # -- setting up (on the caller's thread, before the reader starts) --------------------------

    def _check_extension(self) -> int:
        event_base, error_base = ctypes.c_int(), ctypes.c_int()
        ptr, name = self._display.ptr, self._display.name
        if not self._sync.XSyncQueryExtension(
            ptr, ctypes.byref(event_base), ctypes.byref(error_base)
        ):
            raise IdleError(f"X display {name} has no SYNC extension")
        major, minor = ctypes.c_int(), ctypes.c_int()
        if not self._sync.XSyncInitialize(ptr, ctypes.byref(major), ctypes.byref(minor)):
            raise IdleError(f"X display {name}: SYNC did not initialise")
        return event_base.value

    def _find_idletime(self) -> int:
        count = ctypes.c_int()
        counters = self._sync.XSyncListSystemCounters(self._display.ptr, ctypes.byref(count))
        if not counters:
            raise IdleError(f"X display {self._display.name} lists no SYNC counters")
        try:
            for i in range(count.value):
                if counters[i].name == b"IDLETIME":
                    return int(counters[i].counter)
        finally:
            self._sync.XSyncFreeSystemCounterList(counters)
        raise IdleError(f"X display {self._display.name} has no IDLETIME counter")

    def _read_counter(self) -> int:
        value = SyncValue()
        if not self._sync.XSyncQueryCounter(self._display.ptr, self._counter, ctypes.byref(value)):
            raise IdleError(f"X display {self._display.name}: IDLETIME cannot be read")
        return int(value)

    def _alarm(self, alarm: int | None, value: int, test: int) -> int:
        """Create an alarm, or change (and so re-arm) `alarm`, to fire when the counter passes
        `value` upwards (positive) or falls below it (negative)."""
        attributes = _AlarmAttributes(
            trigger=_Trigger(self._counter, _ABSOLUTE, SyncValue.of(value), test),
            delta=SyncValue.of(0),
            events=1,
        )
        if alarm is None:
            created = self._sync.XSyncCreateAlarm(
                self._display.ptr, _CREATE, ctypes.byref(attributes)
            )
            if not created:
                raise IdleError(f"X display {self._display.name}: no SYNC alarm")
            return int(created)
        self._sync.XSyncChangeAlarm(self._display.ptr, alarm, _CHANGE, ctypes.byref(attributes))
        return alarm

    def _arm_back(self) -> bool:
        """The next input: the counter falls below the natural break. True when it has already
        (input came between the idle alarm and now): the alarm would wait for the next one."""
        below = max(self._idle_ms - 1, 1)
        self._back_alarm = self._alarm(self._back_alarm, below, _NEGATIVE_COMPARISON)
        return self._read_counter() < below

    # -- the reader thread -------------------------------------------------------------------

    def _run(self) -> None:
        connection = self._x.XConnectionNumber(self._display.ptr)
        waiting = False  # the first round handles what the set-up's round trips queued
        while True:
            if waiting:
                try:
                    select.select([connection, self._wake_read], [], [])
                except OSError as exc:
                    self._fail(f"waiting on the X connection failed: {exc}")
                    return
                self.wakeups += 1
            waiting = True
            if self._closing:
                return
            try:
                changed = self._drain()
            except IdleError as exc:
                self._fail(str(exc))
                return
            if changed:
                self._notify()

    def _drain(self) -> bool:
        """Handle what the server sent and what the caller asked; True when presence changed."""
        with contextlib.suppress(BlockingIOError):
            os.read(self._wake_read, 64)
        changed = False
        with self._lock:
            wanted = self._wanted_ms
        if wanted != self._idle_ms:
            self._idle_ms = wanted
            self._alarm(self._idle_alarm, wanted, _POSITIVE_COMPARISON)
        event = _Event()
        ptr = self._display.ptr
        while not self._display.dead and self._x.XPending(ptr) > 0:
            self._x.XNextEvent(ptr, ctypes.byref(event))
            if event.type != self._event_base + _ALARM_NOTIFY:
                continue
            if event.alarm.alarm == self._idle_alarm:
                if self._arm_back():  # back already: watch for leaving again
                    self._alarm(self._idle_alarm, self._idle_ms, _POSITIVE_COMPARISON)
                changed = True
            elif event.alarm.alarm == self._back_alarm:
                self._alarm(self._idle_alarm, self._idle_ms, _POSITIVE_COMPARISON)
                changed = True
        self._x.XFlush(ptr)
        if self._display.dead:
            raise IdleError(f"lost the connection to X display {self._display.name}")
        return changed

    def _fail(self, reason: str) -> None:
        if self._closing:
            return
        self.error = reason
        logger.debug("xsync: %s", reason)
        self._notify()  # so the daemon samples now, sees the error and opens a source again

    def _notify(self) -> None:
        try:
            self._on_change()
        except Exception:
            logger.exception("idle watch callback failed")

    # -- the caller's side ---------------------------------------------------------------------

    def set(self, on_change: Callable[[], None], idle_after: float) -> None:
        """A new callback or threshold; the thread moves the alarm."""
        self._on_change = on_change
        with self._lock:
            self._wanted_ms = _milliseconds(idle_after)
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"x")

    def close(self) -> None:
        self._closing = True
        with contextlib.suppress(OSError):
            os.write(self._wake_write, b"x")
        if self._thread is not threading.current_thread():
            self._thread.join(timeout=2.0)
        if self._thread.is_alive():  # stuck in Xlib: it keeps the display and pipe it uses
            return
        self._display.close()
        for fd in (self._wake_read, self._wake_write):
            os.close(fd)


def _milliseconds(seconds: float) -> int:
    return max(1, min(int(seconds * 1000), 2**62))
