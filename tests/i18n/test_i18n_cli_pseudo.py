"""The command line speaks the user's language: help, argparse's own words, `status`, `stats`,
the errors a user reads and `now --guide`.

A pseudo-language ("xx") wraps every message of the code, and every exercise text, in angle
quotes. It is built from the messages extracted now (the committed template may lag behind the
code). A word printed without its marks was never asked of gettext: once the marked parts are
taken out, what is left must be data (option and command names, metavars, numbers, times, a bar).
"""

from __future__ import annotations

import argparse
import ast
import io
import json
import os
import re
import socket
import sys
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from config_daemon import daemon_on_config, standup
from standup.cli.guide import guide
from standup.cli.main import ARGPARSE_WORDS
from standup.commands import COMMANDS, SHELLS, Command, OneOf
from standup.config.durations import describe
from standup.control.client import exchange
from standup.errors import DaemonNotRunning, StandupError
from standup.exercises import builtin_catalogue
from standup.history.stats import DayStats, render_table

import pokit

OPEN, CLOSE = pokit.OPEN, pokit.CLOSE
_INNERMOST = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")


def unmarked(text: str) -> str:
    """`text` without its marked parts, innermost first (a translated text may hold another)."""
    while True:
        shorter = _INNERMOST.sub("", text)
        if shorter == text:
            return text
        text = shorter


def marked(text: str) -> bool:
    return text.startswith(OPEN) and text.endswith(CLOSE) and not unmarked(text).strip()


@pytest.fixture(scope="session")
def pseudo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return pokit.pseudo_tree(tmp_path_factory.mktemp("pseudo-locale"))


@pytest.fixture
def xx(pseudo_dir: Path, monkeypatch: pytest.MonkeyPatch, xdg_dirs: object) -> dict[str, str]:
    """Speak "xx", in this process and in the commands it runs; their environment."""
    monkeypatch.setenv("STANDUP_LOCALEDIR", str(pseudo_dir))
    monkeypatch.setenv("LANGUAGE", "xx")
    for name in ("LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")  # times as C writes them: 24 hours
    return dict(os.environ)


# ---- help -----------------------------------------------------------------------------------


def _every(commands: tuple[Command, ...], path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    for command in commands:
        yield (*path, command.name)
        yield from _every(command.subcommands, (*path, command.name))


def _names(commands: tuple[Command, ...]) -> set[str]:
    """The lower-case words of the command line: commands, positionals, choices."""
    words = {"standup", "debug", "info", "warning", "error", *SHELLS}
    for command in commands:
        words.add(command.name)
        for item in command.args:
            for one in item.args if isinstance(item, OneOf) else (item,):
                if not one.names[0].startswith("-"):
                    words.add(one.options.get("metavar") or one.names[0])
        words |= _names(command.subcommands)
    return words


NAMES = _names(COMMANDS)
_OPTION = re.compile(r"-{1,2}[a-z][a-z-]*|[A-Z][A-Z_:]*")  # --log-level, -h; PATH, HH:MM


def data_only(text: str) -> list[str]:
    """The words left unmarked in `text` that are not the command line's own: [] when none."""
    words = []
    for token in unmarked(text).split():
        for part in token.strip("[](){}|,:.").split(","):
            if part and part not in NAMES and not _OPTION.fullmatch(part):
                words.append(token)
    return words


def test_standup_help_is_asked_of_gettext_and_of_argparse_through_it(xx: dict) -> None:
    result = standup(xx, "--help")
    assert result.returncode == 0, result.stderr
    help_text = result.stdout
    assert help_text.startswith(f"{OPEN}usage: {CLOSE}standup ")
    argparse_own = ["show this help message and exit", "show program's version number and exit"]
    ours = ["commands for every day", "what standup is doing now", "options"]
    for text in [*argparse_own, *ours]:
        assert f"{OPEN}{text}{CLOSE}" in help_text, text
    assert f"{OPEN}A reminder comes after 50 min of sitting." in help_text
    assert data_only(help_text) == []


@pytest.mark.parametrize("path", list(_every(COMMANDS)), ids=" ".join)
def test_each_commands_help_is_asked_of_gettext(xx: dict, path: tuple[str, ...]) -> None:
    result = standup(xx, *path, "--help")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"{OPEN}usage: {CLOSE}standup {' '.join(path)}")
    paragraphs = [" ".join(p.split()) for p in result.stdout.split("\n\n")]
    assert marked(paragraphs[1]), paragraphs[1]  # the description, or the help line made one
    assert f"{OPEN}show this help message and exit{CLOSE}" in result.stdout
    assert data_only(result.stdout) == []


