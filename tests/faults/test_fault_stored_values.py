"""Hostile values in the state database: each is set aside with one warning and its default
used; `standup run` starts and answers, `standup exercises next` prints no traceback.

The values are the audit's (tests/hostile_json.py) plus two only SQLite can hold: text that is
not UTF-8 and a blob. Before bounded decoding the deep and out-of-range ones, and any value not
in UTF-8, made `standup run` exit 1 at every start: a crash loop under systemd.
"""

from __future__ import annotations

import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from faultkit import DaemonProcess, quiet_env

from hostile_json import GOOD, HOSTILE, KINDS, SITTING
from standup.cli.main import main
from standup.daemon.persist import ASIDE_SUFFIX, Persistence, Saved
from standup.history.store import Store

KEYS = sorted(GOOD)
NOT_UTF8 = "CAST(X'7b2276657273696f6e223a31ff' AS TEXT)"  # {"version":1 and a stray byte
BLOB = "X'5b5b5b5d5d5d'"  # [[[]]] as a blob


def seed(db: Path, values: dict[str, str], raw: dict[str, str] | None = None) -> None:
    """A real database holding `values`, and `raw` SQL literals written past the store."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with Store.open(db) as store:
        store.commit_state(values, [])
    if raw:
        conn = sqlite3.connect(db)
        with conn:
            for key, literal in raw.items():
                conn.execute(f"INSERT OR REPLACE INTO kv VALUES (?, {literal})", (key,))
        conn.close()


def stored(db: Path, key: str) -> bytes | None:
    conn = sqlite3.connect(db)
    try:
        row = conn.execute("SELECT CAST(value AS BLOB) FROM kv WHERE key = ?", (key,)).fetchone()
    finally:
        conn.close()
    return None if row is None else bytes(row[0])


def warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]


def load(db: Path) -> tuple[Persistence, Saved]:
    memory = Persistence(db)
    return memory, memory.load()


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("key", KEYS)
def test_a_hostile_value_is_set_aside_once_and_the_others_are_kept(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, key: str, kind: str
) -> None:
    db = tmp_path / "standup.db"
    text = HOSTILE[key][kind]
    seed(db, {**GOOD, key: text, "exercise": "leg-swings"})
    memory, saved = load(db)
    memory.close()
    assert saved.exercise == "leg-swings"
    assert (saved.state is None) == (key == "core")
    assert (saved.rotation is None) == (key == "rotation")
    assert (saved.progression is None) == (key == "progression")
    told = warnings(caplog)
    assert len(told) == 1 and f"saved {key} could not be read" in told[0], told
    assert len(told[0]) < 400  # the reason, not the value
    assert stored(db, key + ASIDE_SUFFIX) == text.encode()
    assert stored(db, key) == b""
    caplog.clear()
    memory, again = load(db)  # the next start is clean
    memory.close()
    assert warnings(caplog) == []
    assert again.exercise == "leg-swings"


@pytest.mark.parametrize("literal", [NOT_UTF8, BLOB], ids=["not-utf8", "blob"])
@pytest.mark.parametrize("key", [*KEYS, "last_seen", "exercise"])
def test_a_value_sqlite_alone_can_hold_never_fails_the_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, key: str, literal: str
) -> None:
    db = tmp_path / "standup.db"
    seed(db, dict(GOOD), raw={key: literal})
    memory, saved = load(db)
    memory.close()
    if key in KEYS:
        assert len(warnings(caplog)) == 1, warnings(caplog)
        assert stored(db, key + ASIDE_SUFFIX) is not None
    assert saved.last_seen is None
    assert (saved.state is None) == (key == "core")


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("key", KEYS)
def test_exercises_next_reads_around_a_hostile_value(
    xdg_dirs, capsys: pytest.CaptureFixture[str], key: str, kind: str
) -> None:
    db = xdg_dirs.state_home / "standup" / "standup.db"
    not_snoozed = "{" + SITTING + "}"  # else the snoozed exercise comes next, not the rotation's
    seed(db, {**GOOD, "core": not_snoozed, key: HOSTILE[key][kind], "exercise": "leg-swings"})
    assert main(["exercises", "next"]) == 0
    out = capsys.readouterr().out
    if key == "rotation":
        assert out.startswith("No reminder has been given yet")
    else:
        assert out.startswith("Next: ")


def _all_hostile(kind: str) -> tuple[dict[str, str], dict[str, str]]:
    """Every JSON key hostile at once: values for the store, and raw SQL literals."""
    if kind in ("not-utf8", "blob"):
        literal = NOT_UTF8 if kind == "not-utf8" else BLOB
        return {}, dict.fromkeys([*KEYS, "last_seen"], literal)
    return {key: HOSTILE[key][kind] for key in KEYS}, {}


@pytest.mark.slow  # a daemon start for each kind
@pytest.mark.parametrize("kind", [*KINDS, "not-utf8", "blob"])
def test_standup_run_starts_and_answers_whatever_the_database_holds(
    xdg_dirs, tmp_path: Path, kind: str
) -> None:
    db = xdg_dirs.state_home / "standup" / "standup.db"
    values, raw = _all_hostile(kind)
    seed(db, values, raw)
    env = quiet_env(notifications__backend="log")
    shown = subprocess.run(
        [sys.executable, "-m", "standup", "exercises", "next"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
    daemon = DaemonProcess(env, tmp_path / "daemon.log")
    try:
        daemon.wait_ready()
        assert daemon.status()["state"] == "sitting"
    finally:
        assert daemon.stop() == 0
    set_aside = daemon.log_lines("could not be read")
    assert len(set_aside) == len(KEYS), daemon.log_text()
    assert "Traceback" not in daemon.log_text()
    second = DaemonProcess(env, tmp_path / "again.log")
    try:
        second.wait_ready()
    finally:
        assert second.stop() == 0
    assert second.log_lines("could not be read") == [], second.log_text()
