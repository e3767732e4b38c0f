from __future__ import annotations

from datetime import timedelta

import pytest

from standup.config.durations import (
    describe,
    format_duration,
    parse_duration,
    parse_positive_duration,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("50m", 3000),
        ("1h30m", 5400),
        ("90s", 90),
        ("1.5h", 5400),
        ("2s", 2),
        ("1h 5m 3s", 3903),
        ("45", 45),
        (45, 45),
        ("1d", 86400),
        ("-5m", -300),
    ],
)
def test_parse(text: object, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("bad", ["", "fifty", "5x", "m", "5m5", "1h-5m", True, None, [5]])
def test_parse_rejects_with_a_helpful_message(bad: object) -> None:
    with pytest.raises(ValueError, match='like "50m"'):
        parse_duration(bad)


@pytest.mark.parametrize("bad", ["-5m", "0", 0, "0s"])
def test_zero_and_negative_are_refused_where_positive_is_needed(bad: object) -> None:
    with pytest.raises(ValueError, match="longer than zero"):
        parse_positive_duration(bad)


def test_format_round_trips() -> None:
    for seconds in (1, 59, 60, 3000, 5400, 3903, 86400):
        text = format_duration(timedelta(seconds=seconds))
        assert parse_duration(text) == timedelta(seconds=seconds)
    assert format_duration(timedelta(minutes=50)) == "50m"


def test_describe_for_people() -> None:
    assert describe(timedelta(minutes=10)) == "10 min"
    assert describe(timedelta(minutes=90)) == "1 h 30 min"
    assert describe(timedelta(seconds=45)) == "45 s"


@pytest.mark.parametrize(
    "huge", [float("inf"), float("nan"), 1e300, "9" * 400, "99999999999d", "367d"]
)
def test_absurd_lengths_are_refused_not_overflowed(huge: object) -> None:
    with pytest.raises(ValueError, match="at most 366 days"):
        parse_duration(huge)


def test_a_fraction_of_a_second_is_refused_rather_than_cut() -> None:
    with pytest.raises(ValueError, match="must be whole"):
        parse_duration(1.5)
    assert parse_duration(90.0) == timedelta(seconds=90)
    assert parse_duration("1.5h") == timedelta(minutes=90)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("10min", 600), ("10 mins", 600), ("1hr", 3600), ("2 hours", 7200), ("45sec", 45),
     ("1 day", 86400), ("1h 30min", 5400)],
)  # fmt: skip
def test_common_spellings_of_the_units(text: str, seconds: int) -> None:
    assert parse_duration(text) == timedelta(seconds=seconds)


def test_a_very_long_text_is_refused_at_once() -> None:
    with pytest.raises(ValueError, match="too long for a duration"):
        parse_duration("9" * 1_000_000 + "x")
