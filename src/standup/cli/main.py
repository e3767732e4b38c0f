"""`standup <command>`: a small builder and runner per command; the work lives elsewhere.

The commands that talk to a running daemon import only the standard library, so they start in
tens of milliseconds; the rest import what they need when they run.
"""

from __future__ import annotations

import argparse
import re
import sys
import typing
from collections.abc import Callable, Sequence
from pathlib import Path

from standup import __version__
from standup.errors import StandupError

Runner = Callable[[argparse.Namespace], int]


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad usage; ours is 1 (2 means a bad config)."""

    def __init__(self, *args: typing.Any, **kwargs: typing.Any) -> None:
        super().__init__(*args, **kwargs)
        # "-5m" is a (negative) duration, not an option: let it reach our own validation.
        self._negative_number_matcher = re.compile(r"^-\d")

    def error(self, message: str) -> typing.NoReturn:
        self.print_usage(sys.stderr)
        self.exit(1, f"standup: {message}\n")


def build_parser(*, clients_only: bool = False) -> argparse.ArgumentParser:
    """The whole command line; `clients_only` builds just the daemon's client commands, which
    is all `standup status` needs and saves it the other modules' import time."""
    parser = _Parser(
        prog="standup",
        description="A quiet reminder to get up, with one hip-flexor or hamstring exercise.",
    )
    parser.add_argument("--version", action="version", version=f"standup {__version__}")
    _add_global_options(parser, default=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    from standup.cli import client as cli_client

    if clients_only:
        cli_client.add_parsers(sub)
        _globals_everywhere(parser)
        return parser

    from standup.cli import (
        completion as cli_completion,
        config as cli_config,
        service as cli_service,
    )

    run = sub.add_parser(
        "run",
        help="run the daemon (what the systemd unit starts)",
        description="Run the daemon in the foreground until SIGTERM or Ctrl-C; SIGHUP re-reads "
        "the config. `standup service install` sets it up as a systemd user service.",
    )
    run.set_defaults(runner=_cmd_run)
    cli_client.add_parsers(sub)
    cli_config.add_parser(sub)
    cli_service.add_parsers(sub)
    cli_completion.add_parser(sub)
    _add_exercises(sub)
    _globals_everywhere(parser)
    # Completion scripts are made from the whole tree: its commands reach it through here.
    parser.set_defaults(root_parser=parser)
    return parser


GLOBAL_OPTIONS = {"--config": True, "--log-level": True}  # option -> takes a value


def _add_global_options(parser: argparse.ArgumentParser, default: typing.Any) -> None:
    parser.add_argument(
        "--config",
        type=Path,
        metavar="PATH",
        default=default,
        help="config file (default: $STANDUP_CONFIG, else the XDG one)",
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        default=default,
        help="log verbosity (default: $STANDUP_LOG_LEVEL or info)",
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
        print(f"{str(error).capitalize()}.")
        if error.hint:
            print(f"{error.hint[0].upper()}{error.hint[1:]}.")
    print("\nCommands:")
    for action in build_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                print(f"  {choice.dest:<11} {choice.help}")
    print("\nRun `standup COMMAND --help` for the details of one.")
    return 0


def _add_exercises(sub: argparse._SubParsersAction) -> None:
    from standup.cli import exercises as cli_exercises

    cli_exercises.add_parser(sub)
    sub.choices["exercises"].set_defaults(runner=_cmd_exercises)


def _cmd_exercises(args: argparse.Namespace) -> int:
    from standup.cli import exercises as cli_exercises
    from standup.config.settings import load_config
    from standup.history.store import Store

    settings = load_config(args.config).settings
    rotation = snoozed = progression = None
    store = Store.open_readonly()
    if store is not None:
        with store:
            rotation = store.get_value("rotation")
            progression = store.get_value("progression")
            snoozed = cli_exercises.snoozed_exercise(
                store.get_value("core"), store.get_value("exercise")
            )
    return cli_exercises.run(
        args, settings.exercises, rotation, sys.stdout, snoozed=snoozed, progression=progression
    )


def _cmd_run(args: argparse.Namespace) -> int:
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
    from standup.cli.client import CLIENT_COMMANDS

    # `standup status` runs every few seconds in status bars: parse it with a small parser.
    command = command_word(argv)
    parser = build_parser(clients_only=command is None or command in CLIENT_COMMANDS)
    args = parser.parse_args(argv)
    try:
        if args.command is None:
            return _overview()
        # The daemon's clients log nothing: they skip the logging module's import cost.
        if not getattr(args, "client", False):
            from standup.logsetup import setup_logging

            setup_logging(args.log_level)
        return int(args.runner(args))
    except StandupError as error:
        mark = _journal_error_mark()
        print(f"{mark}standup: {error}", file=sys.stderr)
        if error.hint:
            print(f"{mark}hint: {error.hint}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        import logging

        logging.getLogger("standup").exception("unexpected error")
        raise
