"""Working hours: windows, days, midnight, and what the core does at the edges."""

from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest

from standup.core import (
    Hours,
    Notify,
    Phase,
    Policy,
    Reject,
    RemindNow,
    Tick,
    Window,
    initial,
    next_wakeup,
    parse_window,
    step,
)

CET = timezone(timedelta(hours=1))
MONDAY = datetime(2026, 3, 2, 0, 0, tzinfo=CET)  # a Monday


def day(d: int, hh: int, mm: int = 0) -> datetime:
    return MONDAY + timedelta(days=d, hours=hh, minutes=mm)


OFFICE = Hours(
    windows=(parse_window("09:00-12:30"), parse_window("13:30-17:30")),
    days=frozenset(range(5)),
)
NIGHT = Hours(windows=(parse_window("22:00-06:00"),))


@pytest.mark.parametrize(
    ("hours", "when", "active"),
    [
        (OFFICE, day(0, 8, 59), False),
        (OFFICE, day(0, 9), True),
        (OFFICE, day(0, 12, 30), False),
        (OFFICE, day(0, 13, 30), True),
        (OFFICE, day(4, 17, 29), True),
        (OFFICE, day(5, 10), False),  # Saturday
        (NIGHT, day(0, 23), True),
        (NIGHT, day(1, 5, 59), True),  # crosses midnight into Tuesday
        (NIGHT, day(1, 6), False),
        (NIGHT, day(0, 0, 30), True),  # Sunday's window runs into Monday
        (Hours(), day(3, 3), True),
    ],
)
def test_active(hours: Hours, when: datetime, active: bool) -> None:
    assert hours.active(when) is active


@pytest.mark.parametrize(
    ("hours", "when", "change"),
    [
        (OFFICE, day(0, 8), day(0, 9)),
        (OFFICE, day(0, 10), day(0, 12, 30)),
        (OFFICE, day(0, 12, 45), day(0, 13, 30)),
        (OFFICE, day(4, 18), day(7, 9)),  # Friday evening -> Monday morning
        (NIGHT, day(0, 23), day(1, 6)),
        (NIGHT, day(1, 7), day(1, 22)),
        (Hours(), day(0, 1), None),
    ],
)
def test_next_change(hours: Hours, when: datetime, change: datetime | None) -> None:
    assert hours.next_change(when) == change


def test_bad_windows_are_refused_with_the_expected_form() -> None:
    for bad in ("9-17", "09:00", "09:00-25:00", "09:00-09:00", "09:00:30-10:00"):
        with pytest.raises(ValueError):
            parse_window(bad)
    assert parse_window("00:00-00:00") == Window(time(0), time(0))


POLICY = Policy(sit=timedelta(minutes=50), hours=OFFICE)


def test_no_reminders_and_no_sitting_outside_hours() -> None:
    state = initial(day(0, 8))
    early = step(state, Tick(day(0, 8, 50)), POLICY)
    assert early.state.phase is Phase.OFF_HOURS
    assert early.effects[0].kind == "off_hours"
    assert next_wakeup(early.state, POLICY) == day(0, 9)
    # Counting starts when the hours do: the first reminder is at 09:50, not at once.
    start = step(early.state, Tick(day(0, 9)), POLICY)
    assert start.state == initial(day(0, 9))
    assert next_wakeup(start.state, POLICY) == day(0, 9, 50)


def test_the_lunch_gap_ends_the_stretch_and_withdraws_a_reminder() -> None:
    reminding = step(initial(day(0, 11, 40)), Tick(day(0, 12, 30)), POLICY)
    # 12:30 is the end of the window: the due reminder is not shown.
    assert reminding.state.phase is Phase.OFF_HOURS
    assert not any(isinstance(e, Notify) for e in reminding.effects)
    showing = step(initial(day(0, 11, 30)), Tick(day(0, 12, 20)), POLICY).state
    lunch = step(showing, Tick(day(0, 12, 30)), POLICY)
    assert [type(e).__name__ for e in lunch.effects] == ["Withdraw", "Record"]
    assert next_wakeup(lunch.state, POLICY) == day(0, 13, 30)


def test_the_next_wakeup_is_the_end_of_the_window_when_that_comes_first() -> None:
    state = initial(day(0, 17))
    assert next_wakeup(state, POLICY) == day(0, 17, 30)


def test_windows_across_midnight_keep_counting_over_midnight() -> None:
    policy = Policy(sit=timedelta(minutes=50), hours=NIGHT)
    state = initial(day(0, 23, 40))
    result = step(state, Tick(day(1, 0, 30)), policy)
    assert result.state.phase is Phase.REMINDING


def test_remind_now_outside_hours_is_refused_rather_than_shown_unanswerable() -> None:
    # Shown, it was withdrawn by the next event and neither Done nor the button answered it.
    off = step(initial(day(0, 8)), Tick(day(0, 8, 5)), POLICY).state
    result = step(off, RemindNow(day(0, 8, 6)), POLICY)
    assert result.state == off
    [reject] = result.effects
    assert isinstance(reject, Reject)
    assert "outside working hours" in reject.message


def test_remind_now_inside_hours_still_shows_at_once() -> None:
    sitting = initial(day(0, 10))
    result = step(sitting, RemindNow(day(0, 10, 1)), POLICY)
    assert any(isinstance(e, Notify) for e in result.effects)


SUMMER = timezone(timedelta(hours=2))


def test_after_the_clocks_change_hours_follow_the_wall_clock_of_now() -> None:
    """A state stored before spring-forward carries +01:00; the hours are local wall time."""
    friday_evening = step(initial(day(4, 17)), Tick(day(4, 18)), POLICY).state
    assert friday_evening.phase is Phase.OFF_HOURS
    monday_early = datetime(2026, 3, 9, 8, 0, tzinfo=SUMMER)
    assert next_wakeup(friday_evening, POLICY, monday_early) == monday_early.replace(hour=9)
    # Without `now` the stored offset would put 09:00 at 10:00 summer time.
    assert next_wakeup(friday_evening, POLICY) == day(7, 9)


def test_a_wake_up_after_fall_back_is_never_in_the_past() -> None:
    """After the clocks go back, a no-op tick must not leave the next wake-up behind now."""
    winter = timezone(timedelta(hours=1))
    evening = off_hours_since(datetime(2026, 10, 23, 18, 0, tzinfo=SUMMER))
    early = datetime(2026, 10, 26, 8, 0, tzinfo=winter)  # Monday, 08:00 winter time
    result = step(evening, Tick(early), POLICY)
    wake = next_wakeup(result.state, POLICY, early)
    assert wake is not None and wake > early
    assert wake == early.replace(hour=9)


def off_hours_since(at: datetime):
    return step(initial(at - timedelta(hours=1)), Tick(at), POLICY).state


def test_with_a_real_zone_hours_planned_before_a_change_of_the_clocks_stay_right() -> None:
    """Planned on Friday evening in winter time, Monday 09:00 is in summer time: the zone's
    rules, not Friday's UTC offset, decide when that is."""
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    hours = Hours(windows=OFFICE.windows, days=OFFICE.days, tz=berlin)
    friday = datetime(2026, 3, 27, 18, 0, tzinfo=CET)  # the clocks change on Sunday the 29th
    monday_nine = hours.next_change(friday)
    assert monday_nine == datetime(2026, 3, 30, 9, 0, tzinfo=berlin)
    assert monday_nine.utcoffset() == timedelta(hours=2)
    assert not hours.active(datetime(2026, 3, 30, 8, 30, tzinfo=SUMMER))
    assert hours.active(datetime(2026, 3, 30, 9, 0, tzinfo=SUMMER))
