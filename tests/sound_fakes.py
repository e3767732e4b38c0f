"""Fake sound players (real executables that record their argv) and sound themes on disk, for
the tests of the sound standup plays itself."""

from __future__ import annotations

from pathlib import Path

from rig import wait_until

__all__ = ["fake_player", "recorded", "theme"]


def fake_player(bin_dir: Path, name: str, record: Path, then: str = "exit 0") -> Path:
    """An executable `name` that writes its pid and argv, one a line, to `record`, then `then`."""
    bin_dir.mkdir(exist_ok=True)
    script = bin_dir / name
    script.write_text(f'#!/bin/sh\nprintf "%s\\n" "$$" "$0" "$@" > "{record}"\n{then}\n')
    script.chmod(0o755)
    return script


def recorded(record: Path, timeout: float = 5.0) -> list[str]:
    """The fake player's argv (its pid left out), once it has run."""
    return _record(record, timeout).splitlines()[1:]


def recorded_pid(record: Path, timeout: float = 5.0) -> int:
    """The fake player's pid, once it has run."""
    return int(_record(record, timeout).split()[0])


def _record(record: Path, timeout: float) -> str:
    # Not just there: the shell makes the file empty before printf fills it.
    return wait_until(lambda: record.exists() and record.read_text(), timeout)


def theme(root: Path, *names: str, subdir: str = "stereo") -> Path:
    """A freedesktop sound theme under `root`/sounds holding empty files `names`."""
    folder = root / "sounds" / "freedesktop" / subdir
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_bytes(b"")
    return folder
