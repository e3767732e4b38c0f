"""The user unit, `standup service install|uninstall|status`, launchd and Windows advice."""

from __future__ import annotations

import os
import plistlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from standup import service

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
    """`systemd-analyze --user verify` offline: a fresh private XDG_RUNTIME_DIR is enough."""
    runtime = tmp_path / "verify-runtime"
    runtime.mkdir(mode=0o700)
    runtime.chmod(0o700)
    unit = tmp_path / "units" / "standup.service"
    unit.parent.mkdir(exist_ok=True)
    unit.write_text(unit_text)
    # Only systemd's own user units beside ours: the notification servers the desktop matrix
    # installs ship user units of their own (mako and swaync both claim the notification bus
    # name), and verify would warn about those.
    search = ":".join(str(p) for p in (unit.parent, Path("/usr/lib/systemd/user")))
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "SYSTEMD_UNIT_PATH": search}
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
    # verify insists that the executable exists.
    text = text.replace(f"ExecStart={service.TEMPLATE_EXEC_START}", f"ExecStart={sys.executable}")
    assert f"ExecStart={sys.executable}\n" in text
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
from standup import cli, cli_service
build = cli.build_parser
def with_service():
    parser = build()
    cli_service.add_parsers(parser._subparsers._group_actions[0])
    return parser
cli.build_parser = with_service
sys.exit(cli.main(sys.argv[1:]))
"""


def run_in(python: Path, argv: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(python), *argv], env=env, capture_output=True, text=True, timeout=60, check=False
    )


def test_dry_run_for_a_venv_install_uses_that_venvs_python(tmp_path: Path, xdg_dirs) -> None:
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


def test_dry_run_in_process(run_main, xdg_dirs, capsys) -> None:
    assert run_main(["service", "install", "--now", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert f"ExecStart={service.exec_line([sys.executable])} -m standup run" in out
    assert out.index("daemon-reload") < out.index("enable") < out.index("start standup")
    assert not (xdg_dirs.config_home / "systemd").exists()


@pytest.fixture
def fake_systemctl(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `systemctl` on PATH that appends its argv to a log; FAIL_ON=<verb> makes it fail."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "systemctl.log"
    script = bin_dir / "systemctl"
    script.write_text(
        f"#!{sys.executable}\n"
        "import os, sys\n"
        f"open({str(log)!r}, 'a').write(' '.join(sys.argv[1:]) + '\\n')\n"
        "if os.environ.get('FAIL_ON') in sys.argv:\n"
        "    print('Failed to connect to bus: No medium found', file=sys.stderr)\n"
        "    sys.exit(1)\n"
        "if 'is-enabled' in sys.argv: print('enabled')\n"
        "if 'is-active' in sys.argv: print('inactive'); sys.exit(3)\n"
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setattr(service, "current_platform", lambda: "linux")
    return log


def test_install_writes_the_unit_then_reloads_enables_and_starts(
    run_main, xdg_dirs, fake_systemctl, capsys
) -> None:
    assert run_main(["service", "install", "--now"]) == 0
    unit = xdg_dirs.config_home / "systemd/user/standup.service"
    assert f"ExecStart={service.exec_line([sys.executable])} -m standup run\n" in unit.read_text()
    assert fake_systemctl.read_text().splitlines() == [
        "--user daemon-reload",
        "--user enable standup.service",
        "--user start standup.service",
    ]
    out = capsys.readouterr().out
    assert f"wrote {unit}" in out
    assert "$ systemctl --user start standup.service" in out


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
    assert fake_systemctl.read_text().splitlines() == [
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
    assert fake_systemctl.read_text().splitlines()[-1] == "--user daemon-reload"


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
    import json

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


def test_status_without_the_unit_says_how_to_install_it(run_main, monkeypatch, capsys) -> None:
    from standup import service

    missing = service.ServiceStatus(
        "linux",
        service.unit_path(),
        False,
        None,
        None,
        "Failed to get unit file state for standup.service: No such file or directory",
        None,
    )
    monkeypatch.setattr(service, "status", lambda: missing)
    assert run_main(["service", "status"]) == 0
    out = capsys.readouterr().out
    assert "standup service install --now" in out
    assert "Failed to get unit file state" not in out
