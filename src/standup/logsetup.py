"""Logging for the daemon and the local commands: journald-friendly under systemd."""

from __future__ import annotations

import logging
import os
import sys

from standup.errors import UsageError

_SYSLOG_PRIORITY = {"DEBUG": 7, "INFO": 6, "WARNING": 4, "ERROR": 3, "CRITICAL": 2}


class JournalFormatter(logging.Formatter):
    """journald adds its own timestamps; a "<N>" prefix carries the syslog priority."""

    def format(self, record: logging.LogRecord) -> str:
        return f"<{_SYSLOG_PRIORITY.get(record.levelname, 6)}>{super().format(record)}"


def setup_logging(level_name: str | None) -> None:
    """--log-level, else $STANDUP_LOG_LEVEL, else info."""
    level_name = (level_name or os.environ.get("STANDUP_LOG_LEVEL") or "info").upper()
    level = logging.getLevelNamesMapping().get(level_name)
    if level is None:
        raise UsageError(f"unknown log level {level_name.lower()!r}")
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("JOURNAL_STREAM"):
        handler.setFormatter(JournalFormatter("%(message)s"))
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("apscheduler").setLevel(max(level, logging.WARNING))
