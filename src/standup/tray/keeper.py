"""The daemon's side of the tray: keeps the item showing the worker's state, and turns its
menu's clicks into the same core events the command line sends.

Worker thread, except the two callbacks from the item (`_clicked`, `_host_changed`), which only
hand work to it. The item is told of every status (`update`, after each step) and tells the
host only what changed. While a host shows the item and a stretch is counted, a `tray` job
wakes the worker once a minute for the minutes shown; at no other time does the tray wake.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any, Protocol

from standup import core
from standup.core import Event, Policy, Reject, State

if TYPE_CHECKING:
    from standup.config.settings import Settings, TrayOptions
    from standup.daemon.persist import Persistence
    from standup.tray.item import TrayItem
    from standup.tray.view import View

log = logging.getLogger("standup.tray")
TRAY_JOB = "tray"
SOURCE = "from the tray"
BREAK_KINDS = frozenset({"done", "natural_break"})
# Clicks waiting for the worker: a host that floods the menu gets no more than this queued,
# so commands and reminders never wait behind it.
MAX_WAITING = 4


class TrayOwner(Protocol):
    """What the tray needs of the worker (daemon.worker.Worker)."""

    state: State
    policy: Policy
    memory: Persistence
    scheduler: Any
    last_status: dict[str, Any] | None

    @property
    def settings(self) -> Settings: ...
    def clock(self) -> datetime: ...
    def submit(self, fn: Callable[..., Any], *args: Any) -> None: ...
    def count_wakeup(self, source: str) -> None: ...
    def status(self) -> dict[str, Any]: ...
    def feed(
        self, make_event: Callable[[datetime], Event] | None, source: str = ""
    ) -> list[str]: ...


def event_for(action: str, now: datetime, asked_at: datetime) -> Event:
    """The core event a menu action becomes, made at `now`."""
    from standup.tray import view

    if action == view.DONE:
        return core.Done(now, asked_at=asked_at)
    if action == view.SNOOZE:
        return core.Snooze(now, asked_at=asked_at)
    if action == view.SKIP:
        return core.Skip(now, asked_at=asked_at)
    if action == view.NOW:
        return core.RemindNow(now)
    if action == view.PAUSE_30:
        return core.Pause(now, until=now + timedelta(minutes=30))
    if action == view.PAUSE_60:
        return core.Pause(now, until=now + timedelta(hours=1))
    if action == view.PAUSE_TOMORROW:
        return core.Pause(now, until=tomorrow(now))
    if action == view.RESUME:
        return core.Resume(now)
    raise ValueError(f"no menu action {action!r}")


def tomorrow(now: datetime) -> datetime:
    """The next local midnight."""
    return datetime.combine(now.date() + timedelta(days=1), time(0), now.tzinfo)


class TrayKeeper:
    def __init__(self, worker: TrayOwner) -> None:
        self._worker = worker
        self._item: TrayItem | None = None
        self._options: TrayOptions | None = None  # what the item was opened with
        self._breaks: tuple[tuple[Any, ...], int] | None = None  # (asked for, count)
        self._warned = False
        self._lock = threading.Lock()  # clicks arrive on the item's thread
        self._waiting = 0  # clicks handed to the worker and not yet run
        self._flood_said = False

    @property
    def item(self) -> TrayItem | None:
        return self._item

    def open(self) -> None:
        """Put the item on the bus as configured; never raises (the daemon runs without)."""
        from standup.notify.connection import BusUnavailable
        from standup.tray.item import TrayItem

        worker = self._worker
        options = self._options = worker.settings.tray
        if options.show == "never":
            return
        item = TrayItem(self._clicked, self._host_changed)
        try:
            item.open(self._view(worker.last_status or worker.status()))
        except BusUnavailable as error:
            log.info("no tray icon: %s", error)
            return
        except Exception as error:
            log.warning("no tray icon: the session bus refused it (%s)", error)
            return
        self._item = item
        if item.watcher is None and options.show == "always":
            log.warning("no tray host on the session bus; the icon shows when one starts")

    def close(self) -> None:
        if self._worker.scheduler.get_job(TRAY_JOB) is not None:
            self._worker.scheduler.remove_job(TRAY_JOB)
        if self._item is not None:
            self._item.close()
            self._item = None

    def update(self, status: dict[str, Any]) -> None:
        """After each step: show `status`, and plan the next minute's update while counting."""
        if self._options is not None and self._worker.settings.tray != self._options:
            self.close()  # reloaded with other tray options
            self.open()
        item = self._item
        if item is None:
            return
        item.show(self._view(status))
        self._plan(status if item.registered else None)

    def _view(self, status: dict[str, Any]) -> View:
        from standup.tray.view import build

        worker = self._worker
        return build(
            status,
            label=worker.settings.tray.label,
            snooze=worker.policy.snooze,
            breaks_today=self._breaks_today(status),
            refused=self._refused(),
        )

    def _refused(self) -> frozenset[str]:
        """The actions the core would turn down now: their entries are greyed out."""
        from standup.tray.view import ACTIONS

        worker = self._worker
        now = worker.clock()
        refused = set()
        for action in ACTIONS:
            step = core.step(worker.state, event_for(action, now, now), worker.policy)
            if any(isinstance(effect, Reject) for effect in step.effects):
                refused.add(action)
        return frozenset(refused)

    def _breaks_today(self, status: dict[str, Any]) -> int:
        """Breaks taken since midnight, read again only when a break may have been taken (the
        state or its stretch changed) or the day did."""
        now = self._worker.clock()
        key = (status["state"], status.get("sitting_since"), now.date())
        if self._breaks is not None and self._breaks[0] == key:
            return self._breaks[1]
        store = self._worker.memory.store
        count = 0
        if store is not None:
            midnight = datetime.combine(now.date(), time(0), now.tzinfo)
            try:
                count = sum(e.kind in BREAK_KINDS for e in store.history(midnight))
            except Exception as error:  # the menu line must never break the step
                log.debug("could not count today's breaks: %s", error)
        self._breaks = (key, count)
        return count

    def _plan(self, status: dict[str, Any] | None) -> None:
        """One date job at the next change of the minutes shown; none when nothing counts or
        no host shows the item."""
        from standup.tray.view import next_minute

        worker = self._worker
        scheduler = worker.scheduler
        at = None
        if status is not None:
            at = next_minute(status["state"], worker.state.sitting_since, worker.clock())
        job = scheduler.get_job(TRAY_JOB)
        if at is None:
            if job is not None:
                scheduler.remove_job(TRAY_JOB)
        elif job is None or job.next_run_time != at:
            scheduler.add_job(self._minute, "date", run_date=at, id=TRAY_JOB, replace_existing=True)

    def _minute(self) -> None:
        self._worker.count_wakeup("tray")
        self.update(self._worker.status())

    # ---- from the item's thread -------------------------------------------------------------

    def _clicked(self, action: str) -> None:
        worker = self._worker
        with self._lock:
            if self._waiting >= MAX_WAITING:
                if not self._flood_said:
                    self._flood_said = True
                    log.warning("the tray host sends clicks faster than they are handled; "
                                "dropping them while %d wait", MAX_WAITING)  # fmt: skip
                return
            self._waiting += 1
        worker.count_wakeup("tray")
        asked_at = worker.clock()  # clicked now, though the worker may get to it a moment later
        log.debug("clicked in the tray menu: %s", action)
        worker.submit(self._run, action, asked_at)

    def _run(self, action: str, asked_at: datetime) -> None:
        with self._lock:
            self._waiting -= 1
            if self._waiting == 0:
                self._flood_said = False
        rejections = self._worker.feed(lambda now: event_for(action, now, asked_at), SOURCE)
        if rejections:
            log.info("tray menu: %s", "; ".join(rejections))

    def _host_changed(self, registered: bool) -> None:
        """A host took the item or left: plan (or drop) the minute's updates."""
        self._worker.submit(self._after_host_change)

    def _after_host_change(self) -> None:
        self.update(self._worker.last_status or self._worker.status())
