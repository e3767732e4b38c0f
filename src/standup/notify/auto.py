"""Pick the best backend that works now, and look again when things change.

freedesktop when something owns org.freedesktop.Notifications, else plyer where it can deliver,
else the log. A failed send re-probes at once; while on plyer or the log every show() looks at
the bus again, because the notification server often starts after the daemon.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

from .base import ActionCallback, Reminder
from .log import LogNotifier
from .plyer_backend import PlyerNotifier

logger = logging.getLogger("standup.notify")


class AutoNotifier:
    """Delegates to freedesktop, plyer or log; `name` is the backend in use."""

    def __init__(
        self,
        on_action: ActionCallback,
        app_name: str = "standup",
        *,
        freedesktop: Any = None,
        plyer: PlyerNotifier | None = None,
    ) -> None:
        self._lock = threading.RLock()
        self._fd = (
            freedesktop if freedesktop is not None else _open_freedesktop(on_action, app_name)
        )
        self._plyer = plyer if plyer is not None else PlyerNotifier(app_name)
        self._log = LogNotifier()
        self._current: Any = None

    @property
    def name(self) -> str:
        current = self._current
        return current.name if current is not None else "log"

    def _pick(self) -> Any:
        if self._fd is not None and self._fd.server_present():
            return self._fd
        if self._plyer.can_deliver():
            return self._plyer
        return self._log

    def _switch(self, backend: Any) -> None:
        if backend is not self._current:
            if self._current is not None:
                logger.info("notifications: switching from %s to %s", self.name, backend.name)
                self._current.close()
            self._current = backend

    def show(self, reminder: Reminder) -> str:
        with self._lock:
            if self._current is None or self._current is not self._fd:
                self._switch(self._pick())
            tried: set[str] = set()
            while True:
                backend = self._current
                if backend.name in tried:
                    backend = self._log  # it failed once already this time; the log never does
                    self._switch(backend)
                tried.add(backend.name)
                try:
                    delivered = backend is self._log or backend.try_show(reminder)
                except Exception:  # never let a backend's surprise reach the daemon
                    logger.warning("notifier %s failed", backend.name, exc_info=True)
                    delivered = False
                if backend is self._log:
                    return self._log.show(reminder)
                if delivered:
                    return backend.name
                self._switch(self._pick())

    def close(self) -> None:
        with self._lock:
            if self._current is not None:
                self._current.close()

    def shutdown(self) -> None:
        with self._lock:
            for backend in (self._fd, self._plyer, self._log):
                if backend is not None:
                    backend.shutdown()


def _open_freedesktop(on_action: ActionCallback, app_name: str) -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        from .freedesktop import open_freedesktop
    except ImportError:  # jeepney is a Linux-only dependency; without it there is no bus backend
        logger.info("jeepney is not installed; no freedesktop notifications")
        return None
    return open_freedesktop(on_action, app_name)


def open_auto(on_action: ActionCallback, app_name: str = "standup") -> AutoNotifier:
    return AutoNotifier(on_action, app_name)