# ---- errors ---------------------------------------------------------------------------------

# Each error as it starts, "<" and ">" for the marks: argparse's own words in ours.
ARGPARSE_ERRORS = [
    (["status", "--bogus"], "<unrecognized arguments: --bogus>"),
    (["--log-level", "loud", "status"], "<argument --log-level: <invalid choice: 'loud'"),
    (["bogus"], "<argument COMMAND: <invalid choice: 'bogus'"),
    (["exercises", "show"], "<the following arguments are required: id>"),
    (["status", "--json", "--waybar"], "<argument --waybar: <not allowed with argument --json>>"),
    (["stats", "--days", "x"], "<argument --days: <invalid int value: 'x'>>"),
    (["done", "--too"], "<ambiguous option: --too could match --too-easy, --too-hard>"),
    (["status", "--config"], "<argument --config: <expected one argument>>"),
    (["status", "--json=1"], "<argument --json: <ignored explicit argument '1'>>"),
]


@pytest.mark.parametrize(
    ("argv", "start"), ARGPARSE_ERRORS, ids=[repr(a) for a, _ in ARGPARSE_ERRORS]
)
def test_argparse_errors_are_asked_of_gettext(xx: dict, argv: list[str], start: str) -> None:
    result = standup(xx, *argv)
    assert result.returncode == 1 and result.stdout == ""
    *usage, error = result.stderr.splitlines()
    assert usage[0].startswith(f"{OPEN}usage: {CLOSE}standup") and data_only("\n".join(usage)) == []
    start = start.replace("<", OPEN).replace(">", CLOSE)
    assert error.startswith(f"standup: {start}") and marked(error.removeprefix("standup: "))


OUR_ERRORS = [
    (["snooze", "10x"], "bad duration '10x': ", False),
    (["snooze", "0m"], "bad duration '0m': ", False),
    (["snooze", ""], "an empty duration", True),
    (["pause", "1h", "--until", "10:00"], "give a duration or --until, not both", False),
    (["pause", "--until", "25:99"], "--until wants a time like 14:30", False),
    (["pause", "--until", " "], "--until needs a time", True),
    (["stats", "--days", "0"], "--days must be between 1 and 3660, not 0", False),
]


@pytest.mark.parametrize(
    ("argv", "start", "hint"), OUR_ERRORS, ids=[repr(e[0]) for e in OUR_ERRORS]
)
def test_standups_own_errors_and_hints_are_asked_of_gettext(
    xx: dict, argv: list[str], start: str, hint: bool
) -> None:
    result = standup(xx, *argv)
    assert result.returncode == 1 and result.stdout == ""
    error, *more = result.stderr.splitlines()
    assert error.startswith(f"standup: {OPEN}{start}") and marked(error.removeprefix("standup: "))
    if "duration '" in start:  # what is wrong, inside: the duration's own error
        assert f"{OPEN}expected a duration" in error or f"{OPEN}must be longer" in error
    assert len(more) == hint
    assert all(marked(line) and line.startswith(f"{OPEN}hint: {OPEN}") for line in more)


