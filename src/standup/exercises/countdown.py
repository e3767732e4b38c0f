"""What a timed hold says at each moment: one frame per whole second, no clock, no I/O.

The bubble (`standup run`) and the terminal (`standup now --guide`) both ask `frame(exercise,
elapsed)` and show what it returns, so both count the same way and say the same words. A
two-sided hold is timed once per side, with a short change-over between the sides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

from standup.i18n import _, catalogue_text

SWITCH_SECONDS = 3  # to change legs between the two sides of a hold


class Timed(Protocol):
    """What a countdown needs of an exercise: an `Exercise`, or the terminal's copy of the
    daemon's answer (so `standup now --guide` need not load the catalogue)."""

    @property
    def id(self) -> str: ...
    @property
    def name(self) -> str: ...
    @property
    def hold(self) -> int | None: ...
    @property
    def sides(self) -> int: ...


@dataclass(frozen=True)
class Frame:
    """One moment of a countdown: the bubble's title and text, and how far along it is."""

    title: str
    text: str
    percent: int  # of the whole countdown, both sides and the change-over included
    finished: bool = False


def total_seconds(exercise: Timed) -> int:
    """How long the whole countdown runs; 0 for an exercise counted in reps."""
    if exercise.hold is None:
        return 0
    return exercise.hold * exercise.sides + SWITCH_SECONDS * (exercise.sides - 1)


def frame(exercise: Timed, elapsed: float) -> Frame:
    """The frame `elapsed` seconds after Start. Raises ValueError for a move without a hold."""
    hold = exercise.hold
    if hold is None:
        raise ValueError(f"{exercise.id!r} is counted in reps, not timed")
    name = catalogue_text(exercise.id, "name", exercise.name)
    # Translators: the title of a timed hold's countdown bubble; {name} is the exercise.
    title = _("Hold: {name}").format(name=name)
    total = total_seconds(exercise)
    elapsed = max(0.0, elapsed)
    if elapsed >= total:
        return Frame(title, _("Done, well held. Recorded as done."), 100, finished=True)
    percent = min(99, int(100 * elapsed / total))
    side, within = divmod(elapsed, hold + SWITCH_SECONDS)
    # What a side means ("leg back"), where the exercise says; the terminal's copy of the
    # daemon's answer may not carry it.
    meaning = catalogue_text(exercise.id, "side", getattr(exercise, "side", "") or "")
    if within >= hold:  # between the sides (never after the last one: that is the end)
        wait = math.ceil(hold + SWITCH_SECONDS - within)
        if meaning:
            # Translators: {side} is what a side means, e.g. "leg back"; {seconds} a number.
            text = _("Switch sides: right {side} in {seconds} s")
        else:
            text = _("Switch sides: the right side starts in {seconds} s")
        return Frame(title, text.format(side=meaning, seconds=wait), percent)
    left = math.ceil(hold - within)
    if exercise.sides != 2:
        return Frame(title, _("{seconds} s left").format(seconds=left), percent)
    first = int(side) == 0
    if meaning:  # the side first, in the words of the steps: "Left leg back: 12 s"
        # Translators: {side} is what a side means, e.g. "leg back"; {seconds} a number.
        text = _("Left {side}: {seconds} s") if first else _("Right {side}: {seconds} s")
    else:
        text = _("{seconds} s left, left side") if first else _("{seconds} s left, right side")
    return Frame(title, text.format(side=meaning, seconds=left), percent)


def progress_bar(percent: int, width: int = 20) -> str:
    """A plain-text bar, `[#######.............]`, for a terminal."""
    percent = max(0, min(100, percent))
    filled = round(width * percent / 100)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def terminal_line(current: Frame, width: int = 20) -> str:
    """The terminal's line for a frame: the bar, then the same text the bubble shows."""
    return f"{progress_bar(current.percent, width)} {current.text}"
