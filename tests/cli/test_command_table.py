"""The command table is the one list of commands: the parser, the daemon's dispatch and the
README's command list agree with it."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from standup import core
from standup.cli.main import build_parser
from standup.commands import COMMANDS, DAEMON_COMMANDS, DAEMON_QUERIES, GROUPS, Arg, Command, OneOf
from standup.daemon import commands as daemon_commands

README = Path(__file__).resolve().parents[2] / "README.md"


def walk(commands: tuple[Command, ...], runner: str = "") -> list[tuple[Command, str]]:
    """Every command and subcommand, with the runner in force for it (its own or its
    parent's)."""
    found = []
    for command in commands:
        own = command.runner or runner
        found.append((command, own))
        found += walk(command.subcommands, own)
    return found


def options_of(command: Command) -> set[str]:
    args = [a for item in command.args for a in (item.args if isinstance(item, OneOf) else [item])]
    return {name for a in args if isinstance(a, Arg) for name in a.names if name.startswith("-")}


def choices(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


@pytest.mark.parametrize(
    ("command", "runner"), walk(COMMANDS), ids=lambda v: getattr(v, "name", "")
)
def test_every_command_runs_something_that_exists(command: Command, runner: str) -> None:
    if command.subcommands and all(child.runner for child in command.subcommands):
        return  # each subcommand names its own
    module, _, function = runner.partition(":")
    assert callable(getattr(__import__(module, fromlist=[function]), function)), runner


def test_the_parser_has_every_command_and_subcommand_of_the_table() -> None:
    parser = build_parser()
    top = choices(parser)
    assert list(top) == [c.name for c in COMMANDS]
    for command in COMMANDS:
        assert list(choices(top[command.name])) == [c.name for c in command.subcommands]
        assert top[command.name].description == command.about


def test_the_status_parser_has_just_the_daemon_commands() -> None:
    assert list(choices(build_parser(clients_only=True))) == list(DAEMON_COMMANDS)


def test_the_daemon_serves_the_tables_commands_as_the_core_events_it_names() -> None:
    assert tuple(DAEMON_COMMANDS) == daemon_commands.COMMANDS
    for name, daemon in DAEMON_COMMANDS.items():
        if daemon.event is not None:
            kind = getattr(core, daemon.event)
            assert issubclass(kind, core.Event), name
            assert daemon_commands._event_kind(name) is kind


def test_the_daemon_also_answers_what_other_commands_ask_it() -> None:
    assert (*DAEMON_COMMANDS, *DAEMON_QUERIES) == daemon_commands.SERVED
    assert set(DAEMON_QUERIES) == set(daemon_commands._ANSWERS)
    # Each carries the client's config sources: only a daemon running that config answers.
    assert all("sources" in query.request for query in DAEMON_QUERIES.values())


def readme_commands() -> dict[str, str]:
    """`standup NAME ...` lines of the README's command block, by name."""
    text = README.read_text()
    block = text.split("## Command line", 1)[1].split("```", 2)[1]
    lines = {}
    for line in block.splitlines():
        match = re.match(r"standup (\w+)(.*)", line)
        if match:
            lines[match.group(1)] = match.group(2)
    return lines


def test_the_readme_lists_every_command_of_the_table_and_no_other() -> None:
    lines = readme_commands()
    assert list(lines) == [c.name for c in COMMANDS]
    for command in COMMANDS:
        usage = lines[command.name].split("   ")[0]  # the usage, not the words beside it
        for child in command.subcommands:
            assert re.search(rf"(^|\| ) ?{child.name}\b", usage.strip()), (command.name, child)
            for option in options_of(child):
                assert option in usage, (command.name, child.name, option)
        for option in options_of(command):
            assert option in usage, (command.name, option)
        for option in re.findall(r"--[\w-]+", usage):
            known = options_of(command).union(*(options_of(c) for c in command.subcommands))
            assert option in known, (command.name, option)


def test_every_top_level_command_has_a_group_and_no_subcommand_has_one() -> None:
    for command in COMMANDS:
        assert command.group in GROUPS, command.name
        for child, _runner in walk(command.subcommands):
            assert child.group == "", (command.name, child.name)


def sections(text: str) -> dict[str, list[str]]:
    """The help's sections ("title:" lines) with the first word of each entry under them."""
    found: dict[str, list[str]] = {}
    title = ""
    for line in text.splitlines():
        if line and not line.startswith(" ") and line.endswith(":"):
            title = line[:-1]
            found[title] = []
        elif title and line.startswith("  ") and not line.startswith("   "):
            found[title].append(line.split()[0])
    return found


@pytest.mark.parametrize("argv", [["--help"], ["-h"], ["--config", "x.toml", "--help"]])
def test_help_lists_every_command_once_under_its_group(argv, capsys) -> None:
    from standup.cli.main import main

    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == 0
    listed = sections(capsys.readouterr().out)
    for group, title in GROUPS.items():
        assert listed[title] == [c.name for c in COMMANDS if c.group == group]
    shown = [name for title in GROUPS.values() for name in listed[title]]
    assert sorted(shown) == sorted(c.name for c in COMMANDS)
    assert "--version" in listed["options"]


def test_help_says_how_to_change_the_default_interval(capsys) -> None:
    from standup.cli.main import EPILOG, main
    from standup.config.durations import describe
    from standup.config.settings import ScheduleOptions

    assert f"after {describe(ScheduleOptions().sit)} of sitting" in EPILOG
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())  # argparse wraps the epilog
    assert "standup config set schedule.sit 40m" in out and "standup config path" in out
