"""`standup <command>`: a small builder and runner per command; the work lives elsewhere.

The commands that talk to a running daemon import only the standard library, so they start in
tens of milliseconds; the rest import what they need when they run.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from standup import __version__
from standup.errors import StandupError, UsageError

log = logging.getLogger("standup")

Runner = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="standup",
        description="A quiet reminder to get up, with one hip-flexor or hamstring exercise.",
    )
    parser.add_argument("--version", action="version", version=f"standup {__version__}")
    parser.add_argument(
        "--config", type=Path, metavar="PATH", help="config file (default: the XDG one)"
    )
    parser.add_argument(
        "--log-level",
        choices=["debug", "info", "warning", "error"],
        help="log verbosity (default: $STANDUP_LOG_LEVEL or info)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    from standup import cli_client, cli_config

    run = sub.add_parser("run", help="run the daemon (what the systemd unit starts)")
    run.set_defaults(runner=_cmd_run)
    cli_client.add_parsers(sub)
    cli_config.add_parser(sub)
    _add_exercises(sub)
    return parser


def _add_exercises(sub: argparse._SubParsersAction) -> None:
    from standup import cli_exercises

    cli_exercises.add_parser(sub)
    sub.choices["exercises"].set_defaults(runner=_cmd_exercises)


def _cmd_exercises(args: argparse.Namespace) -> int:
    from standup import cli_exercises
    from standup.config import load_config
    from standup.store import Store

    settings = load_config(args.config).settings
    rotation = None
    store = Store.open_readonly()
    if store is not None:
        with store:
            rotation = store.get_value("rotation")
    return cli_exercises.run(args, settings.exercises, rotation, sys.stdout)


def _cmd_run(args: argparse.Namespace) -> int:
    from standup.daemon import run

    return run(args.config)


def setup_logging(level_name: str | None) -> None:
    import os

    level_name = (level_name or os.environ.get("STANDUP_LOG_LEVEL") or "info").upper()
    level = getattr(logging, level_name, None)
    if not isinstance(level, int):
        raise UsageError(f"unknown log level {level_name.lower()!r}")
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        # journald adds its own timestamps; "<N>" prefixes carry the syslog priority.
        handler.setFormatter(_JournalFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)


_SYSLOG_PRIORITY = {"DEBUG": 7, "INFO": 6, "WARNING": 4, "ERROR": 3, "CRITICAL": 2}


class _JournalFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return f"<{_SYSLOG_PRIORITY.get(record.levelname, 6)}>{super().format(record)}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        setup_logging(args.log_level)
        return int(args.runner(args))
    except StandupError as error:
        print(f"standup: {error}", file=sys.stderr)
        if error.hint:
            print(f"hint: {error.hint}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:
        log.exception("unexpected error")
        raise
