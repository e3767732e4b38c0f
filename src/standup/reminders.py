"""From a core Notify effect and an exercise to the bubble the notifier shows."""

from __future__ import annotations

import logging
from collections.abc import Callable

from standup.config import Settings
from standup.core import Notify
from standup.durations import describe
from standup.exercises import Exercise, Rotation, eligible, render
from standup.notify.base import ActionCallback, Notifier, Reminder

log = logging.getLogger("standup")

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


class ReminderDesk:
    """What the user sees: the reminder's exercise, the rotation that chose it, and the
    notifier that shows it. Used from the daemon's worker thread only."""

    def __init__(self, notifier_factory: Callable[[str, ActionCallback], Notifier]) -> None:
        self._factory = notifier_factory
        self.notifier: Notifier | None = None
        self.exercise: Exercise | None = None
        self.rotation = Rotation()
        self.delivered_by = "none"  # the backend that delivered the last reminder

    def open(self, backend: str, on_action: ActionCallback) -> None:
        self.shutdown()
        self.notifier = self._factory(backend, on_action)

    def show(self, effect: Notify, settings: Settings) -> bool:
        """Show the reminder; True when a new exercise was picked (the rotation moved on)."""
        picked = False
        if effect.new or self.exercise is None:
            options = settings.exercises
            self.exercise = self.rotation.next(eligible(options), options.category_weights())
            picked = True
        assert self.notifier is not None
        self.delivered_by = self.notifier.show(build_reminder(self.exercise, effect, settings))
        if self.delivered_by != "log":  # the log backend has written the reminder already
            log.info("reminder: %s (via %s)", self.exercise.name, self.delivered_by)
        return picked

    def withdraw(self) -> None:
        if self.notifier is not None:
            self.notifier.close()

    def exercise_info(self) -> dict[str, str] | None:
        if self.exercise is None:
            return None
        return {"id": self.exercise.id, "name": self.exercise.name}

    def shutdown(self) -> None:
        if self.notifier is not None:
            self.notifier.shutdown()
            self.notifier = None
