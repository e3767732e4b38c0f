"""A timed hold in the reminder's own bubble: Start turns it into a countdown, then Done.

While a countdown runs, one scheduler job wakes the worker once a second and the bubble is
replaced (same id) when its text changes; the job exists only then, so an idle daemon keeps
its wake-ups. Everything that ends the reminder (an answer, a withdrawal, a new reminder, a
stop, a reload that drops the exercise) ends the countdown first, on the same worker thread,
so no late frame re-shows a bubble and Done is recorded once.

The hold is timed on a clock that neither a wall-clock step nor a suspend moves (`HoldClock`):
a clock set back does not freeze it, a clock set forward does not finish it. A suspend during
the hold ends it without Done, as leaving would: nobody held a stretch through it. Only the
job's wake-up is planned on the wall clock (APScheduler has no other); a step re-plans it.
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
from standup.idle.clocks import STEP_THRESHOLD, _real_elapsed, sleep_seconds

log = logging.getLogger("standup")
COUNTDOWN_JOB = "countdown"


class HoldClock:
    """Seconds since the start of a hold, on a clock that runs only while the machine is awake
    and that nobody sets; and whether the machine slept since.

    `real` counts through suspend (CLOCK_BOOTTIME), `sleep` is the time spent suspended
    (None where unknown): the same sources as `idle.clocks.ClockWatch`, which tests replace."""

    def __init__(
        self,
        real: Callable[[], float] = _real_elapsed,
        sleep: Callable[[], float | None] = sleep_seconds,
    ) -> None:
        self._real = real
        self._sleep = sleep
        self._started = (0.0, 0.0)

    def _read(self) -> tuple[float, float]:
        return self._real(), self._sleep() or 0.0

    def start(self) -> None:
        self._started = self._read()

    def elapsed(self) -> float:
        """Awake seconds since `start`."""
        (real0, sleep0), (real, sleep) = self._started, self._read()
        return (real - real0) - (sleep - sleep0)

    def slept(self) -> bool:
        """Whether the machine was suspended (longer than scheduling noise) since `start`."""
        return self._read()[1] - self._started[1] >= STEP_THRESHOLD.total_seconds()


class CountdownHost(Protocol):
    """What the countdown needs of the worker (worker.Worker): its clock and scheduler, the
    core's state and feed (and its news of suspend and clock steps), and the desk that shows
    the bubble."""

    state: core.State
    desk: ReminderDesk
    scheduler: StepAwareScheduler

    @property
    def settings(self) -> Settings: ...
    def clock(self) -> datetime: ...
    def count_wakeup(self, source: str) -> None: ...
    def feed(
        self, make_event: Callable[[datetime], core.Event] | None, source: str = ""
    ) -> list[str]: ...


class Countdown:
    """The countdown of the reminder showing, if any. Worker thread only."""

    def __init__(self, daemon: CountdownHost, **clock_sources: Any) -> None:
        """`clock_sources` (real=, sleep=) replace the system clocks in tests."""
        self._daemon = daemon
        self.exercise: Exercise | None = None
        self._clock = HoldClock(**clock_sources)
        self._shown = ""  # the text on the bubble, to replace it only when it changes
        self._via = ""  # the backend that showed the reminder: frames must reach it too
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
        self.exercise, self._shown, self._via = exercise, "", daemon.desk.delivered_by
        self._clock.start()
        log.info("countdown started: %s, %d s", exercise.name, total_seconds(exercise))
        self._show()

    def tick(self) -> None:
        self._daemon.count_wakeup("countdown")
        if not self.running:
            return
        if self._daemon.state.phase is not Phase.REMINDING:
            self.stop()  # a withdrawal should have stopped it already; never count on
            return
        if self._clock.slept():
            self._end_after_sleep()
            return
        self._show()

    def after_clock_step(self) -> None:
        """The wall clock was set: the next frame's wake-up was planned on the old one."""
        if self.running:
            self.tick()

    def _show(self) -> None:
        assert self.exercise is not None
        elapsed = self._clock.elapsed()
        current = frame(self.exercise, elapsed)
        if current.text != self._shown:
            self._shown = current.text
            via = self._daemon.desk.show_frame(current, self._daemon.settings)
            if via != self._via:
                # The server went away (or hung): a frame a second to the log, or a new bubble
                # a second from another backend, helps nobody. The reminder stays pending.
                self.stop()
                log.info("countdown ended: its bubble could not be shown (%s instead)", via)
                return
        if current.finished:
            self._finish()
            return
        self._plan(elapsed)

    def _plan(self, elapsed: float) -> None:
        """Wake up when the next frame is due: at the next whole period of the hold."""
        period = self.period.total_seconds()
        wait = timedelta(seconds=period - elapsed % period)
        self._daemon.scheduler.add_job(
            self.tick,
            "date",
            run_date=self._daemon.clock() + wait,
            id=COUNTDOWN_JOB,
            replace_existing=True,
        )

    def _end_after_sleep(self) -> None:
        """A suspend during the hold: no Done. The core hears of the sleep first (a long one
        ends the stretch and withdraws the bubble); a reminder still pending is shown again
        as it was, with its answers."""
        daemon = self._daemon
        self.stop()
        log.info("countdown ended: the machine was suspended during the hold")
        daemon.feed(None)  # the suspend alone
        if daemon.state.phase is Phase.REMINDING:
            daemon.desk.reshow(daemon.settings)

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
        self.exercise = None
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
        if self.exercise is None:
            return None
        current = frame(self.exercise, self._clock.elapsed())
        return {"exercise": self.exercise.id, "text": current.text, "percent": current.percent}
