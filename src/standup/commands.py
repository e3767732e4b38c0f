"""Every command, declared once: its name, help, arguments, where it runs, and for the
daemon's commands the request arguments and the core event it becomes.

The parser (`cli.main`), the daemon's dispatch (`daemon.commands`), the control server's list
of commands, shell completion (made from the parser) and the README's command list (checked by
a test) all come from here. Adding a command is one entry below and its runner.

Plain data and the standard library only: `standup status` reads this table at every start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

SHELLS = ("bash", "zsh", "fish")


# NamedTuples, not dataclasses: the client commands would pay for importing `dataclasses`.


class Arg(NamedTuple):
    """One argparse argument: its names and keyword options, as add_argument takes them."""

    names: tuple[str, ...]
    options: dict[str, Any]


class OneOf(NamedTuple):
    """Arguments that exclude each other (argparse's mutually exclusive group)."""

    args: tuple[Arg, ...]


def arg(*names: str, **options: Any) -> Arg:
    return Arg(names, options)


def flag(name: str, help: str, **options: Any) -> Arg:
    """An on/off option."""
    return Arg((name,), {"action": "store_true", "help": help, **options})


JSON = flag("--json", "print JSON")


class Daemon(NamedTuple):
    """A command the running daemon carries out: the request's argument names, and the core
    event it becomes (by its name in `standup.core`; None: it only reads or reloads)."""

    request: frozenset[str] = frozenset()
    event: str | None = None


class Command(NamedTuple):
    name: str
    help: str  # a line in the list of commands
    description: str = ""  # the top of its --help; empty: the help line, as a sentence
    args: tuple[Arg | OneOf, ...] = ()
    # "module:function" called with the parsed arguments, imported only when it runs.
    runner: str = ""
    daemon: Daemon | None = None
    subcommands: tuple[Command, ...] = ()
    subcommand_required: bool = True
    group: str = ""  # a top-level command's section of `standup --help` (a key of GROUPS)

    @property
    def about(self) -> str:
        return self.description or f"{self.help[0].upper()}{self.help[1:]}."


# The sections `standup --help` (and a bare `standup`) list the top-level commands in.
GROUPS = {"daily": "commands for every day", "setup": "commands for setting up"}

_CLIENT = "standup.cli.client"
_SIMPLE = f"{_CLIENT}:cmd_simple"

COMMANDS: tuple[Command, ...] = (
    Command(
        "run",
        "run the daemon (what the systemd unit starts)",
        "Run the daemon in the foreground until SIGTERM or Ctrl-C; SIGHUP re-reads the config. "
        "`standup service install` sets it up as a systemd user service.",
        runner="standup.cli.main:cmd_run",
        group="setup",
    ),
    Command(
        "status",
        "what standup is doing now",
        "What standup is doing now. Exit code 3 when the daemon is not running (except with "
        "--waybar, which then prints a 'stopped' line for the bar). With --follow, a line now "
        "and one at each change, until interrupted: for status bars, with no polling.",
        args=(
            OneOf(
                (
                    flag("--json", "the documented JSON object"),
                    flag("--waybar", "one line for a waybar custom module"),
                )
            ),
            flag("--follow", "keep printing: a line each time the state or the minute changes"),
        ),
        runner=f"{_CLIENT}:cmd_status",
        # follow: the connection stays open and gets the status each time it changes.
        daemon=Daemon(frozenset({"follow"})),
        group="daily",
    ),
    Command(
        "snooze",
        "postpone the reminder (default: the configured snooze)",
        "Postpone the reminder showing, or the next one, by DURATION (default: schedule.snooze).",
        args=(arg("duration", nargs="?", help='e.g. "10m", "1h"'),),
        runner=f"{_CLIENT}:cmd_snooze",
        daemon=Daemon(frozenset({"duration"}), "Snooze"),
        group="daily",
    ),
    Command(
        "pause",
        "no reminders for a while (default: until resumed)",
        "No reminders for DURATION, until HH:MM, or (with neither) until `standup resume`. "
        "Nothing counts as sitting meanwhile.",
        args=(
            arg("duration", nargs="?", help='e.g. "1h", "90m"'),
            arg(
                "--until",
                metavar="HH:MM",
                help="pause until this local time (or HH:MM+05:00, HH:MMZ for another UTC offset)",
            ),
        ),
        runner=f"{_CLIENT}:cmd_pause",
        daemon=Daemon(frozenset({"duration", "until"}), "Pause"),
        group="daily",
    ),
    Command(
        "resume",
        "end a pause; a new sitting stretch starts now",
        runner=_SIMPLE,
        daemon=Daemon(event="Resume"),
        group="daily",
    ),
    Command(
        "done",
        "I did the exercise: start a new stretch",
        "I did the exercise: start a new stretch. With --too-easy or --too-hard it counts as "
        "done too, and the next time this exercise would come up you get its harder (or "
        "easier) variant instead; repeat to go further along.",
        args=(
            OneOf(
                (
                    arg(
                        "--too-easy",
                        dest="rating",
                        action="store_const",
                        const="too_easy",
                        help="done, and suggest a harder variant from now on",
                    ),
                    arg(
                        "--too-hard",
                        dest="rating",
                        action="store_const",
                        const="too_hard",
                        help="done, and suggest an easier variant from now on",
                    ),
                )
            ),
        ),
        runner=_SIMPLE,
        daemon=Daemon(frozenset({"rating"}), "Done"),
        group="daily",
    ),
    Command(
        "skip",
        "skip this reminder: start a new stretch",
        runner=_SIMPLE,
        daemon=Daemon(event="Skip"),
        group="daily",
    ),
    Command(
        "now",
        "remind me now, with the next exercise",
        "Remind me now, with the next exercise; a reminder showing or snoozed comes back with "
        "its own. With --guide, count a timed hold down in the terminal (the reminder showing "
        "or snoozed, or the next one) and record it as done at the end.",
        args=(
            flag(
                "--guide",
                "count the hold down here, with a progress bar; Ctrl-C stops without recording",
            ),
        ),
        runner=_SIMPLE,
        daemon=Daemon(event="RemindNow"),
        group="daily",
    ),
    Command(
        "reload",
        "re-read the config file",
        runner=_SIMPLE,
        daemon=Daemon(),
        group="setup",
    ),
    Command(
        "exercises",
        "list, show or preview the exercises",
        "The exercises standup suggests, filtered by the [exercises] options.",
        runner="standup.cli.exercises:cmd_exercises",
        subcommand_required=False,  # bare `exercises` lists them
        subcommands=(
            Command(
                "list",
                "the exercises that can come up (the default)",
                "The exercises your config lets come up, by category; with --all every one, "
                "and why each left-out entry is left out.",
                args=(flag("--all", "also show filtered-out exercises and why"), JSON),
            ),
            Command(
                "show",
                "the full text of one exercise",
                "One exercise in full: its steps, cue, why it helps, its easier and harder "
                "variants and the safety notes; --open shows its picture.",
                args=(
                    arg("id", help="an exercise id, as `list --all` shows"),
                    JSON,
                    flag("--open", "open the exercise's picture in the image viewer"),
                ),
            ),
            Command(
                "next",
                "what the next reminder will suggest",
                "The exercise the next reminder will suggest (or the one a snoozed reminder "
                "brings back), without moving the rotation on.",
                args=(JSON,),
            ),
        ),
        group="daily",
    ),
    Command(
        "stats",
        "reminders, answers and time sat, per day",
        "Reminders, answers, breaks and time sat, per day, from the history (works without "
        "the daemon).",
        args=(
            arg("--days", type=int, default=7, help="how many days back (default 7)"),
            OneOf((JSON, flag("--csv", "print CSV, one row a day"))),
        ),
        runner=f"{_CLIENT}:cmd_stats",
        group="daily",
    ),
    Command(
        "config",
        "see, check or create the config file",
        "The TOML config: where it is read from, what it says in effect, whether it is valid, "
        "and one-line changes. A running daemon picks up every saved change.",
        runner="standup.cli.config:cmd_config",
        subcommands=(
            Command(
                "path",
                "the files read, in order, and which exist",
                "The config files standup reads, lowest precedence first, marking those that "
                "exist and the one `config set` and `config edit` change.",
            ),
            Command(
                "show",
                "the effective config, as TOML",
                "Every setting as the daemon would use it: defaults, files and STANDUP_* "
                "variables merged, as TOML.",
                args=(flag("--sources", "say where each value came from"),),
            ),
            Command(
                "check",
                "validate the config (or FILE); exit 2 if bad",
                "Validate the config as the daemon would load it, or FILE alone; a problem is "
                "named by file, line and key, with what is allowed. Exit 2 when it is bad.",
                args=(
                    arg(
                        "file", nargs="?", type=Path, metavar="FILE", help="a file to check instead"
                    ),
                ),
            ),
            Command(
                "init",
                "write the commented example to your config path",
                "Write the commented example config (every setting at its default) to your "
                "config path, to edit from there.",
                args=(flag("--force", "overwrite an existing file"),),
            ),
            Command(
                "set",
                "set KEY (like schedule.sit) to VALUE in your file",
                "Set one key in your config file, keeping its comments and layout. The value is "
                "checked first: a refused one is never written.",
                args=(
                    arg("key", metavar="KEY", help="a dotted key, like schedule.sit"),
                    arg("value", metavar="VALUE", help='a TOML value (5, true, ["a"]) or text'),
                ),
            ),
            Command(
                "edit",
                "open your config in $VISUAL/$EDITOR; check it on save",
                "Open your config file in $VISUAL or $EDITOR (with neither set: editor, nano "
                "or vi, in a terminal). When you save and quit, the result is checked: a bad "
                "edit can be edited again, or is kept beside the file as config.toml.rejected; "
                "your file changes only when the edit is valid.",
            ),
        ),
        group="setup",
    ),
    Command(
        "service",
        "run standup as a user service (systemd, launchd)",
        "Install, remove or inspect the user service that starts standup at login: a systemd "
        "user unit on Linux, a launchd agent on macOS.",
        subcommands=(
            Command(
                "install",
                "write the user unit and enable it",
                "Write the user unit (and the shell completion files), then enable it so "
                "standup starts with every login. Run it again after moving the checkout or "
                "the venv.",
                args=(
                    flag("--now", "start it too"),
                    flag("--dry-run", "print what would be done"),
                ),
                runner="standup.cli.service:cmd_install",
            ),
            Command(
                "uninstall",
                "stop and disable it, remove the unit",
                "Stop and disable the service and remove what `service install` wrote. Your "
                "config and history stay.",
                args=(flag("--dry-run", "print what would be done"),),
                runner="standup.cli.service:cmd_uninstall",
            ),
            Command(
                "status",
                "installed, enabled, running?",
                "Whether the unit is installed, enabled and running, and where it is.",
                args=(JSON,),
                runner="standup.cli.service:cmd_status",
            ),
        ),
        group="setup",
    ),
    Command(
        "doctor",
        "check everything standup needs, with hints",
        "Check the config, the session bus, the notification server, the idle source, the "
        "daemon and the service, and say how to fix what fails. Exit 1 when standup cannot "
        "remind you.",
        args=(JSON,),
        runner="standup.cli.service:cmd_doctor",
        group="setup",
    ),
    Command(
        "completion",
        "print a shell completion script (bash, zsh or fish)",
        "Print the completion script for SHELL. `standup service install` puts it where each "
        "shell looks; to load it by hand: `source <(standup completion bash)`.",
        args=(arg("shell", metavar="SHELL", choices=SHELLS, help="bash, zsh or fish"),),
        runner="standup.cli.completion:cmd_completion",
        group="setup",
    ),
)

BY_NAME = {command.name: command for command in COMMANDS}
# The commands the running daemon carries out, and what each request may carry.
DAEMON_COMMANDS = {c.name: c.daemon for c in COMMANDS if c.daemon is not None}
# What the running daemon already knows, asked for by commands that would otherwise load the
# settings themselves (`standup.control.known`): no command line of their own. Each carries
# the client's config sources, to be answered only by a daemon running that same config, and
# the language the client's terminal asks for.
DAEMON_QUERIES = {
    "exercises": Daemon(frozenset({"sources", "speaks", "command", "id", "all", "json", "open"})),
    "doctor": Daemon(frozenset({"sources", "speaks", "install"})),
}
