"""Fixtures the service tests share."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from standup.service import install as service

from systemctl_fake import fake_manager, write_fake_systemctl


@pytest.fixture
def fake_systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg_dirs) -> Path:
    """A fake `systemctl` first on PATH (see systemctl_fake.py), on Linux; returns its log.

    The manager's environment is at first the shell's XDG_CONFIG_HOME and a DISPLAY."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "systemctl.log"
    fake_manager(log, env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(xdg_dirs.config_home),
                           "DISPLAY": ":99"})  # fmt: skip
    write_fake_systemctl(bin_dir / "systemctl", log)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(service, "current_platform", lambda: "linux")
    return log
