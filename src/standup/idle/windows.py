"""Windows: GetLastInputInfo and GetTickCount64 through ctypes (user32, kernel32).

GetLastInputInfo's dwTime is a 32-bit tick count that wraps every 49.7 days; the difference is
taken modulo 2**32 against the low half of GetTickCount64.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

from .base import IdleError, IdleSample

LastInput = Callable[[], int | None]  # dwTime of the last input (ms ticks), None on failure
TickCount = Callable[[], int]  # GetTickCount64 (ms since boot)


def idle_ms(last_input_tick: int, now_tick: int) -> int:
    """Milliseconds since the last input, across the 32-bit wrap of dwTime."""
    return (now_tick - last_input_tick) % (1 << 32)


def load_win32() -> tuple[LastInput, TickCount]:
    class LASTINPUTINFO(ctypes.Structure):
        _fields_ = [("cbSize", ctypes.c_uint), ("dwTime", ctypes.c_uint32)]

    try:
        windll: Any = ctypes.windll  # type: ignore[attr-defined]
        get_last_input_info = windll.user32.GetLastInputInfo
        get_tick_count64 = windll.kernel32.GetTickCount64
    except (AttributeError, OSError) as exc:
        raise IdleError(f"user32/kernel32 not available: {exc}") from exc
    get_tick_count64.restype = ctypes.c_uint64

    def last_input() -> int | None:
        info = LASTINPUTINFO(cbSize=ctypes.sizeof(LASTINPUTINFO))
        return int(info.dwTime) if get_last_input_info(ctypes.byref(info)) else None

    return last_input, lambda: int(get_tick_count64())


class WindowsSource:
    name = "windows"

    def __init__(self, functions: tuple[LastInput, TickCount] | None = None) -> None:
        self._last_input, self._tick_count = functions or load_win32()

    def sample(self) -> IdleSample:
        last = self._last_input()
        if last is None:
            raise IdleError("GetLastInputInfo failed")
        return IdleSample(idle_ms(last, self._tick_count()) / 1000.0)

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        return False

    def close(self) -> None:
        pass
