"""The database file kept ours: a private directory, no links or other users' files, a file
replaced under us noticed, and a corrupt one set aside with its WAL."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

from standup.errors import StandupError


class StoreError(StandupError):
    """The store could not be read or written (disk full, read-only, file gone, ...)."""


def file_identity(path: Path) -> tuple[int, int, int] | None:
    """(device, inode, size) of the file: which file it is, and how much of it there is."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino, st.st_size


def same_file(now: tuple[int, int, int] | None, opened: tuple[int, int, int] | None) -> bool:
    # In WAL mode the main file only grows (no auto_vacuum), so a shrink means a truncation.
    return now is not None and opened is not None and now[:2] == opened[:2] and now[2] >= opened[2]


def make_private_dir(directory: Path) -> None:
    """The state directory, 0700: a wider one made earlier (or by hand) is tightened, so the
    database and its WAL and SHM files are never readable by others."""
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    st = os.lstat(directory)
    if st.st_uid == os.getuid() and stat.S_ISDIR(st.st_mode) and st.st_mode & 0o077:
        os.chmod(directory, 0o700)


def refuse_foreign(path: Path) -> None:
    """A link (perhaps to another program's SQLite file) or someone else's file is not ours to
    open: opening it would switch it to WAL mode before any check could reject it."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(st.st_mode) or not stat.S_ISREG(st.st_mode):
        raise StoreError(
            f"the database {path} is not a plain file",
            hint="move it away; standup creates its own",
        )
    if st.st_uid != os.getuid():
        raise StoreError(
            f"the database {path} belongs to another user", hint="move it away and restart"
        )


def set_aside(path: Path) -> Path:
    """Rename the database (and its WAL and shared-memory files) to a .corrupt-<time> name."""
    stamp = datetime.now().strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while aside.exists():
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    try:
        os.replace(path, aside)
        for suffix in sidecars():
            side = path.with_name(path.name + suffix)
            if side.exists():
                # A stale WAL next to a fresh database must not be replayed into it.
                os.replace(side, aside.with_name(aside.name + suffix))
    except OSError as exc:
        raise StoreError(
            f"the database {path} is unusable and cannot be moved aside: {exc.strerror or exc}",
            hint=f"move or delete {path} by hand",
        ) from exc
    return aside


def sidecars() -> Iterable[str]:
    return ("-wal", "-shm", "-journal")
