"""`standup <command>`: the parser, built from the command table (`standup.commands`), and
the runner each command names there; the work lives elsewhere.

The commands that talk to a running daemon import only the standard library, so they start in
tens of milliseconds; the rest import what they need when they run. The help speaks the user's
language: the table's texts, and argparse's own words, are translated as the parser is made.
"""

from __future__ import annotations

import argparse
import re
import sys
import typing
from collections.abc import Callable, Sequence
from pathlib import Path

from standup import __version__
from standup.commands import COMMANDS, DAEMON_COMMANDS, GROUPS, Command, OneOf
from standup.errors import StandupError
from standup.i18n import N_, _, ngettext
from standup.i18n.width import wrap

Runner = Callable[[argparse.Namespace], int]


class _WideHelp(argparse.HelpFormatter):
    """argparse's help, wrapped in display columns: a Japanese or Chinese line takes two a
    character and may break between any two, where textwrap counts one and breaks at spaces."""

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(" ".join(text.split()), width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        lines = wrap(" ".join(text.split()), max(width - len(indent), 11))
        return "\n".join(indent + line for line in lines)


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad usage; ours is 1 (2 means a bad config)."""

    def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        kwargs.setdefault("formatter_class", _WideHelp)
        super().__init__(*args, **kwargs)
        # "-5m" is a (negative) duration, not an option: let it reach our own validation.
        self._negative_number_matcher = re.compile(r"^-\d")

    def error(self, message: str) -> typing.NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"standup: {message}\n")


# The settings' default sit, said where a new user looks first (a test holds it to the model:
# the help must not import the settings to say it).
EPILOG = N_(
    "A reminder comes after 50 min of sitting. To change that: `standup config set "
    "schedule.sit 40m`, or edit the config file (`standup config path` shows where). "
    "`standup COMMAND --help` tells more about one command."
)

# argparse's own words that standup can show, for the catalogue: argparse translates them itself
# (see _argparse_speaks), with these msgids and their %-placeholders exactly as CPython 3.11 to
# 3.14 write them. Left out: what our parser never shows (its `error()` writes "standup: ..."
# instead of "%(prog)s: error: %(message)s"; no option is deprecated, none takes nargs "+", "*"
# or a number, no group is required).
# Translators: argparse's help of --version.
VERSION_HELP = N_("show program's version number and exit")
ARGPARSE_WORDS = (
    # Translators: argparse's; keep its ending space. The usage line follows it.
    N_("usage: "),
    # Translators: argparse's headings of a command's --help.
    N_("positional arguments"),
    N_("options"),
    # Translators: argparse's (Python 3.13 and later), a heading of --help: "options:".
    N_("%(heading)s:"),
    # Translators: argparse's help of -h.
    N_("show this help message and exit"),
    VERSION_HELP,
    # Translators: argparse's errors; keep each %s, %r and %(name)s/%(name)r as it is.
    N_("argument %(argument_name)s: %(message)s"),
    N_("the following arguments are required: %s"),
    N_("unrecognized arguments: %s"),
    N_("invalid choice: %(value)r (choose from %(choices)s)"),
    # Translators: argparse's (Python 3.14 and later, where it suggests a close choice).
    N_("invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)"),
    N_("expected one argument"),
    N_("not allowed with argument %s"),
    N_("ambiguous option: %(option)s could match %(matches)s"),
    N_("invalid %(type)s value: %(value)r"),
    N_("ignored explicit argument %r"),
)


def _argparse_speaks() -> None:
    """Have argparse write its own words through standup's catalogue."""
    # argparse translates "usage: ", its headings and its errors with the module-global `_`
    # (gettext's, in its "messages" domain, which holds none of them) and `ngettext`, looked up
    # each time it writes a message: pointed at ours, they find the translations listed above.
    argparse._ = _  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]


def sentence(text: str) -> str:
    """`text` (translated) as a sentence of its own: a capital first, a full stop after."""
    # Translators: a line made a sentence of its own, e.g. a command's help line at the top of
    # its --help; {text} is that line, translated. English adds a full stop.
    return _("{text}.").format(text=text[:1].upper() + text[1:])


def about(command: Command) -> str:
    """The top of a command's --help, translated: its description, else its help line."""
    return _(command.description) if command.description else sentence(_(command.help))


class _TopParser(_Parser):
    """`standup` itself: its help lists the commands in the command table's groups."""

    def format_help(self) -> str:
        formatter = self._get_formatter()
        formatter.add_usage(self.usage, self._actions, self._mutually_exclusive_groups)
        formatter.add_text(self.description)
        listed = {}
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                listed = {choice.dest: choice for choice in action._choices_actions}
        for group, title in GROUPS.items():
            names = [c.name for c in COMMANDS if c.group == group and c.name in listed]
            if names:
                formatter.start_section(_(title))
                formatter.add_arguments([listed[name] for name in names])
                formatter.end_section()
        for action_group in self._action_groups:
            options = [a for a in action_group._group_actions if a.option_strings]
            if options:
                formatter.start_section(action_group.title)
                formatter.add_arguments(options)
                formatter.end_section()
        formatter.add_text(self.epilog)
        return formatter.format_help()


