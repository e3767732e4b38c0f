"""From a core Notify effect and an exercise to the bubble the notifier shows."""

from __future__ import annotations

from standup.config import Settings
from standup.core import Notify
from standup.durations import describe
from standup.exercises import Exercise, render
from standup.notify.base import Reminder

ACTION_KEYS = ("done", "snooze", "skip")


def build_reminder(exercise: Exercise, effect: Notify, settings: Settings) -> Reminder:
    title, body = render(exercise)
    actions = [("done", "Done")]
    if effect.can_snooze:
        actions.append(("snooze", f"Snooze {describe(settings.schedule.snooze)}"))
    actions.append(("skip", "Skip"))
    urgency = "critical" if effect.critical else settings.notifications.urgency
    return Reminder(
        title=title,
        body=body,
        urgency=urgency,
        timeout=settings.notifications.timeout,
        actions=tuple(actions),
    )
