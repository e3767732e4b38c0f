"""Statistics from recorded histories, with exact expected numbers."""

from __future__ import annotations

import csv
import io
import json
import time
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from standup.history.stats import (
    FIELDS,
    DayStats,
    current_streak,
    daily_stats,
    render_csv,
    render_json,
    render_table,
    summarize,
)
from standup.history.store import HistoryEvent

BERLIN = ZoneInfo("Europe/Berlin")


def at(day: str, hhmm: str) -> datetime:
    """A Berlin wall-clock time, stored as the store returns it (UTC)."""
    local = datetime.fromisoformat(f"2025-{day}T{hhmm}").replace(tzinfo=BERLIN)
    return local.astimezone(UTC)


def ev(kind: str, day: str, hhmm: str, sat_minutes: int | None = None) -> HistoryEvent:
    detail = {"sat_seconds": sat_minutes * 60} if sat_minutes is not None else {}
    return HistoryEvent(at(day, hhmm), kind, "prone-curl" if kind == "done" else None, detail)


# One recorded week, Monday 3 to Sunday 9 March 2025, Berlin time.
WEEK = [
    # Mon: every reminder answered (a snoozed one later skipped)
    ev("daemon_started", "03-03", "08:55"),
    ev("reminded", "03-03", "09:50"),
    ev("done", "03-03", "09:52", 57),
    ev("reminded", "03-03", "10:45"),
    ev("snoozed", "03-03", "10:46"),
    ev("reminded", "03-03", "10:56"),
    ev("skipped", "03-03", "10:58", 66),
    ev("natural_break", "03-03", "12:00", 62),
    ev("daemon_stopped", "03-03", "17:00", 30),
    # Tue: nothing (a day off)
    # Wed: a reminder walked away from without an answer
    ev("daemon_started", "03-05", "09:00"),
    ev("reminded", "03-05", "09:50"),
    ev("natural_break", "03-05", "10:05", 65),
    ev("reminded", "03-05", "11:00"),
    ev("done", "03-05", "11:01", 56),
    # Thu night into Fri: snoozed, reminded again, done after midnight (2 h: 90 min + 30 min)
    ev("reminded", "03-06", "22:30"),
    ev("snoozed", "03-06", "22:31"),
    ev("reminded", "03-06", "23:20"),
    ev("done", "03-07", "00:30", 120),
    # Fri
    ev("reminded", "03-07", "10:00"),
    ev("skipped", "03-07", "10:05", 30),
    # Sat: sitting but no reminders
    ev("natural_break", "03-08", "12:00", 10),
    # Sun (today): one answered, one still waiting
    ev("reminded", "03-09", "15:00"),
    ev("done", "03-09", "15:02", 50),
    ev("reminded", "03-09", "17:30"),
]
NOW = at("03-09", "18:00")


def row(d: DayStats) -> tuple:
    return (
        d.day.isoformat(),
        d.reminders,
        d.done,
        d.snoozed,
        d.skipped,
        d.natural_breaks,
        d.unanswered,
        d.minutes_sat,
        d.longest_sitting_minutes,
        d.all_answered,
    )


def test_recorded_week_per_day() -> None:
    summary = summarize(WEEK, days=7, now=NOW, tz=BERLIN)
    assert [row(d) for d in summary.days] == [
        # day       rem done snz skp brk unans sat longest answered
        ("2025-03-03", 3, 1, 1, 1, 1, 0, 215, 66, True),
        ("2025-03-04", 0, 0, 0, 0, 0, 0, 0, 0, None),
        ("2025-03-05", 2, 1, 0, 0, 1, 1, 121, 65, False),
        ("2025-03-06", 2, 0, 1, 0, 0, 0, 90, 0, True),
        ("2025-03-07", 1, 1, 0, 1, 0, 0, 60, 120, True),
        ("2025-03-08", 0, 0, 0, 0, 1, 0, 10, 10, None),
        ("2025-03-09", 2, 1, 0, 0, 0, 0, 50, 50, False),
    ]
    assert summary.days[-1].pending
    # today is still open, Sat had no reminders, Fri and Thu count, Wed breaks it
    assert summary.streak == 2


def test_window_and_input_order() -> None:
    shuffled = list(reversed(WEEK))
    days = daily_stats(shuffled, days=3, now=NOW, tz=BERLIN)
    assert [d.day for d in days] == [date(2025, 3, 7), date(2025, 3, 8), date(2025, 3, 9)]
    assert days[0].minutes_sat == 60
    with pytest.raises(ValueError):
        summarize(WEEK, days=0, now=NOW, tz=BERLIN)


def test_events_after_now_are_ignored() -> None:
    earlier = at("03-07", "12:00")
    days = daily_stats(WEEK, days=1, now=earlier, tz=BERLIN)
    assert row(days[0]) == ("2025-03-07", 1, 1, 0, 1, 0, 0, 60, 120, True)


