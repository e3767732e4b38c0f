"""The persistent store: small state blobs and the history of reminders, in one SQLite file.

Theory of operation: the daemon owns one read-write `Store`; `standup stats` opens a read-only one
while the daemon may be running (WAL lets readers and the writer work side by side). Every state
change is one transaction (`commit_state`), so a crash leaves either the old state or the new one.
A database that cannot be read (not SQLite, malformed, a schema from a newer standup) is renamed
aside and replaced by a fresh one: losing history is better than a daemon that will not start.
Write failures raise `StoreError`; the daemon logs them and carries on, and may call `reopen()`.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from standup import paths
from standup.history import files, stored_json
from standup.history.files import StoreError as StoreError

log = logging.getLogger("standup.history")

KINDS = frozenset(
    {
        "daemon_started",
        "daemon_stopped",
        "reminded",
        "done",
        "snoozed",
        "skipped",
        "paused",
        "resumed",
        "natural_break",
        "off_hours",  # working hours ended the stretch
    }
)

# Forward migrations: MIGRATIONS[i] takes the schema from user_version i to i + 1.
MIGRATIONS: list[list[str]] = [
    [
        "CREATE TABLE kv (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
        """CREATE TABLE history (
            id INTEGER PRIMARY KEY,
            ts REAL NOT NULL,
            kind TEXT NOT NULL,
            exercise TEXT,
            detail TEXT
        )""",
        "CREATE INDEX history_ts ON history (ts)",
    ],
]
SCHEMA_VERSION = len(MIGRATIONS)

# The columns each table must have once migrated; anything else is a database we did not write.
_EXPECTED_COLUMNS = {
    "kv": ["key", "value"],
    "history": ["id", "ts", "kind", "exercise", "detail"],
}

# SQLite primary result codes that mean "this file is not a database we can trust".
_SQLITE_CORRUPT = 11
_SQLITE_NOTADB = 26


class StoreReplaced(StoreError):
    """The database file was deleted, truncated or replaced under an open store."""


class _Corrupt(Exception):
    """Internal: the file exists but is not a usable standup database."""


@dataclass(frozen=True)
class HistoryEvent:
    """One row of history. `ts` is timezone-aware UTC."""

    ts: datetime
    kind: str
    exercise: str | None = None
    detail: dict[str, Any] = field(default_factory=dict)


# What `commit_state` accepts as an event: (kind, at[, exercise[, detail]]) or a HistoryEvent.
NewEvent = HistoryEvent | tuple[Any, ...]


def _timestamp(at: datetime) -> float:
    if at.tzinfo is None or at.utcoffset() is None:
        # A naive datetime is a bug in the caller: local or UTC? Refuse rather than guess.
        raise ValueError(f"history times must be timezone-aware, got {at!r}")
    return at.timestamp()


def _row(event: NewEvent) -> tuple[float, str, str | None, str | None]:
    if isinstance(event, HistoryEvent):
        kind, at, exercise, detail = event.kind, event.ts, event.exercise, event.detail
    else:
        if not 2 <= len(event) <= 4:
            raise ValueError(f"an event is (kind, at[, exercise[, detail]]), got {event!r}")
        kind, at, exercise, detail = (*event, None, None)[:4]
    if kind not in KINDS:
        raise ValueError(f"unknown history kind {kind!r}; expected one of {sorted(KINDS)}")
    text = json.dumps(detail, sort_keys=True, separators=(",", ":")) if detail else None
    return _timestamp(at), kind, exercise, text


def _is_corruption(exc: sqlite3.Error) -> bool:
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB)
    message = str(exc)
    return "malformed" in message or "not a database" in message


class Store:
    """SQLite-backed state and history. Use `Store.open()` or `Store.open_readonly()`."""

    def __init__(self, conn: sqlite3.Connection, path: Path, readonly: bool) -> None:
        self._conn: sqlite3.Connection | None = conn
        self.path = path
        self.readonly = readonly
        if not readonly:
            # Put everything in the main file now: from here on it can only grow, so a file
            # smaller than this was truncated under us (same inode, so the identity cannot tell).
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self._identity = files.file_identity(path)
        # The daemon uses one thread, but shutdown may come from another: keep calls serialized.
        self._lock = threading.Lock()

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> Store:
        """Open (creating and migrating) the database; set a corrupt one aside and start fresh."""
        path = Path(path) if path is not None else paths.database_file()
        try:
            files.make_private_dir(path.parent)
        except OSError as exc:
            raise StoreError(
                f"cannot create the state directory {path.parent}: {exc.strerror or exc}",
                hint="check that the directory is writable and the disk is not full",
            ) from exc
        files.refuse_foreign(path)
        try:
            conn = _open_checked(path)
        except _Corrupt as exc:
            aside = files.set_aside(path)
            log.warning("database %s is unusable (%s); moved it to %s", path, exc, aside)
            try:
                conn = _open_checked(path)
            except _Corrupt as again:  # pragma: no cover - a fresh file cannot be corrupt
                raise StoreError(f"cannot create a fresh database at {path}: {again}") from again
        return cls(conn, path, readonly=False)

    @classmethod
    def open_readonly(cls, path: Path | None = None) -> Store | None:
        """Open for reading only (while the daemon may write); None when there is no database."""
        path = Path(path) if path is not None else paths.database_file()
        if not path.exists():
            return None
        try:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro",
                uri=True,
                isolation_level=None,
                check_same_thread=False,
            )
            conn.execute("PRAGMA busy_timeout = 2000")
            version = conn.execute("PRAGMA user_version").fetchone()[0]
        except sqlite3.Error as exc:
            raise StoreError(
                f"cannot read the database {path}: {exc}",
                hint="the daemon sets an unreadable database aside when it next starts",
            ) from exc
        if version != SCHEMA_VERSION:
            conn.close()
            raise StoreError(
                f"the database {path} has schema version {version}, this standup reads "
                f"{SCHEMA_VERSION}",
                hint="restart the daemon so it can migrate the database",
            )
        return cls(conn, path, readonly=True)

    def reopen(self) -> None:
        """Close and open again (after a write failure, or when the file was deleted)."""
        self.close()
        fresh = Store.open_readonly(self.path) if self.readonly else Store.open(self.path)
        if fresh is None:
            raise StoreError(f"the database {self.path} is gone")
        self._conn, self._identity = fresh._conn, fresh._identity
        fresh._conn = None

    def close(self) -> None:
        """Close the connection. Safe to call twice."""
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except sqlite3.Error as exc:  # pragma: no cover - close rarely fails
                log.warning("closing %s failed: %s", self.path, exc)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- state -------------------------------------------------------------------------------

    def get_value(self, key: str) -> str | None:
        # As bytes: a value not in UTF-8 (or a blob) must reach its reader, not fail the read.
        query = "SELECT CAST(value AS BLOB) FROM kv WHERE key = ? AND value IS NOT NULL"
        rows = self._run(lambda c: c.execute(query, (key,)).fetchall())
        return bytes(rows[0][0]).decode("utf-8", "replace") if rows else None

    def set_value(self, key: str, value: str) -> None:
        self.commit_state({key: value}, [])

    def record(
        self,
        kind: str,
        at: datetime,
        exercise: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append one history event."""
        self.commit_state({}, [(kind, at, exercise, detail)])

    def commit_state(self, values: dict[str, str], events: Sequence[NewEvent]) -> None:
        """Write kv updates and history rows for one state change, all or nothing."""
        kv_rows = [(str(k), _text(k, v)) for k, v in values.items()]
        history_rows = [_row(e) for e in events]  # validate before touching the database

        def write(conn: sqlite3.Connection) -> None:
            # IMMEDIATE takes the write lock up front, so a busy database fails before any write.
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(
                    "INSERT INTO kv (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    kv_rows,
                )
                conn.executemany(
                    "INSERT INTO history (ts, kind, exercise, detail) VALUES (?, ?, ?, ?)",
                    history_rows,
                )
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

        self._run(write, writing=True)

    # -- history -----------------------------------------------------------------------------

    def history(self, since: datetime, until: datetime | None = None) -> list[HistoryEvent]:
        """Events with since <= ts < until, oldest first."""
        lo = _timestamp(since)
        hi = _timestamp(until) if until is not None else float("inf")
        rows = self._run(
            lambda c: c.execute(
                "SELECT ts, kind, exercise, detail FROM history "
                "WHERE ts >= ? AND ts < ? ORDER BY ts, id",
                (lo, hi),
            ).fetchall()
        )
        return [_event(*row) for row in rows]

    def prune(self, keep_days: int, now: datetime) -> int:
        """Delete history older than keep_days before now; return how many rows went."""
        cutoff = _timestamp(now - timedelta(days=keep_days))

        def delete(conn: sqlite3.Connection) -> int:
            return conn.execute("DELETE FROM history WHERE ts < ?", (cutoff,)).rowcount

        return self._run(delete, writing=True)

    # -- plumbing ----------------------------------------------------------------------------

    def _run(self, work: Any, writing: bool = False) -> Any:
        with self._lock:
            if self._conn is None:
                raise StoreError(f"the database {self.path} is closed")
            if writing and not files.same_file(files.file_identity(self.path), self._identity):
                # In WAL mode SQLite keeps writing into a deleted or truncated file without
                # complaint, and everything written since would be lost.
                raise StoreReplaced(
                    f"the database {self.path} was deleted, truncated or replaced while open",
                    hint="the daemon reopens it; history written since then is lost",
                )
            try:
                return work(self._conn)
            except sqlite3.Error as exc:
                raise StoreError(
                    f"database {self.path}: {exc}",
                    hint="check free disk space and that the state directory is writable",
                ) from exc


