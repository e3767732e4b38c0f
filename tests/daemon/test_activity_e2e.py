"""Presence on the real rig: Xvfb's idle time decides whether the stretch counts."""

from __future__ import annotations

import time

import pytest

from rig import Rig, standup_env, standup_status as status, start_standup, stop_standup, wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture
def env(rig: Rig, xdg_dirs) -> dict[str, str]:
    return standup_env(
        rig,
        xdg_dirs.runtime_dir,
        schedule__sit="6s",
        schedule__natural_break="3s",
        notifications__backend="log",
        idle__source="auto",
    )


@pytest.fixture
def daemon(env):
    proc = start_standup(env)
    yield proc
    stop_standup(proc)


def test_the_rig_is_seen_through_x11(env, daemon) -> None:
    info = status(env)
    assert info is not None
    assert info["idle_source"] == "x11"
    assert "XScreenSaver" in info["idle_reason"] or "x11" in info["idle_reason"]


def test_idle_past_a_natural_break_prevents_the_reminder(rig: Rig, env, daemon) -> None:
    rig.move_mouse()
    start = time.monotonic()
    seen_away = False
    while time.monotonic() - start < 8:  # past sit (6 s), never touching the mouse
        info = status(env)
        assert info is not None and info["state"] != "reminding", info
        seen_away |= info["state"] == "away"
        time.sleep(0.3)
    assert seen_away


def test_activity_lets_the_reminder_arrive(rig: Rig, env, daemon) -> None:
    def keep_moving_until_reminded() -> dict | None:
        rig.move_mouse()  # relative moves reset X idle time; absolute ones to the same spot do not
        info = status(env)
        return info if info and info["state"] == "reminding" else None

    info = wait_until(keep_moving_until_reminded, timeout=15, interval=1.0)
    assert info["sitting_seconds"] >= 6
