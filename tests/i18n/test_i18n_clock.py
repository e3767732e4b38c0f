"""Times of day as the locale writes them: 24 hours or 12, read from the C library's locale."""

from __future__ import annotations

import locale
import shutil
import subprocess
from datetime import datetime, time
from pathlib import Path
from typing import Any

import pytest

from standup.i18n.clock import ClockStyle, clock_style, format_clock, style_of

US = ClockStyle("%I:%M %p", "AM", "PM")


@pytest.mark.parametrize(
    ("t_fmt", "pattern"),
    [
        ("%H:%M:%S", "%H:%M"),  # C, and every locale that writes %T
        ("%T", "%H:%M"),
        ("%r", "%I:%M %p"),  # en_US: the 12-hour format it names
        ("%H时%M分%S秒", "%H时%M分"),  # zh_CN: the seconds go with their unit
        ("%H시 %M분 %S초", "%H시 %M분"),  # ko_KR
        ("%Z %I:%M:%S %p", "%I:%M %p"),  # a time zone is not part of a time of day
        ("%H.%M.%S", "%H.%M"),  # fi_FI's dots
        ("%s", "%H:%M"),  # a format this does not know: 24 hours, as before
    ],
)
def test_the_locale_time_format_loses_its_seconds(t_fmt: str, pattern: str) -> None:
    assert style_of(t_fmt, "%I:%M:%S %p").pattern == pattern


def test_a_twelve_hour_clock_says_am_and_pm_without_a_leading_zero() -> None:
    assert format_clock(time(14, 50), US) == "2:50 PM"
    assert format_clock(time(9, 5), US) == "9:05 AM"
    assert format_clock(time(0, 30), US) == "12:30 AM"
    assert format_clock(time(12, 0), US) == "12:00 PM"
    assert US.twelve_hours and not style_of("%T").twelve_hours


def test_a_24_hour_clock_keeps_its_leading_zero() -> None:
    assert format_clock(datetime(2025, 3, 4, 9, 5), style_of("%T")) == "09:05"
    assert format_clock(time(14, 5), style_of("%H时%M分%S秒")) == "14时05分"


def test_the_c_locale_reads_as_24_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the tests and most services run under: standup's times as they always were."""
    for name in ("LC_ALL", "LC_TIME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    assert format_clock(time(14, 50)) == "14:50"


def test_a_locale_the_system_lacks_reads_as_24_hours(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LC_ALL", "xx_NOWHERE.UTF-8")
    assert clock_style().pattern == "%H:%M"


def test_reading_the_locale_leaves_the_process_locale_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    before = locale.setlocale(locale.LC_TIME)
    monkeypatch.setenv("LC_ALL", "C.UTF-8")
    clock_style()
    assert locale.setlocale(locale.LC_TIME) == before


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("localedef") is None, reason="needs glibc's localedef")
@pytest.mark.parametrize(
    ("name", "language", "shown"),
    [("en_US", "de", "2:50 PM"), ("de_DE", "de", "14:50"), ("en_US", "en", "14:50")],
)
def test_a_real_locale_is_followed(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    speak: Any,
    name: str,
    language: str,
    shown: str,
) -> None:
    """The locale compiled from glibc's sources into a folder of our own (LOCPATH). Where
    standup speaks English, times stay 24-hour as they always were, whatever LC_TIME says."""
    speak(language)
    made = subprocess.run(
        ["localedef", "-i", name, "-f", "UTF-8", str(tmp_path / f"{name}.UTF-8")],
        capture_output=True,
        check=False,
    )
    if not (tmp_path / f"{name}.UTF-8").is_dir():
        pytest.skip(f"glibc's {name} source is not installed: {made.stderr!r}")
    monkeypatch.setenv("LOCPATH", str(tmp_path))
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.setenv("LC_TIME", f"{name}.UTF-8")
    assert format_clock(time(14, 50)) == shown
