"""Thirty simulated days of the real daemon: its core, its scheduling, a real SQLite file.

The `Daemon` runs in-process with an injected clock. Instead of waiting for APScheduler, a small
event loop reads the daemon's own jobs (the wake-up and the presence sample) and jumps the clock
to whichever is first, or to the next scripted event (the user answering, lunch, a pause, the
machine suspending for the night), and runs it on the daemon's worker exactly as the job would.

The days live in Europe/Berlin and span a daylight-saving change. The clock gives local time
the way the daemon's own clock does (`datetime.now().astimezone()`: a fixed UTC offset that
changes with the season). The dates are chosen in the future, so the real scheduler never runs
a job on its own while the test drives it.
"""

from __future__ import annotations

import gc
import json
import logging
import tracemalloc
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from standup import core
from standup.config.settings import load_config
from standup.control import client as control
from standup.daemon import activity as daemon_activity
from standup.daemon.life import Daemon
from standup.daemon.reminders import NOTICE_TITLE
from standup.daemon.worker import SAMPLE_JOB, WAKE_JOB
from standup.history.store import HistoryEvent
from standup.idle import IdleSample
from standup.notify.base import Reminder

pytestmark = pytest.mark.slow

BERLIN = ZoneInfo("Europe/Berlin")
SIT = timedelta(minutes=50)
ANSWER_AFTER = timedelta(minutes=1)  # the user answers every reminder a minute after it shows
KEEP_DAYS = 7
DAYS = 30
CONFIG = f"""
[schedule]
sit = "50m"
snooze = "10m"
remind_again = "5m"
natural_break = "5m"
active_hours = ["09:00-12:30", "13:30-18:00"]
active_days = ["mon", "tue", "wed", "thu", "fri"]
[history]
keep_days = {KEEP_DAYS}
[busy]
do_not_disturb = false
fullscreen = false
camera = false
microphone = false
"""
WINDOWS = ((time(9), time(12, 30)), (time(13, 30), time(18)))


def next_dst_sunday(after: date) -> date:
    """The first last-Sunday of March or October at least two weeks after `after`."""
    for year in (after.year, after.year + 1):
        for month in (3, 10):
            last = date(year, month, 31)
            sunday = last - timedelta(days=(last.weekday() - 6) % 7)
            if sunday >= after + timedelta(days=14):
                return sunday
    raise AssertionError("unreachable: a change comes within a year")


# Day 0 is a Monday, 13 days before the change: the change falls on the Sunday of week 2.
DST_SUNDAY = next_dst_sunday(datetime.now(UTC).date())
FIRST_DAY = DST_SUNDAY - timedelta(days=13)
DST_MONDAY = 14  # the first working day after the change


def local(day: int, hour: int, minute: int = 0) -> datetime:
    """Wall time on day `day` of the script, as an instant."""
    return datetime.combine(FIRST_DAY + timedelta(days=day), time(hour, minute), BERLIN)


def working(day: int) -> bool:
    return day % 7 < 5


# ---- the script: what the user does -------------------------------------------------------

# Away for lunch 12:00-13:30 on every working day but Wednesdays.
LUNCH_DAYS = {d for d in range(DAYS) if working(d) and d % 7 != 2}
# On Tuesdays and Thursdays the first afternoon reminder is snoozed once.
SNOOZE_DAYS = {d for d in range(DAYS) if d % 7 in (1, 3)}
# A one-hour pause at 10:00 on the Wednesdays of weeks 2 and 4.
HOUR_PAUSE_DAYS = {9, 23}
# Paused on Friday of week 3 at 17:00 with no end, resumed by hand on Monday at 09:10.
OPEN_PAUSE_DAY, RESUME_DAY = 18, 21


