"""`standup run`: the imperative shell around the core.

One worker thread (APScheduler's executor, one worker) owns the core state; every other thread
(signal handlers, the control socket, the D-Bus listeners) only submits work to it. The
scheduler holds a date job for the core's next wake-up (`wake`), one for the next presence
sample while sampling is needed (`sample`), the countdown's next frame while one runs
(`countdown`), the tray's next minute while a tray host shows a stretch counting (`tray`)
and a daily `prune` of the history, and otherwise sleeps.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime, tzinfo
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

from apscheduler.executors.pool import ThreadPoolExecutor

from standup import core
from standup.config.settings import LoadedConfig, Settings
from standup.core import Event, Hold, Notify, Phase, Record, Reject, State, Withdraw
from standup.daemon.activity import ActivityMonitor, sample_interval
from standup.daemon.clock import StepAwareScheduler
from standup.daemon.commands import CommandHandler
from standup.daemon.countdown import Countdown
from standup.daemon.live_config import LiveConfig
from standup.daemon.persist import SHOWN, Key, Persistence
from standup.daemon.reminders import ReminderDesk
from standup.daemon.sdnotify import sd_notify
from standup.daemon.snapshot import record_line, snapshot, status_line
from standup.exercises.progression import RATINGS
from standup.hooks.runner import HookRunner
from standup.i18n import _
from standup.localtime import local_now, local_zone
from standup.notify import open_notifier
from standup.notify.base import Notifier
from standup.tray.keeper import TrayKeeper

log = logging.getLogger("standup")
T = TypeVar("T")
Clock = Callable[[], datetime]
WAKE_JOB, SAMPLE_JOB = "wake", "sample"

# APScheduler 3 defaults drop a date job that came due while the machine slept
# (misfire_grace_time=1 is checked on the wall clock): never drop, run once.
JOB_DEFAULTS = {"coalesce": True, "misfire_grace_time": None, "max_instances": 1}


class Worker:
    """The core on its worker thread: events in, effects carried out (`life.Daemon` holds it)."""

    def __init__(
        self,
        loaded: LoadedConfig,
        *,
        clock: Clock = local_now,
        config_path: Path | None = None,
        store_path: Path | None = None,
        notifier_factory: Callable[..., Notifier] = open_notifier,
        clock_sources: dict[str, Callable[[], Any]] | None = None,
        tz: tzinfo | None = None,  # working hours' zone; None: the system's
    ) -> None:
        self.config = LiveConfig(loaded, config_path, notifier_factory)
        self._tz = tz if tz is not None else local_zone()
        self.policy = loaded.settings.policy(self._tz)
        self._clock = clock
        self.scheduler = StepAwareScheduler(
            executors={"default": ThreadPoolExecutor(max_workers=1)},
            job_defaults=JOB_DEFAULTS,
            timezone=UTC,
            on_step=self.clock_moved,
        )
        self.state: State = core.initial(clock())
        self.desk = ReminderDesk(notifier_factory)
        self.memory = Persistence(store_path)
        self.commands = CommandHandler(self)
        self.countdown = Countdown(self, **(clock_sources or {}))
        self.activity = ActivityMonitor(clock(), **(clock_sources or {}))
        self.hooks = HookRunner()  # the user's commands; no thread until one runs
        self.tray = TrayKeeper(self)  # opened by the life; shows each status, changes only
        self.ready = threading.Event()  # set once the saved state is restored and running
        self._systemd_status = ""
        # The status after the last step, for commands when the worker is held up (a hung
        # notification server): read from other threads, replaced whole, never changed.
        self.last_status: dict[str, Any] | None = None
        self._sampling_due = False
        self._last_heartbeat: datetime | None = None
        # Why the worker woke up, by source: the benchmark reads these to prove we sleep.
        self.wakeups: Counter[str] = Counter()
        self._wakeups_lock = threading.Lock()  # counted from the control and D-Bus threads too

    # ---- threads hand work to the worker ----------------------------------------------------

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        """Run fn(*args) on the worker thread, as soon as it is free."""
        self.scheduler.add_job(fn, args=args)

    def call(self, fn: Callable[..., T], *args: Any, timeout: float = 5.0) -> T:
        """Run fn(*args) on the worker thread and wait for its result."""
        future: Future[T] = Future()

        def run() -> None:
            try:
                future.set_result(fn(*args))
            except BaseException as error:  # handed back to the caller's thread
                future.set_exception(error)

        self.submit(run)
        return future.result(timeout)

    def clock(self) -> datetime:
        return self._clock()

    def count_wakeup(self, source: str) -> None:
        with self._wakeups_lock:
            self.wakeups[source] += 1

    # ---- the core loop (worker thread only) -------------------------------------------------

    def feed(self, make_event: Callable[[datetime], Event] | None, source: str = "") -> list[str]:
        """Step the core with an event made at the current time; return any rejections.

        A suspend or a clock step since the last event is fed first, so every rule sees
        a state that already knows about it (`make_event` None: only those). `source` says
        where an answer came from ("from the command line"), for its one log line."""
        now = self.clock()
        try:
            for event in self.activity.clock_events(now):
                self._step(event)
            return self._step(make_event(now), source) if make_event is not None else []
        finally:
            self._reschedule()  # whatever failed, the next wake-up must stay planned

    def _step(self, event: Event, source: str = "") -> list[str]:
        before = self.state
        transition = core.step(self.state, event, self.policy)
        self.state = transition.state
        rejections: list[str] = []
        records: list[Record] = []
        rotation_changed = False
        for effect in transition.effects:
            if isinstance(effect, Notify):
                if self.countdown.running:
                    if not effect.new:
                        continue  # the countdown's bubble is the reminder being re-shown
                    self.countdown.stop()
                try:
                    rotation_changed |= self.desk.show(effect, self.settings)
                except Exception:
                    # Backends never raise by contract; if one does anyway, the state change
                    # and the history must still be kept, and the next re-show tries again.
                    log.exception("showing the reminder failed")
            elif isinstance(effect, Withdraw):
                self.countdown.stop()
                self.desk.withdraw()
            elif isinstance(effect, Record):
                records.append(effect)
                if effect.kind != "reminded":  # the reminder was logged as it was shown
                    log.info("%s", record_line(effect, source))
            elif isinstance(effect, Reject):
                rejections.append(effect.message)
            elif isinstance(effect, Hold):
                log.info("reminder held: %s", ", ".join(effect.reasons))
        if transition.effects or records:
            self.persist(records, rotation_changed)
        self.hooks.fire(self.settings.hooks, records, before, self.state, self.desk.exercise)
        return rejections

    def _tick(self) -> None:
        self.count_wakeup("timer")
        self.feed(self.tick_event)

    def tick_event(self, now: datetime) -> Event:
        # Ask whether the user is busy (or left unseen) only when a reminder would go out.
        busy: tuple[str, ...] = ()
        if self.state.phase in (Phase.SITTING, Phase.REMINDING):
            wake = core.next_wakeup(self.state, self.policy, now)
            if wake is not None and wake <= now:
                if missed := self.activity.missed_push(now):
                    return missed
                busy = self.activity.busy(self.settings.busy)
        return core.Tick(now, busy=busy)

    def _sample(self) -> None:
        def sample_event(now: datetime) -> Event:
            return self.activity.sample(now) or self.tick_event(now)

        self.feed(sample_event)
        self.heartbeat()

    def clock_moved(self) -> None:
        """The wall clock was set (seen by the scheduler or the kernel): re-plan at once, so no
        wait grows by a backwards step. Any thread."""
        self.submit(self._after_clock_step)

    def _after_clock_step(self) -> None:
        self.count_wakeup("clock")
        self._sampling_due = True  # the sample job was planned on the old wall clock
        self.feed(self.tick_event)
        self.countdown.after_clock_step()  # and so was the countdown's next frame

    def _reschedule(self) -> None:
        wake = core.next_wakeup(self.state, self.policy, self.clock())
        job = self.scheduler.get_job(WAKE_JOB)
        # Touch the job only when the time changes: every change wakes the scheduler thread.
        if wake is None:
            if job is not None:
                self.scheduler.remove_job(WAKE_JOB)
        elif job is None or job.next_run_time != wake:
            # Planned from inside the running wake job, a time already past is due at once: a
            # second instance waits for the first, where one would be skipped, for good.
            self.scheduler.add_job(
                self._tick, "date", run_date=wake, id=WAKE_JOB, replace_existing=True,
                max_instances=2,
            )  # fmt: skip
        self._reschedule_sampling()
        self.last_status = self.status()
        self.commands.publish(self.last_status)
        self.tray.update(self.last_status)
        self.tell_systemd()

    def tell_systemd(self, *fields: str) -> None:
        """READY=1 and friends, plus STATUS= when it changed (for `systemctl status`)."""
        if not os.environ.get("NOTIFY_SOCKET"):
            return
        line = status_line(self.last_status or self.status())
        if line != self._systemd_status or fields:
            self._systemd_status = line
            sd_notify(*fields, f"STATUS={line}")

    def _reschedule_sampling(self) -> None:
        """Sample presence only while it matters: not while paused or outside hours."""
        wanted = (
            self.state.phase in (Phase.SITTING, Phase.REMINDING, Phase.AWAY)
            and self.activity.source_name != "none"
            # A pushing source tells us when the user leaves; while away, sampling finds the
            # return even if a push is missed (a reopened source, a restart while away).
            # So too while idle is inhibited: the push came during the inhibition, and an
            # absence after it ends would go unnoticed.
            and (
                not self.activity.pushes
                or self.state.phase is Phase.AWAY
                or self.state.inhibited_at is not None
            )
        )
        job = self.scheduler.get_job(SAMPLE_JOB)
        if not wanted:
            if job is not None:
                self.scheduler.remove_job(SAMPLE_JOB)
            return
        if job is None or self._sampling_due:
            # A date job, re-added after each run rather than an interval job: its times come
            # from our clock, which tests and the soak replace.
            self._sampling_due = False
            run_at = self.clock() + sample_interval(self.policy)
            self.scheduler.add_job(
                self._run_sample, "date", run_date=run_at, id=SAMPLE_JOB, replace_existing=True
            )

    def _run_sample(self) -> None:
        self.count_wakeup("idle_sample")
        self._sampling_due = True  # the job is spent: schedule the next one
        self._sample()

    def heartbeat(self) -> None:
        """Note now and then that we are alive, so a restart after a crash can tell a short
        outage (keep the snooze, the stretch goes on) from a long one (a natural break)."""
        now = self.clock()
        if (
            self._last_heartbeat is None
            or now - self._last_heartbeat >= self.policy.natural_break / 2
        ):
            self._last_heartbeat = now
            self.memory.save({Key.LAST_SEEN: now.isoformat()}, [])

    def status(self) -> dict[str, Any]:
        info = snapshot(
            self.state,
            self.policy,
            self.clock(),
            exercise=self.desk.exercise_info(),
            config_files=[str(p) for p in self.config.loaded.files],
            notifier=self.desk.delivered_by,
        )
        info["idle_source"] = self.activity.source_name
        info["idle_reason"] = self.activity.reason
        info["held_because"] = list(self.activity.busy_reasons) if self.state.held_at else []
        with self._wakeups_lock:
            info["wakeups"] = dict(self.wakeups)
        info["config_error"] = self.config.error
        info["countdown"] = self.countdown.info()
        return info

    # ---- persistence ------------------------------------------------------------------------

    def persist(self, records: list[Record], rotation_changed: bool) -> None:
        desk = self.desk
        values = {
            Key.CORE: json.dumps(core.state_to_dict(self.state)),
            Key.EXERCISE: desk.exercise.id if desk.exercise else "",
            Key.LAST_SEEN: self.clock().isoformat(),
        }
        if rotation_changed:
            values[Key.ROTATION] = desk.rotation.to_json()
            values[Key.EXERCISE_BASE] = desk.base.id if desk.base else ""
            if desk.notice_shown:
                values[Key.SAFETY_NOTICE] = SHOWN
        exercise_id = desk.exercise.id if desk.exercise else None
        self.memory.save(values, [(r.kind, r.at, exercise_id, r.detail or None) for r in records])

    def _save_progression(self) -> None:
        self.memory.save({Key.PROGRESSION: self.desk.progression.to_json()}, [])

    # ---- config -----------------------------------------------------------------------------

    def reload(self) -> str:
        """Re-read the config; a bad one keeps the running config. Returns a message."""
        sd_notify("RELOADING=1")
        try:
            old = self.config.reload()
        finally:
            sd_notify("READY=1")
        new = self.settings
        if new == old:
            # Nothing changed: a `config set` is seen by the watcher and asked for by the
            # command too, and an editor may save the same text twice.
            log.debug("config re-read, unchanged")
            return _("config unchanged")
        self.policy = new.policy(self._tz)
        if new.notifications.backend != old.notifications.backend:
            self.open_notifier()
        watched = (new.idle.source, new.schedule.natural_break)
        if watched != (old.idle.source, old.schedule.natural_break):
            self.open_idle()
        self.countdown.after_reload()
        log.info("config reloaded")
        # A step at once: new working hours may end (or begin) the stretch right now, and a
        # shorter sit may make the reminder due.
        self.feed(self.tick_event)
        return _("config reloaded")

    @property
    def settings(self) -> Settings:
        return self.config.settings

    def open_notifier(self) -> None:
        self.desk.open(self.settings.notifications.backend, self._on_action)

    def open_idle(self) -> None:
        self.activity.open(
            self.settings.idle.source,
            on_change=lambda: self.submit(self._sample),
            idle_after=self.settings.schedule.natural_break,
        )

    def _on_action(self, key: str) -> None:
        """A button press or dismissal, from the notifier's thread."""
        source = "from the notification"
        asked_at = self.clock()  # pressed now, though the worker may get to it a moment later
        answers = {"done": core.Done, "snooze": core.Snooze, "skip": core.Skip}
        work: dict[str, Callable[[], Any]] = {
            "start": self.countdown.start,
            "stop": self.countdown.stop_and_reshow,
            **{rating: partial(self.answer_rated, rating, source, asked_at) for rating in RATINGS},
        }
        if key not in answers and key not in work and key != "dismissed":
            return
        self.count_wakeup("notification")
        log.debug("pressed in the notification: %s", key)
        if key in work:
            self.submit(work[key])
        elif key == "dismissed":
            self.submit(self.countdown.stop)  # closing the countdown's bubble ends it
            self.submit(self.feed, core.Dismissed, source)
        else:
            answer = partial(answers[key], asked_at=asked_at)
            self.submit(self.feed, answer, source)

    def answer_rated(
        self, rating: str, source: str = "", asked_at: datetime | None = None
    ) -> list[str]:
        """ "Too easy" or "too hard": Done, and the progression of the exercise moves along.
        Worker thread; returns the rejections, as feed does."""
        if self.desk.exercise is None:
            return ["no exercise has been suggested yet, so there is none to rate"]
        done = partial(core.Done, rating=rating, asked_at=asked_at)
        rejections = self.feed(done, source)
        if not rejections:
            self.desk.rate(rating, self.settings)
            self._save_progression()
        return rejections
