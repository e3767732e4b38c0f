"""The daemon's status as a JSON-ready dict (what `standup status --json` documents), and the
log line of each record."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from standup import __version__, core
from standup.core import Phase, Policy, Record, State
from standup.i18n import _, chosen_language
from standup.i18n.clock import format_clock


def _iso(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def snapshot(
    state: State,
    policy: Policy,
    now: datetime,
    *,
    exercise: dict[str, Any] | None,
    config_files: list[str],
    notifier: str,
) -> dict[str, Any]:
    sitting = state.phase in (Phase.SITTING, Phase.REMINDING)
    # Not sitting (away, paused, off hours): no stretch runs, so null rather than a 0 that
    # reads as "just sat down" (the README documents null).
    elapsed = max(0, int((now - state.sitting_since).total_seconds())) if sitting else None
    return {
        "state": core.label(state),
        "now": _iso(now),
        "sitting_since": _iso(state.sitting_since) if sitting else None,
        "sitting_seconds": elapsed,
        "interval_seconds": int(policy.sit.total_seconds()),
        "next_reminder_at": _iso(core.reminder_at(state, policy)),
        "snoozed_until": _iso(state.snoozed_until),
        "paused_until": _iso(state.paused_until),
        "active_again_at": _iso(core.active_again(state, policy, now)),
        "away_since": _iso(state.sitting_since) if state.phase is Phase.AWAY else None,
        "reminder_shown_at": _iso(state.reminder_shown_at),
        "exercise": exercise if state.phase is Phase.REMINDING else None,
        "snoozes_used": state.snoozes,
        "snoozes_left": core.snoozes_left(state, policy),
        "config_files": config_files,
        "notifier": notifier,
        "version": __version__,
        "pid": os.getpid(),
        # `[general] language` (null: the environment's), so a client speaks the config's.
        "language": chosen_language(),
    }


def status_line(info: dict[str, Any]) -> str:
    """A few words for systemd's STATUS= (shown by `systemctl --user status standup`)."""
    state = info["state"]

    def hhmm(key: str) -> str:
        return format_clock(datetime.fromisoformat(info[key]))

    # Translators: the daemon's status line in `systemctl --user status standup`, lower-case.
    if state == "paused":
        if info["paused_until"]:
            return _("paused until {time}").format(time=hhmm("paused_until"))
        return _("paused")
    if state == "off_hours":
        if info["active_again_at"]:
            return _("outside working hours until {time}").format(time=hhmm("active_again_at"))
        return _("off hours")
    if state == "away":
        return _("away from the desk")
    if state == "reminding":
        return _("reminder showing")
    if info["next_reminder_at"]:
        return _("next reminder at {time}").format(time=hhmm("next_reminder_at"))
    return _("idle")


def record_line(record: Record, source: str = "") -> str:
    """The one log line of a record; an answer's line says where it came from."""
    until = record.detail.get("until")
    when = f" until {datetime.fromisoformat(until):%H:%M}" if isinstance(until, str) else ""
    reason = record.detail.get("reason")
    why = f" ({reason})" if isinstance(reason, str) else ""
    rating = record.detail.get("rating")
    rated = f", {rating.replace('_', ' ')}" if isinstance(rating, str) else ""
    text = f"{record.kind.replace('_', ' ')}{rated}{when}{why}"
    return f"answered {source}: {text}" if source else text
