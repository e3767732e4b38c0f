"""The portable backend: plyer (macOS, Windows, Linux without a usable bus). No buttons.

plyer 2.1 hides failures: on Linux without dbus-python it runs `notify-send` and ignores its exit
code, so on a dead bus nothing appears and nothing is raised; with neither it raises
NotImplementedError. We check the Linux path ourselves before trusting it.
"""

from __future__ import annotations

import logging
import os
import shutil
import sys
import warnings
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from .base import Reminder
from .log import LogNotifier
from .sound import Player
from .text import clean_line, clean_text

logger = logging.getLogger("standup.notify")

DEFAULT_TIMEOUT_S = 10  # plyer's own default, used when the reminder leaves it to the server


def plyer_timeout(timeout: timedelta | None) -> int:
    """Seconds for plyer, which has no 'server default' and no 'never'."""
    if timeout is None:
        return DEFAULT_TIMEOUT_S
    if timeout == timedelta(0):
        return 0
    return max(1, round(timeout.total_seconds()))


def linux_path_works() -> bool:
    """Whether plyer can really deliver on Linux: a notification server and a way to reach it."""
    try:
        import dbus  # noqa: F401  (plyer prefers dbus-python, which raises on failure)

        has_client = True
    except ImportError:
        has_client = shutil.which("notify-send") is not None
    if not has_client:
        return False
    try:
        from .freedesktop import server_info
    except ImportError:  # no jeepney: we cannot look, so trust that a bus address exists
        return bool(os.environ.get("DBUS_SESSION_BUS_ADDRESS"))
    return server_info() is not None


def _plyer_notify(**kwargs: Any) -> None:
    with warnings.catch_warnings():
        # plyer warns on every start that dbus-python is missing; notify-send is fine for us.
        warnings.simplefilter("ignore")
        from plyer import notification

        notification.notify(**kwargs)


class PlyerNotifier:
    """Title and body through plyer; falls back to the log when plyer cannot deliver."""

    name = "plyer"

    def __init__(
        self,
        app_name: str = "standup",
        *,
        platform: str | None = None,
        notify: Callable[..., None] | None = None,
        path_works: Callable[[], bool] | None = None,
        player: Player | None = None,
    ) -> None:
        self._app_name = app_name
        self._platform = platform or sys.platform
        self._notify = notify or _plyer_notify
        self._path_works = path_works or linux_path_works
        self._player = player if player is not None else Player()
        self._fallback = LogNotifier(player=self._player)

    def available(self) -> bool:
        """True where plyer has no silent failure mode to fear, or the Linux path checks out."""
        if self._platform.startswith("linux"):
            try:
                return self._path_works()
            except Exception:
                logger.debug("checking the plyer path failed", exc_info=True)
                return False
        return True

    def try_show(self, reminder: Reminder) -> bool:
        if not self.available():
            logger.info("plyer has no working notification path here")
            return False
        try:
            self._notify(
                title=clean_line(reminder.title),
                message=clean_text(reminder.body),
                app_name=self._app_name,
                timeout=plyer_timeout(reminder.timeout),
            )
        except Exception as exc:  # NotImplementedError without a backend, anything from below
            logger.info("plyer could not notify: %r", exc)
            return False
        if reminder.sound is not None:
            # plyer passes no hints, so a server's own sound-name support cannot be used.
            self._player.play(reminder.sound)
        return True

    def show(self, reminder: Reminder) -> str:
        if self.try_show(reminder):
            return self.name
        return self._fallback.show(reminder)

    def close(self) -> None:
        pass  # plyer cannot withdraw a notification

    def shutdown(self) -> None:
        pass


def open_plyer(app_name: str = "standup", player: Player | None = None) -> PlyerNotifier:
    return PlyerNotifier(app_name, player=player)
