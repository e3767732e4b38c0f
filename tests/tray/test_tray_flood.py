"""A tray host that floods the menu with clicks gets a few queued for the worker, never more,
so commands and reminders do not wait behind it."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest

from standup.tray.keeper import MAX_WAITING, TrayKeeper
from standup.tray.view import SNOOZE


class QueueingWorker:
    """Takes submitted work and runs it only when told, as a busy worker would."""

    def __init__(self) -> None:
        self.queued: list[tuple[Callable[..., Any], tuple[Any, ...]]] = []
        self.fed = 0

    def submit(self, fn: Callable[..., Any], *args: Any) -> None:
        self.queued.append((fn, args))

    def run_all(self) -> None:
        queued, self.queued = self.queued, []
        for fn, args in queued:
            fn(*args)

    def count_wakeup(self, source: str) -> None:
        pass

    def clock(self) -> datetime:
        return datetime(2026, 3, 2, 10, 0, tzinfo=UTC)

    def feed(self, make_event: Callable[[datetime], Any], source: str = "") -> list[str]:
        make_event(self.clock())
        self.fed += 1
        return []


def test_a_flood_of_clicks_queues_a_few_and_says_so_once(caplog: pytest.LogCaptureFixture) -> None:
    worker = QueueingWorker()
    keeper = TrayKeeper(worker)  # type: ignore[arg-type]
    with caplog.at_level(logging.WARNING, logger="standup.tray"):
        for _ in range(10_000):
            keeper._clicked(SNOOZE)
    assert len(worker.queued) == MAX_WAITING
    assert len([r for r in caplog.records if "faster than" in r.getMessage()]) == 1
    worker.run_all()
    assert worker.fed == MAX_WAITING
    keeper._clicked(SNOOZE)  # handled: clicks are taken again
    assert len(worker.queued) == 1
