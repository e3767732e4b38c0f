"""Waits the wall clock cannot stretch: APScheduler plans on the wall clock, we correct it.

APScheduler 3 turns each job's wall-clock time into a wait on the monotonic clock. When the
wall clock is set back an hour during that wait, the job comes an hour late, and so would every
job planned the same way. Two things put that right, at no cost while nothing changes:

- `StepAwareScheduler` compares the wall clock with the monotonic one at every wake-up of the
  scheduler thread; when they have parted (a step, or a suspend), it calls `on_step`, which
  feeds the core its ClockStepped event and re-plans at once.
- `ClockSetWatch` (Linux) blocks on a timerfd armed with TFD_TIMER_CANCEL_ON_SET, which the
  kernel wakes exactly when someone sets the clock, so a step is seen even between wake-ups.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import logging
import os
import select
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

log = logging.getLogger("standup")

STEP_SECONDS = 1.0  # wall and monotonic clocks drifting apart by more than this: a step


def clock_offset() -> float:
    """Wall clock minus a clock that never jumps: constant until the wall clock is set."""
    real = time.clock_gettime(time.CLOCK_BOOTTIME) if sys.platform == "linux" else time.monotonic()
    return time.time() - real


class StepAwareScheduler(BackgroundScheduler):
    """A BackgroundScheduler that says when the wall clock moved under its waits."""

    def __init__(self, *args: Any, on_step: Callable[[], None], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._on_step = on_step
        self._offset = clock_offset()

    def _process_jobs(self) -> float | None:
        offset = clock_offset()
        if abs(offset - self._offset) > STEP_SECONDS:
            self._offset = offset
            try:
                self._on_step()  # hands the work to the worker; the job it adds wakes us
            except Exception:  # planning must go on whatever the hook does
                log.exception("handling a clock step failed")
        return super()._process_jobs()


# -- the kernel's notice of a clock set (Linux) -------------------------------------------------

_CLOCK_REALTIME = 0
_TFD_CLOEXEC = 0o2000000
_TFD_NONBLOCK = 0o4000
_TFD_TIMER_ABSTIME = 1
_TFD_TIMER_CANCEL_ON_SET = 2
# Sets in a row reported from one wake-up before the watch waits again.
_MAX_RACING_SETS = 8


class _Timespec(ctypes.Structure):
    _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]


class _Itimerspec(ctypes.Structure):
    _fields_ = [("it_interval", _Timespec), ("it_value", _Timespec)]


def _libc() -> Any:
    return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


class ClockSetWatch:
    """Calls `on_set` from its own thread whenever the system clock is set. Linux only."""

    def __init__(self, on_set: Callable[[], None]) -> None:
        self._on_set = on_set
        self._libc = _libc()
        fd = self._libc.timerfd_create(_CLOCK_REALTIME, _TFD_CLOEXEC | _TFD_NONBLOCK)
        if fd < 0:
            raise OSError(ctypes.get_errno(), "timerfd_create failed")
        self._fd = fd
        self._stop_r, self._stop_w = os.pipe()
        self._arm()  # a set before the first read is of no interest
        self._thread = threading.Thread(target=self._run, name="standup-clock", daemon=True)
        self._thread.start()

    def _arm(self) -> bool:
        """Arm the timer; True when the clock was set again since the last read.

        timerfd_settime answers ECANCELED when the clock was set between our read and this
        re-arm; the timer is armed all the same, and that set is news to report."""
        # A timer at the far end of time that never fires; only a clock set cancels it.
        spec = _Itimerspec(_Timespec(0, 0), _Timespec(2**31 - 1, 0))
        flags = _TFD_TIMER_ABSTIME | _TFD_TIMER_CANCEL_ON_SET
        if self._libc.timerfd_settime(self._fd, flags, ctypes.byref(spec), None) < 0:
            code = ctypes.get_errno()
            if code == errno.ECANCELED:
                return True
            raise OSError(code, "timerfd_settime failed")
        return False

    @property
    def watching(self) -> bool:
        """Whether the watch still waits for the next clock set."""
        return self._thread.is_alive()

    def _run(self) -> None:
        while True:
            ready, _, _ = select.select([self._fd, self._stop_r], [], [])
            if self._stop_r in ready:
                return
            try:
                os.read(self._fd, 8)
            except BlockingIOError:
                continue
            except OSError as error:
                if error.errno != errno.ECANCELED:
                    log.warning("clock watch stopped: %s", error)
                    return
                if not self._report_sets():
                    return

    def _report_sets(self) -> bool:
        """Tell `on_set`, re-arm, and tell again for each set that raced the re-arm.

        False when the timer could not be armed (the watch then stops, said in the log)."""
        for _ in range(_MAX_RACING_SETS):
            try:
                self._on_set()
            except Exception:
                log.exception("handling a clock set failed")
            try:
                if not self._arm():
                    return True
            except OSError as error:
                log.warning("clock watch stopped: %s", error)
                return False
        return True  # a clock set without pause: still armed, the next read tells the rest

    def close(self) -> None:
        os.write(self._stop_w, b"x")
        self._thread.join(timeout=2)
        for fd in (self._fd, self._stop_r, self._stop_w):
            os.close(fd)


def open_clock_watch(on_set: Callable[[], None]) -> ClockSetWatch | None:
    """The kernel's notice of clock sets where there is one; None elsewhere (logged)."""
    if sys.platform != "linux":
        return None
    try:
        return ClockSetWatch(on_set)
    except (OSError, AttributeError) as error:
        log.debug("no notice of clock sets: %s", error)
        return None


class MonotonicWatchdog:
    """WATCHDOG=1 every `interval` seconds of real time, sent only once the worker has run a
    no-op job: a hung worker stops the pings, a stepped wall clock does not."""

    def __init__(self, interval: float, ping_worker: Callable[[float], bool]) -> None:
        self._interval = interval
        self._ping_worker = ping_worker
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="standup-watchdog", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(self._interval):  # Event.wait runs on the monotonic clock
            self._ping_worker(self._interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout=2)
