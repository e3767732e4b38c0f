"""The sitting-interval state machine.

Theory of operation
-------------------
Phases: SITTING (counting), REMINDING (a reminder shows and waits for an answer), AWAY (the
user left: idle for a natural break, locked, or asleep), OFF_HOURS (outside working hours) and
PAUSED (silenced by the user).

Sub-states that matter, read from the state's fields by `due.pending`:
- in SITTING, the reminder may be POSTPONED (snoozed before it came: `snoozed_until`, no
  snooze used) or SNOOZED (shown, then snoozed: `snoozes` > 0, back at `snoozed_until`);
- in SITTING or REMINDING it may be HELD (`held_at`): due while the user is busy (a call,
  do-not-disturb), looked at again every `busy_recheck`, shown when they are free;
- at the desk, idle may be INHIBITED (`inhibited_at`: a video plays): a quiet user is still
  sitting, and a break counts from the end of the inhibition, not from the last input.

Events carry the time they happened; `step(state, event, policy)` returns the next state and
the effects the shell must carry out. The shell wakes the core at `next_wakeup(state, policy)`
with a Tick, and samples activity on its own cadence (or is told of changes).

The rules everything else follows from:
1. A reminder is due `sit` after the stretch started, or at `snoozed_until` when snoozed.
   Due times are derived from the state and the policy, so a new config applies at once.
2. At most one reminder is pending. While it is unanswered it is re-shown (replaced, never
   stacked) every `remind_again`; Done or Skip start a new stretch at that moment, and an
   answer given before that moment (it crossed the first on its way) is turned away. A due
   reminder waits, rechecked every `busy_recheck`, while the user is busy.
3. Only time at the desk counts: leaving for a natural break, a long suspend, or the end of
   working hours ends the stretch (and withdraws a pending reminder); the next one starts when
   the user is back. A pause overrides all of this until it ends.
4. Time only counts forward. A clock reading earlier than a stored timestamp pulls that
   timestamp back to it, so a clock going backwards can delay but never bunch reminders.

Every event first clamps the stored times (rule 4) and follows the working hours (rule 3:
`follow_hours` may move the phase to or from OFF_HOURS); then TABLE[phase][event] runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from standup.core import stretch
from standup.core.due import AT_DESK
from standup.core.model import (
    Activity,
    Answer,
    ClockStepped,
    Dismissed,
    Done,
    Effect,
    Event,
    Pause,
    Phase,
    Policy,
    Record,
    Reject,
    RemindNow,
    Resume,
    Skip,
    Slept,
    Snooze,
    Started,
    State,
    Tick,
    Transition,
)
from standup.core.rules import (
    Rule,
    after_sleep,
    back_from_a_break,
    clock_stepped,
    come_back_when_active,
    done,
    end_pause_when_due,
    ignore,
    leave_when_away,
    pause,
    refuse,
    remind_again_when_due,
    remind_now,
    remind_when_due,
    restart,
    restart_paused,
    resume,
    sit_down_and_remind,
    skip,
    snooze,
)

SITTING, REMINDING, AWAY = Phase.SITTING, Phase.REMINDING, Phase.AWAY
OFF_HOURS, PAUSED = Phase.OFF_HOURS, Phase.PAUSED


@dataclass(frozen=True)
class Cell:
    """What an event does in one phase: the rule, and the phases it may lead to."""

    rule: Rule
    to: frozenset[Phase]


def _(rule: Rule, *to: Phase) -> Cell:
    return Cell(rule, frozenset(to))


_NOT_PAUSED = refuse("not paused")
_RESUME_FIRST = refuse("paused: run `standup resume` first")
_AWAY = refuse("nothing to answer: away")
_OFF = refuse("nothing to answer: outside working hours")
_OVERTAKEN = Reject("the reminder was answered already, a moment before; nothing more recorded")
# A new stretch starts in SITTING, or in OFF_HOURS when the hours ended that very moment.
_NEW = (SITTING, OFF_HOURS)

# Every (phase, event): its rule and where it may lead. Read down a phase for what can
# happen there; `ignore` cells are no-ops on purpose, their comment says why.
TABLE: dict[Phase, dict[type[Event], Cell]] = {
    SITTING: {
        Tick: _(remind_when_due, SITTING, REMINDING),  # due: show it, or hold it while busy
        Activity: _(leave_when_away, SITTING, AWAY),
        Slept: _(after_sleep, SITTING, *_NEW),
        Snooze: _(snooze, SITTING),  # snoozed, or postponed before it came
        Done: _(done, *_NEW),  # answered, or a break taken unasked
        Skip: _(skip, *_NEW),
        Dismissed: _(ignore, SITTING),  # no bubble is up: a late close of one withdrawn
        RemindNow: _(remind_now, REMINDING),  # a snoozed one back now, with its exercise
        Pause: _(pause, SITTING, PAUSED),
        Resume: _(_NOT_PAUSED, SITTING),
        Started: _(restart, SITTING, *_NEW),
        ClockStepped: _(clock_stepped, SITTING),
    },
    REMINDING: {
        Tick: _(remind_again_when_due, REMINDING),  # unanswered: shown again, or held
        Activity: _(leave_when_away, REMINDING, AWAY),  # leaving withdraws it
        Slept: _(after_sleep, REMINDING, *_NEW),
        Snooze: _(snooze, REMINDING, SITTING),  # refused when no snoozes are left
        Done: _(done, *_NEW),
        Skip: _(skip, *_NEW),
        Dismissed: _(ignore, REMINDING),  # closing the bubble is no answer: it comes back
        RemindNow: _(remind_now, REMINDING),  # shown again, with the same exercise
        Pause: _(pause, REMINDING, PAUSED),
        Resume: _(_NOT_PAUSED, REMINDING),
        Started: _(restart, REMINDING, *_NEW),  # the bubble died with the old process
        ClockStepped: _(clock_stepped, REMINDING),
    },
    AWAY: {
        Tick: _(ignore, AWAY),  # nothing is due while away (an hours change is followed first)
        Activity: _(come_back_when_active, AWAY, *_NEW),
        Slept: _(after_sleep, AWAY, *_NEW),
        Snooze: _(_AWAY, AWAY),
        Done: _(back_from_a_break, *_NEW),  # "I just took a break": count from now
        Skip: _(_AWAY, AWAY),
        Dismissed: _(ignore, AWAY),  # the bubble withdrawn on leaving, closing late
        RemindNow: _(sit_down_and_remind, REMINDING),
        Pause: _(pause, AWAY, PAUSED),
        Resume: _(_NOT_PAUSED, AWAY),
        Started: _(restart, AWAY, *_NEW),
        ClockStepped: _(clock_stepped, AWAY),
    },
    OFF_HOURS: {
        Tick: _(ignore, OFF_HOURS),  # the hours beginning is followed before any rule
        Activity: _(ignore, OFF_HOURS),  # nothing counts outside the hours
        Slept: _(ignore, OFF_HOURS),
        Snooze: _(_OFF, OFF_HOURS),
        Done: _(_OFF, OFF_HOURS),
        Skip: _(_OFF, OFF_HOURS),
        Dismissed: _(ignore, OFF_HOURS),  # the bubble withdrawn at the end of the hours
        # A reminder now would be withdrawn by the very next event, and could not be answered.
        RemindNow: _(refuse("outside working hours: no reminders until they begin"), OFF_HOURS),
        Pause: _(pause, OFF_HOURS, PAUSED),
        Resume: _(_NOT_PAUSED, OFF_HOURS),
        Started: _(restart, OFF_HOURS, *_NEW),
        ClockStepped: _(clock_stepped, OFF_HOURS),
    },
    PAUSED: {
        Tick: _(end_pause_when_due, PAUSED, *_NEW),
        Activity: _(ignore, PAUSED),  # a pause overrides presence
        Slept: _(ignore, PAUSED),  # and sleep: the pause ends when it said
        Snooze: _(_RESUME_FIRST, PAUSED),
        Done: _(_RESUME_FIRST, PAUSED),
        Skip: _(_RESUME_FIRST, PAUSED),
        Dismissed: _(ignore, PAUSED),  # the bubble withdrawn by the pause, closing late
        RemindNow: _(_RESUME_FIRST, PAUSED),
        Pause: _(pause, PAUSED),  # a new end, or none
        Resume: _(resume, *_NEW),
        Started: _(restart_paused, PAUSED, *_NEW),
        ClockStepped: _(clock_stepped, PAUSED),
    },
}


def initial(now: datetime) -> State:
    return State(phase=SITTING, sitting_since=now)


def step(state: State, event: Event, policy: Policy) -> Transition:
    """The next state and the effects, for one event. An event type the table does not know
    is a programming error, and raises."""
    if not isinstance(event, ClockStepped):  # a step moves the stored times first, then clamps
        state = stretch.clamp_future(state, event.now)
    before = follow_hours(state, event, policy)
    if isinstance(event, Answer) and stretch.overtaken(before.state, event):
        return Transition(before.state, (*before.effects, _OVERTAKEN))
    try:
        cell = TABLE[before.state.phase][type(event)]
    except KeyError:
        raise TypeError(f"no rule for {type(event).__name__} in {before.state.phase}") from None
    after = cell.rule(before.state, event, policy)
    return Transition(after.state, before.effects + after.effects)


def follow_hours(state: State, event: Event, policy: Policy) -> Transition:
    """Enter or leave OFF_HOURS as the working hours say, before any rule; a pause overrides
    the hours."""
    now = event.now
    active = policy.hours.active(now)
    if state.phase is OFF_HOURS and active:
        return Transition(stretch.new_stretch(now, policy))
    if state.phase in (*AT_DESK, AWAY) and not active:
        effects: tuple[Effect, ...] = stretch.withdraw_if_showing(state)
        sat = stretch.sat_seconds(state, now)
        if state.phase in AT_DESK and sat > 0:
            effects = (*effects, Record("off_hours", now, {"sat_seconds": sat}))
        return Transition(State(phase=OFF_HOURS, sitting_since=now), effects)
    return Transition(state)