def expected_day(day: int) -> Counter[str]:
    """The history one day must hold, reasoned from the script, not read off a run.

    With sit 50 min and every reminder answered a minute later, reminders come every 51 min
    after a stretch starts. Stretches start when working hours do (09:00, 13:30) or on an
    answer, a resume or a return from lunch. A reminder comes only if it falls before the
    window ends (12:30 or 18:00).
    """
    if not working(day):
        return Counter()
    counts: Counter[str] = Counter()
    # Morning from 09:00: 09:50, 10:41, 11:32, 12:23 (the next, 13:14, is past 12:30).
    # Away from 12:00 the stretch ends before 12:23: three. A pause 10:00-11:00 after the
    # 09:50 reminder restarts at 11:00: 11:50 only (12:41 is too late). Resuming at 09:10:
    # 10:00, 10:51, 11:42, then lunch.
    if day in HOUR_PAUSE_DAYS:
        morning = 2
    elif day == RESUME_DAY:
        morning = 3
    else:
        morning = 3 if day in LUNCH_DAYS else 4
    # Afternoon from 13:30: 14:20, 15:11, 16:02, 16:53, 17:44 (18:35 is too late): five.
    # Snoozed at 14:21 until 14:31: reminded again then, Done at 14:32, so 15:22, 16:13,
    # 17:04, 17:55: six reminders. Paused at 17:00: 14:20 to 16:53, four.
    afternoon = 4 if day == OPEN_PAUSE_DAY else 5
    counts["reminded"] = morning + afternoon
    if day in SNOOZE_DAYS:
        counts["reminded"] += 1
        counts["snoozed"] = 1
    counts["done"] = counts["reminded"] - counts["snoozed"]  # every other one is answered Done
    if day in LUNCH_DAYS:
        counts["natural_break"] = 1  # away at 12:00, seen at the first sample after 12:05
    # Working hours end while the user sits: at 12:30 unless away for lunch, and at 18:00
    # unless paused.
    counts["off_hours"] = (day not in LUNCH_DAYS) + (day != OPEN_PAUSE_DAY)
    if day in HOUR_PAUSE_DAYS or day == OPEN_PAUSE_DAY:
        counts["paused"] = 1
    if day in HOUR_PAUSE_DAYS or day == RESUME_DAY:
        counts["resumed"] = 1
    # Day 0: the daemon starts at 08:50, before hours; nothing was sat, so nothing is recorded.
    return +counts


# ---- the simulated machine --------------------------------------------------------------


class Clock:
    """Local time as the daemon reads it; moves only when told. Tracks suspend like
    CLOCK_BOOTTIME - CLOCK_MONOTONIC."""

    def __init__(self, start: datetime) -> None:
        self.instant = start.astimezone(UTC)
        self.start = self.instant
        self.asleep = 0.0

    def __call__(self) -> datetime:
        wall = self.instant.astimezone(BERLIN)
        offset = wall.utcoffset()
        assert offset is not None
        return wall.astimezone(timezone(offset, wall.tzname()))

    def set(self, when: datetime) -> None:
        assert when >= self.instant, "time only runs forward here"
        self.instant = when.astimezone(UTC)

    def suspend_until(self, when: datetime) -> None:
        self.asleep += (when - self.instant).total_seconds()
        self.set(when)

    def sources(self) -> dict[str, Callable[[], float]]:
        return {
            "real": lambda: (self.instant - self.start).total_seconds(),
            "sleep": lambda: self.asleep,
        }


class User:
    """Input to the idle source: none while away, continuous otherwise."""

    name = "fake"

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.away_since: datetime | None = None

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        return False  # sampled on the daemon's schedule

    def sample(self) -> IdleSample:
        if self.away_since is None:
            return IdleSample(0.0)
        return IdleSample((self.clock.instant - self.away_since).total_seconds())

    def close(self) -> None:
        pass


class Screen:
    """The notifier: remembers when each reminder showed, and the safety notice apart."""

    name = "recording"

    def __init__(self, clock: Clock, shown: list[datetime], notices: list[datetime]) -> None:
        self.clock, self.shown, self.notices = clock, shown, notices

    def show(self, reminder: Reminder) -> str:
        if reminder.title == NOTICE_TITLE:
            self.notices.append(self.clock.instant)
        else:
            self.shown.append(self.clock.instant)
        return "recording"

    def close(self) -> None:
        pass

    def shutdown(self) -> None:
        pass


