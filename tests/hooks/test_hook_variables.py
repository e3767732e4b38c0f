"""A hook may run standup itself: the variables it was given are not taken for settings."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from standup.config.settings import load_config
from standup.hooks.options import VARIABLES


def test_every_hook_variable_is_allowed_beside_the_settings(
    xdg_dirs, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in VARIABLES:
        monkeypatch.setenv(name, "1")
    assert load_config().settings.hooks.reminder == []  # loads, no "not a standup setting"


def test_a_misspelt_setting_is_still_refused_beside_them(
    xdg_dirs, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANDUP_EVENT", "reminder")
    monkeypatch.setenv("STANDUP_SHEDULE__SIT", "45m")
    with pytest.raises(Exception, match="STANDUP_SHEDULE__SIT"):
        load_config()


def test_standup_config_check_runs_from_a_hook(xdg_dirs) -> None:
    env = {**os.environ, "STANDUP_EVENT": "answered", "STANDUP_ANSWER": "done"}
    result = subprocess.run(
        [sys.executable, "-m", "standup", "config", "check"],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