def test_days_follow_the_given_timezone() -> None:
    # 00:30 Berlin is 23:30 UTC the day before: the Thu/Fri split moves with the zone.
    days = daily_stats(WEEK, days=7, now=NOW, tz=UTC)
    thursday, friday = days[3], days[4]
    assert (thursday.day, thursday.minutes_sat, thursday.done) == (date(2025, 3, 6), 120, 1)
    assert (friday.minutes_sat, friday.longest_sitting_minutes) == (30, 30)


def test_default_timezone_is_local(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        assert summarize(WEEK, now=NOW) == summarize(WEEK, now=NOW, tz=BERLIN)
    finally:
        monkeypatch.undo()
        time.tzset()


def test_stretch_across_a_dst_midnight_splits_by_real_time() -> None:
    # 29 Mar 23:00 CET to 30 Mar 04:00 CEST is four real hours: one before midnight, three after.
    events = [HistoryEvent(at("03-30", "04:00"), "natural_break", None, {"sat_seconds": 4 * 3600})]
    sat, sun = daily_stats(events, days=2, now=at("03-30", "12:00"), tz=BERLIN)
    assert (sat.minutes_sat, sun.minutes_sat, sun.longest_sitting_minutes) == (60, 180, 240)


def test_only_stretch_ending_events_count_as_sitting() -> None:
    events = [
        HistoryEvent(at("03-03", "10:00"), "reminded", None, {"sat_seconds": 3000}),
        HistoryEvent(at("03-03", "10:05"), "done", None, {"sat_seconds": "lots"}),
        HistoryEvent(at("03-03", "11:00"), "paused", None, {"sat_seconds": 600, "until": "x"}),
    ]
    (day,) = daily_stats(events, days=1, now=at("03-03", "12:00"), tz=BERLIN)
    assert (day.minutes_sat, day.longest_sitting_minutes) == (10, 10)


# -- streak rules ------------------------------------------------------------------------------


def streak(*events: HistoryEvent, now: datetime = NOW) -> int:
    return current_streak(events, now=now, tz=BERLIN)


def answered(day: str) -> list[HistoryEvent]:
    return [ev("reminded", day, "10:00"), ev("done", day, "10:01", 60)]


def test_streak_counts_answered_days_and_skips_days_without_reminders() -> None:
    assert streak() == 0
    assert streak(*answered("03-05"), *answered("03-07")) == 2


def test_streak_today_answered_extends_it() -> None:
    assert streak(*answered("03-08"), *answered("03-09")) == 2


def test_streak_today_unanswered_breaks_it() -> None:
    assert (
        streak(
            *answered("03-08"),
            ev("reminded", "03-09", "10:00"),
            ev("natural_break", "03-09", "10:30", 60),
        )
        == 0
    )


def test_streak_today_waiting_neither_extends_nor_breaks() -> None:
    assert streak(*answered("03-08"), ev("reminded", "03-09", "17:55")) == 1


def test_snooze_is_not_an_answer() -> None:
    assert streak(ev("reminded", "03-08", "10:00"), ev("snoozed", "03-08", "10:01")) == 0
    assert (
        streak(
            ev("reminded", "03-08", "10:00"),
            ev("snoozed", "03-08", "10:01"),
            ev("paused", "03-08", "10:05", 30),
        )
        == 0
    )
    # snoozed, reminded again, then done: the reminder was answered in the end
    assert (
        streak(
            ev("reminded", "03-08", "10:00"),
            ev("snoozed", "03-08", "10:01"),
            ev("reminded", "03-08", "10:11"),
            ev("skipped", "03-08", "10:12", 30),
        )
        == 1
    )


def test_two_reminders_in_a_row_leave_the_first_unanswered() -> None:
    events = [
        ev("reminded", "03-08", "10:00"),
        ev("reminded", "03-08", "11:00"),
        ev("done", "03-08", "11:01", 60),
    ]
    (day,) = daily_stats(events, days=1, now=at("03-08", "20:00"), tz=BERLIN)
    assert (day.reminders, day.unanswered, day.all_answered) == (2, 1, False)


def test_a_past_day_left_waiting_is_unanswered() -> None:
    assert streak(*answered("03-07"), ev("reminded", "03-08", "23:50")) == 0


# -- rendering ---------------------------------------------------------------------------------


def sample() -> list[DayStats]:
    return [
        DayStats(date(2025, 3, 7), 4, 3, 1, 1, 2, 0, False, 300 * 60, 95 * 60),
        DayStats(date(2025, 3, 8)),
        DayStats(date(2025, 3, 9), 1, 0, 0, 0, 0, 0, True, 37.5 * 60, 37.5 * 60),
    ]


def test_render_table() -> None:
    expected = (
        "Date       Sitting Longest Reminders Done Snoozed Skipped Breaks\n"
        "Fri 07 Mar   5h00m   1h35m         4    3       1       1      2  " + "█" * 24 + "\n"
        "Sat 08 Mar      0m      0m         0    0       0       0      0\n"
        "Sun 09 Mar     38m     38m         1    0       0       0      0  ███\n"
        "Total        5h38m   1h35m         5    3       1       1      2\n"
        "Streak: 1 day in a row with every reminder answered by Done or Skip\n"
        "(days without reminders are passed over: they neither add to it nor end it)\n"
    )  # fmt: skip
    assert render_table(sample(), streak=1) == expected
    assert "Streak" not in render_table(sample())
    # No header reads like the weekday of a row ("Sat" beside "Sat 08 Mar").
    header = render_table(sample()).splitlines()[0].split()
    assert not {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"} & set(header)


def test_bar_uses_eighths() -> None:
    # 192 minutes fill 24 cells of 8 eighths: one eighth per minute.
    days = [DayStats(date(2025, 3, 1), sat_seconds=192 * 60), DayStats(date(2025, 3, 2))]
    for minutes, bar in [(3, "▍"), (7, "▉"), (8, "█"), (13, "█▋")]:
        days[1].sat_seconds = minutes * 60
        assert render_table(days).splitlines()[2].endswith("  " + bar), minutes
    days[1].sat_seconds = 20  # rounds to 0m: no bar, like the label says
    assert render_table(days).splitlines()[2].endswith(" 0")
    # a day that sat at all is never drawn empty, however long the longest day was
    days[0].sat_seconds = 4800 * 60
    days[1].sat_seconds = 60
    assert render_table(days).splitlines()[2].endswith("  ▏")


def test_render_json() -> None:
    data = json.loads(render_json(sample(), streak=4))
    assert list(data) == ["days", "streak"] and data["streak"] == 4
    assert [list(d) for d in data["days"]] == [FIELDS] * 3
    assert data["days"][0] == {
        "date": "2025-03-07",
        "reminders": 4,
        "done": 3,
        "snoozed": 1,
        "skipped": 1,
        "natural_breaks": 2,
        "unanswered": 0,
        "minutes_sat": 300,
        "longest_sitting_minutes": 95,
        "all_answered": True,
    }
    assert data["days"][1]["all_answered"] is None
    assert json.loads(render_json([]))["streak"] is None


def test_render_csv() -> None:
    text = render_csv(sample())
    assert text.splitlines()[0] == (
        "date,reminders,done,snoozed,skipped,natural_breaks,unanswered,minutes_sat,"
        "longest_sitting_minutes,all_answered"
    )
    assert text.splitlines()[1:] == [
        "2025-03-07,4,3,1,1,2,0,300,95,true",
        "2025-03-08,0,0,0,0,0,0,0,0,",
        "2025-03-09,1,0,0,0,0,0,38,38,false",
    ]
    assert len(list(csv.reader(io.StringIO(text)))) == 4


def test_stats_need_no_database_module() -> None:
    import subprocess
    import sys

    code = "import sys, standup.history.stats; print('sqlite3' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_snoozes_and_skips_ahead_of_a_reminder_are_not_answers() -> None:
    from datetime import UTC, datetime, timedelta

    from standup.history.stats import summarize
    from standup.history.store import HistoryEvent

    t0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    events = [
        HistoryEvent(t0, "snoozed", None, {"until": "x", "ahead": True}),
        HistoryEvent(
            t0 + timedelta(minutes=20), "skipped", None, {"sat_seconds": 1200, "ahead": True}
        ),
        HistoryEvent(t0 + timedelta(minutes=70), "reminded", "leg-swings", {}),
        HistoryEvent(t0 + timedelta(minutes=71), "done", "leg-swings", {"sat_seconds": 3060}),
    ]
    [day] = summarize(events, days=1, now=t0 + timedelta(hours=2), tz=UTC).days
    assert (day.reminders, day.done, day.snoozed, day.skipped) == (1, 1, 0, 0)
    assert day.minutes_sat == 71  # the skipped-ahead stretch was still time sat


def test_stats_under_a_zone_python_cannot_hold(tmp_path, monkeypatch) -> None:
    """TZ=UTC+24 (an offset of a whole day): days are counted in UTC, with no traceback."""
    import subprocess
    import sys

    env = {**__import__("os").environ, "TZ": "UTC+24"}
    out = subprocess.run([sys.executable, "-m", "standup", "stats", "--json"],
                         capture_output=True, text=True, env=env, timeout=60)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "Traceback" not in out.stderr
