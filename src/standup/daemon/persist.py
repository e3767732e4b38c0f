"""The daemon's memory: what it saves after each state change and loads at start.

A failing database never stops reminders: the first failure is logged, each later change
tries again (reopening the file, which may have been deleted), and recovery is logged too.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from standup import core
from standup.exercises.progression import read_progression
from standup.exercises.rotation import Rotation
from standup.history.store import NewEvent, Store, StoreError, StoreReplaced
from standup.history.stored_json import decode

log = logging.getLogger("standup")
ASIDE_SUFFIX = ".unreadable"  # where a stored value that cannot be read is kept
_REPEAT_AFTER = 3600.0  # seconds before the same warning is worth repeating


class Key(StrEnum):
    """Every key the daemon keeps in the store, and what it holds. `standup exercises` reads
    some of them too."""

    CORE = "core"  # the core's State, as JSON
    ROTATION = "rotation"  # the exercise rotation, as JSON
    PROGRESSION = "progression"  # the variants ratings moved each exercise to, as JSON
    EXERCISE = "exercise"  # id of the reminder's exercise ("" before the first)
    EXERCISE_BASE = "exercise_base"  # id of the rotation's pick, before any progression
    LAST_SEEN = "last_seen"  # when the daemon was last alive, ISO 8601
    SAFETY_NOTICE = "safety_notice"  # SHOWN once a reminder carried the safety notice


SHOWN = "shown"


@dataclass(frozen=True)
class Saved:
    """What the last daemon left; None (or False) where nothing readable was saved."""

    state: core.State | None = None
    rotation: str | None = None
    progression: str | None = None
    exercise: str | None = None
    exercise_base: str | None = None
    last_seen: datetime | None = None  # when the previous daemon was last alive
    notice_shown: bool = False


_PLAIN = (Key.EXERCISE, Key.EXERCISE_BASE, Key.LAST_SEEN, Key.SAFETY_NOTICE)  # text, not JSON


class Persistence:
    def __init__(self, path: Path | None = None) -> None:
        self._path = path
        self.store: Store | None = None
        self._failing = False
        self._announced = False  # a warning went out for the current trouble
        self._last_warning = ""
        self._last_warned = -math.inf

    def load(self) -> Saved:
        """Open the database and read what the last daemon left. Never raises: a stored value
        that cannot be read is set aside and its default used."""
        try:
            self.store = Store.open(self._path)
        except StoreError as error:
            self._warn(f"cannot open the state database ({error}); running without it")
            return Saved()
        try:
            core_text = self._readable(Key.CORE, _read_core, "starting a fresh stretch")
            rotation = self._readable(Key.ROTATION, Rotation.from_json, "starting a fresh one")
            progression = self._readable(Key.PROGRESSION, read_progression, "starting afresh")
            plain = {k: self.store.get_value(k) for k in _PLAIN}
        except StoreError as error:
            self._warn(f"cannot read the state database ({error}); starting afresh")
            return Saved()
        return Saved(
            state=_read_core(core_text) if core_text else None,
            rotation=rotation,
            progression=progression,
            exercise=plain[Key.EXERCISE] or None,
            exercise_base=plain[Key.EXERCISE_BASE] or None,
            last_seen=_time(plain[Key.LAST_SEEN]),
            notice_shown=plain[Key.SAFETY_NOTICE] == SHOWN,
        )

    def _readable(self, key: str, read: Callable[[str], object], instead: str) -> str | None:
        """The stored text of `key` if `read` accepts it. Otherwise the text is moved to
        `<key>.unreadable` (one warning) so the next start is clean and nothing is lost, and
        None is returned: the caller uses its default."""
        assert self.store is not None
        text = self.store.get_value(key)
        if not text:
            return text
        try:
            read(text)
        except ValueError as error:  # stored_json makes every bad text a ValueError
            aside = f"{key}{ASIDE_SUFFIX}"
            log.warning(
                "the saved %s could not be read (%s); kept it as %r and %s",
                key,
                _shorten(str(error)),
                aside,
                instead,
            )
            with contextlib.suppress(StoreError):  # a failing database is warned of on save
                self.store.commit_state({aside: text, key: ""}, [])
            return None
        return text

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


def _read_core(text: str) -> core.State:
    state = core.state_from_dict(decode(text))
    if state is None:
        raise ValueError("not a state this version can use")
    return state


def _shorten(reason: str, limit: int = 200) -> str:
    return reason if len(reason) <= limit else reason[: limit - 1] + "…"


def _time(text: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if text else None
    except ValueError:
        return None
