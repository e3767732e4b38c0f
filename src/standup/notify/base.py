"""The notifier interface every backend implements, and the reminder it shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal, Protocol

Urgency = Literal["low", "normal", "critical"]
URGENCIES: tuple[Urgency, ...] = ("low", "normal", "critical")

# What comes back from a bubble: one of our action keys, or "dismissed".
ActionCallback = Callable[[str], None]
DISMISSED = "dismissed"

# A sound naming spec name: lower-case words joined by dashes, never a path or an option.
_SOUND_NAME = re.compile(r"[a-z0-9]+(?:[-_.][a-z0-9]+)*")


def valid_sound_name(name: str) -> bool:
    return _SOUND_NAME.fullmatch(name) is not None


@dataclass(frozen=True)
class Reminder:
    """One reminder bubble: what it says and which buttons it offers."""

    title: str
    body: str
    urgency: Urgency = "normal"
    timeout: timedelta | None = None  # None: server default; timedelta(0): stays until answered
    actions: tuple[tuple[str, str], ...] = ()  # (key, label), e.g. (("done", "Done"),)
    image: str | None = None  # absolute path of a picture of the move, sent as the image hint
    # A countdown frame, replaced every second: percent done, sent with hints that keep it
    # quiet (no sound, no history entry); None for an ordinary reminder.
    progress: int | None = None
    # A sound naming spec name ("bell", "complete") to sound with the bubble; None: silent.
    sound: str | None = None

    def __post_init__(self) -> None:
        if self.urgency not in URGENCIES:
            raise ValueError(f"urgency must be one of {URGENCIES}, not {self.urgency!r}")
        if self.timeout is not None and self.timeout < timedelta(0):
            raise ValueError(f"timeout must not be negative, got {self.timeout}")
        for key, _label in self.actions:
            # "default" is the spec's name for a click on the body, and it maps to nothing here.
            if key in ("default", DISMISSED):
                raise ValueError(f"action key {key!r} is reserved")
        if self.sound is not None and not valid_sound_name(self.sound):
            raise ValueError(f"sound must be a theme sound name, not {self.sound!r}")


class Notifier(Protocol):
    """Shows THE reminder bubble (one at a time) and reports answers through a callback."""

    @property
    def name(self) -> str:
        """The backend that shows reminders now: one of `BACKENDS`, never "auto"."""
        ...

    def show(self, reminder: Reminder) -> str:
        """Show or replace the bubble; return the backend that delivered it. Never raises."""
        ...

    def close(self) -> None:
        """Withdraw the bubble if one is shown. Never raises."""
        ...

    def shutdown(self) -> None:
        """Release bus connections and threads."""
        ...


class Backend(Notifier, Protocol):
    """A notifier `auto` can choose: it says whether it can deliver now, and it can fail
    without falling back to the log, so that `auto` picks the next one instead."""

    def available(self) -> bool:
        """Whether a reminder shown now would reach the user. Never raises."""
        ...

    def try_show(self, reminder: Reminder) -> bool:
        """Show or replace the bubble; False (after logging why) when it could not."""
        ...
