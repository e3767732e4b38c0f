"""Is the user at the desk: input idle time, screen lock and idle inhibition, from the best
source the platform offers. Importing this package loads no D-Bus or ctypes library; a source's
own module (and jeepney or libX11) is loaded when `open_idle_source` opens it.

Theory of use: the daemon calls `open_idle_source()` once, then `sample()` when it needs to know
(or when `watch()` wakes it); an IdleError from `sample()` means "reopen later", never "crash".
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from .auto import IDLE_CHOICES, Environment, candidates, open_idle_source
from .base import CombinedSource, IdleError, IdleSample, IdleSource, NoneSource

if TYPE_CHECKING:
    from .logind import SleepWatch

__all__ = [
    "IDLE_CHOICES",
    "CombinedSource",
    "Environment",
    "IdleError",
    "IdleSample",
    "IdleSource",
    "NoneSource",
    "candidates",
    "open_idle_source",
    "watch_sleep",
]


def watch_sleep(on_sleep: Callable[[bool], None], bus: str = "SYSTEM") -> SleepWatch | None:
    """logind's PrepareForSleep(bool) as a callback; see `standup.idle.logind.watch_sleep`."""
    from .logind import watch_sleep as _watch_sleep

    return _watch_sleep(on_sleep, bus)
