"""From a core Notify effect and an exercise to the bubble the notifier shows."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta

from standup.config.durations import describe
from standup.config.settings import Settings
from standup.core import Notify
from standup.exercises import Exercise, Rotation, eligible, render
from standup.exercises.catalogue import GENERAL_CUE, SAFETY_NOTICE, WHY_STAND_UP, in_language
from standup.exercises.countdown import Frame
from standup.exercises.pictures import picture_file
from standup.exercises.progression import Progression, by_id
from standup.i18n import N_, _
from standup.notify.base import ActionCallback, Notifier, Reminder
from standup.notify.sound import HOLD_DONE_SOUND, REMINDER_SOUND

log = logging.getLogger("standup")

# The answers, first: a server with few buttons shows these and drops the extras after them.
ACTION_KEYS = ("done", "snooze", "skip")
EXTRA_KEYS = ("start", "too_easy", "too_hard")
COUNTDOWN_KEYS = ("done", "stop")
# The last frame of a countdown stays up this long, then goes by itself.
FINAL_FRAME = timedelta(seconds=5)
NOTICE_TITLE = N_("Before you start")


def build_notice() -> Reminder:
    """The safety notice, a bubble of its own before the very first reminder: the safety
    sentence first (it fits mako's small bubble whole), then the general cue and why standup
    asks you to stand. No buttons, no sound; it stays until closed."""
    body = "\n".join(_(text) for text in (SAFETY_NOTICE, GENERAL_CUE, WHY_STAND_UP))
    return Reminder(title=_(NOTICE_TITLE), body=body, timeout=timedelta(0))


def build_reminder(
    exercise: Exercise,
    effect: Notify,
    settings: Settings,
    *,
    extras: tuple[str, ...] = (),
    quiet: bool = False,
) -> Reminder:
    """The bubble for `exercise`; `extras` are the EXTRA_KEYS worth offering for it. It rings,
    unless `quiet` or the sound is off."""
    title, body = render(in_language(exercise))
    actions = [("done", _("Done"))]
    if effect.can_snooze:
        # Translators: a button; {duration} is the configured snooze, e.g. "10 min".
        snooze = _("Snooze {duration}").format(duration=describe(settings.schedule.snooze))
        actions.append(("snooze", snooze))
    actions.append(("skip", _("Skip")))
    # Translators: buttons: start the timed hold; the move is too easy or too hard for you.
    labels = {"start": _("Start"), "too_easy": _("Too easy"), "too_hard": _("Too hard")}
    actions += [(key, labels[key]) for key in EXTRA_KEYS if key in extras]
    urgency = "critical" if effect.critical else settings.notifications.urgency
    return Reminder(
        title=title,
        body=body,
        urgency=urgency,
        timeout=settings.notifications.timeout,
        actions=tuple(actions),
        image=_picture(exercise),
        sound=None if quiet else _sound(REMINDER_SOUND, settings),
    )


def build_frame(current: Frame, settings: Settings) -> Reminder:
    """A countdown frame: the same bubble, low urgency, staying up until the next frame, and
    silent; the last one has no buttons, goes by itself, and sounds: the hold is done, and
    whoever held it may not be looking."""
    if current.finished:
        sound = _sound(HOLD_DONE_SOUND, settings)
        return Reminder(current.title, current.text, "low", FINAL_FRAME, progress=100, sound=sound)
    actions = (("done", _("Done")), ("stop", _("Stop")))
    return Reminder(
        current.title, current.text, "low", timedelta(0), actions, progress=current.percent
    )


def _sound(name: str, settings: Settings) -> str | None:
    return name if settings.notifications.sound == "auto" else None


def _picture(exercise: Exercise) -> str | None:
    path = picture_file(exercise)
    return str(path) if path is not None else None


class ReminderDesk:
    """What the user sees: the reminder's exercise, the rotation and progression that chose
    it, and the notifier that shows it. Used from the daemon's worker thread only."""

    def __init__(self, notifier_factory: Callable[[str, ActionCallback], Notifier]) -> None:
        self._factory = notifier_factory
        self.notifier: Notifier | None = None
        # The safety notice's own notifier, so the reminder never replaces it; only until it
        # has gone out.
        self._notice_notifier: Notifier | None = None
        self.exercise: Exercise | None = None  # what the reminder suggests
        self.base: Exercise | None = None  # what the rotation picked, before any progression
        self.rotation = Rotation()
        self.progression = Progression()
        self.delivered_by = "none"  # the backend that delivered the last reminder
        self.notice_shown = False  # the safety notice went out once, ever (kept in the store)
        self._last: Notify | None = None  # the effect of the reminder showing, to re-show it
        self.keep_bubble = False  # leave the bubble up on the next withdraw (a final frame)

    def open(self, backend: str, on_action: ActionCallback) -> None:
        self.shutdown()
        if not self.notice_shown:
            self._notice_notifier = self._factory(backend, _no_answer)
        self.notifier = self._factory(backend, on_action)

    def show(self, effect: Notify, settings: Settings, *, quiet: bool = False) -> bool:
        """Show the reminder; True when a new exercise was picked (the rotation moved on).
        `quiet`: without its sound, for a user who is there (a stopped countdown)."""
        picked = False
        options = settings.exercises
        pool = eligible(options)
        if effect.new or self.exercise is None:
            self.base = self.rotation.next(pool, options.category_weights())
            self.exercise = self.progression.substitute(self.base, by_id(pool))
            picked = True
            self._show_notice()
        self._last = effect
        extras = self._extras(self.exercise, by_id(pool))
        reminder = build_reminder(self.exercise, effect, settings, extras=extras, quiet=quiet)
        self.delivered_by = self._show(reminder)
        if self.delivered_by != "log":  # the log backend has written the reminder already
            log.info("reminder: %s (via %s)", self.exercise.name, self.delivered_by)
        return picked

    def _show_notice(self) -> None:
        """The safety notice, once ever, just before the first reminder (which then stacks
        beside it rather than replacing it). Marked shown here; the store keeps the mark
        with the rotation that this reminder moves on."""
        if self.notice_shown or self._notice_notifier is None:
            return
        self.notice_shown = True
        shown_by = self._notice_notifier.show(build_notice())
        log.info("safety notice shown (via %s)", shown_by)

    def _extras(self, exercise: Exercise, pool: dict[str, Exercise]) -> tuple[str, ...]:
        extras = ["start"] if exercise.hold is not None else []
        moves = self.progression.can_move
        extras += [key for key in ("too_easy", "too_hard") if moves(exercise, key, pool)]
        return tuple(extras)

    def reshow(self, settings: Settings) -> None:
        """Show the reminder showing again as it was (after a countdown was stopped), without
        ringing again: it never left the screen."""
        if self._last is not None:
            self.show(replace(self._last, new=False), settings, quiet=True)

    def show_frame(self, current: Frame, settings: Settings) -> str:
        """Show a countdown frame; return the backend that delivered it."""
        return self._show(build_frame(current, settings))

    def _show(self, reminder: Reminder) -> str:
        self.keep_bubble = False
        assert self.notifier is not None
        return self.notifier.show(reminder)

    def rate(self, rating: str, settings: Settings) -> bool:
        """Move the progression of the reminder's exercise; True when it changed."""
        base = self.base or self.exercise
        if base is None:
            return False
        return self.progression.rate(base, rating, by_id(eligible(settings.exercises)))

    def withdraw(self) -> None:
        if self.keep_bubble:
            self.keep_bubble = False  # the final frame goes by itself
            return
        if self.notifier is not None:
            self.notifier.close()

    def exercise_info(self) -> dict[str, object] | None:
        if self.exercise is None:
            return None
        info: dict[str, object] = {"id": self.exercise.id, "name": self.exercise.name}
        if self.exercise.hold is not None:
            info["hold_seconds"] = self.exercise.hold
            info["sides"] = self.exercise.sides
            if self.exercise.side:
                info["side"] = self.exercise.side  # "leg back": what the countdown names
        if self.base is not None and self.base.id != self.exercise.id:
            info["instead_of"] = self.base.id  # a progression stands in for the rotation's pick
        return info

    def shutdown(self) -> None:
        # Shutting a notifier down leaves its bubble up: the notice stays until closed.
        for notifier in (self._notice_notifier, self.notifier):
            if notifier is not None:
                notifier.shutdown()
        self.notifier = self._notice_notifier = None


def _no_answer(key: str) -> None:
    """The notice has no buttons: closing it answers nothing."""
