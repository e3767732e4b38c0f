"""`standup stats`: read the history read-only (the daemon may be running) and render it."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime, timedelta
from typing import TextIO

from standup.errors import UsageError
from standup.i18n import _

# Read a year back whatever --days says, so the answered streak is not cut short.
_STREAK_WINDOW = timedelta(days=366)


def run_stats(args: argparse.Namespace, out: TextIO) -> int:
    from standup.history import stats
    from standup.history.store import Store

    if not 1 <= args.days <= 3660:
        text = _("--days must be between 1 and 3660, not {days}")
        raise UsageError(text.format(days=args.days))
    now = datetime.now(UTC)
    store = Store.open_readonly()
    events = []
    if store is not None:
        with store:
            since = now - max(_STREAK_WINDOW, timedelta(days=args.days + 1))
            events = store.history(since)
    summary = stats.summarize(events, days=args.days, now=now)
    if args.json:
        out.write(stats.render_json(summary.days, summary.streak))
    elif args.csv:
        out.write(stats.render_csv(summary.days))
    else:
        if not events:
            text = _("No history yet: reminders and answers show up here once standup runs.")
            out.write(text + "\n")
        out.write(stats.render_table(summary.days, summary.streak))
    return 0
