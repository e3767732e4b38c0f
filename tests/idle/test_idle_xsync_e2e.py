"""X11 presence pushed by the server (SYNC's IDLETIME alarms), on a real Xvfb: leaving and
coming back are told within a second with no sampling, the alarms re-arm, a user already away
at the start is seen coming back, and a server without IDLETIME or one that dies costs a warning
and the fallback, never a hang."""

from __future__ import annotations

import ctypes
import logging
import os
import subprocess
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from standup.idle.base import IdleError
from standup.idle.x11 import X11Source
from standup.idle.xsync import load_xext

from rig import _kill_group, start_xvfb, wait_until

pytestmark = pytest.mark.e2e


class Pushes:
    """The moments (monotonic) the watch called back."""

    def __init__(self) -> None:
        self.times: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> None:
        with self._lock:
            self.times.append(time.monotonic())

    def count(self) -> int:
        with self._lock:
            return len(self.times)


@pytest.fixture
def xvfb() -> Iterator[str]:
    proc, display = start_xvfb("200x200x24")
    yield display
    _kill_group(proc)


def _input(display: str) -> float:
    """A real mouse move; returns when it was sent."""
    subprocess.run(["xdotool", "mousemove_relative", "1", "0"], check=True, timeout=10,
                   env={**os.environ, "DISPLAY": display})  # fmt: skip
    return time.monotonic()


def test_leaving_and_coming_back_are_pushed_and_the_alarms_rearm(xvfb: str) -> None:
    source = X11Source(xvfb)
    pushes = Pushes()
    try:
        start = _input(xvfb)
        assert source.watch(pushes, idle_after=1.0) is True
        for cycle in range(2):  # the second round proves both alarms armed themselves again
            wait_until(lambda n=2 * cycle + 1: pushes.count() >= n, timeout=5)
            left = pushes.times[-1]
            assert 0.9 <= left - start < 2.0  # told at the natural break, not a minute later
            assert source.sample().idle_seconds >= 0.9
            start = _input(xvfb)
            wait_until(lambda n=2 * cycle + 2: pushes.count() >= n, timeout=5)
            assert pushes.times[-1] - start < 1.0
            assert source.sample().idle_seconds < 1.0
            start = pushes.times[-1]
        watch = source._watch
        assert watch is not None
        assert watch.wakeups <= 6  # one per push, nothing in between
    finally:
        source.close()


def test_a_new_threshold_moves_the_idle_alarm(xvfb: str) -> None:
    source = X11Source(xvfb)
    pushes = Pushes()
    try:
        assert source.watch(pushes, idle_after=60.0)
        start = _input(xvfb)
        assert source.watch(pushes, idle_after=0.5)
        wait_until(lambda: pushes.count() >= 1, timeout=5)
        assert pushes.times[0] - start < 1.5
    finally:
        source.close()


def test_a_user_already_away_at_the_start_is_seen_coming_back(xvfb: str) -> None:
    _input(xvfb)
    time.sleep(0.7)  # real idle time on the server, past the threshold below
    source = X11Source(xvfb)
    pushes = Pushes()
    try:
        assert source.watch(pushes, idle_after=0.5)
        assert pushes.count() == 0
        moved = _input(xvfb)
        wait_until(lambda: pushes.count() >= 1, timeout=5)
        assert pushes.times[0] - moved < 1.0
    finally:
        source.close()


class _WithoutIdletime:
    """libXext as on a server whose SYNC lists no IDLETIME counter (Xvfb's SYNC cannot be
    turned off); every other call is the real library's."""

    def __init__(self, real: Any) -> None:
        self._real = real
        self._lists: dict[int, tuple[Any, Any]] = {}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)

    def XSyncListSystemCounters(self, display: int, count: Any) -> Any:
        real = self._real.XSyncListSystemCounters(display, count)
        n = count._obj.value
        copy = (type(real[0]) * n)(*(real[i] for i in range(n)))
        for item in copy:
            item.name = b"SERVERTIME"  # our copy only: the server's list is freed untouched
        self._lists[ctypes.addressof(copy)] = (real, copy)
        return copy

    def XSyncFreeSystemCounterList(self, counters: Any) -> None:
        real, _copy = self._lists.pop(ctypes.addressof(counters))
        self._real.XSyncFreeSystemCounterList(real)


def test_no_idletime_is_one_warning_and_sampling(
    xvfb: str, caplog: pytest.LogCaptureFixture
) -> None:
    source = X11Source(xvfb, load_xext=lambda xlib: _WithoutIdletime(load_xext(xlib)))
    try:
        with caplog.at_level(logging.WARNING, logger="standup.idle"):
            assert source.watch(Pushes(), idle_after=1.0) is False
        assert [r.getMessage() for r in caplog.records] == [
            f"X display {xvfb} has no IDLETIME counter: presence is sampled once a minute instead"
        ]
        _input(xvfb)
        assert source.sample().idle_seconds < 1.0  # sampling still answers
    finally:
        source.close()


def test_a_server_that_dies_is_pushed_as_a_change_and_an_idle_error() -> None:
    proc, display = start_xvfb("200x200x24")
    source = X11Source(display)
    pushes = Pushes()
    try:
        assert source.watch(pushes, idle_after=60.0)
        _kill_group(proc)
        wait_until(lambda: pushes.count() >= 1, timeout=5)  # the daemon is asked to look now
        with pytest.raises(IdleError, match="SYNC idle watch stopped"):
            source.sample()
        started = time.monotonic()
        source.close()
        assert time.monotonic() - started < 1.0
    finally:
        _kill_group(proc)
