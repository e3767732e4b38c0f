"""macOS, Windows and X11 sources at the ctypes boundary: arithmetic and errors, no desktop."""

from __future__ import annotations

import pytest

from standup.idle import IdleError, IdleSample
from standup.idle.macos import ANY_INPUT_EVENT, COMBINED_SESSION_STATE, MacOSSource
from standup.idle.windows import WindowsSource, idle_ms
from standup.idle.x11 import X11Source


def test_macos_asks_for_any_input_in_the_combined_session_state() -> None:
    seen = []

    def seconds_since(state: int, event_type: int) -> float:
        seen.append((state, event_type))
        return 12.5

    assert MacOSSource(seconds_since).sample() == IdleSample(12.5)
    assert seen == [(COMBINED_SESSION_STATE, ANY_INPUT_EVENT)] == [(0, 0xFFFFFFFF)]


@pytest.mark.parametrize("bad", [float("nan"), -1.0])
def test_macos_nonsense_is_an_idle_error(bad: float) -> None:
    with pytest.raises(IdleError):
        MacOSSource(lambda _s, _e: bad).sample()


def test_windows_idle_is_tick_difference_in_seconds() -> None:
    source = WindowsSource((lambda: 1_000, lambda: 31_500))
    assert source.sample() == IdleSample(30.5)


def test_windows_idle_across_the_32_bit_wrap_of_last_input() -> None:
    # dwTime wrapped at 49.7 days; GetTickCount64 did not.
    assert idle_ms(0xFFFF_FF00, (1 << 32) + 0x100) == 0x200
    assert WindowsSource((lambda: 0xFFFF_FC18, lambda: (1 << 32) + 1000)).sample().idle_seconds == 2


def test_windows_failed_call_is_an_idle_error() -> None:
    with pytest.raises(IdleError, match="GetLastInputInfo"):
        WindowsSource((lambda: None, lambda: 0)).sample()


def test_x11_without_display_fails_at_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    with pytest.raises(IdleError, match="DISPLAY is not set"):
        X11Source()


def test_x11_unreachable_display_fails_at_open() -> None:
    with pytest.raises(IdleError, match="cannot open X display"):
        X11Source(":4242")
