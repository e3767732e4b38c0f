"""Suspend and wall-clock jumps, from the gap between clocks.

CLOCK_BOOTTIME keeps counting while the machine is suspended, CLOCK_MONOTONIC does not: their
difference grows by exactly the time spent asleep. The wall clock may also be stepped (NTP, the
user, a time zone change does not count: we compare UTC timestamps). Comparing each against real
elapsed time tells the two apart.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

STEP_THRESHOLD = timedelta(seconds=2)  # smaller differences are scheduling noise


def sleep_seconds() -> float | None:
    """Total seconds spent suspended since boot (Linux), or None where it cannot be known."""
    if not sys.platform.startswith("linux"):
        return None
    return time.clock_gettime(time.CLOCK_BOOTTIME) - time.clock_gettime(time.CLOCK_MONOTONIC)


def _real_elapsed() -> float:
    """A clock that keeps running through suspend where there is one."""
    if not sys.platform.startswith("linux"):
        # Whether this counts sleep depends on the platform (macOS: no). Where it does not, a
        # suspend shows up as a forward wall-clock step instead of as `slept`.
        return time.monotonic()
    return time.clock_gettime(time.CLOCK_BOOTTIME)


@dataclass(frozen=True)
class ClockChange:
    slept: timedelta  # time suspended since the last check
    stepped: timedelta  # wall-clock jump beyond real elapsed time (negative: set back)

    @property
    def any(self) -> bool:
        return bool(self.slept) or bool(self.stepped)


class ClockWatch:
    """Remembers the clocks at the last check and reports sleep and wall-clock steps since."""

    def __init__(
        self,
        now_wall: datetime,
        *,
        real: Callable[[], float] = _real_elapsed,
        sleep: Callable[[], float | None] = sleep_seconds,
        threshold: timedelta = STEP_THRESHOLD,
    ) -> None:
        self._real = real
        self._sleep = sleep
        self.threshold = threshold
        self._last = (now_wall, real(), sleep())

    def check(self, now_wall: datetime) -> ClockChange:
        """What happened since the previous check (or construction); then start over from now."""
        last_wall, last_real, last_sleep = self._last
        real, sleep = self._real(), self._sleep()
        self._last = (now_wall, real, sleep)

        slept = timedelta(0)
        if sleep is not None and last_sleep is not None:
            slept = timedelta(seconds=max(0.0, sleep - last_sleep))
        if slept < self.threshold:
            slept = timedelta(0)
        elapsed = timedelta(seconds=real - last_real)
        stepped = (now_wall - last_wall) - elapsed
        if abs(stepped) < self.threshold:
            stepped = timedelta(0)
        return ClockChange(slept=slept, stepped=stepped)