def _text(key: object, value: object) -> str:
    if not isinstance(value, str):
        raise TypeError(
            f"kv values are strings (JSON-encode them), got {type(value).__name__} for {key!r}"
        )
    return value


def _event(ts: float, kind: str, exercise: str | None, detail: str | None) -> HistoryEvent:
    parsed: dict[str, Any] = {}
    if detail:
        try:
            loaded = stored_json.decode(detail, max_chars=65536)  # a few small fields
        except ValueError as error:
            log.warning("history row at %s has unreadable detail: %s", ts, str(error)[:200])
        else:
            if isinstance(loaded, dict):
                parsed = loaded
    return HistoryEvent(datetime.fromtimestamp(ts, UTC), kind, exercise, parsed)


def _open_checked(path: Path) -> sqlite3.Connection:
    """Connect, verify integrity and schema, migrate; raise _Corrupt for a file we cannot use."""
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open the database {path}: {exc}") from exc
    try:
        conn.execute("PRAGMA busy_timeout = 2000")
        problems = [row[0] for row in conn.execute("PRAGMA quick_check").fetchall()]
        if problems != ["ok"]:
            raise _Corrupt("quick_check: " + "; ".join(problems[:3]))
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise _Corrupt(
                f"schema version {version} is newer than this standup ({SCHEMA_VERSION})"
            )
        if version == 0 and _tables(conn):
            raise _Corrupt("it holds tables but no schema version")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if mode.lower() != "wal":
            log.warning("database %s stays in %s journal mode", path, mode)
        # FULL costs one fsync per state change (a few an hour) and survives power loss too.
        conn.execute("PRAGMA synchronous = FULL")
        _migrate(conn, version)
        _check_schema(conn)
    except _Corrupt:
        conn.close()
        raise
    except sqlite3.Error as exc:
        conn.close()
        if _is_corruption(exc):
            raise _Corrupt(str(exc)) from exc
        raise StoreError(
            f"cannot open the database {path}: {exc}",
            hint="check free disk space and that the state directory is writable",
        ) from exc
    try:
        os.chmod(path, 0o600)
    except OSError as exc:  # e.g. an immutable file: writes fail too, and say so themselves
        log.debug("cannot make %s private: %s", path, exc)
    return conn


def _tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    return [r[0] for r in rows]


def _migrate(conn: sqlite3.Connection, version: int) -> None:
    for target in range(version + 1, SCHEMA_VERSION + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            for statement in MIGRATIONS[target - 1]:
                conn.execute(statement)
            # user_version lives in the file header and is part of the transaction.
            conn.execute(f"PRAGMA user_version = {target}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        log.debug("migrated database schema to version %d", target)


def _check_schema(conn: sqlite3.Connection) -> None:
    for table, expected in _EXPECTED_COLUMNS.items():
        columns = [row[1] for row in conn.execute(f"PRAGMA table_info({table})").fetchall()]
        if columns != expected:
            raise _Corrupt(f"table {table} has columns {columns}, expected {expected}")
