"""Busy probes on the rig: dunst's pause as do not disturb, a real fullscreen X window."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator

import pytest

from standup.busy.dnd import DoNotDisturbProbe
from standup.busy.probes import BusyOptions, busy_reasons, open_probes
from standup.busy.x11 import FullscreenProbe

from rig import Rig, wait_until

pytestmark = pytest.mark.e2e


def _run(rig: Rig, *argv: str, check: bool = True) -> str:
    out = subprocess.run(
        argv, env={**os.environ, **rig.env}, capture_output=True, text=True, timeout=10, check=check
    )
    return out.stdout.strip()


@pytest.fixture
def paused_dunst(rig: Rig) -> Iterator[Rig]:
    _run(rig, "dunstctl", "set-paused", "true")
    try:
        yield rig
    finally:
        _run(rig, "dunstctl", "set-paused", "false")


def test_dunst_paused_is_do_not_disturb(rig: Rig) -> None:
    probe = DoNotDisturbProbe()
    try:
        assert probe() is False
        _run(rig, "dunstctl", "set-paused", "true")
        try:
            assert probe() is True
        finally:
            _run(rig, "dunstctl", "set-paused", "false")
        assert probe() is False
    finally:
        probe.close()


def test_busy_reasons_on_the_rig(paused_dunst: Rig) -> None:
    probes = open_probes()
    try:
        reasons = busy_reasons(BusyOptions(), probes)
        assert "do not disturb" in reasons
        assert "fullscreen window" not in reasons  # the rig has no window manager
        assert busy_reasons(BusyOptions(do_not_disturb=False), probes) == [
            r for r in reasons if r != "do not disturb"
        ]
    finally:
        probes.close()


def test_do_not_disturb_survives_a_dunst_restart(rig: Rig) -> None:
    probe = DoNotDisturbProbe()
    try:
        assert probe() is False
        rig.stop_dunst()
        assert probe() is False  # no server: not busy, no exception
        rig.start_dunst()
        _run(rig, "dunstctl", "set-paused", "true")
        try:
            assert probe() is True
        finally:
            _run(rig, "dunstctl", "set-paused", "false")
    finally:
        probe.close()


@pytest.mark.skipif(shutil.which("xmessage") is None, reason="xmessage (x11-utils) missing")
def test_fullscreen_active_window(rig: Rig) -> None:
    # No window manager on the rig: play its part by setting the EWMH properties with xprop.
    env = {**os.environ, **rig.env}
    title = f"standup-fullscreen-{time.monotonic_ns()}"
    window = subprocess.Popen(
        ["xmessage", "-title", title, "fullscreen test"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    probe = FullscreenProbe()
    try:
        wid = wait_until(
            lambda: _run(rig, "xdotool", "search", "--name", title, check=False), timeout=5
        )
        wid = wid.split()[0]
        assert probe() is False
        _run(rig, "xprop", "-root", "-f", "_NET_ACTIVE_WINDOW", "32x",
             "-set", "_NET_ACTIVE_WINDOW", wid)  # fmt: skip
        assert probe() is False  # active, not fullscreen
        _run(rig, "xprop", "-id", wid, "-f", "_NET_WM_STATE", "32a",
             "-set", "_NET_WM_STATE", "_NET_WM_STATE_FULLSCREEN")  # fmt: skip
        assert probe() is True
        window.terminate()
        window.wait(timeout=5)
        # The root still names the closed window: BadWindow must read as "not fullscreen".
        assert probe() is False
    finally:
        if window.poll() is None:
            window.kill()
            window.wait(timeout=5)
        _run(rig, "xprop", "-root", "-remove", "_NET_ACTIVE_WINDOW")
        probe.close()


def test_probe_costs(rig: Rig) -> None:
    """Cheap enough to run before every reminder; prints the numbers for the record."""
    probes = open_probes()
    try:
        for name in ("do_not_disturb", "fullscreen", "microphone", "camera"):
            probes.run(name)  # connect once
            start = time.perf_counter()
            for _ in range(50):
                probes.run(name)
            per_call = (time.perf_counter() - start) / 50
            print(f"{name}: {per_call * 1e6:.0f} us per call")
            assert per_call < 0.05
    finally:
        probes.close()
