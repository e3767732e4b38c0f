"""The daemon's senses: idle and lock samples, suspend and clock steps, and whether the user
is busy. Each turns into core events; none of them may stop the daemon when it fails."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from standup import core
from standup.idle import IdleError, IdleSource, open_idle_source, watch_sleep
from standup.idle.clocks import ClockWatch

if TYPE_CHECKING:
    from standup.busy.probes import BusyOptions, Probes
    from standup.idle.logind import SleepWatch

log = logging.getLogger("standup")

# Sample at most this often, and at least three times per natural break, so a break is seen
# within a third of its length.
MAX_SAMPLE_INTERVAL = timedelta(seconds=60)
# An absence this much past the natural break that no push told of: the pushes are lost (one
# in flight arrives within a second).
PUSH_SLACK = MAX_SAMPLE_INTERVAL


def sample_interval(policy: core.Policy) -> timedelta:
    return min(MAX_SAMPLE_INTERVAL, policy.natural_break / 3)


class ActivityMonitor:
    def __init__(self, now: datetime, **clock_sources: Any) -> None:
        """`clock_sources` (real=, sleep=) replace the system clocks in tests."""
        self.source: IdleSource | None = None
        self.source_name = "none"
        self.reason = "not started"
        self._choice = "auto"
        self._on_change: Callable[[], None] | None = None
        self._idle_after = timedelta(minutes=5)
        self.pushes = False
        self._clocks = ClockWatch(now, **clock_sources)
        self._sleep_watch: SleepWatch | None = None
        self._failing = False
        # Reopened after a failure and not yet answered a sample since.
        self._reopened_after_failure = False
        self._busy_probes: Probes | None = None
        self._busy_modes: tuple[str, ...] = ()  # the do-not-disturb modes they were made for
        self.busy_reasons: tuple[str, ...] = ()

    def open(
        self,
        choice: str,
        on_change: Callable[[], None] | None = None,
        idle_after: timedelta = timedelta(minutes=5),
    ) -> None:
        """(Re)open the idle source; the choice and the reason go to the log and the status.

        Where the source can push (GNOME's idle monitor, a Wayland compositor's idle
        protocol), `on_change` is called when the user has been idle `idle_after` and when they
        come back, and `pushes` is True: no sampling is needed then."""
        self.close_source()
        self._choice, self._on_change, self._idle_after = choice, on_change, idle_after
        self.source, self.reason = open_idle_source(choice)
        self.source_name = self.source.name
        self._failing = self._reopened_after_failure = False
        self.pushes = False
        if on_change is not None:
            self.pushes = self.source.watch(on_change, idle_after.total_seconds())
        log.info("idle source %s%s", self.reason, " (pushes changes)" if self.pushes else "")

    def watch_sleep(self, on_wake: Callable[[], None]) -> None:
        """Be told at once when the machine wakes (logind), instead of at the next sample."""

        def on_sleep(going_to_sleep: bool) -> None:
            if not going_to_sleep:
                on_wake()

        try:
            self._sleep_watch = watch_sleep(on_sleep)
        except Exception as error:  # a system bus that misbehaves must not stop the daemon
            log.debug("no suspend notifications: %s", error)

    def clock_events(self, now: datetime) -> list[core.Event]:
        """Sleep and wall-clock steps since the last look, as core events."""
        change = self._clocks.check(now)
        events: list[core.Event] = []
        if change.stepped:
            log.info("the clock moved by %s", change.stepped)
            events.append(core.ClockStepped(now, delta=change.stepped))
        if change.slept:
            log.info("woke up after %s asleep", change.slept)
            events.append(core.Slept(now, duration=change.slept))
        return events

    def sample(self, now: datetime) -> core.Activity | None:
        """The user's presence now, or None when the source cannot tell (logged once)."""
        if self.source is None:
            return None
        try:
            sample = self.source.sample()
        except IdleError as error:
            if not self._failing:
                log.warning("idle source %s stopped answering: %s", self.source_name, error)
            if self._reopened_after_failure:
                # It failed again before answering once (a compositor that breaks every
                # connection): no reconnect loop on the worker, the next sample reopens it.
                self._reopened_after_failure = False
                self.pushes = False
                return None
            failed = self.source_name
            self._reopen()
            if self.source_name == failed:  # the same one again: said once until it answers
                self._failing = self._reopened_after_failure = True
            return None
        self._reopened_after_failure = False
        if self._failing:
            log.info("idle source %s answers again", self.source_name)
            self._failing = False
        return core.Activity(
            now,
            idle=timedelta(seconds=max(0.0, sample.idle_seconds)),
            locked=bool(sample.locked),
            inhibited=bool(sample.inhibited),
        )

    def _reopen(self) -> None:
        try:
            self.open(self._choice, self._on_change, self._idle_after)
        except Exception as error:
            log.debug("reopening the idle source failed: %s", error)

    def missed_push(self, now: datetime) -> core.Activity | None:
        """At a reminder's due time, one sample to check a pushing source: an absence longer
        than the natural break that was never pushed (alarms that never fire, a compositor that
        forgets) is said once and sampling takes over; the reading is returned to act on."""
        if not self.pushes:
            return None
        reading = self.sample(now)
        if reading is None or reading.idle < self._idle_after + PUSH_SLACK:
            return None
        log.warning(
            "idle source %s did not tell that the user left %s ago: sampling instead",
            self.source_name,
            reading.idle - self._idle_after,
        )
        self.pushes = False
        return reading

    def busy(self, options: BusyOptions) -> tuple[str, ...]:
        """Why the user should not be interrupted now; () when nothing says so."""
        from standup.busy.probes import busy_reasons, open_probes

        modes = tuple(options.dnd_modes)
        if self._busy_probes is None or modes != self._busy_modes:
            # Made at the first question, and made again when the config names other modes.
            self._close_busy_probes()
            self._busy_probes, self._busy_modes = open_probes(options), modes
        reasons = tuple(busy_reasons(options, self._busy_probes))
        self.busy_reasons = reasons
        return reasons

    def close_source(self) -> None:
        if self.source is not None:
            try:
                self.source.close()
            except Exception as error:
                log.debug("closing the idle source: %s", error)
            self.source = None

    def _close_busy_probes(self) -> None:
        if self._busy_probes is not None:
            self._busy_probes.close()  # best effort inside: it never raises
            self._busy_probes = None

    def close(self) -> None:
        self.close_source()
        if self._sleep_watch is not None:
            try:
                self._sleep_watch.close()
            except Exception as error:
                log.debug("closing: %s", error)
        self._close_busy_probes()
