"""`standup now --guide`: the bubble's countdown, in the terminal, with a bar.

The exercise is the one the daemon is reminding about, or (asking it for a reminder now) the
next one; the frames come from `exercises.countdown`, so the words match the bubble's. On a
terminal the line is redrawn in place; into a pipe or a file each new text is one line. At
the end Done is recorded through the daemon; Ctrl-C stops and records nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, TextIO

from standup.errors import DaemonNotRunning, StandupError
from standup.exercises.countdown import frame, terminal_line
from standup.i18n import _, catalogue_text
from standup.i18n.width import columns

Request = Callable[..., dict[str, Any]]


@dataclass(frozen=True)
class _Timed:
    id: str
    name: str
    hold: int | None
    sides: int
    side: str = ""  # what a side means ("leg back"): the countdown names it as the bubble does


def guide(
    request: Request,
    out: TextIO,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    tty: bool | None = None,
) -> int:
    """Run the countdown for the reminder's exercise; returns the exit code."""
    info = request("status")
    if info.get("state") != "reminding" or not info.get("exercise"):
        info = request("now")  # a reminder now, with the next exercise: what we guide through
    shown = info.get("exercise") or {}
    if not shown:
        raise StandupError(_("standup has no exercise to guide you through right now"))
    exercise = _Timed(
        id=str(shown.get("id", "")),
        name=str(shown.get("name", _("the exercise"))),
        hold=shown.get("hold_seconds"),
        sides=int(shown.get("sides", 1)),
        side=str(shown.get("side", "")),
    )
    # The daemon sends the English name (with the id): the countdown's frames translate it too.
    name = catalogue_text(exercise.id, "name", exercise.name)
    if exercise.hold is None:
        # Translators: {exercise} is the exercise's name.
        text = _("{exercise} is counted in reps, not timed: do them, then `standup done`.")
        out.write(text.format(exercise=name) + "\n")
        return 0
    live = out.isatty() if tty is None else tty
    if exercise.sides == 2:
        # Translators: {exercise} is the exercise's name, {seconds} how long each side is held.
        text = _("{exercise}: {seconds} s each side. Ctrl-C stops.")
    else:
        text = _("{exercise}: {seconds} s. Ctrl-C stops.")
    out.write(text.format(exercise=name, seconds=exercise.hold) + "\n")
    try:
        _count(exercise, out, clock, sleep, live)
    except KeyboardInterrupt:
        out.write("\n" + _("Stopped: nothing recorded.") + "\n")
        out.flush()
        return 130
    try:
        request("done")
    except DaemonNotRunning:
        out.write(_("standup is not running, so the hold was not recorded.") + "\n")
        return 3
    out.write(_("Recorded as done.") + "\n")
    return 0


def _count(
    exercise: _Timed,
    out: TextIO,
    clock: Callable[[], float],
    sleep: Callable[[float], None],
    live: bool,
) -> None:
    start, last, width = clock(), "", 0
    while True:
        elapsed = clock() - start
        current = frame(exercise, elapsed)
        if current.finished:
            # The bubble's last words, "Done, well held. Recorded as done.", without the record:
            # here Done is recorded after the count, and said so then.
            current = replace(current, text=_("Done, well held."))
        line = terminal_line(current)
        if live:
            # Pad over the longer line before it (in display columns: a wide character takes
            # two); no newline until the end.
            out.write("\r" + line + " " * max(0, width - columns(line)))
            width = max(width, columns(line))
        elif current.text != last:
            out.write(line + "\n")
        last = current.text
        out.flush()
        if current.finished:
            if live:
                out.write("\n")
            return
        # Wake at the next whole second of the hold: at most one redraw a second.
        sleep(1.0 - (elapsed % 1.0))
