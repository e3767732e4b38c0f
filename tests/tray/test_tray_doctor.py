"""`standup doctor` says whether a tray host is on the session bus (a real private bus)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from desktop_rigs.base import PrivateBus
from standup.service import doctor

from fake_tray import FakeWatcher


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    private = PrivateBus()
    address = private.start()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    private.stop()


def _tray_check() -> doctor.Check:
    return next(c for c in doctor.run_checks(platform_name="linux").checks if c.name == "tray")


def test_a_tray_host_is_named(bus: str) -> None:
    watcher = FakeWatcher(bus)
    watcher.start()
    try:
        check = _tray_check()
    finally:
        watcher.close()
    assert check.status == "ok"
    assert check.finding.startswith("a tray host is there (:1.")


def test_no_host_is_fine_with_auto_and_a_warning_with_always(bus: str, xdg_dirs: Any) -> None:
    check = _tray_check()
    assert (check.status, check.finding) == ("ok", "no tray host on the session bus: no icon")
    config = xdg_dirs.config_home / "standup" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[tray]\nshow = "always"\n')
    check = _tray_check()
    assert check.status == "warn"
    assert "AppIndicator" in check.hint
