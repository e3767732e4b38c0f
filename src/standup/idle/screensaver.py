"""org.freedesktop.ScreenSaver: GetSessionIdleTime and GetActive (KDE, Xfce, and others).

The interface has no standard way to ask whether idle is inhibited (Inhibit exists, a query does
not), so `inhibited` stays None and the daemon may combine this with logind.

Units differ: the de-facto spec says seconds, KDE's kscreenlocker returns KIdleTime's
milliseconds. The caller says which (`auto` picks milliseconds on KDE). KDE on Wayland answers
NotSupported, which makes opening fail so that `auto` moves on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Literal

from jeepney import DBusAddress, Message, new_method_call

from .base import IdleError, IdleSample, summarize
from .bus import BusClient, BusFailure

logger = logging.getLogger("standup.idle")

BUS_NAME = "org.freedesktop.ScreenSaver"
PATHS = ("/org/freedesktop/ScreenSaver", "/ScreenSaver")

Unit = Literal["s", "ms"]


def screensaver_address(path: str) -> DBusAddress:
    return DBusAddress(path, bus_name=BUS_NAME, interface=BUS_NAME)


def new_get_session_idle_time(path: str = PATHS[0]) -> Message:
    return new_method_call(screensaver_address(path), "GetSessionIdleTime")


def new_get_active(path: str = PATHS[0]) -> Message:
    return new_method_call(screensaver_address(path), "GetActive")


def parse_session_idle_time(body: tuple[Any, ...], unit: Unit = "s") -> float:
    (value,) = body
    if not isinstance(value, int) or value < 0:
        raise IdleError(f"GetSessionIdleTime returned {value!r}")
    return value / 1000.0 if unit == "ms" else float(value)


class ScreenSaverSource:
    name = "screensaver"

    def __init__(self, client: BusClient | None = None, unit: Unit = "s") -> None:
        self._client = client or BusClient("SESSION")
        self.unit = unit
        self.path = PATHS[0]

    def find_path(self) -> str:
        """The first object path that answers GetSessionIdleTime; raises IdleError."""
        errors: list[tuple[str, str]] = []
        for path in PATHS:
            try:
                parse_session_idle_time(self._client.call(new_get_session_idle_time(path)))
            except (BusFailure, IdleError) as exc:
                errors.append((path, str(exc)))
                continue
            self.path = path
            return path
        raise IdleError("org.freedesktop.ScreenSaver: " + summarize(errors))

    def sample(self) -> IdleSample:
        try:
            body = self._client.call(new_get_session_idle_time(self.path))
        except BusFailure as exc:
            raise IdleError(f"org.freedesktop.ScreenSaver: {exc}") from exc
        idle = parse_session_idle_time(body, self.unit)
        try:
            locked: bool | None = bool(self._client.call(new_get_active(self.path))[0])
        except (BusFailure, IndexError) as exc:
            logger.debug("org.freedesktop.ScreenSaver.GetActive: %s", exc)
            locked = None
        return IdleSample(idle, locked=locked, inhibited=None)

    def watch(self, on_change: Callable[[], None], idle_after: float) -> bool:
        """Unsupported: the interface signals lock changes only, not input."""
        return False

    def close(self) -> None:
        self._client.close()
