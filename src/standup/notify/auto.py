"""Pick the best backend that works now, and look again when things change.

freedesktop when something owns org.freedesktop.Notifications, else plyer where it can deliver,
else the log. A failed send re-probes at once; while on plyer or the log every show() looks at
the bus again, because the notification server often starts after the daemon.
"""

from __future__ import annotations

import logging
import sys
import threading

from .base import ActionCallback, Backend, Reminder
from .log import LogNotifier
from .plyer_backend import PlyerNotifier
from .sound import Player

logger = logging.getLogger("standup.notify")


class AutoNotifier:
    """Delegates to freedesktop, plyer or log; `name` is the backend in use."""

    def __init__(
        self,
        on_action: ActionCallback,
        app_name: str = "standup",
        *,
        freedesktop: Backend | None = None,
        plyer: Backend | None = None,
    ) -> None:
        self._lock = threading.RLock()
        player = Player()  # one for every backend: a missing player is said once
        self._fd = (
            freedesktop
            if freedesktop is not None
            else _open_freedesktop(on_action, app_name, player)
        )
        self._plyer: Backend = (
            plyer if plyer is not None else PlyerNotifier(app_name, player=player)
        )
        self._log = LogNotifier(player=player)
        self._current: Backend | None = None

    @property
    def name(self) -> str:
        current = self._current
        return current.name if current is not None else "log"

    def _pick(self) -> Backend:
        if self._fd is not None and self._fd.available():
            return self._fd
        if self._plyer.available():
            return self._plyer
        return self._log

    def _switch(self, backend: Backend) -> Backend:
        if backend is not self._current:
            if self._current is not None:
                logger.info("notifications: switching from %s to %s", self.name, backend.name)
                self._current.close()
            self._current = backend
        return backend

    def show(self, reminder: Reminder) -> str:
        with self._lock:
            backend = self._current
            if backend is None or backend is not self._fd:
                backend = self._switch(self._pick())
            tried: set[str] = set()
            # A backend that failed once already this time gives way to the log, which never
            # fails.
            while backend is not self._log and backend.name not in tried:
                tried.add(backend.name)
                try:
                    if backend.try_show(reminder):
                        return backend.name
                except Exception:  # never let a backend's surprise reach the daemon
                    logger.warning("notifier %s failed", backend.name, exc_info=True)
                backend = self._switch(self._pick())
            self._switch(self._log)
            return self._log.show(reminder)

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.close()

    def shutdown(self) -> None:
        with self._lock:
            for backend in (self._fd, self._plyer, self._log):
                if backend is not None:
                    backend.shutdown()


def _open_freedesktop(on_action: ActionCallback, app_name: str, player: Player) -> Backend | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        from .freedesktop import open_freedesktop
    except ImportError:  # jeepney is a Linux-only dependency; without it there is no bus backend
        logger.info("jeepney is not installed; no freedesktop notifications")
        return None
    return open_freedesktop(on_action, app_name, player)


def open_auto(on_action: ActionCallback, app_name: str = "standup") -> AutoNotifier:
    return AutoNotifier(on_action, app_name)
