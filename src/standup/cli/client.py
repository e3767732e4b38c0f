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
from standup.i18n import N_, _, catalogue_text, choose_language, ngettext, pgettext
from standup.i18n.clock import format_clock, format_day_clock, format_weekday_clock
from standup.localtime import local_now, to_local

# A status bar shows a tooltip, not a page: longer error texts are cut to this.
_TOOLTIP_LIMIT = 300
# Translated where the line is made ("class" is for the bar's CSS: never translated).
_STOPPED = {
    "text": N_("off"),
    "tooltip": N_("the standup daemon is not running"),
    "class": "stopped",
}


def _request(cmd: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
    from standup.control.client import request

    answer = request(cmd, args)
    speak_as(answer.get("status", answer))  # `reload` answers {"message", "status"}
    return answer


def speak_as(info: Any) -> None:
    """Speak the language the daemon's config names (`[general] language`, carried by every
    status), as a command that loaded that config itself would; none named: the session's."""
    if isinstance(info, dict) and "language" in info:
        language = info["language"]
        choose_language(language if isinstance(language, str) else None)


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
        line = _stopped()
    except StandupError as error:  # no answer in time, a refused or unreadable reply
        line = {"text": _bar_error(), "tooltip": f"standup: {error}", "class": "error"}
    except Exception as error:  # a reply of an unexpected shape: the bar still gets its line
        tooltip = _("standup status failed: {error}").format(error=repr(error))
        line = {"text": _bar_error(), "tooltip": tooltip, "class": "error"}
    line["tooltip"] = _bounded(line["tooltip"])
    return json.dumps(line)


def follow_format(fmt: str) -> Any:
    """The lines of `status --follow` in `fmt` (waybar, json or text): a follow.LineFormat."""
    from standup.cli.follow import LineFormat

    def error(problem: Exception) -> str:
        text = _bounded(f"standup: {problem}")
        if fmt == "waybar":
            return json.dumps({"text": _bar_error(), "tooltip": text, "class": "error"})
        return json.dumps({"state": "error", "error": text}) if fmt == "json" else text

    if fmt == "waybar":
        return LineFormat(lambda info: json.dumps(waybar(info)), json.dumps(_stopped()), error)
    if fmt == "json":
        compact = (",", ":")
        return LineFormat(
            lambda info: json.dumps(info, separators=compact), '{"state":"stopped"}', error
        )
    stopped = _("standup is not running; waiting for it to start.")
    return LineFormat(lambda info: describe_status(info).replace("\n", " "), stopped, error)


def _bar_error() -> str:
    # Translators: the status bar's word when standup does not answer: keep it short.
    return pgettext("status bar", "error")


def _stopped() -> dict[str, str]:
    return {key: _(value) if key != "class" else value for key, value in _STOPPED.items()}


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
        raise UsageError(_("give a duration or --until, not both"))
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
            # Translators: {typed} is the time as the user typed it, {day} a day and time.
            text = _("{typed} has passed today: pausing until tomorrow, {day}.")
            note = text.format(typed=args.until, day=_day(until)) + "\n"
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
            hint = _("`standup config check` shows it again")
            raise ConfigError(str(error), hint=hint) from None
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
        hint = _('give one like "10m", or none for the default')
        raise UsageError(_("an empty duration"), hint=hint)
    try:
        return parse_positive_duration(text).total_seconds()
    except ValueError as error:
        # Translators: {duration} is what the user typed, quoted; {problem} says what is wrong.
        problem = _("bad duration {duration}: {problem}")
        raise UsageError(problem.format(duration=repr(text), problem=error)) from None


def next_local_time(text: str, now: datetime) -> datetime:
    """The next moment the clock shows `text` (today, or tomorrow if already past): local
    time, or the clock of the UTC offset given with it (`12:30+05:00`, `12:30Z`)."""
    if not text.strip():
        hint = _("give one like 14:30, or 14:30+05:00 for another UTC offset")
        raise UsageError(_("--until needs a time"), hint=hint)
    try:
        wanted = time.fromisoformat(text.strip())
    except ValueError:
        # Translators: {typed} is what the user typed, quoted.
        problem = _(
            "--until wants a time like 14:30, or 14:30+05:00 for another UTC offset, not {typed}"
        )
        raise UsageError(problem.format(typed=repr(text))) from None
    clock = now.astimezone(wanted.tzinfo) if wanted.tzinfo is not None else now
    candidate = clock.replace(
        hour=wanted.hour, minute=wanted.minute, second=wanted.second, microsecond=0
    )
    if candidate <= clock:
        candidate += timedelta(days=1)
    return candidate


def _day(moment: datetime) -> str:
    """ "Tue 3 Mar 12:30": a date and time that need no year."""
    return format_day_clock(moment)


def _soon(moment: datetime, now: datetime) -> str:
    """ "14:50" within the next 20 hours, else "Tue 14:50"."""
    if moment - now < timedelta(hours=20):
        return format_clock(moment)
    return format_weekday_clock(moment)


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
    speak_as(info)
    line = _describe_state(info)
    if info.get("config_error"):
        # Bounded: a reply from a daemon that quotes a huge bad value whole must not flood.
        first = _bounded(str(info["config_error"]).splitlines()[0])
        line += "\n" + _("Config not reloaded (the running settings stay): {error}").format(
            error=first
        )
    return line


def _describe_state(info: dict[str, Any]) -> str:
    now = _local(info.get("now")) or local_now()
    state = info.get("state")
    sat = _human(info.get("sitting_seconds") or 0)  # null while not sitting
    nxt = _local(info.get("next_reminder_at"))
    if state == "paused":
        until = _local(info.get("paused_until"))
        if until is None:
            return _("Paused until you run `standup resume`.")
        when = format_clock(until) if until.date() == now.date() else _day(until)
        return _("Paused until {time} (in {wait}).").format(time=when, wait=_until(until, now))
    if state == "away":
        return _("Away from the desk: the next sitting stretch starts when you are back.")
    if state == "off_hours":
        again = _local(info.get("active_again_at"))
        if again is None:
            return _("Outside working hours.")
        text = _("Outside working hours: reminders resume at {time} (in {wait}).")
        return text.format(time=_soon(again, now), wait=_until(again, now))
    if info.get("held_because"):
        # Translators: {reasons} are the daemon's words, e.g. "presenting, in a call".
        text = _("Sitting for {duration}; reminder held: {reasons}.")
        return text.format(duration=sat, reasons=", ".join(info["held_because"]))
    if state == "reminding":
        exercise = info.get("exercise") or {}
        if "name" not in exercise:
            name = _("a break")
        else:
            name = catalogue_text(exercise.get("id", ""), "name", exercise["name"])
        return _("Reminder showing: {exercise}. Sitting for {duration}.").format(
            exercise=name, duration=sat
        )
    if nxt is None:
        return _("Sitting for {duration}.").format(duration=sat)
    when, wait = _soon(nxt, now), _until(nxt, now)
    if state != "snoozed":
        text = _("Sitting for {duration}; next reminder at {time} (in {wait}).")
        return text.format(duration=sat, time=when, wait=wait)
    used = int(info.get("snoozes_used", 0))
    if used == 0:  # moved on before it came: no snooze used, so none is counted
        text = _("Sitting for {duration}; next reminder postponed to {time} (in {wait}).")
        return text.format(duration=sat, time=when, wait=wait)
    total = _snoozes_total(info)
    # English says "snoozes" for a total of one too, as it always has.
    snoozes = ngettext(
        "{used} of {total} snoozes used", "{used} of {total} snoozes used", total
    ).format(used=used, total=total)
    text = _("Snoozed ({snoozes}); sitting for {duration}; back at {time} (in {wait}).")
    return text.format(snoozes=snoozes, duration=sat, time=when, wait=wait)


def _snoozes_total(info: dict[str, Any]) -> int:
    return int(info.get("snoozes_used", 0)) + int(info.get("snoozes_left", 0))


def waybar(info: dict[str, Any]) -> dict[str, Any]:
    """The object a waybar custom module with `return-type: json` expects."""
    speak_as(info)
    state = info.get("state", "sitting")
    interval = max(1, int(info.get("interval_seconds", 1)))
    sitting = int(info.get("sitting_seconds") or 0)  # null while not sitting
    percentage = min(100, round(100 * sitting / interval))
    # Translators: the status bar's few words, kept short.
    short = {"paused": _("paused"), "away": _("away"), "off_hours": _("off hours")}
    if state in short:
        text, percentage = short[state], 0
    elif state == "reminding":
        text = _("stand up!")
    else:
        # Translators: minutes sat, in the status bar: keep it short.
        text = _("{minutes}m").format(minutes=sitting // 60)
    return {
        "text": text,
        "tooltip": describe_status(info),
        "class": state,
        "percentage": percentage,
    }
