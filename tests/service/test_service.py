"""The user unit, `standup service install|uninstall|status`, launchd and Windows advice."""

from __future__ import annotations

import json
import os
import plistlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from standup.service import install as service

from systemctl_fake import actions, fake_manager

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "systemd" / "standup.service"


def systemd_analyze() -> str:
    found = shutil.which("systemd-analyze")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("systemd-analyze is missing (CI is set: install systemd)", pytrace=False)
        pytest.skip("systemd-analyze is missing")
    return found


def verify(unit_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`systemd-analyze --user verify` offline: a fresh private XDG_RUNTIME_DIR is enough.

    A short one: systemd 262 reads its own sockets' paths under it, and a path past 107 bytes
    is an error it reports."""
    unit = tmp_path / "units" / "standup.service"
    unit.parent.mkdir(exist_ok=True)
    unit.write_text(unit_text)
    # Only systemd's own user units beside ours: the notification servers the desktop matrix
    # installs ship user units of their own (mako and swaync both claim the notification bus
    # name), and verify would warn about those.
    search = ":".join(str(p) for p in (unit.parent, Path("/usr/lib/systemd/user")))
    with tempfile.TemporaryDirectory(prefix="verify-") as runtime:  # 0700, as it must be
        env = {**os.environ, "XDG_RUNTIME_DIR": runtime, "SYSTEMD_UNIT_PATH": search}
        return subprocess.run(
            [systemd_analyze(), "--user", "verify", str(unit)],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )


def test_the_shipped_unit_is_the_template_with_the_default_command() -> None:
    assert UNIT.read_text() == service.render_unit(service.TEMPLATE_EXEC_START)


def test_the_unit_verifies_without_a_single_warning(tmp_path: Path) -> None:
    text = UNIT.read_text()
    # verify insists that the executables exist.
    text = text.replace(service.TEMPLATE_EXEC_START.removesuffix(" run"), sys.executable)
    assert f"ExecStart={sys.executable} run\n" in text
    assert f"ExecReload={sys.executable} reload\n" in text
    done = verify(text, tmp_path)
    assert (done.returncode, done.stderr) == (0, "")


def test_an_unknown_key_would_show_on_stderr(tmp_path: Path) -> None:
    # Guards the test above: verify exits 0 on unknown keys, so stderr is what catches them.
    text = service.render_unit(sys.executable).replace("[Install]", "Bogus=1\n[Install]")
    done = verify(text, tmp_path)
    assert done.returncode == 0
    assert "Bogus" in done.stderr


def test_an_interpreter_path_with_spaces_and_specials_is_quoted(tmp_path: Path) -> None:
    odd = tmp_path / "my tools" / "50%$x" / "python"
    odd.parent.mkdir(parents=True)
    odd.symlink_to(sys.executable)
    plan = service.plan_install(platform="linux", python=str(odd))
    assert plan.content is not None
    # "$" stays single in the executable's path: systemd expands no variables there.
    assert 'ExecStart="' + str(odd).replace("%", "%%") + '" -m' in plan.content
    done = verify(plan.content, tmp_path)
    assert (done.returncode, done.stderr) == (0, "")


@pytest.mark.parametrize(
    ("word", "quoted"),
    [
        ("/usr/bin/python3", "/usr/bin/python3"),
        ("/a b/py", '"/a b/py"'),
        ('/a"b', '"/a\\"b"'),
        ("/50%", "/50%%"),
        ("/$HOME", "/$$HOME"),
        ("C:\\x", '"C:\\\\x"'),
    ],
)
def test_systemd_quote(word: str, quoted: str) -> None:
    assert service.systemd_quote(word) == quoted


_REGISTER_AND_RUN = """
import sys
from standup.cli import main as cli
sys.exit(cli.main(sys.argv[1:]))
"""


def run_in(python: Path, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), *argv], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_dry_run_for_a_venv_install_uses_that_venvs_python(
    tmp_path: Path, xdg_dirs, fake_systemctl
) -> None:
    venv = tmp_path / "a venv"
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=60
    )
    python = venv / "bin" / "python"
    # The service command must work with nothing but the standard library on the path.
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    argv = ["service", "install", "--dry-run"]
    done = run_in(python, ["-m", "standup", *argv], env)
    if "invalid choice: 'service'" in done.stderr:  # cli.py does not register it yet
        done = run_in(python, ["-c", _REGISTER_AND_RUN, *argv], env)
    assert done.returncode == 0, done.stderr
    unit = xdg_dirs.config_home / "systemd" / "user" / "standup.service"
    assert f"would write {unit}:" in done.stdout
    assert f'ExecStart="{python}" -m standup run\n' in done.stdout
    assert "would run: systemctl --user daemon-reload" in done.stdout
    assert "would run: systemctl --user start" not in done.stdout
    assert not unit.exists()


def test_dry_run_in_process(run_main, xdg_dirs, fake_systemctl, capsys) -> None:
    assert run_main(["service", "install", "--now", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"ExecStart={service.exec_line([sys.executable])} -m standup run" in out
    assert out.index("daemon-reload") < out.index("enable") < out.index("restart standup")
    assert not (xdg_dirs.config_home / "systemd").exists()


def test_dry_run_with_a_manager(run_main, xdg_dirs, fake_systemctl, capsys) -> None:
    assert run_main(["service", "install", "--now", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"would write {xdg_dirs.config_home}/systemd/user/standup.service:" in out
    assert "warning" not in out and "note" not in out


def test_install_writes_the_unit_then_reloads_enables_and_starts(
    run_main, xdg_dirs, fake_systemctl, capsys
) -> None:
    assert run_main(["service", "install", "--now"]) == 0
    unit = xdg_dirs.config_home / "systemd/user/standup.service"
    assert f"ExecStart={service.exec_line([sys.executable])} -m standup run\n" in unit.read_text()
    assert actions(fake_systemctl) == [
        "--user daemon-reload",
        "--user enable standup.service",
        # restart, not start: a daemon already running must take up the unit just written
        "--user restart standup.service",
    ]
    out = capsys.readouterr().out
    assert f"wrote {unit}" in out
    assert "$ systemctl --user restart standup.service" in out


def test_install_gives_standup_its_desktop_file_and_icon_and_uninstall_takes_them(
    run_main, xdg_dirs, fake_systemctl
) -> None:
    desktop = xdg_dirs.data_home / "applications/standup.desktop"
    icon = xdg_dirs.data_home / "icons/hicolor/scalable/apps/standup.svg"
    assert run_main(["service", "install"]) == 0
    text = desktop.read_text()
    assert "NoDisplay=true\n" in text
    assert "Icon=standup\n" in text
    assert f"Exec={service.exec_line([sys.executable])} -m standup now\n" in text
    assert icon.read_bytes().startswith(b"<?xml") and b"<svg" in icon.read_bytes()
    assert run_main(["service", "uninstall"]) == 0
    assert not desktop.exists()
    assert not icon.exists()


def test_uninstall_stops_disables_removes_and_reloads(
    run_main, xdg_dirs, fake_systemctl, capsys
) -> None:
    assert run_main(["service", "install"]) == 0
    fake_systemctl.unlink()
    assert run_main(["service", "uninstall"]) == 0
    assert not (xdg_dirs.config_home / "systemd/user/standup.service").exists()
    assert actions(fake_systemctl) == [
        "--user stop standup.service",
        "--user disable standup.service",
        "--user daemon-reload",
    ]
    assert "removed " in capsys.readouterr().out


def test_uninstall_carries_on_when_the_unit_is_not_loaded(
    run_main, xdg_dirs, fake_systemctl, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("FAIL_ON", "stop")
    assert run_main(["service", "uninstall"]) == 0
    assert "carrying on" in capsys.readouterr().out
    assert actions(fake_systemctl)[-1] == "--user daemon-reload"


def test_uninstall_without_a_user_manager_removes_the_unit_and_succeeds(
    run_main, xdg_dirs, fake_systemctl, monkeypatch, capsys
) -> None:
    assert run_main(["service", "install"]) == 0
    unit = xdg_dirs.config_home / "systemd/user/standup.service"
    assert unit.exists()
    monkeypatch.setenv("FAIL_ON", "--user")  # every call: no manager answers
    assert run_main(["service", "uninstall"]) == 0
    assert not unit.exists()
    assert "removed" in capsys.readouterr().out


def test_no_user_manager_says_what_to_do(
    run_main, xdg_dirs, fake_systemctl, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("FAIL_ON", "daemon-reload")
    assert run_main(["service", "install"]) == 1
    err = capsys.readouterr().err
    assert "No medium found" in err
    assert "loginctl enable-linger" in err
    # The unit is in place for when a manager runs.
    assert (xdg_dirs.config_home / "systemd/user/standup.service").is_file()


def test_dry_run_without_a_user_manager_says_so(
    run_main, xdg_dirs, fake_systemctl, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("FAIL_ON", "--user")  # every call: no manager answers
    assert run_main(["service", "install", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "note: no systemd user manager answers here" in out
    assert "loginctl enable-linger" in out
    assert not (xdg_dirs.config_home / "systemd").exists()


def test_no_systemctl_at_all(run_main, xdg_dirs, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(service, "current_platform", lambda: "linux")
    assert run_main(["service", "install"]) == 1
    err = capsys.readouterr().err
    assert "systemctl not found" in err
    assert "autostart" in err
    assert not (xdg_dirs.config_home / "systemd").exists()


def test_status_reports_the_manager_and_a_daemon_that_is_not_running(
    run_main, xdg_dirs, fake_systemctl, capsys
) -> None:
    assert run_main(["service", "status"]) == 0
    out = capsys.readouterr().out
    assert "enabled:   enabled" in out
    assert "active:    inactive" in out
    assert "daemon:    not running" in out


def test_status_without_a_user_manager(
    run_main, xdg_dirs, fake_systemctl, monkeypatch, capsys
) -> None:
    monkeypatch.setenv("FAIL_ON", "is-enabled")
    assert run_main(["service", "status", "--json"]) == 0

    info = json.loads(capsys.readouterr().out)
    assert info["manager_error"] == "Failed to connect to bus: No medium found"
    assert info["daemon"] is None


def test_launchd_agent(run_main, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(service, "current_platform", lambda: "darwin")
    assert run_main(["service", "install"]) == 0
    path = tmp_path / "Library/LaunchAgents/org.standup.plist"
    agent = plistlib.loads(path.read_bytes())
    assert agent["Label"] == "org.standup"
    assert agent["ProgramArguments"] == [sys.executable, "-m", "standup", "run"]
    assert agent["RunAtLoad"] is True
    assert agent["KeepAlive"] == {"SuccessfulExit": False}
    assert f"launchctl bootstrap gui/{os.getuid()} {path}" in capsys.readouterr().out
    assert run_main(["service", "uninstall"]) == 0
    assert not path.exists()
    assert "launchctl bootout" in capsys.readouterr().out


def test_windows_prints_a_logon_task_with_pythonw(run_main, monkeypatch, capsys) -> None:
    monkeypatch.setattr(service, "current_platform", lambda: "win32")
    monkeypatch.setattr(sys, "executable", "C:\\Program Files\\Python311\\python.exe")
    assert run_main(["service", "install"]) == 0
    out = capsys.readouterr().out
    assert "schtasks /Create /TN standup /SC ONLOGON" in out
    assert '\\"C:\\Program Files\\Python311\\pythonw.exe\\" -m standup run' in out
    assert "shell:startup" in out


@pytest.mark.parametrize(
    ("enabled", "manager_error"),
    [
        # systemd 252: is-enabled says nothing on stdout, the error on stderr
        (None, "Failed to get unit file state for standup.service: No such file or directory"),
        # systemd 257: is-enabled prints "not-found" on stdout
        ("not-found", None),
    ],
)
def test_status_without_the_unit_says_how_to_install_it(
    run_main, monkeypatch, capsys, enabled: str | None, manager_error: str | None
) -> None:
    from standup.service import install as service

    missing = service.ServiceStatus(
        platform="linux", unit_file=service.unit_path(), installed=False, enabled=enabled,
        active=None, manager_error=manager_error, daemon=None,
    )  # fmt: skip
    monkeypatch.setattr(service, "status", lambda: missing)
    assert run_main(["service", "status"]) == 0
    out = capsys.readouterr().out
    assert "standup service install --now" in out
    assert "Failed to get unit file state" not in out


# -- what the real user manager showed (tests/service/test_user_manager_e2e.py) --------------


def test_reload_goes_through_the_control_socket_so_a_refused_config_fails_it() -> None:
    unit = service.render_unit(service.exec_line([sys.executable, "-m", "standup", "run"]))
    assert f"ExecReload={sys.executable} -m standup reload\n" in unit
    assert "kill -HUP" not in UNIT.read_text()


def test_the_unit_goes_where_the_manager_reads_and_install_says_so(
    run_main, xdg_dirs, fake_systemctl, tmp_path, capsys
) -> None:
    theirs = tmp_path / "manager-config"
    fake_manager(fake_systemctl, env={"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(theirs),
                                      "DISPLAY": ":0"})  # fmt: skip
    assert run_main(["service", "install", "--now"]) == 0
    assert (theirs / "systemd/user/standup.service").is_file()
    assert not (xdg_dirs.config_home / "systemd").exists()
    out = capsys.readouterr().out
    assert f"reads units from {theirs}/systemd/user, not {xdg_dirs.config_home}" in out
    assert f"reads its config from {theirs}/standup/config.toml" in out
    # ... and uninstall takes it from there.
    assert run_main(["service", "uninstall"]) == 0
    assert not (theirs / "systemd/user/standup.service").exists()


def test_without_xdg_config_home_the_manager_reads_its_homes_config(
    fake_systemctl, tmp_path
) -> None:
    from standup.service import systemd as service_systemd

    fake_manager(fake_systemctl, env={"HOME": str(tmp_path / "h")})
    facts = service_systemd.gather()
    assert service.unit_path(facts) == tmp_path / "h/.config/systemd/user/standup.service"


def test_install_warns_when_the_manager_has_no_display(
    run_main, fake_systemctl, monkeypatch, capsys
) -> None:
    fake_manager(fake_systemctl, env={"HOME": "/home/x", "XDG_CONFIG_HOME": os.environ[
        "XDG_CONFIG_HOME"]})  # fmt: skip
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-1")
    monkeypatch.delenv("DISPLAY", raising=False)
    assert run_main(["service", "install", "--now"]) == 0
    out = capsys.readouterr().out
    assert "neither DISPLAY nor WAYLAND_DISPLAY" in out
    assert "run: systemctl --user import-environment WAYLAND_DISPLAY && systemctl" in out
    assert "dbus-update-activation-environment --systemd DISPLAY WAYLAND_DISPLAY" in out


def test_status_warns_about_the_display_and_says_why_the_unit_failed(
    run_main, fake_systemctl, capsys
) -> None:
    fake_manager(
        fake_systemctl,
        env={"HOME": "/home/x"},
        active={"standup.service": "failed"},
        show={"ActiveState": "failed", "SubState": "failed", "Result": "exit-code",
              "ExecMainCode": "1", "ExecMainStatus": "2"},
    )  # fmt: skip
    assert run_main(["service", "status"]) == 0
    out = capsys.readouterr().out
    assert "active:    failed" in out
    assert "exited with status 2: the config is not valid" in out
    assert "standup config check" in out
    assert "warning:   the systemd user manager has neither DISPLAY" in out


@pytest.mark.parametrize(
    ("state", "words"),
    [
        ({"Result": "signal", "ExecMainCode": "2", "ExecMainStatus": "31"}, "SIGSYS: a system"),
        ({"Result": "watchdog", "ExecMainCode": "2", "ExecMainStatus": "6"}, "the watchdog"),
        ({"Result": "exit-code", "ExecMainCode": "1", "ExecMainStatus": "203"}, "could not"),
        ({"Result": "start-limit-hit"}, "reset-failed"),
    ],
)
def test_failure_reasons(state: dict[str, str], words: str) -> None:
    from standup.service.systemd import failure_reason

    assert words in (failure_reason({"ActiveState": "failed", **state}) or "")
    assert failure_reason({"ActiveState": "active", "SubState": "running", **state}) is None


@pytest.mark.parametrize(
    ("desktop", "config", "prefix"),
    [("sway", "sway/config", "exec "), ("Hyprland", "hypr/hyprland.conf", "exec-once = ")],
)
def test_a_wlroots_session_without_a_session_target_gets_the_lines_for_its_config(
    run_main, xdg_dirs, fake_systemctl, monkeypatch, capsys, desktop, config, prefix
) -> None:
    monkeypatch.setenv("XDG_CURRENT_DESKTOP", desktop)
    fake_manager(fake_systemctl, active={"graphical-session.target": "inactive"})
    assert run_main(["service", "install"]) == 0
    out = capsys.readouterr().out
    assert f"Add these lines to {xdg_dirs.config_home}/{config}:" in out
    assert f"\n  {prefix}systemctl --user import-environment DISPLAY WAYLAND_DISPLAY " in out
    assert f"\n  {prefix}systemctl --user start standup.service\n" in out
    # With the target active (a session manager, uwsm, or the lines above) nothing is said.
    fake_manager(fake_systemctl, active={"graphical-session.target": "active"})
    assert run_main(["service", "install"]) == 0
    assert "Add these lines" not in capsys.readouterr().out
