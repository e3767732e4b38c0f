"""Every command, declared once: its name, help, arguments, where it runs, and for the
daemon's commands the request arguments and the core event it becomes.

The parser (`cli.main`), the daemon's dispatch (`daemon.commands`), the control server's list
of commands, shell completion (made from the parser) and the README's command list (checked by
a test) all come from here. Adding a command is one entry below and its runner. Its texts
are marked with N_() and translated where the parser is made (`cli.main`).

Plain data and the standard library only: `standup status` reads this table at every start.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, NamedTuple

from standup.i18n import N_

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


JSON = flag("--json", N_("print JSON"))


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
GROUPS = {
    # Translators: headings of `standup --help`, lower-case like argparse's own ("options").
    "daily": N_("commands for every day"),
    "setup": N_("commands for setting up"),
}

_CLIENT = "standup.cli.client"
_SIMPLE = f"{_CLIENT}:cmd_simple"

# Formatted by hand: each text in N_() keeps the lines it had, and the table stays compact.
# Names in capitals (DURATION, FILE, KEY, SHELL), commands, options and config keys in the texts
# are what the user types: a translation keeps them as they are.
# fmt: off
COMMANDS: tuple[Command, ...] = (
    Command(
        "run",
        N_("run the daemon (what the systemd unit starts)"),
        N_("Run the daemon in the foreground until SIGTERM or Ctrl-C; SIGHUP re-reads the "
           "config. `standup service install` sets it up as a systemd user service."),
        runner="standup.cli.main:cmd_run",
        group="setup",
    ),
    Command(
        "status",
        N_("what standup is doing now"),
        # Translators: 'stopped' is the CSS class of the status bar's line: never translated.
        N_("What standup is doing now. Exit code 3 when the daemon is not running (except with "
           "--waybar, which then prints a 'stopped' line for the bar). With --follow, a line now "
           "and one at each change, until interrupted: for status bars, with no polling."),
        args=(
            OneOf(
                (
                    flag("--json", N_("the documented JSON object")),
                    flag("--waybar", N_("one line for a waybar custom module")),
                )
            ),
            flag(
                "--follow", N_("keep printing: a line each time the state or the minute changes")
            ),
        ),
        runner=f"{_CLIENT}:cmd_status",
        # follow: the connection stays open and gets the status each time it changes.
        daemon=Daemon(frozenset({"follow"})),
        group="daily",
    ),
    Command(
        "snooze",
        N_("postpone the reminder (default: the configured snooze)"),
        # Translators: DURATION is the argument's name in the usage line; schedule.snooze a key.
        N_("Postpone the reminder showing, or the next one, by DURATION (default: "
           "schedule.snooze)."),
        args=(arg("duration", nargs="?", help=N_('e.g. "10m", "1h"')),),
        runner=f"{_CLIENT}:cmd_snooze",
        daemon=Daemon(frozenset({"duration"}), "Snooze"),
        group="daily",
    ),
    Command(
        "pause",
        N_("no reminders for a while (default: until resumed)"),
        # Translators: DURATION and HH:MM are the arguments' names in the usage line.
        N_("No reminders for DURATION, until HH:MM, or (with neither) until `standup resume`. "
           "Nothing counts as sitting meanwhile."),
        args=(
            arg("duration", nargs="?", help=N_('e.g. "1h", "90m"')),
            arg(
                "--until",
                metavar="HH:MM",
                help=N_("pause until this local time (or HH:MM+05:00, HH:MMZ for another UTC "
                        "offset)"),
            ),
        ),
        runner=f"{_CLIENT}:cmd_pause",
        daemon=Daemon(frozenset({"duration", "until"}), "Pause"),
        group="daily",
    ),
    Command(
        "resume",
        N_("end a pause; a new sitting stretch starts now"),
        runner=_SIMPLE,
        daemon=Daemon(event="Resume"),
        group="daily",
    ),
    Command(
        "done",
        N_("I did the exercise: start a new stretch"),
        N_("I did the exercise: start a new stretch. With --too-easy or --too-hard it counts as "
           "done too, and the next time this exercise would come up you get its harder (or "
           "easier) variant instead; repeat to go further along."),
        args=(
            OneOf(
                (
                    arg(
                        "--too-easy",
                        dest="rating",
                        action="store_const",
                        const="too_easy",
                        help=N_("done, and suggest a harder variant from now on"),
                    ),
                    arg(
                        "--too-hard",
                        dest="rating",
                        action="store_const",
                        const="too_hard",
                        help=N_("done, and suggest an easier variant from now on"),
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
        N_("skip this reminder: start a new stretch"),
        runner=_SIMPLE,
        daemon=Daemon(event="Skip"),
        group="daily",
    ),
    Command(
        "now",
        N_("remind me now, with the next exercise"),
        N_("Remind me now, with the next exercise; a reminder showing or snoozed comes back with "
           "its own. With --guide, count a timed hold down in the terminal (the reminder showing "
           "or snoozed, or the next one) and record it as done at the end."),
        args=(
            flag(
                "--guide",
                N_("count the hold down here, with a progress bar; Ctrl-C stops without recording"),
            ),
        ),
        runner=_SIMPLE,
        daemon=Daemon(event="RemindNow"),
        group="daily",
    ),
    Command(
        "reload",
        N_("re-read the config file"),
        runner=_SIMPLE,
        daemon=Daemon(),
        group="setup",
    ),
    Command(
        "exercises",
        N_("list, show or preview the exercises"),
        N_("The exercises standup suggests, filtered by the [exercises] options."),
        runner="standup.cli.exercises:cmd_exercises",
        subcommand_required=False,  # bare `exercises` lists them
        subcommands=(
            Command(
                "list",
                N_("the exercises that can come up (the default)"),
                N_("The exercises your config lets come up, by category; with --all every one, "
                   "and why each left-out entry is left out."),
                args=(flag("--all", N_("also show filtered-out exercises and why")), JSON),
            ),
            Command(
                "show",
                N_("the full text of one exercise"),
                N_("One exercise in full: its steps, cue, why it helps, its easier and harder "
                   "variants and the safety notes; --open shows its picture."),
                args=(
                    arg("id", help=N_("an exercise id, as `list --all` shows")),
                    JSON,
                    flag("--open", N_("open the exercise's picture in the image viewer")),
                ),
            ),
            Command(
                "next",
                N_("what the next reminder will suggest"),
                N_("The exercise the next reminder will suggest (or the one a snoozed reminder "
                   "brings back), without moving the rotation on."),
                args=(JSON,),
            ),
        ),
        group="daily",
    ),
    Command(
        "stats",
        N_("reminders, answers and time sat, per day"),
        N_("Reminders, answers, breaks and time sat, per day, from the history (works without "
           "the daemon)."),
        args=(
            arg("--days", type=int, default=7, help=N_("how many days back (default 7)")),
            OneOf((JSON, flag("--csv", N_("print CSV, one row a day")))),
        ),
        runner=f"{_CLIENT}:cmd_stats",
        group="daily",
    ),
    Command(
        "config",
        N_("see, check or create the config file"),
        N_("The TOML config: where it is read from, what it says in effect, whether it is valid, "
           "and one-line changes. A running daemon picks up every saved change."),
        runner="standup.cli.config:cmd_config",
        subcommands=(
            Command(
                "path",
                N_("the files read, in order, and which exist"),
                N_("The config files standup reads, lowest precedence first, marking those that "
                   "exist and the one `config set` and `config edit` change."),
            ),
            Command(
                "show",
                N_("the effective config, as TOML"),
                N_("Every setting as the daemon would use it: defaults, files and STANDUP_* "
                   "variables merged, as TOML."),
                args=(flag("--sources", N_("say where each value came from")),),
            ),
            Command(
                "check",
                # Translators: FILE is the argument's name in the usage line.
                N_("validate the config (or FILE); exit 2 if bad"),
                N_("Validate the config as the daemon would load it, or FILE alone; a problem is "
                   "named by file, line and key, with what is allowed. Exit 2 when it is bad."),
                args=(
                    arg("file", nargs="?", type=Path, metavar="FILE",
                        help=N_("a file to check instead")),
                ),
            ),
            Command(
                "init",
                N_("write the commented example to your config path"),
                N_("Write the commented example config (every setting at its default) to your "
                   "config path, to edit from there."),
                args=(flag("--force", N_("overwrite an existing file")),),
            ),
            Command(
                "set",
                # Translators: KEY and VALUE are the arguments' names in the usage line.
                N_("set KEY (like schedule.sit) to VALUE in your file"),
                N_("Set one key in your config file, keeping its comments and layout. The value is "
                   "checked first: a refused one is never written."),
                args=(
                    arg("key", metavar="KEY", help=N_("a dotted key, like schedule.sit")),
                    arg("value", metavar="VALUE", help=N_('a TOML value (5, true, ["a"]) or text')),
                ),
            ),
            Command(
                "edit",
                N_("open your config in $VISUAL/$EDITOR; check it on save"),
                N_("Open your config file in $VISUAL or $EDITOR (with neither set: editor, nano "
                   "or vi, in a terminal). When you save and quit, the result is checked: a bad "
                   "edit can be edited again, or is kept beside the file as config.toml.rejected; "
                   "your file changes only when the edit is valid."),
            ),
        ),
        group="setup",
    ),
    Command(
        "service",
        N_("run standup as a user service (systemd, launchd)"),
        N_("Install, remove or inspect the user service that starts standup at login: a systemd "
           "user unit on Linux, a launchd agent on macOS."),
        subcommands=(
            Command(
                "install",
                N_("write the user unit and enable it"),
                N_("Write the user unit (and the shell completion files), then enable it so "
                   "standup starts with every login. Run it again after moving the checkout or "
                   "the venv."),
                args=(
                    flag("--now", N_("start it too")),
                    flag("--dry-run", N_("print what would be done")),
                ),
                runner="standup.cli.service:cmd_install",
            ),
            Command(
                "uninstall",
                N_("stop and disable it, remove the unit"),
                N_("Stop and disable the service and remove what `service install` wrote. Your "
                   "config and history stay."),
                args=(flag("--dry-run", N_("print what would be done")),),
                runner="standup.cli.service:cmd_uninstall",
            ),
            Command(
                "status",
                N_("installed, enabled, running?"),
                N_("Whether the unit is installed, enabled and running, and where it is."),
                args=(JSON,),
                runner="standup.cli.service:cmd_status",
            ),
        ),
        group="setup",
    ),
    Command(
        "doctor",
        N_("check everything standup needs, with hints"),
        N_("Check the config, the session bus, the notification server, the idle source, the "
           "daemon and the service, and say how to fix what fails. Exit 1 when standup cannot "
           "remind you."),
        args=(JSON,),
        runner="standup.cli.service:cmd_doctor",
        group="setup",
    ),
    Command(
        "completion",
        N_("print a shell completion script (bash, zsh or fish)"),
        # Translators: SHELL is the argument's name in the usage line.
        N_("Print the completion script for SHELL. `standup service install` puts it where each "
           "shell looks; to load it by hand: `source <(standup completion bash)`."),
        args=(arg("shell", metavar="SHELL", choices=SHELLS, help=N_("bash, zsh or fish")),),
        runner="standup.cli.completion:cmd_completion",
        group="setup",
    ),
)

# fmt: on

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
