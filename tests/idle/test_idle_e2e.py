"""Idle sources on the rig: X11 idle time grows and drops on input; auto picks X11 there."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from standup.idle import IdleError, open_idle_source
from standup.idle.x11 import X11Source

from rig import Rig, wait_until

pytestmark = pytest.mark.e2e


def test_x11_idle_grows_and_drops_after_input(rig: Rig) -> None:
    source = X11Source()
    try:
        rig.move_mouse()
        first = source.sample().idle_seconds
        wait_until(lambda: source.sample().idle_seconds >= first + 0.3, timeout=5)
        before = source.sample().idle_seconds
        rig.move_mouse()
        after = source.sample().idle_seconds
        assert after < before and after < 0.25
        assert source.sample().locked is None
    finally:
        source.close()


def test_auto_picks_x11_on_the_rig(rig: Rig, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CURRENT_DESKTOP", raising=False)
    monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
    # No logind here: make sure a missing system bus is quick and harmless.
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", "unix:path=/nonexistent/standup-test")
    start = time.monotonic()
    source, reason = open_idle_source()
    try:
        assert time.monotonic() - start < 2
        assert source.name == "x11"
        assert reason == f"x11: XScreenSaver extension on {rig.display} (XDG_SESSION_TYPE=x11)"
        assert source.sample().idle_seconds >= 0
    finally:
        source.close()


def test_x11_server_gone_is_an_idle_error_not_an_exit() -> None:
    """Xlib's default handler would exit the daemon; our source raises instead."""
    read_fd, write_fd = os.pipe()
    xvfb = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-nolisten", "tcp"],
        pass_fds=(write_fd,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            display = ":" + pipe.readline().strip()
        source = X11Source(display)
        assert source.sample().idle_seconds >= 0
        xvfb.terminate()
        xvfb.wait(timeout=5)
        with pytest.raises(IdleError):
            source.sample()
        with pytest.raises(IdleError, match="lost the connection"):
            source.sample()
        source.close()
    finally:
        if xvfb.poll() is None:
            xvfb.kill()
            xvfb.wait(timeout=5)