@dataclass
class Run:
    """What the thirty days left behind."""

    history: list[HistoryEvent] = field(default_factory=list)
    shown: list[datetime] = field(default_factory=list)
    notices: list[datetime] = field(default_factory=list)  # the safety notice's showings
    rows_after_prune: list[tuple[datetime, int, datetime]] = field(default_factory=list)
    week_peaks: dict[int, int] = field(default_factory=dict)
    spins: list[datetime] = field(default_factory=list)  # wake-ups that did not move time on
    db_bytes: int = 0
    wal_bytes: int = 0


class Simulation:
    def __init__(self, tmp: Path) -> None:
        config = tmp / "config.toml"
        config.write_text(CONFIG)
        self.db = tmp / "state" / "standup.db"
        self.socket = tmp / "run" / "control.sock"
        self.clock = Clock(local(0, 8, 50))
        self.user = User(self.clock)
        self.run = Run()
        self.life = Daemon(
            load_config(config),
            clock=self.clock,
            config_path=config,
            store_path=self.db,
            notifier_factory=lambda backend, on_action: Screen(
                self.clock, self.run.shown, self.run.notices
            ),
            clock_sources=self.clock.sources(),
            tz=BERLIN,
        )
        self.daemon = self.life.worker
        # (when, order, action): the order keeps same-instant events in script order.
        self.script: list[tuple[datetime, int, Callable[[], None]]] = []
        self._read_until = 0.0
        self.archive = tmp / "history.jsonl"
        self.archive.touch()

    # -- driving ----------------------------------------------------------------------------

    def at(self, when: datetime, action: Callable[[], None]) -> None:
        self.script.append((when, len(self.script), action))
        self.script.sort(key=lambda item: (item[0], item[1]))

    def request(self, cmd: str, args: dict[str, Any] | None = None) -> None:
        control.request(cmd, args, path=self.socket)

    def job_time(self, job_id: str) -> datetime | None:
        job = self.daemon.scheduler.get_job(job_id)
        return job.next_run_time if job is not None else None

    def go(self, end: datetime) -> None:
        """Run every job and scripted event up to `end`, in time order."""
        same_instant = 0
        while True:
            jobs = [(t, j) for j in (WAKE_JOB, SAMPLE_JOB) if (t := self.job_time(j)) is not None]
            first_job = min(jobs, default=None, key=lambda item: item[0])
            first_script = self.script[0][0] if self.script else None
            if first_script is not None and (first_job is None or first_script <= first_job[0]):
                when, _, action = self.script.pop(0)
                self.clock.set(max(when, self.clock.instant))
                action()
            elif first_job is not None and first_job[0] <= end:
                when, job = first_job
                if when <= self.clock.instant:
                    same_instant += 1
                    if same_instant > 3:  # a job that keeps coming due at once: a busy loop
                        self.run.spins.append(self.clock.instant)
                        when = self.clock.instant + timedelta(minutes=1)
                        same_instant = 0
                else:
                    same_instant = 0
                self.clock.set(max(when, self.clock.instant))
                shown = len(self.run.shown)
                if job == WAKE_JOB:
                    self.daemon.call(self.daemon._tick)
                else:
                    self.daemon.call(self.daemon._run_sample)
                if len(self.run.shown) > shown:
                    self.answer(self.clock.instant)
            else:
                return
            if first_script is not None and first_script > end and not jobs:
                return

    def answer(self, shown_at: datetime) -> None:
        wall = shown_at.astimezone(BERLIN)
        day = (wall.date() - FIRST_DAY).days
        first_afternoon = wall.time() >= time(13, 30) and not any(
            t.astimezone(BERLIN).date() == wall.date()
            and t.astimezone(BERLIN).time() >= time(13, 30)
            for t in self.run.shown[:-1]
        )
        cmd = "snooze" if day in SNOOZE_DAYS and first_afternoon else "done"
        self.at(shown_at + ANSWER_AFTER, lambda: self.request(cmd))

    # -- the machine's day --------------------------------------------------------------------

    def wake(self) -> None:
        """The machine wakes: logind tells the daemon at once; the daily prune, due while it
        slept, runs now (APScheduler coalesces missed runs into one)."""
        self.daemon.call(self.daemon.feed, core.Tick)
        self.collect()
        self.daemon.call(self.life._prune)
        rows = self.daemon.call(
            lambda: self.daemon.memory.store.history(datetime(1970, 1, 1, tzinfo=UTC))
        )
        oldest = rows[0].ts if rows else self.clock.instant
        self.run.rows_after_prune.append((self.clock.instant, len(rows), oldest))

    def collect(self) -> None:
        """Keep the history before the prune deletes it: on disk, so that what the test keeps
        does not show up in the memory the daemon is measured by."""
        since = datetime.fromtimestamp(self._read_until, UTC)
        rows = self.daemon.call(lambda: self.daemon.memory.store.history(since))
        with self.archive.open("a") as out:
            for row in rows:
                out.write(json.dumps([row.ts.timestamp(), row.kind, row.detail]) + "\n")
        if rows:
            self._read_until = rows[-1].ts.timestamp() + 1e-6

    def collect_after_stop(self) -> None:
        from standup.history.store import Store

        with Store.open(self.db) as store:
            self.daemon.memory.store = store
            self.collect_direct(store)
        self.run.history = self.archived()

    def collect_direct(self, store: Any) -> None:
        since = datetime.fromtimestamp(self._read_until, UTC)
        with self.archive.open("a") as out:
            for row in store.history(since):
                out.write(json.dumps([row.ts.timestamp(), row.kind, row.detail]) + "\n")

    def archived(self) -> list[HistoryEvent]:
        rows = [json.loads(line) for line in self.archive.read_text().splitlines()]
        return [HistoryEvent(datetime.fromtimestamp(ts, UTC), k, None, d) for ts, k, d in rows]

    def plan(self) -> None:
        for day in range(DAYS):
            if not working(day):
                continue
            if day:  # day 0 starts awake: the daemon is started then
                self.at(local(day, 8, 50), self.wake)
            if day in LUNCH_DAYS:
                self.at(local(day, 12), self.leave)
                self.at(local(day, 13, 30), self.come_back)
            if day in HOUR_PAUSE_DAYS:
                self.at(local(day, 10), lambda: self.request("pause", {"duration": 3600}))
            if day == OPEN_PAUSE_DAY:
                self.at(local(day, 17), lambda: self.request("pause"))
            if day == RESUME_DAY:
                self.at(local(day, 9, 10), lambda: self.request("resume"))
            following = next(d for d in range(day + 1, DAYS + 7) if working(d))
            self.at(
                local(day, 18, 30), lambda d=following: self.clock.suspend_until(local(d, 8, 50))
            )

    def leave(self) -> None:
        self.user.away_since = self.clock.instant

    def come_back(self) -> None:
        self.user.away_since = None


