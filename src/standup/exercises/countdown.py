"""What a timed hold says at each moment: one frame per whole second, no clock, no I/O.

The bubble (`standup run`) and the terminal (`standup now --guide`) both ask `frame(exercise,
elapsed)` and show what it returns, so both count the same way and say the same words. A
two-sided hold is timed once per side, with a short change-over between the sides.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

SWITCH_SECONDS = 3  # to change legs between the two sides of a hold
_SIDES = ("left", "right")


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
    title = f"Hold: {exercise.name}"
    total = total_seconds(exercise)
    elapsed = max(0.0, elapsed)
    if elapsed >= total:
        return Frame(title, "Done, well held. Recorded as done.", 100, finished=True)
    percent = min(99, int(100 * elapsed / total))
    side, within = divmod(elapsed, hold + SWITCH_SECONDS)
    # What a side means ("leg back"), where the exercise says; the terminal's copy of the
    # daemon's answer may not carry it.
    meaning = getattr(exercise, "side", "") or ""
    if within >= hold:  # between the sides (never after the last one: that is the end)
        wait = math.ceil(hold + SWITCH_SECONDS - within)
        if meaning:
            return Frame(title, f"Switch sides: {_SIDES[1]} {meaning} in {wait} s", percent)
        return Frame(title, f"Switch sides: the {_SIDES[1]} side starts in {wait} s", percent)
    left = math.ceil(hold - within)
    if exercise.sides != 2:
        return Frame(title, f"{left} s left", percent)
    which = _SIDES[int(side)]
    if meaning:  # the side first, in the words of the steps: "Left leg back: 12 s"
        return Frame(title, f"{which.capitalize()} {meaning}: {left} s", percent)
    return Frame(title, f"{left} s left, {which} side", percent)


def progress_bar(percent: int, width: int = 20) -> str:
    """A plain-text bar, `[#######.............]`, for a terminal."""
    percent = max(0, min(100, percent))
    filled = round(width * percent / 100)
    return "[" + "#" * filled + "." * (width - filled) + "]"


def terminal_line(current: Frame, width: int = 20) -> str:
    """The terminal's line for a frame: the bar, then the same text the bubble shows."""
    return f"{progress_bar(current.percent, width)} {current.text}"
