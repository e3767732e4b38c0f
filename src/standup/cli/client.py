"""Commands that talk to the running daemon over the control socket. Standard library only:
these must start fast, so they import no APScheduler, pydantic or plyer."""

from __future__ import annotations

import argparse
import json
import sys
from datetime import datetime, time, timedelta
from typing import Any

from standup.config.durations import describe, parse_positive_duration
from standup.errors import ConfigError, DaemonNotRunning, StandupError, UsageError
from standup.localtime import local_now, to_local

# A status bar shows a tooltip, not a page: longer error texts are cut to this.
_TOOLTIP_LIMIT = 300
_STOPPED = {"text": "off", "tooltip": "the standup daemon is not running", "class": "stopped"}


def _request(cmd: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    from standup.control.client import request

    return request(cmd, args)


def request_status() -> dict[str, Any]:
    """The daemon's status; DaemonNotRunning when there is none."""
    return _request("status")


def cmd_status(args: argparse.Namespace) -> int:
    if args.follow:
        from standup.cli.follow import follow

        fmt = "waybar" if args.waybar else "json" if args.json else "text"
        return follow(follow_format(fmt), sys.stdout)
    if args.waybar:
        print(waybar_line())
        return 0
    info = _request("status")
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        print(describe_status(info))
    return 0


def waybar_line() -> str:
    """The bar's JSON line, whatever happens: waybar hides a module whose command exits
    non-zero or prints no text, and a hidden module says nothing about why."""
    try:
        return json.dumps(waybar(_request("status")))
    except DaemonNotRunning:
        line = dict(_STOPPED)
    except StandupError as error:  # no answer in time, a refused or unreadable reply
        line = {"text": "error", "tooltip": f"standup: {error}", "class": "error"}
    except Exception as error:  # a reply of an unexpected shape: the bar still gets its line
        line = {"text": "error", "tooltip": f"standup status failed: {error!r}", "class": "error"}
    line["tooltip"] = _bounded(line["tooltip"])
    return json.dumps(line)


def follow_format(fmt: str) -> Any:
    """The lines of `status --follow` in `fmt` (waybar, json or text): a follow.LineFormat."""
    from standup.cli.follow import LineFormat

    def error(problem: Exception) -> str:
        text = _bounded(f"standup: {problem}")
        if fmt == "waybar":
            return json.dumps({"text": "error", "tooltip": text, "class": "error"})
        return json.dumps({"state": "error", "error": text}) if fmt == "json" else text

    if fmt == "waybar":
        return LineFormat(lambda info: json.dumps(waybar(info)), json.dumps(_STOPPED), error)
    if fmt == "json":
        compact = (",", ":")
        return LineFormat(
            lambda info: json.dumps(info, separators=compact), '{"state":"stopped"}', error
        )
    stopped = "standup is not running; waiting for it to start."
    return LineFormat(lambda info: describe_status(info).replace("\n", " "), stopped, error)


def _bounded(text: str, limit: int = _TOOLTIP_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def cmd_snooze(args: argparse.Namespace) -> int:
    request_args = {}
    if args.duration is not None:  # an empty argument is a mistake, not the default
        request_args["duration"] = _duration_seconds(args.duration)
    print(describe_status(_request("snooze", request_args)))
    return 0


def cmd_pause(args: argparse.Namespace) -> int:
    if args.duration is not None and args.until is not None:
        raise UsageError("give a duration or --until, not both")
    request_args: dict[str, Any] = {}
    note = ""
    if args.duration is not None:
        request_args["duration"] = _duration_seconds(args.duration)
    elif args.until is not None:
        now = local_now()
        until = next_local_time(args.until, now)
        request_args["until"] = until.isoformat()
        if until.date() != now.astimezone(until.tzinfo).date():
            # Said aloud: "--until 9:00" typed at 9:30 must not pass for a short pause.
            note = f"{args.until} has passed today: pausing until tomorrow, {_day(until)}.\n"
    print(note + describe_status(_request("pause", request_args)))
    return 0


def cmd_simple(args: argparse.Namespace) -> int:
    if getattr(args, "guide", False):
        from standup.cli.guide import guide

        return guide(_request, sys.stdout)
    rating = getattr(args, "rating", None)
    try:
        # A reload is followed to its end, however long a large config takes (RELOAD_WAIT).
        result = _request(args.command, {"rating": rating} if rating else None)
    except StandupError as error:
        if getattr(error, "code", "") == "bad_config":
            raise ConfigError(str(error), hint="`standup config check` shows it again") from None
        raise
    if args.command == "reload":
        print(result["message"])
        result = result["status"]
    print(describe_status(result))
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from standup.cli.stats import run_stats

    return run_stats(args, sys.stdout)


def _duration_seconds(text: str) -> float:
    if not text.strip():
        raise UsageError("an empty duration", hint='give one like "10m", or none for the default')
    try:
        return parse_positive_duration(text).total_seconds()
    except ValueError as error:
        raise UsageError(f"bad duration {text!r}: {error}") from None


def next_local_time(text: str, now: datetime) -> datetime:
    """The next moment the clock shows `text` (today, or tomorrow if already past): local
    time, or the clock of the UTC offset given with it (`12:30+05:00`, `12:30Z`)."""
    example = "like 14:30, or 14:30+05:00 for another UTC offset"
    if not text.strip():
        raise UsageError("--until needs a time", hint=f"give one {example}")
    try:
        wanted = time.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(f"--until wants a time {example}, not {text!r}") from None
    clock = now.astimezone(wanted.tzinfo) if wanted.tzinfo is not None else now
    candidate = clock.replace(
        hour=wanted.hour, minute=wanted.minute, second=wanted.second, microsecond=0
    )
    if candidate <= clock:
        candidate += timedelta(days=1)
    return candidate


def _day(moment: datetime) -> str:
    """ "Tue 3 Mar 12:30": a date and time that need no year."""
    return f"{moment:%a} {moment.day} {moment:%b %H:%M}"


# ---- formatting -------------------------------------------------------------------------


def _local(iso: str | None) -> datetime | None:
    return to_local(datetime.fromisoformat(iso)) if iso else None


def _human(seconds: float) -> str:
    """Seconds under a minute, whole minutes above: "45 s", "18 min", "1 h 5 min"."""
    seconds = max(0, round(seconds))
    return describe(timedelta(seconds=round(seconds / 60) * 60 if seconds >= 60 else seconds))


# Below this, "in" counts seconds too: a snooze of seconds must show that it moved anything.
_TO_THE_SECOND = 120


def _until(when: datetime, now: datetime) -> str:
    """How long until `when`: to the second under two minutes ("1 min 5 s"), else as _human."""
    seconds = (when - now).total_seconds()
    if 0 < seconds < _TO_THE_SECOND:
        return describe(timedelta(seconds=round(seconds)))
    return _human(seconds)


def describe_status(info: dict[str, Any]) -> str:
    """One line for people, e.g. "Sitting for 32 min; next reminder at 14:50 (in 18 min)",
    and a second one when the config file was refused."""
    line = _describe_state(info)
    if info.get("config_error"):
        # Bounded: a reply from a daemon that quotes a huge bad value whole must not flood.
        first = _bounded(str(info["config_error"]).splitlines()[0])
        line += f"\nConfig not reloaded (the running settings stay): {first}"
    return line


def _describe_state(info: dict[str, Any]) -> str:
    now = _local(info.get("now")) or local_now()
    state = info.get("state")
    sat = _human(info.get("sitting_seconds") or 0)  # null while not sitting
    nxt = _local(info.get("next_reminder_at"))
    if state == "paused":
        until = _local(info.get("paused_until"))
        if until is None:
            return "Paused until you run `standup resume`."
        when = f"{until:%H:%M}" if until.date() == now.date() else _day(until)
        return f"Paused until {when} (in {_until(until, now)})."
    if state == "away":
        return "Away from the desk: the next sitting stretch starts when you are back."
    if state == "off_hours":
        again = _local(info.get("active_again_at"))
        if again is None:
            return "Outside working hours."
        when = f"{again:%H:%M}" if again - now < timedelta(hours=20) else f"{again:%a %H:%M}"
        return f"Outside working hours: reminders resume at {when} (in {_until(again, now)})."
    if info.get("held_because"):
        return f"Sitting for {sat}; reminder held: {', '.join(info['held_because'])}."
    if state == "reminding":
        exercise = (info.get("exercise") or {}).get("name", "a break")
        return f"Reminder showing: {exercise}. Sitting for {sat}."
    if nxt is None:
        return f"Sitting for {sat}."
    when = f"{nxt:%H:%M}" if nxt - now < timedelta(hours=20) else f"{nxt:%a %H:%M}"
    if state != "snoozed":
        return f"Sitting for {sat}; next reminder at {when} (in {_until(nxt, now)})."
    used = int(info.get("snoozes_used", 0))
    if used == 0:  # moved on before it came: no snooze used, so none is counted
        return f"Sitting for {sat}; next reminder postponed to {when} (in {_until(nxt, now)})."
    snoozes = f"{used} of {_snoozes_total(info)} snoozes used"
    return f"Snoozed ({snoozes}); sitting for {sat}; back at {when} (in {_until(nxt, now)})."


def _snoozes_total(info: dict[str, Any]) -> int:
    return int(info.get("snoozes_used", 0)) + int(info.get("snoozes_left", 0))


def waybar(info: dict[str, Any]) -> dict[str, Any]:
    """The object a waybar custom module with `return-type: json` expects."""
    state = info.get("state", "sitting")
    interval = max(1, int(info.get("interval_seconds", 1)))
    sitting = int(info.get("sitting_seconds") or 0)  # null while not sitting
    percentage = min(100, round(100 * sitting / interval))
    if state in ("paused", "away", "off_hours"):
        text, percentage = state.replace("_", " "), 0
    elif state == "reminding":
        text = "stand up!"
    else:
        text = f"{sitting // 60}m"
    return {
        "text": text,
        "tooltip": describe_status(info),
        "class": state,
        "percentage": percentage,
    }
