"""A timed hold in the reminder's own bubble: Start turns it into a countdown, then Done.

While a countdown runs, one scheduler job wakes the worker once a second and the bubble is
replaced (same id) when its text changes; the job exists only then, so an idle daemon keeps
its wake-ups. Everything that ends the reminder (an answer, a withdrawal, a new reminder, a
stop, a reload that drops the exercise) ends the countdown first, on the same worker thread,
so no late frame re-shows a bubble and Done is recorded once.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any, Protocol

from standup import core
from standup.config.settings import Settings
from standup.core import Phase
from standup.daemon.clock import StepAwareScheduler
from standup.daemon.reminders import ReminderDesk
from standup.exercises import Exercise, eligible
from standup.exercises.countdown import frame, total_seconds

log = logging.getLogger("standup")
COUNTDOWN_JOB = "countdown"


class CountdownHost(Protocol):
    """What the countdown needs of the daemon (worker.Daemon): its clock and scheduler, the
    core's state and feed, and the desk that shows the bubble."""

    state: core.State
    desk: ReminderDesk
    scheduler: StepAwareScheduler

    @property
    def settings(self) -> Settings: ...
    def clock(self) -> datetime: ...
    def count_wakeup(self, source: str) -> None: ...
    def feed(self, make_event: Callable[[datetime], core.Event], source: str = "") -> list[str]: ...


class Countdown:
    """The countdown of the reminder showing, if any. Worker thread only."""

    def __init__(self, daemon: CountdownHost) -> None:
        self._daemon = daemon
        self.exercise: Exercise | None = None
        self._started: datetime | None = None
        self._shown = ""  # the text on the bubble, to replace it only when it changes
        self.period = timedelta(seconds=1)  # tests lengthen it and tick by hand

    @property
    def running(self) -> bool:
        return self.exercise is not None

    def start(self) -> None:
        """Start pressed: count down the reminder's exercise, if it is a hold still showing."""
        daemon = self._daemon
        exercise = daemon.desk.exercise
        if self.running or daemon.state.phase is not Phase.REMINDING or exercise is None:
            return
        if exercise.hold is None:
            return
        self.exercise, self._started, self._shown = exercise, daemon.clock(), ""
        log.info("countdown started: %s, %d s", exercise.name, total_seconds(exercise))
        daemon.scheduler.add_job(
            self.tick,
            "interval",
            seconds=self.period.total_seconds(),
            id=COUNTDOWN_JOB,
            replace_existing=True,
        )
        self._show()

    def tick(self) -> None:
        self._daemon.count_wakeup("countdown")
        if not self.running:
            return
        if self._daemon.state.phase is not Phase.REMINDING:
            self.stop()  # a withdrawal should have stopped it already; never count on
            return
        self._show()

    def _show(self) -> None:
        assert self.exercise is not None and self._started is not None
        elapsed = (self._daemon.clock() - self._started).total_seconds()
        current = frame(self.exercise, elapsed)
        if current.text != self._shown:
            self._shown = current.text
            self._daemon.desk.show_frame(current)
        if current.finished:
            self._finish()

    def _finish(self) -> None:
        daemon = self._daemon
        self.stop()
        # The final frame stays up for a moment: the withdrawal that Done brings leaves it.
        daemon.desk.keep_bubble = True
        try:
            daemon.feed(core.Done, "by the countdown")
        finally:
            daemon.desk.keep_bubble = False

    def stop(self) -> bool:
        """End the countdown, if one runs; True when one did. Shows nothing."""
        if not self.running:
            return False
        self.exercise = self._started = None
        if self._daemon.scheduler.get_job(COUNTDOWN_JOB) is not None:
            self._daemon.scheduler.remove_job(COUNTDOWN_JOB)
        return True

    def stop_and_reshow(self) -> None:
        """Stop pressed: back to the plain reminder, with its answers."""
        if self.stop() and self._daemon.state.phase is Phase.REMINDING:
            self._daemon.desk.reshow(self._daemon.settings)

    def after_reload(self) -> None:
        """A reload that makes the exercise ineligible (or removes it) ends the countdown;
        the bubble goes too, and the reminder comes back as the core decides."""
        if self.exercise is None:
            return
        ids = {e.id for e in eligible(self._daemon.settings.exercises)}
        if self.exercise.id not in ids and self.stop():
            log.info("countdown ended: its exercise is no longer in the config")
            self._daemon.desk.withdraw()

    def info(self) -> dict[str, Any] | None:
        if self.exercise is None or self._started is None:
            return None
        elapsed = (self._daemon.clock() - self._started).total_seconds()
        current = frame(self.exercise, elapsed)
        return {"exercise": self.exercise.id, "text": current.text, "percent": current.percent}
