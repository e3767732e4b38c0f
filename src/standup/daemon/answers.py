"""The daemon's answers to commands that ask it what it already knows (`standup.control.known`)
instead of loading the settings themselves: `exercises` gets the text it prints, made from the
validated config and the rotation the daemon holds, and `doctor` the config check's findings.

Both run on the worker, which owns the config, the rotation and the reminder's exercise: what
they say is what the next step would use.
"""

from __future__ import annotations

import argparse
import io
import json
import os
from typing import TYPE_CHECKING, Any, Protocol

from standup import core
from standup.control import known
from standup.errors import StandupError
from standup.i18n import environment_language
from standup.i18n.why import spoken

if TYPE_CHECKING:
    from standup.daemon.live_config import LiveConfig
    from standup.daemon.reminders import ReminderDesk

NOT_SAME = {"same_config": False}
_EXERCISE_COMMANDS = ("list", "show", "next")


class Knower(Protocol):
    """What the answers read of the daemon (worker.Worker), on its worker thread."""

    config: LiveConfig
    desk: ReminderDesk
    state: core.State


class ConfigSeen:
    """Whether a client's sources name the config the daemon runs."""

    def same(self, config: LiveConfig, asked: object) -> bool:
        """The sources `config` noted just before it read its files (so a file changed since,
        even one its watcher never saw, shows as a difference), against `asked`."""
        if config.error is not None:  # the files are not what runs: the last good config is
            return False
        return config.sources == asked


def exercises(daemon: Knower, seen: ConfigSeen, args: dict[str, Any]) -> dict[str, Any]:
    """Worker thread: what `standup exercises ...` prints, as {"text"}, and for `show --open`
    the picture to open ({"picture": path}, or {"picture_error": ...} when there is none); a
    refusal as {"error": {message, hint, exit_code}}."""
    from standup.cli import exercises as cli

    if not seen.same(daemon.config, args.get("sources")):
        return NOT_SAME
    language = daemon.config.settings.general.chosen
    if language is None and args.get("speaks") != environment_language():
        return NOT_SAME  # its words would be in the daemon's language, not the terminal's
    command = args.get("command") or "list"
    if command not in _EXERCISE_COMMANDS:
        return NOT_SAME  # a command this daemon does not know: let the client do it
    namespace = argparse.Namespace(
        exercises_command=command,
        id=str(args.get("id", "")),
        all=bool(args.get("all")),
        json=bool(args.get("json")),
    )
    desk, options = daemon.desk, daemon.config.settings.exercises
    current = desk.exercise.id if desk.exercise else None
    out = io.StringIO()
    try:
        cli.run(
            namespace,
            options,
            desk.rotation.to_json(),
            out,
            snoozed=cli.snoozed_exercise(json.dumps(core.state_to_dict(daemon.state)), current),
            progression=desk.progression.to_json(),
        )
    except StandupError as error:
        return {"same_config": True, "error": _error(error), "language": language}
    answer: dict[str, Any] = {"same_config": True, "text": out.getvalue(), "language": language}
    if command == "show" and args.get("open"):
        exercise = cli.show_row(options, namespace.id).exercise
        path = cli.picture_path(exercise)
        if path is None:
            answer["picture_error"] = _error(cli.no_picture(exercise))
        else:
            answer["picture"] = str(path)
    return answer


def doctor(daemon: Knower, seen: ConfigSeen, args: dict[str, Any]) -> dict[str, Any]:
    """Worker thread: the config check's findings (the files read, the backend, idle source
    and tray it chose), and the package versions where the client is this same install."""
    if not seen.same(daemon.config, args.get("sources")):
        return NOT_SAME
    loaded = daemon.config.loaded
    answer: dict[str, Any] = {
        "same_config": True,
        "files_read": [str(path) for path in loaded.files],
        "backend": loaded.settings.notifications.backend,
        "idle": loaded.settings.idle.source,
        "tray": loaded.settings.tray.show,
        "language": loaded.settings.general.chosen,
        "speaks": spoken(loaded.settings.general.chosen, os.environ)._asdict(),
    }
    if args.get("install") == known.install():
        from standup.service.doctor import package_versions

        answer["packages"] = package_versions()
    return answer


def _error(error: StandupError) -> dict[str, Any]:
    return {"message": str(error), "hint": error.hint, "exit_code": error.exit_code}
