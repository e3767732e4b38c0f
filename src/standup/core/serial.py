"""State to and from a JSON-ready dict, for the store. Tolerant: a bad blob yields None."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from standup.core.model import Phase, State

_TIMES = ("sitting_since", "snoozed_until", "paused_until", "reminder_shown_at", "held_at")


def state_to_dict(state: State) -> dict[str, Any]:
    out: dict[str, Any] = {"phase": state.phase.value, "snoozes": state.snoozes}
    for name in _TIMES:
        value = getattr(state, name)
        out[name] = value.isoformat() if value is not None else None
    return out


def state_from_dict(data: object) -> State | None:
    """The state in `data`, or None when it is not a state this version can trust."""
    if not isinstance(data, dict):
        return None
    try:
        times = {name: _time(data.get(name)) for name in _TIMES}
        if times["sitting_since"] is None:
            return None
        phase = Phase(data["phase"])
        snoozes = int(data.get("snoozes", 0))
        if phase is Phase.REMINDING and times["reminder_shown_at"] is None:
            return None
    except (KeyError, TypeError, ValueError):
        return None
    return State(phase=phase, snoozes=max(0, snoozes), **times)  # type: ignore[arg-type]


def _time(value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError("timestamp must be a string")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise ValueError("timestamp must carry a zone")
    # A saved time near the ends of the calendar (a state from before pauses were bounded)
    # would overflow the scheduler at every start: such a state is not trusted.
    if not 2000 <= parsed.year <= 9000:
        raise ValueError("timestamp out of range")
    return parsed