def test_durations_are_written_in_the_users_words(xx: dict) -> None:
    for seconds in (45, 600, 605, 3600, 3605, 5400, 5405):
        text = describe(timedelta(seconds=seconds))
        assert marked(text) and str(seconds % 60 or seconds // 60 % 60 or 1) in text, text


def test_the_control_clients_errors_are_asked_of_gettext(xx: dict, tmp_path: Path) -> None:
    folder = tmp_path / "rt"
    folder.mkdir(mode=0o700)
    with pytest.raises(DaemonNotRunning) as stopped:
        exchange("status", path=folder / "none.sock", timeout=1)
    assert marked(str(stopped.value)) and marked(stopped.value.hint)
    silent = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    silent.bind(str(folder / "silent.sock"))
    silent.listen(1)  # accepts (the backlog does) and never answers
    try:
        with pytest.raises(StandupError) as late:
            exchange("status", path=folder / "silent.sock", timeout=0.2)
    finally:
        silent.close()
    assert str(late.value) == f"{OPEN}standup did not answer 'status' within 0.2 s{CLOSE}"
    assert marked(late.value.hint)


# ---- status, with and without a daemon ------------------------------------------------------


def test_status_and_bare_standup_without_a_daemon(xx: dict) -> None:
    result = standup(xx, "status")
    assert result.returncode == 3 and result.stdout == ""
    assert result.stderr.splitlines() == [
        f"standup: {OPEN}the standup daemon is not running{CLOSE}",
        f"{OPEN}hint: {OPEN}start it with `standup run`, or `standup service install` to have "
        f"it start at every login{CLOSE}{CLOSE}",
    ]
    bar = json.loads(standup(xx, "status", "--waybar").stdout)
    assert bar == {
        "text": f"{OPEN}off{CLOSE}",
        "tooltip": f"{OPEN}the standup daemon is not running{CLOSE}",
        "class": "stopped",  # for the bar's CSS: never translated
    }
    overview = standup(xx)
    assert overview.returncode == 0, overview.stderr
    *lists, epilog = overview.stdout.split("\n\n")
    assert marked(" ".join(epilog.split()))  # wrapped
    assert sum(line.startswith("  ") for line in overview.stdout.splitlines()) == len(COMMANDS)
    for line in "\n".join(lists).splitlines():
        if line.startswith("  "):  # a command's name (data), then its help line
            name, help_line = line.split(maxsplit=1)
            assert name in NAMES and marked(help_line), line
        elif line:  # what is wrong, how to start it, the headings
            assert marked(line), line
    assert data_only(overview.stdout) == []


def test_status_and_stats_with_a_running_daemon(xx: dict) -> None:
    with daemon_on_config('[schedule]\nsit = "40m"\n') as (env, _config):
        said: dict[str, list[str]] = {}
        for argv in (
            ["status"],
            ["now"],
            ["snooze", "10m"],
            ["done"],
            ["pause", "1h"],
            ["resume"],
            [],  # bare `standup`: the status
        ):
            result = standup(env, *argv)
            assert result.returncode == 0, (argv, result.stderr)
            said[" ".join(argv)] = result.stdout.splitlines()
        bar = json.loads(standup(env, "status", "--waybar").stdout)
        script = standup(env, "status", "--json").stdout
        stats = standup(env, "stats")
    for argv, lines in said.items():
        assert lines and all(marked(line) for line in lines), (argv, lines)
    assert said["status"][0].startswith(f"{OPEN}Sitting for {OPEN}")  # a duration, marked too
    assert said["now"][0].startswith(f"{OPEN}Reminder showing: {OPEN}")  # the catalogue's name
    assert said["snooze 10m"][0].startswith(f"{OPEN}Snoozed ({OPEN}1 of ")
    assert said["pause 1h"][0].endswith(f"(in {OPEN}1 h{CLOSE}).{CLOSE}")
    assert marked(bar["text"]) and marked(bar["tooltip"]) and bar["class"] == "sitting"
    assert OPEN not in script and json.loads(script)["state"] == "sitting"  # for scripts
    assert stats.returncode == 0, stats.stderr
    _check_stats_table(stats.stdout.splitlines())


def _check_stats_table(lines: list[str]) -> None:
    heading, *days, total, streak, meaning = lines
    assert unmarked(heading).strip() == ""
    assert heading.startswith(f"{OPEN}Date{CLOSE}") and f"{OPEN}Reminders{CLOSE}" in heading
    for row in days:  # the day's name and month are the catalogue's; the numbers are data
        assert re.match(
            f"{OPEN}{OPEN}[^{CLOSE}]+{CLOSE} \\d\\d {OPEN}[^{CLOSE}]+{CLOSE}{CLOSE}", row
        )
        assert re.fullmatch(r"[\d\s█▏▎▍▌▋▊▉]*", unmarked(row)), row
    assert total.startswith(f"{OPEN}Total{CLOSE}")
    assert re.fullmatch(r"[\d\s]*", unmarked(total)), total
    assert marked(streak) and streak.startswith(f"{OPEN}Streak: ") and marked(meaning)


def test_stats_without_history_and_its_units(xx: dict) -> None:
    result = standup(xx, "stats", "--days", "3")
    assert result.returncode == 0, result.stderr
    first, *table = result.stdout.splitlines()
    assert marked(first) and first.startswith(f"{OPEN}No history yet")
    _check_stats_table(table)
    day = DayStats(date(2026, 12, 3), reminders=2, done=2, sat_seconds=3900.0)
    text = render_table([day], streak=1)
    assert f"{OPEN}{OPEN}Thu{CLOSE} 03 {OPEN}Dec{CLOSE}{CLOSE}" in text  # weekday, month
    assert f"{OPEN}1h05m{CLOSE}" in text and f"{OPEN}Streak: 1 day in a row" in text
    _check_stats_table(text.splitlines())


# ---- now --guide ----------------------------------------------------------------------------


class _Daemon:
    def __init__(self, exercise: dict[str, Any] | None, stopped: bool = False) -> None:
        self.exercise, self.stopped = exercise, stopped

    def __call__(self, cmd: str, args: dict | None = None) -> dict[str, Any]:
        if cmd == "done" and self.stopped:
            raise DaemonNotRunning("gone")
        return {"state": "reminding", "exercise": self.exercise}


def _guided(exercise: dict[str, Any] | None, **daemon: Any) -> tuple[int, list[str]]:
    now, out = [0.0], io.StringIO()

    def sleep(seconds: float) -> None:
        now[0] += seconds

    code = guide(_Daemon(exercise, **daemon), out, clock=lambda: now[0], sleep=sleep, tty=False)
    return code, out.getvalue().splitlines()


def _shown(exercise_id: str) -> dict[str, Any]:
    move = next(e for e in builtin_catalogue() if e.id == exercise_id)
    return {"id": move.id, "name": move.name, "hold_seconds": move.hold, "sides": move.sides,
            "side": move.side}  # fmt: skip


@pytest.mark.parametrize(
    "exercise_id", ["split-stance-hip-flexor-stretch", "soft-knee-forward-fold"]
)
def test_the_guides_lines_are_asked_of_gettext(xx: dict, exercise_id: str) -> None:
    code, lines = _guided(_shown(exercise_id))
    assert code == 0
    first, *frames, last = lines
    assert marked(first) and first.startswith(f"{OPEN}{OPEN}")  # the exercise's name first
    for line in frames:  # the bar is data; the count's words are the bubble's
        bar, words = line.split(" ", 1)
        assert re.fullmatch(r"\[[#.]+\]", bar) and marked(words), line
    assert frames[-1].endswith(f"{OPEN}Done, well held.{CLOSE}")
    assert last == f"{OPEN}Recorded as done.{CLOSE}"


def test_the_guides_other_endings_are_asked_of_gettext(xx: dict) -> None:
    code, lines = _guided(_shown("leg-swings"))  # counted in reps
    assert code == 0 and len(lines) == 1 and marked(lines[0])
    assert lines[0].startswith(f"{OPEN}{OPEN}Leg swings{CLOSE} is counted in reps")
    code, lines = _guided(_shown("soft-knee-forward-fold"), stopped=True)
    assert (
        code == 3
        and lines[-1] == f"{OPEN}standup is not running, so the hold was not recorded.{CLOSE}"
    )
    with pytest.raises(StandupError) as nothing:
        _guided(None)
    assert marked(str(nothing.value))


# ---- argparse's words -----------------------------------------------------------------------

NEWER = {  # argparse's words that only later Pythons than 3.11 write through `_`
    "%(heading)s:": (3, 13),
    "show program's version number and exit": (3, 13),
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (3, 14),
}


def test_argparse_writes_the_words_listed_for_it_in_this_python() -> None:
    """Each msgid listed for argparse is one this Python's argparse asks `_` for, with the same
    placeholders; those of newer Pythons are named as such."""
    tree = ast.parse(Path(argparse.__file__).read_text("utf-8"))
    asked = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id in ("_", "ngettext") and node.args
        and isinstance(node.args[0], ast.Constant)
    }  # fmt: skip
    for msgid in ARGPARSE_WORDS:
        if sys.version_info >= NEWER.get(msgid, (3, 11)):
            assert msgid in asked, msgid


