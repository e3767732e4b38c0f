"""ClockWatch arithmetic with injected clocks: sleep, wall steps, noise."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta

import pytest

from standup.idle.clocks import ClockChange, ClockWatch, sleep_seconds

T0 = datetime(2025, 3, 3, 9, 0)


class Clocks:
    def __init__(self) -> None:
        self.real = 1000.0  # boottime-like: runs through suspend
        self.asleep: float | None = 5.0  # boottime - monotonic

    def watch(self) -> ClockWatch:
        return ClockWatch(T0, real=lambda: self.real, sleep=lambda: self.asleep)


def test_nothing_happened() -> None:
    c = Clocks()
    w = c.watch()
    c.real += 60
    assert w.check(T0 + timedelta(seconds=60)) == ClockChange(timedelta(0), timedelta(0))
    assert not w.check(T0 + timedelta(seconds=60)).any


def test_suspend_shows_as_slept_not_as_a_step() -> None:
    c = Clocks()
    w = c.watch()
    c.real += 3600 + 30  # an hour asleep, 30 s awake
    c.asleep = 5.0 + 3600
    change = w.check(T0 + timedelta(seconds=3630))
    assert change == ClockChange(slept=timedelta(hours=1), stepped=timedelta(0))


def test_wall_clock_set_forward_and_back() -> None:
    c = Clocks()
    w = c.watch()
    c.real += 10
    assert w.check(T0 + timedelta(minutes=5, seconds=10)).stepped == timedelta(minutes=5)
    c.real += 10
    back = w.check(T0 + timedelta(seconds=20))
    assert back.stepped == timedelta(minutes=-5) and back.slept == timedelta(0)


def test_small_differences_are_noise() -> None:
    c = Clocks()
    w = c.watch()
    c.real += 10
    c.asleep = 6.0
    assert w.check(T0 + timedelta(seconds=11.5)) == ClockChange(timedelta(0), timedelta(0))


def test_each_check_starts_from_the_previous_one() -> None:
    c = Clocks()
    w = c.watch()
    c.real += 100
    c.asleep = 95.0
    assert w.check(T0 + timedelta(seconds=100)).slept == timedelta(seconds=90)
    c.real += 100
    assert w.check(T0 + timedelta(seconds=200)).slept == timedelta(0)


def test_no_sleep_clock_reports_sleep_as_a_step() -> None:
    c = Clocks()
    c.asleep = None
    w = c.watch()
    c.real += 10  # monotonic without sleep: an hour asleep looks like 10 s elapsed
    assert w.check(T0 + timedelta(hours=1, seconds=10)) == ClockChange(
        timedelta(0), timedelta(hours=1)
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="CLOCK_BOOTTIME is Linux")
def test_sleep_seconds_is_a_small_non_negative_number_here() -> None:
    value = sleep_seconds()
    assert value is not None and value >= -0.01
