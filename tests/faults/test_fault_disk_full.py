"""A full disk under the state database: reminders go on, saving resumes once there is room.

The state directory sits on a tiny tmpfs of its own (we run as root in CI, where mounting
works), filled to the last byte with a filler file: SQLite then meets the real ENOSPC when its
WAL grows. Where mounting is not allowed, SQLite's max_page_count gives the same SQLITE_FULL.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from faultkit import Harness, saved_core, state_fields, state_fields_of

CONFIG = '[schedule]\nsit = "50m"\nsnooze = "10m"\n[idle]\nsource = "none"\n'


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True)
    out = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    return out.returncode == 0


def _fill(directory: Path) -> Path:
    """Write until the file system says ENOSPC; return the filler."""
    filler = directory / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(fd)
    return filler


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs) -> Iterator[Harness]:
    h = Harness(tmp_path, CONFIG)
    mounted = _mount_tmpfs(tmp_path / "small", "1m")
    if mounted:
        h.db = tmp_path / "small" / "state" / "standup.db"
    yield h
    h.stop()
    if mounted:
        subprocess.run(["umount", "-l", str(tmp_path / "small")], check=False)


def fill_disk(h: Harness) -> Callable[[], None]:
    """Make the next write fail with 'disk full'; return how to make room again."""
    if h.db.parent.parent.name == "small":
        filler = _fill(h.db.parent)
        return lambda: filler.unlink()
    assert h.daemon is not None and h.daemon.memory.store is not None
    conn = h.daemon.memory.store._conn
    assert conn is not None
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")

    def undo() -> None:
        with contextlib.suppress(Exception):  # the daemon may have reopened the store
            conn.execute("PRAGMA max_page_count = 1073741823")

    return undo


def test_a_full_disk_does_not_stop_reminders_and_saving_resumes(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    harness.start()
    make_room = fill_disk(harness)
    try:
        # Enough history rows to outgrow any slack left in the WAL and the last page.
        for answer in ("done", "snooze", "done", "skip") * 5:
            harness.clock.advance(minutes=50)
            harness.tick()
            harness.request(answer)
    finally:
        make_room()
    assert len(harness.notifier.shown) == 20
    failures = [r for r in caplog.records if "cannot save state" in r.getMessage()]
    assert len(failures) == 1 and "full" in failures[0].getMessage()

    harness.request("pause", {"duration": 600})
    told = harness.request("resume")
    assert "state is saved again" in caplog.text
    assert state_fields_of(saved_core(harness.db)) == state_fields(told)
