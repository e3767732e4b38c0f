"""`standup doctor`: findings, hints and exit status on bare, broken and healthy setups."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from standup import notify, paths
from standup.control.server import ControlServer
from standup.service import doctor, session_checks

DUNST_LIKE = {
    "name": "dunst",
    "vendor": "knopwob",
    "version": "1.9.0",
    "spec_version": "1.2",
    "capabilities": ["actions", "body", "body-markup"],
}


@pytest.fixture
def bare(xdg_dirs, monkeypatch: pytest.MonkeyPatch):
    """No session bus, no daemon, no systemctl: what a fresh SSH login or container looks like."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("PATH", str(xdg_dirs.state_home))  # an empty directory
    for name in list(os.environ):
        if name.startswith("STANDUP_"):
            monkeypatch.delenv(name)
    return xdg_dirs


@pytest.fixture
def fake_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
    monkeypatch.setattr(session_checks, "probe_bus", lambda: None)


def by_name(report: doctor.Report) -> dict[str, doctor.Check]:
    return {c.name: c for c in report.checks}


def write_config(dirs, text: str) -> Path:
    path = dirs.config_home / "standup" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_no_bus_is_reported_with_a_hint_and_a_nonzero_exit(bare, run_main, capsys) -> None:
    assert run_main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert "fail  session bus" in out
    assert "DBUS_SESSION_BUS_ADDRESS is not set" in out
    assert "hint: run standup inside your desktop session" in out
    assert "no session bus: reminders would only be logged" in out
    assert "standup cannot remind you" in out
    checks = by_name(doctor.run_checks(platform_name="linux"))
    assert checks["daemon"].status == "fail"  # nothing reminds anyone while it is stopped
    assert checks["systemd"].finding == "systemctl not found"


def test_a_bad_config_is_named(bare, run_main, capsys) -> None:
    path = write_config(bare, '[schedule]\nsit = "forever"\n')
    assert run_main(["doctor"]) == 1
    out = capsys.readouterr().out
    assert f"fail  config         {path}, line 2: schedule.sit" in out
    assert "hint: fix it (`standup config edit`)" in out
    checks = by_name(doctor.run_checks(platform_name="linux"))
    assert checks["notifications"].finding == "not checked: the config is not valid"


def test_a_server_with_actions_is_ok(bare, fake_bus, monkeypatch) -> None:
    monkeypatch.setattr(notify, "server_info", lambda: DUNST_LIKE)
    report = doctor.run_checks(platform_name="linux")
    check = by_name(report)["notifications"]
    assert check.status == "ok"
    assert check.finding.startswith("dunst 1.9.0 by knopwob (spec 1.2); capabilities: actions")
    assert check.finding.endswith("buttons will show")
    assert check.details["buttons"] is True
    assert by_name(report)["session bus"].status == "ok"
    # No systemd is only a warning; the daemon not running is why this report fails.
    assert [c.name for c in report.checks if c.status == "fail"] == ["daemon"]
    assert report.exit_code == 1


def test_the_same_with_the_daemon_running_can_remind_you(
    bare, fake_bus, fake_daemon, monkeypatch, run_main, capsys
) -> None:
    monkeypatch.setattr(notify, "server_info", lambda: DUNST_LIKE)
    assert run_main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "\nstandup can remind you (" in out  # warnings left: idle source, systemd
    assert "standup cannot remind you" not in out


def test_a_server_without_buttons_is_a_warning(bare, fake_bus, fake_daemon, monkeypatch) -> None:
    info = {**DUNST_LIKE, "name": "notify-osd", "capabilities": ["body"]}
    monkeypatch.setattr(notify, "server_info", lambda: info)
    report = doctor.run_checks(platform_name="linux")
    check = by_name(report)["notifications"]
    assert (check.status, report.exit_code) == ("warn", 0)
    assert "standup done|snooze|skip" in check.hint


def test_a_bus_without_a_server_fails(bare, fake_bus, monkeypatch) -> None:
    monkeypatch.setattr(notify, "server_info", lambda: None)
    report = doctor.run_checks(platform_name="linux")
    check = by_name(report)["notifications"]
    assert check.status == "fail"
    assert "no notification server on the session bus" in check.finding
    assert "dunst, mako" in check.hint


def test_a_dead_bus_address_is_named(bare, monkeypatch, tmp_path) -> None:
    address = f"unix:path={tmp_path / 'gone'}"
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    check = by_name(doctor.run_checks(platform_name="linux"))["session bus"]
    assert check.status == "fail"
    assert check.finding.startswith(address)
    assert "stale" in check.hint


def test_the_log_backend_chosen_on_purpose_needs_no_bus(
    bare, fake_daemon, run_main, capsys
) -> None:
    write_config(bare, '[notifications]\nbackend = "log"\n')
    assert run_main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert "warn  session bus" in out
    assert 'ok    notifications  backend "log" (chosen in the config)' in out


