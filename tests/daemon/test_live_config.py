"""Editing the config under a running daemon: applied within seconds, or refused once."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from rig import Rig, standup_env, standup_status, start_standup, stop_standup, wait_until


def write_like_an_editor(path: Path, text: str) -> None:
    """Write a temporary file and rename it over the config, as vim and most editors do."""
    tmp = path.with_name(f".{path.name}.swp")
    tmp.write_text(text)
    os.replace(tmp, path)


@pytest.fixture
def config(xdg_dirs) -> Path:
    path = xdg_dirs.config_home / "standup" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text('[schedule]\nsit = "50m"\n')
    return path


def test_an_edit_applies_within_five_seconds(config: Path, xdg_dirs) -> None:
    env = {**os.environ, "STANDUP_NOTIFICATIONS__BACKEND": "log", "STANDUP_IDLE__SOURCE": "none"}
    proc = start_standup(env)
    try:
        before = standup_status(env)
        assert before is not None and before["interval_seconds"] == 3000
        began = time.monotonic()
        write_like_an_editor(config, '[schedule]\nsit = "20m"\n')
        after = wait_until(
            lambda: (s := standup_status(env)) and s["interval_seconds"] == 1200 and s, timeout=5
        )
        assert time.monotonic() - began < 5
        assert after["next_reminder_at"] < before["next_reminder_at"]  # brought forward
        assert after["wakeups"].get("config_change", 0) >= 1
    finally:
        stop_standup(proc)


@pytest.mark.e2e
def test_a_broken_edit_changes_nothing_and_says_so_in_one_bubble(
    rig: Rig, config: Path, xdg_dirs
) -> None:
    env = standup_env(rig, xdg_dirs.runtime_dir, notifications__backend="auto", idle__source="none")
    proc = start_standup(env)
    try:
        write_like_an_editor(config, '[schedule]\nsit = "-5m"\n')
        wait_until(lambda: rig.displayed_count() == 1, timeout=5)
        status = standup_status(env)
        assert status is not None and status["interval_seconds"] == 3000  # the old value holds
        assert status["config_error"].startswith(f"{config}, line 2: schedule.sit")
        # Saving the same mistake again does not nag.
        write_like_an_editor(config, '[schedule]\nsit = "-5m"\n# still wrong\n')
        time.sleep(1)
        assert rig.displayed_count() == 1
        # Fixing the file withdraws the alert and applies the new value.
        write_like_an_editor(config, '[schedule]\nsit = "30m"\n')
        wait_until(lambda: rig.displayed_count() == 0, timeout=5)
        fixed = wait_until(lambda: (s := standup_status(env)) and s["config_error"] is None and s)
        assert fixed["interval_seconds"] == 1800
        [alert] = rig.history()
        assert alert["summary"] == "standup: config not reloaded"
        assert "schedule.sit" in alert["body"] and str(config) in alert["body"]
    finally:
        stop_standup(proc)
