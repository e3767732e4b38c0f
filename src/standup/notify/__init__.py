"""Desktop notifications: one small interface, several backends.

Importing this package is cheap: jeepney and plyer load only when their backend is opened.
"""

from __future__ import annotations

from typing import Any

from .base import DISMISSED, ActionCallback, Notifier, Reminder
from .log import LogNotifier

BACKENDS = ("auto", "freedesktop", "plyer", "log")

__all__ = [
    "BACKENDS",
    "DISMISSED",
    "ActionCallback",
    "LogNotifier",
    "Notifier",
    "Reminder",
    "open_notifier",
    "server_info",
]


def open_notifier(backend: str, on_action: ActionCallback, app_name: str = "standup") -> Notifier:
    """Open a notifier; `backend` is one of BACKENDS. Raises ValueError for any other name.

    Opening does not connect to anything: the first show() does, so a missing bus is never an
    error here.
    """
    if backend == "log":
        return LogNotifier()
    if backend == "freedesktop":
        try:
            from .freedesktop import open_freedesktop
        except ImportError:  # jeepney only installs on Linux
            return LogNotifier()
        return open_freedesktop(on_action, app_name)
    if backend == "plyer":
        from .plyer_backend import open_plyer

        return open_plyer(app_name)
    if backend == "auto":
        from .auto import open_auto

        return open_auto(on_action, app_name)
    raise ValueError(f"unknown notification backend {backend!r}; choose one of {BACKENDS}")


def server_info() -> dict[str, Any] | None:
    """The running notification server's name, vendor, version, spec version and capabilities.

    None when there is no bus, no server, or no jeepney.
    """
    try:
        from .freedesktop import server_info as query
    except ImportError:
        return None
    return query()
