"""The daemon's life cycle and memory: start, stop, and what is saved and restored.

`Daemon` is the `Worker` (worker.py: the core loop and its parts) with a life around it: the
worker never needs to know how it is started, so the parts import the worker, never this.
"""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from pathlib import Path

from standup import core, paths
from standup.config.durations import describe
from standup.daemon.clock import MonotonicWatchdog, open_clock_watch
from standup.daemon.sdnotify import sd_notify, watchdog_interval
from standup.daemon.worker import NOTICE_KEY, Worker
from standup.errors import ConfigError
from standup.exercises import Rotation, load_rotation
from standup.exercises.progression import STORE_KEY as PROGRESSION_KEY, load_progression

log = logging.getLogger("standup")
PRUNE_JOB = "prune"


class Daemon(Worker):
    """The worker with its life: start and stop, and what is restored and saved."""

    def _restore(self) -> datetime | None:
        """Load the saved state; return when the daemon was last alive."""
        saved = self.memory.load()
        if saved.state is not None:
            self.state = saved.state
        rotation = load_rotation(saved.rotation)
        if rotation is None:
            # Save the fresh seed now, so `standup exercises next` can tell the first pick.
            rotation = Rotation()
            self.memory.save({"rotation": rotation.to_json()}, [])
        desk = self.desk
        desk.rotation = rotation
        desk.progression = load_progression(saved.values.get(PROGRESSION_KEY))
        desk.notice_shown = saved.values.get(NOTICE_KEY) == "shown"
        find = self.settings.exercises.find
        if saved.exercise:
            desk.exercise = find(saved.exercise)
            base = saved.values.get("exercise_base")
            desk.base = (find(base) if base else None) or desk.exercise
        return saved.last_seen

    # ---- life cycle -------------------------------------------------------------------------

    def start(self, control_socket: Path | None = None) -> None:
        self.commands.start_server(control_socket or paths.control_socket())
        last_seen = self._restore()
        self._open_notifier()
        self._watch_config()
        self._open_idle()
        self.activity.watch_sleep(lambda: self.submit(self.feed, self._tick_event))
        self._clock_watch = open_clock_watch(self._clock_moved)
        self.scheduler.start()
        # Generous: the first step may show a reminder while the desktop is still starting.
        self.call(self.feed, lambda now: core.Started(now, last_seen=last_seen), timeout=60)
        self.call(self._record_start, timeout=60)
        self.ready.set()
        self.call(self._tell_systemd, "READY=1")
        log.info(
            "standup running: reminder after %s of sitting; config: %s",
            describe(self.settings.schedule.sit),
            ", ".join(map(str, self.config.loaded.files)) or "built-in defaults",
        )

    def _watch_config(self) -> None:
        self.config.watch(lambda: self.submit(self.reload_quietly, "config_change"))
        interval = watchdog_interval()
        if interval is not None:
            # Timed on the monotonic clock, sent from the worker: a hung worker stops the pings
            # and systemd restarts us; a wall clock set back does not.
            self._watchdog_pinger = MonotonicWatchdog(interval, self._ping_from_worker)
            self._watchdog_pinger.start()

    def _ping_from_worker(self, timeout: float) -> None:
        with contextlib.suppress(Exception):  # a worker that does not answer gets no ping
            self.call(self._watchdog, timeout=timeout)

    def reload_quietly(self, why: str) -> None:
        """A reload nobody waits for (file change, SIGHUP): errors are reported, not raised."""
        self.count_wakeup(why)
        with contextlib.suppress(ConfigError):  # reported by reload(); the running config stays
            self.reload()

    def _watchdog(self) -> None:
        self.count_wakeup("watchdog")
        sd_notify("WATCHDOG=1")
        self._heartbeat()

    def _record_start(self) -> None:
        self.memory.record("daemon_started", self.clock())
        self._prune()
        # One wake-up a day keeps the history within history.keep_days.
        self.scheduler.add_job(self._prune, "interval", days=1, id=PRUNE_JOB, replace_existing=True)

    def _prune(self) -> None:
        self.count_wakeup("prune")
        self.memory.prune(self.settings.history.keep_days, self.clock())

    def stop(self) -> None:
        """Save and close everything, on the worker, so no job runs against a closed part."""
        sd_notify("STOPPING=1")
        self.commands.stop_server()  # no new commands
        if self._watchdog_pinger is not None:
            self._watchdog_pinger.stop()
        if self._clock_watch is not None:
            self._clock_watch.close()
        try:
            self.call(self._save_and_close, timeout=2.0)
        except Exception as error:  # stopping must not hang or fail on a broken part
            log.warning("could not save on stop: %s", error)
        self.scheduler.shutdown(wait=False)
        self.stopped.set()

    def _save_and_close(self) -> None:
        self.countdown.stop()  # a countdown does not outlive the process, nor resume after it
        self.scheduler.remove_all_jobs()  # nothing planned runs after this
        # No sat_seconds here: after a short stop the stretch goes on, and after a long one
        # the restart records a natural break at the last moment this process was seen.
        self.desk.withdraw()
        self._persist([], rotation_changed=True)
        self.memory.record("daemon_stopped", self.clock())
        self.desk.shutdown()
        self.activity.close()
        self.config.close()
        self.memory.close()
