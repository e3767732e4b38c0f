"""The backend that always works: one log line per reminder."""

from __future__ import annotations

import logging

from .base import Reminder
from .sound import Player
from .text import clean_line

logger = logging.getLogger("standup.notify")


def log_line(reminder: Reminder) -> str:
    """`Reminder: <title> — <the whole body on one line>`: when the log is all the user has,
    the steps and the safety cue must be there too."""
    lines = [clean_line(line) for line in reminder.body.splitlines()]
    body = " / ".join(line for line in lines if line)
    title = clean_line(reminder.title)
    return f"Reminder: {title} — {body}" if body else f"Reminder: {title}"


class LogNotifier:
    """Logs reminders through `standup.notify`.

    WARNING by default: when the log is all that is left, the line should reach the journal even
    with the usual WARNING threshold.
    """

    name = "log"

    def __init__(self, level: int = logging.WARNING, player: Player | None = None) -> None:
        self.level = level
        self._player = player if player is not None else Player()

    def available(self) -> bool:
        return True

    def try_show(self, reminder: Reminder) -> bool:
        self.show(reminder)
        return True

    def show(self, reminder: Reminder) -> str:
        logger.log(self.level, "%s", log_line(reminder))
        if reminder.sound is not None:
            # With no bubble on screen, the sound may be all that reaches the user.
            self._player.play(reminder.sound)
        return self.name

    def close(self) -> None:
        pass

    def shutdown(self) -> None:
        pass


def open_log(level: int = logging.WARNING) -> LogNotifier:
    return LogNotifier(level)
