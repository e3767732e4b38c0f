"""A stand-in for the daemon behind the control socket's CommandHandler, whose worker thread a
test can hold up: what the deadline and reload tests need to see a command wait its turn."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from datetime import UTC, datetime
from typing import Any

from standup import core


class SlowDaemon:
    """What CommandHandler needs of the daemon, with a worker thread a test can hold up."""

    def __init__(self) -> None:
        self.ready = threading.Event()
        self.ready.set()
        self.hold = threading.Event()
        self.hold.set()
        self.fed: list[core.Event] = []
        self.last_status: dict[str, Any] | None = None
        self._jobs: list[Callable[[], None]] = []
        self._cv = threading.Condition()
        threading.Thread(target=self._work, daemon=True).start()

    def _work(self) -> None:
        while True:
            with self._cv:
                self._cv.wait_for(lambda: bool(self._jobs))
                job = self._jobs.pop(0)
            self.hold.wait()
            job()

    def call(self, fn: Callable[..., Any], *args: Any, timeout: float = 5.0) -> Any:
        future: Future[Any] = Future()

        def run() -> None:
            try:
                future.set_result(fn(*args))
            except BaseException as error:
                future.set_exception(error)

        with self._cv:
            self._jobs.append(run)
            self._cv.notify()
        return future.result(timeout)

    def count_wakeup(self, source: str) -> None:
        pass

    def clock(self) -> datetime:
        return datetime.now(UTC)

    def feed(self, make: Callable[[Any], core.Event], source: str = "") -> list[str]:
        self.fed.append(make(None))
        return []

    def status(self) -> dict[str, Any]:
        return {"fed": len(self.fed)}