def build_parser(*, clients_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line, from the command table; `clients_only` builds just the
    daemon's commands, which is all `standup status` needs."""
    _argparse_speaks()
    parser = _TopParser(
        prog="standup",
        description=_("A quiet reminder to get up, with one hip-flexor or hamstring exercise."),
        epilog=_(EPILOG),
    )
    # Its help given here: before Python 3.13, argparse does not translate its own.
    version = f"standup {__version__}"
    parser.add_argument("--version", action="version", version=version, help=_(VERSION_HELP))
    _add_global_options(parser, default=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        if command.daemon is not None or not clients_only:
            add_command(sub, command)
    _globals_everywhere(parser)
    # Completion scripts are made from the whole tree: its commands reach it through here.
    parser.set_defaults(root_parser=parser)
    return parser


def add_command(
    sub: argparse._SubParsersAction[_Parser], command: Command
) -> argparse.ArgumentParser:
    """The parser of one command (and its subcommands) as the table declares it."""
    parser = sub.add_parser(command.name, help=_(command.help), description=about(command))
    for item in command.args:
        if isinstance(item, OneOf):
            group = parser.add_mutually_exclusive_group()
            for one in item.args:
                group.add_argument(*one.names, **_translated(one.options))
        else:
            parser.add_argument(*item.names, **_translated(item.options))
    if command.runner:
        parser.set_defaults(runner=command.runner)
    if command.daemon is not None:
        parser.set_defaults(client=True)
    if command.subcommands:
        names = ",".join(child.name for child in command.subcommands)
        actions = parser.add_subparsers(dest=f"{command.name}_command", metavar=f"{{{names}}}")
        actions.required = command.subcommand_required
        for child in command.subcommands:
            add_command(actions, child)
    return parser


def _translated(options: dict[str, typing.Any]) -> dict[str, typing.Any]:
    """An argument's options with its help in the user's language."""
    return {**options, "help": _(options["help"])} if options.get("help") else options


def _runner(name: str) -> Runner:
    module, _, function = name.partition(":")
    # __import__ rather than importlib: the client commands would pay for importing it.
    runner: Runner = getattr(__import__(module, fromlist=[function]), function)
    return runner


GLOBAL_OPTIONS = {"--config": True, "--log-level": True}  # option -> takes a value


def _add_global_options(parser: argparse.ArgumentParser, default: typing.Any) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        default=default,
        help=_("config file (default: $STANDUP_CONFIG, else the XDG one)"),
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        default=default,
        help=_("log verbosity (default: $STANDUP_LOG_LEVEL or info)"),
    )


def _globals_everywhere(parser: argparse.ArgumentParser) -> None:
    """Accept the global options after any command too (`standup status --config X`). Below
    the top they default to SUPPRESS, so a command that does not name them keeps what the
    top level parsed."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                if "--config" not in child._option_string_actions:
                    _add_global_options(child, default=argparse.SUPPRESS)
                _globals_everywhere(child)


def command_word(argv: Sequence[str]) -> str | None:
    """The command in `argv`, past any global options before it; None when there is none."""
    words = iter(argv)
    for word in words:
        if word in GLOBAL_OPTIONS:
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def _overview() -> int:
    """Bare `standup`: the status when the daemon runs, else a short map of the commands."""
    from standup.cli import client as cli_client
    from standup.errors import DaemonNotRunning

    try:
        print(cli_client.describe_status(cli_client.request_status()))
        return 0
    except DaemonNotRunning as error:
        print(sentence(str(error)))
        if error.hint:
            print(sentence(error.hint))
    for group, title in GROUPS.items():
        heading = _(title)
        # Translators: a heading over a list, e.g. "Commands for every day:".
        print("\n" + _("{heading}:").format(heading=heading[:1].upper() + heading[1:]))
        for command in COMMANDS:
            if command.group == group:
                print(f"  {command.name:<11} {_(command.help)}")
    print("\n" + "\n".join(wrap(_(EPILOG), 79)))
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    from standup.daemon.main import run

    return run(args.config)


def _journal_error_mark() -> str:
    """The journal's error mark when stderr is the journal (the unit's daemon failing to
    start), so the message is filed as an error rather than as info; "" in a terminal."""
    import os

    stream = os.environ.get("JOURNAL_STREAM", "")
    try:
        st = os.fstat(sys.stderr.fileno())
    except (OSError, ValueError, AttributeError):
        return ""
    return "<3>" if stream == f"{st.st_dev}:{st.st_ino}" else ""


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # `standup status` runs every few seconds in status bars: parse it with a small parser.
    command = command_word(argv)
    parser = build_parser(clients_only=command in DAEMON_COMMANDS or not argv)
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _overview()
        # The daemon's clients log nothing: they skip the logging module's import cost.
        if not getattr(args, "client", False):
            from standup.logsetup import setup_logging

            setup_logging(args.log_level)
        return int(_runner(args.runner)(args))
    except StandupError as error:
        mark = _journal_error_mark()
        print(f"{mark}standup: {error}", file=sys.stderr)
        if error.hint:
            # Translators: under an error, what to do about it.
            print(mark + _("hint: {hint}").format(hint=error.hint), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        import logging

        logging.getLogger("standup").exception("unexpected error")
        raise