def daemon_memory() -> int:
    """Bytes still held, after a collection, by objects that standup's code or the libraries
    it runs on allocated. The simulation's own records (what it saw, what it plans) grow with
    the days by design, so they are left out."""
    gc.collect()
    snapshot = tracemalloc.take_snapshot().filter_traces(
        [
            tracemalloc.Filter(True, "*/standup/*"),
            tracemalloc.Filter(True, "*/apscheduler/*"),
            tracemalloc.Filter(True, "*/sqlite3/*"),
            tracemalloc.Filter(False, "*/tests/*"),
        ]
    )
    return sum(stat.size for stat in snapshot.statistics("filename"))


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Run]:
    tmp = tmp_path_factory.mktemp("soak")
    patch = pytest.MonkeyPatch()
    patch.setenv("STANDUP_PROC_ASOUND", str(tmp / "no-sound"))
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CONFIG_DIRS"):
        (tmp / name).mkdir()
        patch.setenv(name, str(tmp / name))
    sim: Simulation | None = None
    try:
        user_holder: list[User] = []
        patch.setattr(
            daemon_activity, "open_idle_source", lambda choice: (user_holder[0], "fake: soak")
        )
        sim = Simulation(tmp)
        user_holder.append(sim.user)
        sim.life.start(sim.socket)
        sim.plan()
        # Log records would pile up in pytest's capture and read as our memory growing.
        logging.disable(logging.INFO)
        tracemalloc.start()
        for week in range(5):
            sim.go(min(local(7 * week + 7, 0), local(DAYS - 1, 18, 29)))
            sim.run.week_peaks[week] = daemon_memory()
        tracemalloc.stop()
        sim.life.stop()
        sim.collect_after_stop()
        sim.run.db_bytes = sim.db.stat().st_size
        wal = sim.db.with_name(sim.db.name + "-wal")
        sim.run.wal_bytes = wal.stat().st_size if wal.exists() else 0
        yield sim.run
    finally:
        logging.disable(logging.NOTSET)
        if tracemalloc.is_tracing():
            tracemalloc.stop()
        if sim is not None and sim.daemon.scheduler.running:
            sim.life.stop()
        patch.undo()


