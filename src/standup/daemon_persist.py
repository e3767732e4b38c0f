"""The daemon's memory: what it saves after each state change and loads at start.

A failing database never stops reminders: the first failure is logged, each later change
tries again (reopening the file, which may have been deleted), and recovery is logged too.
"""

from __future__ import annotations

import contextlib
import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from standup import core
from standup.store import NewEvent, Store, StoreError

log = logging.getLogger("standup")


@dataclass(frozen=True)
class Saved:
    state: core.State | None
    rotation: str | None
    exercise: str | None
    last_seen: datetime | None  # when the previous daemon was last alive


class Persistence:
    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self.store: Store | None = None
        self._failing = False

    def load(self) -> Saved:
        """Open the database and read what the last daemon left. Never raises."""
        try:
            self.store = Store.open(self._path)
        except StoreError as error:
            log.warning("cannot open the state database (%s); running without it", error)
            self._failing = True
            return Saved(None, None, None, None)
        state = core.state_from_dict(_json(self.store.get_value("core")))
        if state is None and self.store.get_value("core"):
            log.warning("the saved state was not usable; starting a fresh stretch")
        return Saved(
            state=state,
            rotation=self.store.get_value("rotation"),
            exercise=self.store.get_value("exercise") or None,
            last_seen=_time(self.store.get_value("last_seen")),
        )

    def save(self, values: dict[str, str], events: list[NewEvent]) -> bool:
        """One state change, all or nothing; False (logged once) when it could not be saved."""
        if self.store is None:
            self._retry_open()
            if self.store is None:
                return False
        try:
            self.store.commit_state(values, events)
        except StoreError as error:
            if not self._failing:
                log.warning("cannot save state (%s); reminders go on without it", error)
            self._failing = True
            with contextlib.suppress(StoreError):  # the next change tries again
                self.store.reopen()
            return False
        if self._failing:
            log.info("state is saved again")
            self._failing = False
        return True

    def _retry_open(self) -> None:
        with contextlib.suppress(StoreError):
            self.store = Store.open(self._path)

    def record(self, kind: str, at: datetime) -> None:
        self.save({}, [(kind, at)])

    def prune(self, keep_days: int, now: datetime) -> None:
        if self.store is None:
            return
        try:
            removed = self.store.prune(keep_days, now)
        except StoreError as error:
            log.warning("cannot prune the history: %s", error)
            return
        if removed:
            log.info("pruned %d history entries older than %d days", removed, keep_days)

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def _time(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