def test_json(bare, run_main, capsys) -> None:
    assert run_main(["doctor", "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["ok"] is False
    names = [c["name"] for c in data["checks"]]
    assert names == [
        "python",
        "packages",
        "config",
        "session bus",
        "notifications",
        "tray",
        "idle",
        "daemon",
        "systemd",
        "language",
    ]
    language = next(c for c in data["checks"] if c["name"] == "language")
    assert language["details"]["language"] == "en"  # the tests' C.UTF-8
    assert language["finding"] == (
        "the daemon would speak English (en): LANG=C.UTF-8 in its environment"
    )
    packages = next(c for c in data["checks"] if c["name"] == "packages")
    assert set(packages["details"]) == {"apscheduler", "pydantic-settings", "plyer", "jeepney"}
    assert all(c["status"] in ("ok", "warn", "fail") for c in data["checks"])


@pytest.fixture
def fake_daemon(xdg_dirs) -> Iterator[None]:
    def handle(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        return {}

    server = ControlServer(paths.control_socket(), handle, ["status"])
    server.start()
    try:
        yield
    finally:
        server.stop()


def test_a_running_daemon_is_found(bare, fake_daemon) -> None:
    check = by_name(doctor.run_checks(platform_name="linux"))["daemon"]
    assert (check.status, check.finding) == ("ok", f"running, pid {os.getpid()}")


def test_systemd_without_a_user_manager_and_with_the_unit_running(bare, monkeypatch) -> None:
    monkeypatch.setattr(doctor.shutil, "which", lambda name: f"/usr/bin/{name}")
    no_manager = doctor._systemd(lambda *a: (None, "Failed to connect to bus: No medium found"))
    assert no_manager.status == "warn"
    assert "loginctl enable-linger" in no_manager.hint

    unit = bare.config_home / "systemd/user/standup.service"
    unit.parent.mkdir(parents=True)
    unit.write_text("[Service]\n")
    answers = {"is-system-running": "running", "is-enabled": "enabled", "is-active": "active"}
    manager = {"HOME": "/nonexistent", "XDG_CONFIG_HOME": str(bare.config_home), "DISPLAY": ":0"}
    running = doctor._systemd(lambda *a: (answers[a[0]], None), lambda: manager)
    assert (running.status, running.finding) == (
        "ok",
        "user manager running; standup.service enabled, active",
    )


def test_systemd_warns_when_the_manager_has_no_display(bare, monkeypatch) -> None:
    monkeypatch.setattr(doctor.shutil, "which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setenv("DISPLAY", ":0")
    unit = bare.config_home / "systemd/user/standup.service"
    unit.parent.mkdir(parents=True)
    unit.write_text("[Service]\n")
    answers = {"is-system-running": "running", "is-enabled": "enabled", "is-active": "active"}
    manager = {"HOME": "/nonexistent", "XDG_CONFIG_HOME": str(bare.config_home)}
    check = doctor._systemd(lambda *a: (answers[a[0]], None), lambda: manager)
    assert check.status == "warn"
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in check.finding
    assert check.hint == "systemctl --user import-environment DISPLAY, then restart standup.service"


def test_systemd_finds_the_unit_where_the_manager_reads(bare, monkeypatch, tmp_path) -> None:
    monkeypatch.setattr(doctor.shutil, "which", lambda name: f"/usr/bin/{name}")
    unit = tmp_path / "theirs/systemd/user/standup.service"
    unit.parent.mkdir(parents=True)
    unit.write_text("[Service]\n")
    answers = {"is-system-running": "running", "is-enabled": "enabled", "is-active": "active"}
    manager = {"HOME": "/x", "XDG_CONFIG_HOME": str(tmp_path / "theirs"), "DISPLAY": ":0"}
    check = doctor._systemd(lambda *a: (answers[a[0]], None), lambda: manager)
    assert (check.status, check.details["unit_file"]) == ("ok", str(unit))


def test_other_platforms_skip_the_bus_and_systemd(bare) -> None:
    names = [c.name for c in doctor.run_checks(platform_name="darwin").checks]
    assert "session bus" not in names
    assert "systemd" not in names


@pytest.mark.e2e
def test_doctor_finds_dunst_on_the_rig(rig, xdg_dirs, fake_daemon, run_main, capsys) -> None:
    assert run_main(["doctor", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    checks = {c["name"]: c for c in data["checks"]}
    assert checks["session bus"]["status"] == "ok"
    notifications = checks["notifications"]
    assert notifications["status"] == "ok"
    server = notifications["details"]["server"]
    assert server["name"] == "dunst"
    assert "actions" in server["capabilities"]
    assert notifications["details"]["buttons"] is True


def test_a_bare_machine_warns_that_breaks_go_unnoticed(bare, run_main, capsys) -> None:
    run_main(["doctor", "--json"])
    idle = next(c for c in json.loads(capsys.readouterr().out)["checks"] if c["name"] == "idle")
    assert idle["status"] == "warn"
    assert idle["details"]["source"] == "none"
    assert "not noticed" in idle["hint"]


@pytest.mark.e2e
def test_doctor_samples_x11_idle_on_the_rig(rig, xdg_dirs, run_main, capsys) -> None:
    run_main(["doctor", "--json"])
    idle = next(c for c in json.loads(capsys.readouterr().out)["checks"] if c["name"] == "idle")
    assert idle["status"] == "ok"
    assert idle["details"]["source"] == "x11"
    assert idle["details"]["idle_seconds"] >= 0