# ---- doctor ---------------------------------------------------------------------------------

# Checks whose finding is data: versions and paths, and the idle source's own diagnosis, which
# names D-Bus interfaces and protocols and quotes the system's errors (the same words the
# journal logs, so a report matches it).
_DATA_FINDINGS = tuple(f"{OPEN}{name}{CLOSE}" for name in ("python", "packages", "idle"))


def test_doctor_s_names_findings_hints_and_verdict_are_asked_of_gettext(xx: dict) -> None:
    done = standup(xx, "doctor")
    assert done.returncode == 1  # no daemon, no bus: it says so, in marks
    lines = done.stdout.rstrip("\n").split("\n")
    checks = [line for line in lines if line[:4].strip() in ("ok", "warn", "fail")]
    assert len(checks) == 10
    for line in checks:
        name, finding = re.split(r"\s{2,}", line[6:], maxsplit=1)
        assert marked(name), line
        if name in _DATA_FINDINGS:
            continue
        # What is left is punctuation, or systemd's own word for its state.
        assert re.fullmatch(r"[\s:;,()]*(\(offline\))?", unmarked(finding)), line
    hints = [line.strip() for line in lines if line.startswith(" ")]
    assert hints and all(marked(hint) for hint in hints)
    assert marked(lines[-1])  # the verdict
