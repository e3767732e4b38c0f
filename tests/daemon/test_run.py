"""`standup run` and the client commands as real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rig import wait_until

STANDUP = [sys.executable, "-m", "standup"]


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*STANDUP, *args], capture_output=True, text=True, timeout=30, env=env or os.environ.copy()
    )


class Daemon:
    def __init__(self, env: dict[str, str], *args: str) -> None:
        self.env = env
        self.proc = subprocess.Popen(
            [*STANDUP, *args, "run"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def wait_ready(self) -> None:
        wait_until(lambda: run_cli("status", env=self.env).returncode == 0, timeout=15)

    def stop(self) -> tuple[int, str]:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        try:
            _out, err = self.proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _out, err = self.proc.communicate()
        return self.proc.returncode, err


@pytest.fixture
def env(xdg_dirs) -> dict[str, str]:
    environ = os.environ.copy()
    environ["STANDUP_NOTIFICATIONS__BACKEND"] = "log"
    environ.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return environ


@pytest.fixture
def daemon(env):
    started: list[Daemon] = []

    def start(*args: str) -> Daemon:
        d = Daemon(env, *args)
        started.append(d)
        d.wait_ready()
        return d

    yield start
    for d in started:
        d.stop()


def test_sigterm_exits_0_within_a_second(daemon) -> None:
    d = daemon()
    began = time.monotonic()
    d.proc.send_signal(signal.SIGTERM)
    code = d.proc.wait(timeout=5)
    assert code == 0
    assert time.monotonic() - began < 1.0


def test_the_first_log_line_says_how_to_change_the_interval(daemon, xdg_dirs) -> None:
    code, err = daemon().stop()
    assert code == 0
    first = err.splitlines()[0]
    assert "a reminder after 50 min of sitting" in first
    assert "`standup config set schedule.sit 40m`" in first
    assert str(xdg_dirs.config_home / "standup" / "config.toml") in first


def test_sigint_exits_0(daemon) -> None:
    d = daemon()
    d.proc.send_signal(signal.SIGINT)
    assert d.proc.wait(timeout=5) == 0


def test_sighup_rereads_the_config_and_a_bad_one_keeps_the_old(daemon, env, xdg_dirs) -> None:
    config = xdg_dirs.config_home / "standup" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[schedule]\nsit = "50m"\n')
    d = daemon()

    def interval() -> int:
        return json.loads(run_cli("status", "--json", env=env).stdout)["interval_seconds"]

    assert interval() == 3000
    config.write_text('[schedule]\nsit = "20m"\n')
    d.proc.send_signal(signal.SIGHUP)
    wait_until(lambda: interval() == 1200, timeout=5)
    config.write_text('[schedule]\nsit = "-5m"\n')
    d.proc.send_signal(signal.SIGHUP)
    time.sleep(0.5)  # give a wrong reload the chance to happen
    assert interval() == 1200
    code, err = d.stop()
    assert code == 0
    assert "config not reloaded" in err and "schedule.sit" in err


def test_bad_config_exits_2_with_one_paragraph_and_no_traceback(env, tmp_path) -> None:
    cases = {
        'sit = "-5m"': "schedule.sit",
        'sitt = "5m"': "unknown key schedule.sitt",
        'sit = "5m': "invalid TOML",
    }
    for line, expected in cases.items():
        path = tmp_path / "bad.toml"
        path.write_text(f"[schedule]\n{line}\n")
        result = run_cli("--config", str(path), "run", env=env)
        assert result.returncode == 2, result.stderr
        assert str(path) in result.stderr and expected in result.stderr
        assert "Traceback" not in result.stderr


def test_a_second_daemon_exits_1_saying_one_is_running(daemon, env) -> None:
    first = daemon()
    second = run_cli("run", env=env)
    assert second.returncode == 1
    assert "already running" in second.stderr
    assert first.proc.poll() is None


def test_clients_without_a_daemon_exit_3_with_a_hint(env) -> None:
    for command in (["status"], ["snooze"], ["pause", "1h"], ["done"], ["reload"]):
        result = run_cli(*command, env=env)
        assert result.returncode == 3, command
        assert "not running" in result.stderr and "hint:" in result.stderr


def test_status_waybar_shows_a_stopped_daemon_as_a_state(env) -> None:
    """waybar hides a module whose command fails or prints no text: for the bar, a stopped
    daemon is something to show, so --waybar exits 0 with text (plain and --json exit 3)."""
    result = run_cli("status", "--waybar", env=env)
    assert result.returncode == 0
    line = json.loads(result.stdout)
    assert line["class"] == "stopped" and line["text"]
    assert run_cli("status", "--json", env=env).returncode == 3


def test_reload_of_a_broken_config_exits_2(daemon, env, xdg_dirs) -> None:
    config = xdg_dirs.config_home / "standup" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[schedule]\nsit = "50m"\n')
    daemon()
    config.write_text('[schedule]\nsit = "ten"\n')
    result = run_cli("reload", env=env)
    assert result.returncode == 2
    assert "schedule.sit" in result.stderr and "Traceback" not in result.stderr
    status = run_cli("status", env=env).stdout
    assert "Config not reloaded" in status and "schedule.sit" in status


def test_client_commands_import_no_heavy_modules(daemon, env) -> None:
    daemon()
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['standup', 'status', '--json']\n"
        "try:\n"
        "    runpy.run_module('standup', run_name='__main__')\n"
        "except SystemExit:\n"
        "    pass\n"
        "heavy = [m for m in ('apscheduler', 'pydantic', 'pydantic_settings', 'plyer', 'jeepney',"
        " 'sqlite3', 'logging', 'standup.cli.exercises', 'standup.cli.config')"
        " if m in sys.modules]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=30
    )
    assert json.loads(result.stdout)["state"] == "sitting"
    assert "HEAVY []" in result.stderr


def test_bad_usage_exits_1(env) -> None:
    assert run_cli("snooze", "soon", env=env).returncode == 1
    assert run_cli("pause", "--until", "25:99", env=env).returncode == 1


def test_version_and_module_entry_point(env) -> None:
    from standup import __version__

    result = run_cli("--version", env=env)
    assert result.returncode == 0 and result.stdout.strip() == f"standup {__version__}"


def test_a_reminder_arrives_in_the_log_without_a_notification_server(env) -> None:
    env = {**env, "STANDUP_SCHEDULE__SIT": "1s", "STANDUP_NOTIFICATIONS__BACKEND": "auto"}
    env["DBUS_SESSION_BUS_ADDRESS"] = "unix:path=" + str(Path(env["XDG_RUNTIME_DIR"]) / "no-bus")
    d = Daemon(env)
    d.wait_ready()
    wait_until(lambda: run_cli("status", "--json", env=env).stdout.count('"reminding"'), 10)
    code, err = d.stop()
    assert code == 0
    from standup.exercises import builtin_catalogue

    # The log backend's line: the title (the move), then the body.
    assert any(f"Reminder: {e.name} — " in err for e in builtin_catalogue())


def test_a_snooze_survives_kill_9_and_restart(daemon, env) -> None:
    first = daemon()
    assert run_cli("snooze", "25m", env=env).returncode == 0
    snoozed = json.loads(run_cli("status", "--json", env=env).stdout)
    assert snoozed["state"] == "snoozed"
    first.proc.kill()
    first.proc.wait(timeout=5)
    daemon()  # takes over the stale socket the killed one left
    after = json.loads(run_cli("status", "--json", env=env).stdout)
    assert after["state"] == "snoozed"
    assert after["next_reminder_at"] == snoozed["next_reminder_at"]
    assert after["pid"] != snoozed["pid"]


def test_a_corrupt_database_is_set_aside_and_the_daemon_runs(daemon, env, xdg_dirs) -> None:
    db = xdg_dirs.state_home / "standup" / "standup.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database\x00" * 100)
    d = daemon()
    assert json.loads(run_cli("status", "--json", env=env).stdout)["state"] == "sitting"
    aside = list(db.parent.glob("standup.db.corrupt-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
    code, err = d.stop()
    assert code == 0 and "corrupt" in err.lower()


def test_argparse_usage_errors_exit_1_not_2(env) -> None:
    for argv in (["frobnicate"], ["stats", "--days", "x"], ["status", "--json", "--waybar"]):
        result = run_cli(*argv, env=env)
        assert result.returncode == 1, argv
        assert "usage: standup" in result.stderr


def test_negative_durations_reach_validation_instead_of_looking_like_options(env) -> None:
    result = run_cli("snooze", "-5m", env=env)
    assert result.returncode == 1
    assert "must be longer than zero" in result.stderr
    result = run_cli("config", "set", "schedule.sit", "-5m", env=env)
    assert result.returncode == 2
    assert 'schedule.sit = "-5m": must be longer than zero' in result.stderr


def test_state_files_are_private_even_outside_the_unit(daemon, env, xdg_dirs) -> None:
    import stat

    state = xdg_dirs.state_home / "standup"
    state.mkdir(mode=0o755)
    state.chmod(0o755)  # made earlier by something with a looser umask
    old = os.umask(0o022)  # what a shell usually has
    try:
        d = daemon()
    finally:
        os.umask(old)
    run_cli("snooze", "5m", env=env)  # a write: the WAL and SHM files exist now
    files = {p.name: stat.S_IMODE(p.stat().st_mode) for p in state.iterdir()}
    d.stop()
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert {"standup.db-wal", "standup.db-shm"} <= set(files), files
    assert all(mode & 0o077 == 0 for mode in files.values()), files


def test_a_fatal_error_is_marked_for_the_journal_only_when_stderr_is_the_journal(
    env, tmp_path
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[schedule]\nsit = "forever"\n')
    # Inherited from a session started by systemd, but stderr here is a pipe, not the journal.
    elsewhere = run_cli("--config", str(bad), "run", env={**env, "JOURNAL_STREAM": "8:12345"})
    assert elsewhere.returncode == 2
    assert elsewhere.stderr.startswith("standup: ")
