"""The daemon's life: start, stop, and what is restored at the start.

`Daemon` holds a `Worker` (worker.py: the core loop and its parts) and gives it a life: it
restores the saved state, starts the worker's scheduler and watchers, keeps the watchdog and
the history's pruning going, and stops it all. The worker never needs to know how it is
started, so the parts import the worker, never this.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

from standup import __version__, core, paths
from standup.config.durations import describe
from standup.daemon.clock import ClockSetWatch, MonotonicWatchdog, open_clock_watch
from standup.daemon.persist import Key
from standup.daemon.sdnotify import sd_notify, watchdog_interval
from standup.daemon.worker import Worker
from standup.errors import ConfigError
from standup.exercises import Rotation, load_rotation
from standup.exercises.progression import load_progression

log = logging.getLogger("standup")
PRUNE_JOB = "prune"


class Daemon:
    """A worker with its life: start and stop, and what is restored."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """The arguments are the worker's."""
        self.worker = Worker(*args, **kwargs)
        self._clock_watch: ClockSetWatch | None = None
        self._watchdog_pinger: MonotonicWatchdog | None = None
        self.stopped = threading.Event()

    def _restore(self) -> datetime | None:
        """Load the saved state; return when the daemon was last alive."""
        worker = self.worker
        saved = worker.memory.load()
        if saved.state is not None:
            worker.state = saved.state
        rotation = load_rotation(saved.rotation)
        if rotation is None:
            # Save the fresh seed now, so `standup exercises next` can tell the first pick.
            rotation = Rotation()
            worker.memory.save({Key.ROTATION: rotation.to_json()}, [])
        desk = worker.desk
        desk.rotation = rotation
        desk.progression = load_progression(saved.progression)
        desk.notice_shown = saved.notice_shown
        find = worker.settings.exercises.find
        if saved.exercise:
            desk.exercise = find(saved.exercise)
            base = saved.exercise_base
            desk.base = (find(base) if base else None) or desk.exercise
        return saved.last_seen

    # ---- life cycle -------------------------------------------------------------------------

    def start(self, control_socket: Path | None = None) -> None:
        worker = self.worker
        worker.commands.start_server(control_socket or paths.control_socket())
        # The first line a new user reads (once this is the one daemon running): what the
        # interval is, and how to change it.
        log.info(
            "standup %s starting: a reminder after %s of sitting; to change it, "
            "`standup config set schedule.sit 40m` or edit %s",
            __version__,
            describe(worker.settings.schedule.sit),
            paths.config_files(worker.config.explicit)[1],
        )
        last_seen = self._restore()
        worker.open_notifier()
        self._watch_config()
        worker.open_idle()
        worker.activity.watch_sleep(lambda: worker.submit(worker.feed, worker.tick_event))
        self._clock_watch = open_clock_watch(worker.clock_moved)
        worker.scheduler.start()
        # Generous: the first step may show a reminder while the desktop is still starting.
        worker.call(worker.feed, lambda now: core.Started(now, last_seen=last_seen), timeout=60)
        worker.call(self._record_start, timeout=60)
        worker.call(worker.tray.open, timeout=60)
        worker.ready.set()
        worker.call(worker.tell_systemd, "READY=1")
        log.info(
            "standup running: reminder after %s of sitting; config: %s",
            describe(worker.settings.schedule.sit),
            ", ".join(map(str, worker.config.loaded.files)) or "built-in defaults",
        )

    def _watch_config(self) -> None:
        worker = self.worker
        worker.config.watch(lambda: worker.submit(self.reload_quietly, "config_change"))
        interval = watchdog_interval()
        if interval is not None:
            # Timed on the monotonic clock, sent from the worker: a hung worker stops the pings
            # and systemd restarts us; a wall clock set back does not.
            self._watchdog_pinger = MonotonicWatchdog(interval, self._ping_from_worker)
            self._watchdog_pinger.start()

    def _ping_from_worker(self, timeout: float) -> bool:
        """Ping through the worker; False when it did not answer (then no ping is sent)."""
        try:
            self.worker.call(self._watchdog, timeout=timeout)
        except Exception:  # a hung or broken worker must not stop the watchdog's thread
            return False
        return True

    def reload_quietly(self, why: str) -> None:
        """A reload nobody waits for (file change, SIGHUP): errors are reported, not raised."""
        self.worker.count_wakeup(why)
        with contextlib.suppress(ConfigError):  # reported by reload(); the running config stays
            self.worker.reload()

    def _watchdog(self) -> None:
        self.worker.count_wakeup("watchdog")
        sd_notify("WATCHDOG=1")
        self.worker.heartbeat()

    def _record_start(self) -> None:
        worker = self.worker
        worker.memory.record("daemon_started", worker.clock())
        self._prune()
        # One wake-up a day keeps the history within history.keep_days.
        worker.scheduler.add_job(
            self._prune, "interval", days=1, id=PRUNE_JOB, replace_existing=True
        )

    def _prune(self) -> None:
        worker = self.worker
        worker.count_wakeup("prune")
        worker.memory.prune(worker.settings.history.keep_days, worker.clock())

    def stop(self) -> None:
        """Save and close everything, on the worker, so no job runs against a closed part."""
        worker = self.worker
        sd_notify("STOPPING=1")
        worker.commands.stop_server()  # no new commands
        if self._watchdog_pinger is not None:
            self._watchdog_pinger.stop()
        if self._clock_watch is not None:
            self._clock_watch.close()
        try:
            worker.call(self._save_and_close, timeout=2.0)
        except Exception as error:  # stopping must not hang or fail on a broken part
            log.warning("could not save on stop: %s", error)
        worker.hooks.close()  # here, not on the worker: a hung worker must not keep them
        worker.scheduler.shutdown(wait=False)
        self.stopped.set()

    def _save_and_close(self) -> None:
        worker = self.worker
        worker.countdown.stop()  # a countdown does not outlive the process, nor resume after it
        worker.tray.close()
        worker.scheduler.remove_all_jobs()  # nothing planned runs after this
        # No sat_seconds here: after a short stop the stretch goes on, and after a long one
        # the restart records a natural break at the last moment this process was seen.
        worker.desk.withdraw()
        worker.persist([], rotation_changed=True)
        worker.memory.record("daemon_stopped", worker.clock())
        worker.desk.shutdown()
        worker.activity.close()
        worker.config.close()
        worker.memory.close()
