"""The machine's table, cell by cell: every (phase, event) is there, leads only where it says,
and its no-ops and refusals change nothing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from standup import core
from standup.core import TABLE, Hours, Phase, Policy, Reject, State, parse_window, step
from standup.core.model import Answer, Event
from standup.core.rules import ignore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
POLICY = Policy(sit=timedelta(minutes=50), max_snoozes=2)
MIN = timedelta(minutes=1)
# Outside working hours at T0 (a Monday, 09:00 UTC), so OFF_HOURS stays OFF_HOURS.
EVENING = Policy(sit=POLICY.sit, max_snoozes=2, hours=Hours(windows=(parse_window("18:00-22:00"),)))


def policy_for(phase: Phase) -> Policy:
    return EVENING if phase is Phase.OFF_HOURS else POLICY


def concrete_events() -> set[type[Event]]:
    """Every event the core defines (Answer is only their common base)."""
    found: set[type[Event]] = set()
    todo = [Event]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            if sub is not Answer and sub.__module__ == "standup.core.model":
                found.add(sub)
    return found


def states_in(phase: Phase) -> list[State]:
    """States of `phase` in each sub-state it can hold."""
    since = T0 - 60 * MIN
    base = State(phase=phase, sitting_since=since)
    if phase is Phase.SITTING:
        return [
            base,  # counting
            State(phase, T0 - 10 * MIN),  # counting, not yet due
            State(phase, since, snoozed_until=T0 + 5 * MIN),  # postponed
            State(phase, since, snoozes=1, snoozed_until=T0 - MIN),  # snoozed, due back
            State(phase, since, snoozes=2, snoozed_until=T0 + MIN),  # no snoozes left
            State(phase, since, held_at=T0 - MIN),  # held
            State(phase, since, inhibited_at=T0 - MIN),  # a video plays
        ]
    if phase is Phase.REMINDING:
        return [
            State(phase, since, reminder_shown_at=T0 - 10 * MIN),  # showing, due again
            State(phase, since, reminder_shown_at=T0 - MIN),  # showing
            State(phase, since, snoozes=2, snoozed_until=T0 - 2 * MIN, reminder_shown_at=T0),
            State(phase, since, reminder_shown_at=T0 - 10 * MIN, held_at=T0 - MIN),  # held
        ]
    if phase is Phase.PAUSED:
        return [base, State(phase, since, paused_until=T0 - MIN), replace_until(base)]
    return [base]


def replace_until(state: State) -> State:
    return State(state.phase, state.sitting_since, paused_until=T0 + 60 * MIN)


@dataclass(frozen=True)
class Case:
    state: State
    event: Event


def events_of(kind: type[Event]) -> list[Event]:
    """A few events of `kind` at T0, each with the values that steer its rule."""
    if kind is core.Tick:
        return [core.Tick(T0), core.Tick(T0, busy=("a call",))]
    if kind is core.Activity:
        return [
            core.Activity(T0, idle=timedelta(0)),
            core.Activity(T0, idle=10 * MIN),
            core.Activity(T0, locked=True),
            core.Activity(T0, idle=10 * MIN, inhibited=True),
        ]
    if kind is core.Slept:
        return [core.Slept(T0, duration=MIN), core.Slept(T0, duration=60 * MIN)]
    if kind is core.Snooze:
        return [core.Snooze(T0), core.Snooze(T0, timedelta(seconds=0))]
    if kind is core.Pause:
        return [core.Pause(T0), core.Pause(T0, until=T0 + MIN), core.Pause(T0, until=T0 - MIN)]
    if kind is core.Started:
        return [core.Started(T0), core.Started(T0, last_seen=T0 - MIN), core.Started(T0, T0)]
    if kind is core.ClockStepped:
        return [core.ClockStepped(T0, delta=-10 * MIN), core.ClockStepped(T0, delta=10 * MIN)]
    if kind is core.Done:
        return [core.Done(T0), core.Done(T0, rating="too_easy")]
    return [kind(T0)]


def cases(phase: Phase, kind: type[Event]) -> list[Case]:
    return [Case(s, e) for s, e in itertools.product(states_in(phase), events_of(kind))]


CELLS = [(phase, kind) for phase in Phase for kind in sorted(concrete_events(), key=str)]


def test_every_phase_names_every_event() -> None:
    assert set(TABLE) == set(Phase)
    for phase, row in TABLE.items():
        assert set(row) == concrete_events(), phase


@pytest.mark.parametrize(("phase", "kind"), CELLS, ids=lambda v: getattr(v, "__name__", v))
def test_each_cell_leads_only_where_it_says(phase: Phase, kind: type[Event]) -> None:
    cell = TABLE[phase][kind]
    assert cell.to, "a cell names where it may lead"
    for case in cases(phase, kind):
        after = step(case.state, case.event, policy_for(phase))
        assert after.state.phase in cell.to, (case, after)
        rejected = [e for e in after.effects if isinstance(e, Reject)]
        if rejected:
            assert after.state.phase is phase, "a refused event leaves the phase alone"
        if cell.rule is ignore:
            assert after.effects == (), case
            assert after.state.phase is phase, case


@pytest.mark.parametrize("phase", list(Phase))
def test_refusing_cells_say_why_and_change_nothing(phase: Phase) -> None:
    for kind, cell in TABLE[phase].items():
        if not cell.rule.__name__.startswith("refuse("):
            continue
        for case in cases(phase, kind):
            after = step(case.state, case.event, policy_for(phase))
            assert after.state == case.state
            assert len(after.effects) == 1 and isinstance(after.effects[0], Reject)
            assert after.effects[0].message in cell.rule.__name__


def test_an_event_the_table_does_not_know_raises() -> None:
    @dataclass(frozen=True)
    class Unheard(Event):
        pass

    with pytest.raises(TypeError, match="no rule for Unheard in sitting"):
        step(State(Phase.SITTING, T0), Unheard(T0), POLICY)
