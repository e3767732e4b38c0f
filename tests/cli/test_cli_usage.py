"""The command line as people type it: options anywhere, a bare `standup`, help everywhere."""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
from pathlib import Path

from standup.cli.main import build_parser, command_word

from rig import wait_until

STANDUP = [sys.executable, "-m", "standup"]


def cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*STANDUP, *args], capture_output=True, text=True, timeout=30, env=env or os.environ.copy()
    )


def test_global_options_after_the_command(xdg_dirs, tmp_path: Path) -> None:
    named = tmp_path / "other.toml"
    result = cli("config", "path", "--config", str(named))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].endswith(str(named))
    result = cli("status", "--log-level", "debug")
    assert result.returncode == 3  # no daemon; but not a usage error (1)
    assert "unrecognized arguments" not in result.stderr


def test_an_option_after_the_command_wins_over_none_before(run_main, tmp_path, capsys) -> None:
    named = tmp_path / "mine.toml"
    assert run_main(["--log-level", "error", "config", "path", "--config", str(named)]) == 0
    assert str(named) in capsys.readouterr().out


def test_the_command_word_skips_global_options() -> None:
    assert command_word(["--config", "x.toml", "status"]) == "status"
    assert command_word(["--log-level", "debug", "run", "--config", "y"]) == "run"
    assert command_word(["--config=x.toml", "done"]) == "done"
    assert command_word(["--config", "status"]) is None  # "status" is the option's value here
    assert command_word([]) is None


def test_bare_standup_without_a_daemon_lists_the_commands(xdg_dirs) -> None:
    result = cli()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("The standup daemon is not running.\n")
    listed = [line.split()[0] for line in result.stdout.splitlines() if line.startswith("  ")]
    assert {"status", "done", "snooze", "config", "exercises", "doctor"} <= set(listed)


def test_bare_standup_groups_the_commands_and_says_how_to_change_the_interval(
    run_main, xdg_dirs, capsys
) -> None:
    assert run_main([]) == 0
    out = capsys.readouterr().out
    daily, setup = out.index("Commands for every day:"), out.index("Commands for setting up:")
    assert daily < out.index("  snooze ") < setup < out.index("  config ")
    assert "standup config set schedule.sit 40m" in " ".join(out.split())


def test_bare_standup_with_a_daemon_prints_the_status(xdg_dirs) -> None:
    env = os.environ.copy()
    env["STANDUP_NOTIFICATIONS__BACKEND"] = "log"
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    daemon = subprocess.Popen([*STANDUP, "run"], env=env, stderr=subprocess.DEVNULL)
    try:
        wait_until(lambda: cli("status", env=env).returncode == 0, timeout=15)
        result = cli(env=env)
        assert result.returncode == 0, result.stderr
        # The status line, as `standup status` prints it (its seconds may have moved on).
        assert result.stdout.startswith("Sitting for ") and "next reminder at" in result.stdout
        assert "Commands:" not in result.stdout
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=10)


def _walk(parser: argparse.ArgumentParser, path: list[str]) -> list[str]:
    missing = []
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {choice.dest: choice.help for choice in action._choices_actions}
            for name, child in action.choices.items():
                if not helps.get(name):
                    missing.append(f"{' '.join([*path, name])}: no help line")
                if not child.description:
                    missing.append(f"{' '.join([*path, name])}: no description")
                missing += _walk(child, [*path, name])
        elif not action.help and action.dest != "help":
            missing.append(f"{' '.join(path)} {'/'.join(action.option_strings) or action.dest}")
    return missing


def test_every_command_and_option_has_help() -> None:
    assert _walk(build_parser(), ["standup"]) == []
