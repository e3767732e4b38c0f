"""The scheduler that notices a stepped wall clock, and the kernel's notice of a clock set."""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time

import pytest

from standup.daemon import clock as daemon_clock
from standup.daemon.clock import StepAwareScheduler, open_clock_watch

from rig import wait_until


class Offsets:
    def __init__(self) -> None:
        self.value = 1_000.0

    def __call__(self) -> float:
        return self.value


@pytest.fixture
def offsets(monkeypatch: pytest.MonkeyPatch) -> Offsets:
    fake = Offsets()
    monkeypatch.setattr(daemon_clock, "clock_offset", fake)
    return fake


def test_a_wake_up_after_a_step_calls_on_step_once(offsets: Offsets) -> None:
    steps: list[float] = []
    scheduler = StepAwareScheduler(on_step=lambda: steps.append(offsets.value))
    scheduler._process_jobs()
    assert steps == []  # nothing moved
    offsets.value -= 3600  # set back an hour
    scheduler._process_jobs()
    scheduler._process_jobs()
    assert len(steps) == 1  # once, not at every later wake-up
    offsets.value += 0.5  # drift and scheduling noise are no step
    scheduler._process_jobs()
    assert len(steps) == 1
    offsets.value += 86400  # forward a day
    scheduler._process_jobs()
    assert len(steps) == 2


def test_a_failing_hook_does_not_stop_planning(offsets: Offsets) -> None:
    def boom() -> None:
        raise RuntimeError("hook")

    scheduler = StepAwareScheduler(on_step=boom)
    offsets.value += 60
    assert scheduler._process_jobs() is None  # no jobs: no wake-up planned, and no exception


def _set_clock_to_now() -> None:
    """A real clock set that moves the clock by nothing: the kernel's notice all the same."""
    libc = ctypes.CDLL("libc.so.6", use_errno=True)

    class Timespec(ctypes.Structure):
        _fields_ = [("tv_sec", ctypes.c_long), ("tv_nsec", ctypes.c_long)]

    now = time.time_ns()
    spec = Timespec(now // 1_000_000_000, now % 1_000_000_000)
    if libc.clock_settime(0, ctypes.byref(spec)) != 0:
        raise PermissionError(ctypes.get_errno(), "clock_settime")


def _first_clock_set() -> None:
    """Set the clock, or skip where that is not allowed (never in CI, which runs as root)."""
    try:
        _set_clock_to_now()
    except PermissionError:
        if os.environ.get("CI"):
            pytest.fail("CI runs as root and must be able to set the clock", pytrace=False)
        pytest.skip("setting the clock needs CAP_SYS_TIME")


@pytest.mark.skipif(sys.platform != "linux", reason="timerfd is Linux's")
def test_the_kernel_tells_the_watch_when_the_clock_is_set() -> None:
    seen = threading.Event()
    watch = open_clock_watch(seen.set)
    assert watch is not None
    try:
        assert not seen.wait(0.2)  # nothing happens while nobody sets the clock
        _first_clock_set()
        assert seen.wait(5)
        seen.clear()
        _set_clock_to_now()  # re-armed: the next set is seen too
        assert seen.wait(5)
    finally:
        watch.close()


@pytest.mark.skipif(sys.platform != "linux", reason="timerfd is Linux's")
def test_a_clock_set_twice_in_a_row_leaves_the_watch_watching() -> None:
    """The second set lands between the watch's read and its re-arm (the hook itself sets the
    clock), so the re-arm answers ECANCELED: the timer is armed all the same, the second set is
    reported, and a third, later set is seen too."""
    sets: list[int] = []
    third = threading.Event()

    def on_set() -> None:
        sets.append(len(sets))
        if len(sets) == 1:
            _set_clock_to_now()  # the clock set again before the watch re-arms
        elif len(sets) >= 3:
            third.set()

    watch = open_clock_watch(on_set)
    assert watch is not None
    try:
        _first_clock_set()
        wait_until(lambda: len(sets) >= 2, timeout=5)
        assert watch.watching
        _set_clock_to_now()
        assert third.wait(5), f"the watch saw {len(sets)} sets, then no more"
    finally:
        watch.close()
