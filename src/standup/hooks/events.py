"""One step of the core, as hook events: which events happened and their STANDUP_* variables.

Pure, like the core: the records a step made and the state before and after it in, events
out. Most events are records (a reminder, an answer, a pause); coming back from AWAY has no
record of its own and is read from the phases. A break seen only afterwards (a suspend,
standup not running) ends in a new stretch at once: it is "back", with the reason, not an
"away" that is already over.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from standup.core import Phase, Record, State
from standup.hooks.options import VARIABLES

if TYPE_CHECKING:
    from collections.abc import Sequence

    from standup.exercises import Exercise

ANSWERS = {"done": "done", "snoozed": "snoozed", "skipped": "skipped"}


@dataclass(frozen=True)
class HookEvent:
    """An event for the hooks: its name in `[hooks]` and the variables its commands get."""

    name: str
    variables: dict[str, str] = field(default_factory=dict)


def hook_events(
    records: Sequence[Record], before: State, after: State, exercise: Exercise | None
) -> list[HookEvent]:
    """The hook events of one step, in the order they happened."""
    events: list[HookEvent] = []
    if before.phase is Phase.AWAY and after.phase in (Phase.SITTING, Phase.REMINDING):
        # First: a reminder asked for while away comes after sitting down.
        away = _seconds(after.sitting_since, before.sitting_since)
        events.append(_event("back", after.sitting_since, AWAY_SECONDS=away))
    for record in records:
        event = _from_record(record, after, exercise)
        if event is not None:
            events.append(event)
    return events


def _from_record(record: Record, after: State, exercise: Exercise | None) -> HookEvent | None:
    detail = record.detail
    kind = record.kind
    if kind == "reminded":
        since = detail.get("sitting_since")
        sat = _seconds(record.at, datetime.fromisoformat(since)) if isinstance(since, str) else ""
        return _event(
            "reminder",
            record.at,
            **_exercise(exercise),
            SITTING_SECONDS=sat,
            SNOOZES=str(detail.get("snoozes", "")),
        )
    if kind in ANSWERS:
        if detail.get("ahead"):
            return None  # no reminder was up: nothing was answered (as in `standup stats`)
        return _event(
            "answered",
            record.at,
            ANSWER=ANSWERS[kind],
            **_exercise(exercise),
            SITTING_SECONDS=_text(detail.get("sat_seconds")),
            UNTIL=_text(detail.get("until")),
            RATING=_text(detail.get("rating")),
        )
    if kind == "natural_break":
        reason = _text(detail.get("reason"))
        sat = _text(detail.get("sat_seconds"))
        if reason == "done":
            return None  # `standup done` with no reminder up: a break taken unasked
        if after.phase is Phase.AWAY:
            return _event("away", record.at, REASON=reason, SITTING_SECONDS=sat)
        away = _seconds(after.sitting_since, record.at)
        return _event(
            "back", after.sitting_since, REASON=reason, SITTING_SECONDS=sat, AWAY_SECONDS=away
        )
    if kind == "paused":
        return _event(
            "paused",
            record.at,
            UNTIL=_text(detail.get("until")),
            SITTING_SECONDS=_text(detail.get("sat_seconds")),
        )
    if kind == "resumed":
        return _event("resumed", record.at)
    return None  # off_hours and the daemon's own records are not hook events


def _event(name: str, at: datetime, **variables: str) -> HookEvent:
    """STANDUP_EVENT, STANDUP_TIME and the given ones that are known (empty ones are left out)."""
    known = {f"STANDUP_{key}": value for key, value in variables.items() if value}
    assert VARIABLES.issuperset(known), f"undeclared hook variables: {set(known) - VARIABLES}"
    return HookEvent(name, {"STANDUP_EVENT": name, "STANDUP_TIME": at.isoformat(), **known})


def _exercise(exercise: Exercise | None) -> dict[str, str]:
    if exercise is None:
        return {}
    return {"EXERCISE": exercise.id, "EXERCISE_NAME": exercise.name}


def _seconds(later: datetime, earlier: datetime) -> str:
    return str(max(0, int((later - earlier).total_seconds())))


def _text(value: object) -> str:
    return "" if value is None else str(value)
