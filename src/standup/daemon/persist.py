"""The daemon's memory: what it saves after each state change and loads at start.

A failing database never stops reminders: the first failure is logged, each later change
tries again (reopening the file, which may have been deleted), and recovery is logged too.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from standup import core
from standup.history.store import NewEvent, Store, StoreError, StoreReplaced

log = logging.getLogger("standup")
EXTRA_KEYS = ("progression", "exercise_base", "safety_notice")
_REPEAT_AFTER = 3600.0  # seconds before the same warning is worth repeating


@dataclass(frozen=True)
class Saved:
    state: core.State | None
    rotation: str | None
    exercise: str | None
    last_seen: datetime | None  # when the previous daemon was last alive
    # The other keys the daemon reads back (progression, the rotation's pick, the notice).
    values: dict[str, str] = field(default_factory=dict)


class Persistence:
    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self.store: Store | None = None
        self._failing = False
        self._announced = False  # a warning went out for the current trouble
        self._last_warning = ""
        self._last_warned = -math.inf

    def load(self) -> Saved:
        """Open the database and read what the last daemon left. Never raises."""
        try:
            self.store = Store.open(self._path)
        except StoreError as error:
            self._warn(f"cannot open the state database ({error}); running without it")
            return Saved(None, None, None, None)
        state = core.state_from_dict(_json(self.store.get_value("core")))
        if state is None and self.store.get_value("core"):
            log.warning("the saved state was not usable; starting a fresh stretch")
        return Saved(
            state=state,
            rotation=self.store.get_value("rotation"),
            exercise=self.store.get_value("exercise") or None,
            last_seen=_time(self.store.get_value("last_seen")),
            values={k: v for k in EXTRA_KEYS if (v := self.store.get_value(k)) is not None},
        )

    def save(self, values: dict[str, str], events: list[NewEvent]) -> bool:
        """One state change, all or nothing; False (logged once) when it could not be saved."""
        if self.store is None:
            self._retry_open()
            if self.store is None:
                return False
        try:
            try:
                self.store.commit_state(values, events)
            except StoreReplaced as error:
                # Someone removed or emptied the file: start a fresh one and save there.
                self._warn(f"{error}; starting a fresh database")
                self.store.reopen()
                self.store.commit_state(values, events)
        except StoreError as error:
            self._warn(f"cannot save state ({error}); reminders go on without it")
            with contextlib.suppress(StoreError):  # the next change tries again
                self.store.reopen()
            return False
        if self._failing and self._announced:
            log.info("state is saved again")
        self._failing = self._announced = False
        return True

    def _warn(self, message: str) -> None:
        """Warn once per trouble: a disk that is nearly full fails and recovers by turns, and
        must not fill the journal with the same two lines."""
        now = time.monotonic()
        if not self._failing and (
            message != self._last_warning or now - self._last_warned > _REPEAT_AFTER
        ):
            log.warning("%s", message)
            self._last_warning, self._last_warned = message, now
            self._announced = True
        self._failing = True

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
