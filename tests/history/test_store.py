"""The SQLite store: schema, round trips, atomicity, corruption recovery and crash safety."""

from __future__ import annotations

import logging
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from standup.history.store import SCHEMA_VERSION, HistoryEvent, Store, StoreError

T0 = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "state" / "standup.db"


@pytest.fixture
def store(db: Path):
    s = Store.open(db)
    yield s
    s.close()


def _raw(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def _aside(path: Path) -> list[Path]:
    return sorted(
        p
        for p in path.parent.iterdir()
        if p.name.startswith(path.name + ".corrupt-") and not p.name.endswith(("-wal", "-shm"))
    )


# -- schema ------------------------------------------------------------------------------------


def test_fresh_database_is_private_wal_and_current(store: Store, db: Path) -> None:
    assert stat.S_IMODE(db.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(db.stat().st_mode) == 0o600
    conn = _raw(db)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 1
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert tables == {"kv", "history"}
    indexes = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    assert "history_ts" in indexes


def test_empty_file_is_migrated_and_data_survives_reopen(db: Path) -> None:
    db.parent.mkdir(parents=True)
    db.touch()
    with Store.open(db) as s:
        s.set_value("core", '{"a": 1}')
    with Store.open(db) as s:
        assert s.get_value("core") == '{"a": 1}'
    assert _aside(db) == []


# -- round trips -------------------------------------------------------------------------------


def test_kv_round_trip_and_overwrite(store: Store) -> None:
    assert store.get_value("core") is None
    store.set_value("core", "one")
    store.set_value("rotation", "[1, 2]")
    store.set_value("core", "two")
    assert store.get_value("core") == "two"
    assert store.get_value("rotation") == "[1, 2]"


def test_kv_rejects_non_string_values(store: Store) -> None:
    with pytest.raises(TypeError):
        store.commit_state({"core": 1}, [])  # type: ignore[dict-item]


@pytest.mark.parametrize(
    ("literal", "expected"),
    [
        ("'{\"a\": 1}'", '{"a": 1}'),
        ("CAST(X'7b2261ff' AS TEXT)", '{"a\ufffd'),  # not UTF-8: its bytes, replaced
        ("X'5b5d'", "[]"),  # a blob another tool wrote
    ],
    ids=["text", "not-utf8", "blob"],
)
def test_a_value_is_read_as_text_whatever_sqlite_holds(
    store: Store, db: Path, literal: str, expected: str
) -> None:
    with _raw(db) as conn:
        conn.execute(f"INSERT INTO kv VALUES ('core', {literal})")
    assert store.get_value("core") == expected


@pytest.mark.parametrize(
    "detail", ["[" * 100_000, '{"sat_seconds": 1e999}', '{"a": ' + "[" * 5_000 + "}"]
)
def test_a_hostile_history_detail_is_read_as_none_with_one_short_warning(
    store: Store, db: Path, caplog: pytest.LogCaptureFixture, detail: str
) -> None:
    with _raw(db) as conn:
        conn.execute(
            "INSERT INTO history (ts, kind, exercise, detail) VALUES (?, 'done', NULL, ?)",
            (T0.timestamp(), detail),
        )
    [event] = store.history(T0)
    assert event.detail == {}
    warned = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1 and len(warned[0]) < 300, warned


def test_history_round_trip_and_range(store: Store) -> None:
    berlin = datetime(2025, 3, 3, 11, 0).astimezone()  # any aware time works
    store.record("reminded", T0, "prone-curl")
    store.record(
        "snoozed", T0 + timedelta(minutes=1), detail={"until": "2025-03-03T09:11:00+00:00"}
    )
    store.record("done", T0 + timedelta(minutes=11), "prone-curl", {"sat_seconds": 3000})
    store.record("natural_break", berlin)

    events = store.history(T0)
    assert [e.kind for e in events[:3]] == ["reminded", "snoozed", "done"]
    assert events[0] == HistoryEvent(T0, "reminded", "prone-curl", {})
    assert events[0].ts.tzinfo is UTC
    assert events[2].detail == {"sat_seconds": 3000}
    assert events[1].detail["until"] == "2025-03-03T09:11:00+00:00"
    # since is inclusive, until exclusive
    window = store.history(T0 + timedelta(minutes=1), T0 + timedelta(minutes=11))
    assert [e.kind for e in window] == ["snoozed"]


def test_history_keeps_insertion_order_for_equal_times(store: Store) -> None:
    store.commit_state({}, [("done", T0), ("natural_break", T0), ("reminded", T0)])
    assert [e.kind for e in store.history(T0)] == ["done", "natural_break", "reminded"]


def test_naive_times_and_unknown_kinds_are_refused(store: Store) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        store.record("done", datetime(2025, 1, 1))
    with pytest.raises(ValueError, match="unknown history kind"):
        store.record("danced", T0)


def test_prune_deletes_only_old_rows(store: Store) -> None:
    now = T0 + timedelta(days=100)
    for days_ago in (120, 91, 90, 89, 1):
        store.record("reminded", now - timedelta(days=days_ago))
    assert store.prune(90, now) == 2
    assert len(store.history(now - timedelta(days=365))) == 3
    assert store.prune(90, now) == 0


# -- atomicity ---------------------------------------------------------------------------------


def test_commit_state_is_all_or_nothing(store: Store, db: Path) -> None:
    store.commit_state({"core": "old"}, [("reminded", T0)])
    # A trigger makes the second history insert fail after the kv update already ran.
    conn = _raw(db)
    conn.execute(
        "CREATE TRIGGER boom BEFORE INSERT ON history WHEN NEW.exercise = 'boom' "
        "BEGIN SELECT RAISE(ABORT, 'boom'); END"
    )
    conn.close()
    with pytest.raises(StoreError, match="boom"):
        store.commit_state(
            {"core": "new", "rotation": "r"},
            [("done", T0 + timedelta(minutes=1)), ("natural_break", T0, "boom")],
        )
    assert store.get_value("core") == "old"
    assert store.get_value("rotation") is None
    assert [e.kind for e in store.history(T0)] == ["reminded"]
    # and the store still works
    store.commit_state({"core": "newer"}, [("done", T0 + timedelta(minutes=2))])
    assert store.get_value("core") == "newer"


def test_bad_event_is_refused_before_any_write(store: Store) -> None:
    with pytest.raises(ValueError):
        store.commit_state({"core": "new"}, [("done", T0), ("nope", T0)])
    assert store.get_value("core") is None
    assert store.history(T0) == []


# -- corruption --------------------------------------------------------------------------------


def test_random_bytes_are_set_aside(db: Path, caplog: pytest.LogCaptureFixture) -> None:
    db.parent.mkdir(parents=True)
    junk = random.Random(7).randbytes(8192)
    db.write_bytes(junk)
    with caplog.at_level(logging.WARNING, logger="standup.history"), Store.open(db) as s:
        s.set_value("core", "fresh")
        assert s.get_value("core") == "fresh"
    (aside,) = _aside(db)
    assert aside.read_bytes() == junk
    assert "unusable" in caplog.text and str(aside) in caplog.text


def test_truncated_database_is_set_aside(db: Path) -> None:
    with Store.open(db) as s:
        s.commit_state({}, [("done", T0, "x" * 200, {"sat_seconds": i}) for i in range(500)])
    _raw(db).execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    size = db.stat().st_size
    assert size > 40_000
    with open(db, "r+b") as f:
        f.truncate(size // 2)
    with Store.open(db) as s:
        assert s.history(T0) == []
        s.record("reminded", T0)
        assert len(s.history(T0)) == 1
    assert len(_aside(db)) == 1


def test_schema_from_the_future_is_set_aside(db: Path) -> None:
    with Store.open(db) as s:
        s.set_value("core", "x")
    _raw(db).execute("PRAGMA user_version = 99")
    with Store.open(db) as s:
        assert s.get_value("core") is None
    assert len(_aside(db)) == 1


def test_foreign_database_is_set_aside(db: Path) -> None:
    db.parent.mkdir(parents=True)
    conn = _raw(db)
    conn.execute("CREATE TABLE kv (k INTEGER)")
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    with Store.open(db) as s:
        s.set_value("core", "x")
    assert len(_aside(db)) == 1


# -- read-only ---------------------------------------------------------------------------------


def test_open_readonly_missing_is_none(db: Path) -> None:
    assert Store.open_readonly(db) is None
    assert not db.parent.exists()


def test_open_readonly_reads_while_writer_is_open(store: Store, db: Path) -> None:
    store.record("reminded", T0)
    reader = Store.open_readonly(db)
    assert reader is not None
    try:
        assert [e.kind for e in reader.history(T0)] == ["reminded"]
        store.record("done", T0 + timedelta(seconds=5))  # the writer is not blocked
        assert [e.kind for e in reader.history(T0)] == ["reminded", "done"]
        with pytest.raises(StoreError, match="readonly"):
            reader.set_value("core", "nope")
    finally:
        reader.close()


def test_open_readonly_after_clean_close(db: Path) -> None:
    with Store.open(db) as s:
        s.record("reminded", T0)
    reader = Store.open_readonly(db)
    assert reader is not None
    with reader:
        assert len(reader.history(T0)) == 1


# -- write failures ----------------------------------------------------------------------------


def test_state_dir_under_a_file_raises_store_error(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("")
    with pytest.raises(StoreError, match="cannot create the state directory"):
        Store.open(tmp_path / "blocker" / "standup.db")


def test_disk_full_raises_store_error_and_store_recovers(store: Store) -> None:
    conn = store._conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the same error SQLite gives on ENOSPC
    with pytest.raises(StoreError, match="full"):
        store.commit_state({}, [("done", T0, "x" * 5000)] * 50)
    conn.execute("PRAGMA max_page_count = 1073741823")
    store.record("done", T0)
    assert len(store.history(T0)) == 1


def test_database_deleted_under_the_daemon(store: Store, db: Path) -> None:
    store.set_value("core", "before")
    for p in db.parent.iterdir():
        p.unlink()
    with pytest.raises(StoreError):
        store.set_value("core", "after")
    store.reopen()
    store.set_value("core", "after")
    assert store.get_value("core") == "after"
    assert db.exists()


def test_closed_store_raises_store_error(store: Store) -> None:
    store.close()
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.get_value("core")


# -- crash safety ------------------------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime
    from standup.history.store import Store

    s = Store.open(sys.argv[1])
    i = int(s.get_value("core") or -1)
    while True:
        i += 1
        s.commit_state({"core": str(i)}, [("reminded", datetime.now(UTC), None, {"i": i})])
        print(i, flush=True)
    """
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_kill_9_during_writes_leaves_a_consistent_database(db: Path, seed: int) -> None:
    Store.open(db).close()
    last_before = -1
    stop_after = random.Random(seed).randint(5, 300)
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        for _ in range(stop_after):
            line = proc.stdout.readline()
            assert line, "writer died"
            last_before = int(line)
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    # The writer ran ahead of our reading: take the last commit it reported before dying.
    assert proc.stdout is not None
    for line in proc.stdout.read().splitlines():
        last_before = int(line)
    with Store.open(db) as s:
        value = int(s.get_value("core") or -1)
        events = s.history(datetime(2000, 1, 1, tzinfo=UTC))
    # Commits that were acknowledged survive; at most the in-flight one is also there.
    assert last_before <= value <= last_before + 1
    # kv and history were written together: one history row per committed state.
    assert [e.detail["i"] for e in events] == list(range(value + 1))
    assert _aside(db) == []


def test_a_wider_state_directory_is_tightened(tmp_path: Path) -> None:
    state = tmp_path / "state"
    state.mkdir()
    state.chmod(0o755)
    Store.open(state / "standup.db").close()
    assert stat.S_IMODE(state.stat().st_mode) == 0o700


def test_a_database_that_is_a_link_is_refused_untouched(tmp_path: Path) -> None:
    import sqlite3

    other = tmp_path / "other-program.sqlite"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    before = other.read_bytes()
    link = tmp_path / "state" / "standup.db"
    link.parent.mkdir()
    link.symlink_to(other)
    with pytest.raises(StoreError, match="not a plain file"):
        Store.open(link)
    assert other.read_bytes() == before  # not switched to WAL, not migrated
    assert not (tmp_path / "other-program.sqlite-wal").exists()
