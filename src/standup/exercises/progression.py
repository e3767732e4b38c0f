"""Progressions: "too easy" and "too hard" answers move later picks along `harder`/`easier`.

Theory of operation. The rotation keeps choosing its own way; this module only substitutes.
For each exercise the rotation can pick (the base), the state keeps a signed number of steps:
+2 means "when the rotation picks X, suggest X.harder.harder", -1 "suggest X.easier". A walk
follows the links only through eligible entries and stops at the last eligible one, so a
filter change or an unknown id never leads to an exercise the user cannot do. An answer moves
the steps from where the walk really got to, so repeated answers at the end of a progression
build up no hidden debt. The state is a small JSON object in the store; anything unreadable
in it is dropped, never fatal.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping

from standup.exercises.catalogue import Exercise
from standup.history.stored_json import decode

STATE_VERSION = 1
MAX_STEPS = 10  # no progression in the catalogue is this long; a bound for stored values
RATINGS = {"too_easy": 1, "too_hard": -1}


def walk(base: Exercise, steps: int, eligible: Mapping[str, Exercise]) -> tuple[Exercise, int]:
    """Follow `steps` harder (positive) or easier (negative) links from `base` through
    `eligible`; returns where the walk ended and how many signed steps it really took."""
    direction = 1 if steps > 0 else -1
    current, taken, seen = base, 0, {base.id}
    while taken != steps:
        link = current.harder if direction > 0 else current.easier
        following = eligible.get(link) if link else None
        if following is None or following.id in seen:  # the end, an ineligible entry, a loop
            break
        current, taken = following, taken + direction
        seen.add(current.id)
    return current, taken


def by_id(exercises: Iterable[Exercise]) -> dict[str, Exercise]:
    return {exercise.id: exercise for exercise in exercises}


class Progression:
    """Steps along the progression per base exercise id."""

    def __init__(self, steps: Mapping[str, int] | None = None) -> None:
        self.steps: dict[str, int] = dict(steps or {})

    def substitute(self, base: Exercise, eligible: Mapping[str, Exercise]) -> Exercise:
        """What to suggest when the rotation picks `base`."""
        return walk(base, self.steps.get(base.id, 0), eligible)[0]

    def rate(self, base: Exercise, rating: str, eligible: Mapping[str, Exercise]) -> bool:
        """Apply an answer given to the exercise suggested for `base`; True when it moved."""
        delta = RATINGS[rating]
        reached = walk(base, self.steps.get(base.id, 0), eligible)[1]
        moved = walk(base, reached + delta, eligible)[1]
        before = self.steps.get(base.id, 0)
        if moved:
            self.steps[base.id] = moved
        else:
            self.steps.pop(base.id, None)
        return moved != before

    def can_move(self, shown: Exercise, rating: str, eligible: Mapping[str, Exercise]) -> bool:
        """Whether `shown` has an eligible neighbour in the rating's direction."""
        return walk(shown, RATINGS[rating], eligible)[1] != 0

    def to_json(self) -> str:
        data = {"version": STATE_VERSION, "steps": dict(sorted(self.steps.items()))}
        return json.dumps(data, separators=(",", ":"))


def read_progression(text: str) -> Progression:
    """The progression stored as `text`, without any entry that is not an id with a whole
    number of steps in range. Raises ValueError when the text as a whole is not a progression:
    not bounded JSON (history/stored_json.py), another version, or no steps object."""
    data = decode(text)
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError("not a version 1 progression")
    raw = data.get("steps")
    if not isinstance(raw, dict):
        raise ValueError("the steps are not an object")
    steps: dict[str, int] = {}
    for key, value in raw.items():
        if isinstance(value, int) and not isinstance(value, bool) and 0 < abs(value) <= MAX_STEPS:
            steps[key] = value
    return Progression(steps)


def load_progression(text: str | None) -> Progression:
    """The stored progression; an empty one when there is none or it cannot be read."""
    try:
        return read_progression(text) if text else Progression()
    except ValueError:
        return Progression()
