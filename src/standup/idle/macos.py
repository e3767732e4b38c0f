"""macOS: CGEventSourceSecondsSinceLastEventType through ctypes (CoreGraphics)."""

from __future__ import annotations

import ctypes
from collections.abc import Callable
from typing import Any

from .base import IdleError, IdleSample

COMBINED_SESSION_STATE = 0  # kCGEventSourceStateCombinedSessionState
ANY_INPUT_EVENT = 0xFFFFFFFF  # kCGAnyInputEventType, ~0 as a uint32
FRAMEWORKS = (
    "/System/Library/Frameworks/CoreGraphics.framework/CoreGraphics",
    "/System/Library/Frameworks/ApplicationServices.framework/ApplicationServices",
)

SecondsSince = Callable[[int, int], float]


def load_seconds_since() -> SecondsSince:
    """The CoreGraphics function, typed; raises IdleError where it does not exist."""
    errors = []
    for path in FRAMEWORKS:
        try:
            lib: Any = ctypes.CDLL(path)
            func = lib.CGEventSourceSecondsSinceLastEventType
        except (OSError, AttributeError) as exc:
            errors.append(str(exc))
            continue
        func.argtypes = [ctypes.c_int32, ctypes.c_uint32]
        func.restype = ctypes.c_double
        return func  # type: ignore[no-any-return]
    raise IdleError("CoreGraphics not available: " + "; ".join(errors))


class MacOSSource:
    name = "macos"

    def __init__(self, seconds_since: SecondsSince | None = None) -> None:
        self._seconds_since = seconds_since or load_seconds_since()

    def sample(self) -> IdleSample:
        seconds = float(self._seconds_since(COMBINED_SESSION_STATE, ANY_INPUT_EVENT))
        if seconds != seconds or seconds < 0:  # NaN or negative: the call did not work
            raise IdleError(f"CGEventSourceSecondsSinceLastEventType returned {seconds}")
        return IdleSample(seconds)

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        return False

    def close(self) -> None:
        pass
