"""The config file deleted or replaced by garbage under `standup run`, then SIGHUP or reload."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from faultkit import DaemonProcess, quiet_env

from standup.control.client import ControlError

from rig import wait_until

GOOD = '[schedule]\nsit = "20m"\n'


def deleted(path: Path) -> None:
    path.unlink()


def garbage(path: Path) -> None:
    path.write_bytes(os.urandom(512) + b"\n[schedule\nsit = = \xff\n")


def not_toml(path: Path) -> None:
    path.write_text("this is not a config file\n")


def made_a_directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


FAULTS = [deleted, garbage, not_toml, made_a_directory]


def _reload_by_signal(d: DaemonProcess) -> None:
    d.signal(signal.SIGHUP)
    time.sleep(0.5)  # a wrong reload would have happened by now


def _reload_by_command(d: DaemonProcess) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "standup", "reload"],
        env=d.env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert out.returncode != 0 and "config not reloaded" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


RELOADS = {"SIGHUP": _reload_by_signal, "standup reload": _reload_by_command}


def _run(tmp_path: Path, *args: str) -> DaemonProcess:
    d = DaemonProcess(quiet_env(notifications__backend="log"), tmp_path / "daemon.log", *args)
    d.wait_ready()
    return d


@pytest.mark.parametrize("reload", RELOADS.values(), ids=RELOADS.keys())
@pytest.mark.parametrize("fault", FAULTS)
def test_a_broken_named_config_keeps_the_running_one(
    xdg_dirs, tmp_path: Path, fault: Callable[[Path], None], reload: Callable[..., None]
) -> None:
    config = tmp_path / "mine.toml"
    config.write_text(GOOD)
    d = _run(tmp_path, "--config", str(config))
    try:
        assert d.status()["interval_seconds"] == 1200
        fault(config)
        reload(d)
        assert d.status()["interval_seconds"] == 1200
        wait_until(lambda: d.log_lines("config not reloaded"), timeout=5)
        assert str(config) in d.log_lines("config not reloaded")[0]
        # Fixed again: the next reload takes it.
        if config.is_dir():
            config.rmdir()
        config.write_text('[schedule]\nsit = "30m"\n')
        assert d.request("reload")["status"]["interval_seconds"] == 1800
    finally:
        assert d.stop() == 0
    assert "Traceback" not in d.log_text()


@pytest.mark.parametrize("fault", [garbage, not_toml, made_a_directory])
def test_a_broken_default_config_keeps_the_running_one(
    xdg_dirs, tmp_path: Path, fault: Callable[[Path], None]
) -> None:
    config = xdg_dirs.config_home / "standup" / "config.toml"
    config.parent.mkdir()
    config.write_text(GOOD)
    d = _run(tmp_path)
    try:
        fault(config)
        with pytest.raises(ControlError, match="config not reloaded"):
            d.request("reload")
        assert d.status()["interval_seconds"] == 1200
    finally:
        assert d.stop() == 0


def test_a_deleted_default_config_keeps_the_running_one(xdg_dirs, tmp_path: Path) -> None:
    config = xdg_dirs.config_home / "standup" / "config.toml"
    config.parent.mkdir()
    config.write_text(GOOD)
    d = _run(tmp_path)
    try:
        config.unlink()
        _reload_by_signal(d)
        assert d.status()["interval_seconds"] == 1200
        assert d.log_lines("config not reloaded")
    finally:
        assert d.stop() == 0