def per_day(history: list[HistoryEvent]) -> dict[int, Counter[str]]:
    days: dict[int, Counter[str]] = {d: Counter() for d in range(DAYS)}
    for event in history:
        if event.kind in ("daemon_started", "daemon_stopped"):
            continue
        days[(event.ts.astimezone(BERLIN).date() - FIRST_DAY).days][event.kind] += 1
    return days


def test_every_day_holds_what_the_script_implies(run: Run) -> None:
    got = per_day(run.history)
    for day in range(DAYS):
        if day != DST_MONDAY:  # asserted on its own below
            assert got[day] == expected_day(day), f"day {day} ({FIRST_DAY + timedelta(day)})"
    # 22 working days: 184 reminders (9 after a snooze), 175 answered Done, 18 lunches.
    totals = sum((expected_day(d) for d in range(DAYS)), Counter())
    assert (totals["reminded"], totals["snoozed"], totals["done"]) == (184, 9, 175)
    assert totals["natural_break"] == 18
    assert [e.kind for e in run.history].count("daemon_started") == 1


def test_the_first_monday_after_the_clocks_change_starts_at_nine(run: Run) -> None:
    assert per_day(run.history)[DST_MONDAY] == expected_day(DST_MONDAY)
    assert run.spins == []


def test_every_reminder_comes_sit_after_its_stretch_or_at_its_snooze_end(run: Run) -> None:
    """No drift: to the second, across 30 days, nights, a pause and the clock change."""
    snoozed_until: datetime | None = None
    for event in run.history:
        if event.kind == "snoozed":
            snoozed_until = datetime.fromisoformat(event.detail["until"])
        elif event.kind == "reminded":
            if event.detail["snoozes"]:
                assert event.ts == snoozed_until
            else:
                assert event.ts == datetime.fromisoformat(event.detail["sitting_since"]) + SIT
    # The bubble showed at the moment the history says, for every reminder.
    reminded = [e.ts for e in run.history if e.kind == "reminded"]
    assert run.shown == reminded
    # The safety notice came once in thirty days: with the very first reminder.
    assert run.notices == reminded[:1]


def test_no_reminder_outside_working_hours(run: Run) -> None:
    for event in run.history:
        if event.kind == "reminded":
            wall = event.ts.astimezone(BERLIN)
            assert working((wall.date() - FIRST_DAY).days), wall
            assert any(start <= wall.time() < end for start, end in WINDOWS), wall


def test_history_stays_within_retention(run: Run) -> None:
    """Pruned every morning to KEEP_DAYS: the database stays small however long it runs."""
    assert len(run.rows_after_prune) == 21  # every working day after the first
    for pruned_at, rows, oldest in run.rows_after_prune:
        assert oldest >= pruned_at - timedelta(days=KEEP_DAYS)
        # A busy day writes at most 10 reminders, 9 answers, 2 ends of hours, a break, a
        # pause and a resume: 24 rows. Seven days and the morning's own rows stay below 8 x 24.
        assert rows <= 8 * 24
    # A few pages of SQLite; the WAL is checkpointed (SQLite's default: every 1000 pages).
    assert run.db_bytes <= 64 * 1024
    assert run.wal_bytes <= 1001 * (4096 + 24) + 32


def test_memory_stays_flat(run: Run) -> None:
    """What the daemon holds after the fourth week is close to what it held after the first.

    A few tens of KiB come and go with caches (SQLite's statements, APScheduler's job
    bookkeeping); a leak of even half a KiB per reminder would add about 70 KiB by week four."""
    first, fourth = run.week_peaks[0], run.week_peaks[3]
    assert fourth - first <= 64 * 1024, run.week_peaks
