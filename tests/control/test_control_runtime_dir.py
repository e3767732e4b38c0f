"""A runtime directory standup cannot use gives a clear error, never a traceback (item 11).

Both `standup run` and a client command, as real processes: the error must be one or two
lines (the message and a hint) and say what is wrong.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

STANDUP = [sys.executable, "-m", "standup"]


def standup(runtime: Path | str, *args: str) -> subprocess.CompletedProcess[str]:
    env = os.environ.copy()
    env["XDG_RUNTIME_DIR"] = str(runtime)
    env["STANDUP_NOTIFICATIONS__BACKEND"] = "log"
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return subprocess.run([*STANDUP, *args], capture_output=True, text=True, timeout=30, env=env)


def assert_clear(result: subprocess.CompletedProcess[str], rc: int, words: str) -> None:
    assert result.returncode == rc, result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 2, result.stderr
    assert words in lines[0]
    assert lines[-1].startswith("hint: ")


def test_a_regular_file_where_the_directory_belongs(xdg_dirs) -> None:
    (xdg_dirs.runtime_dir / "standup").write_text("")
    assert_clear(standup(xdg_dirs.runtime_dir, "run"), 1, "is a regular file, not a directory")
    assert_clear(standup(xdg_dirs.runtime_dir, "status"), 3, "is a regular file")


def test_a_dangling_symlink_where_the_directory_belongs(xdg_dirs, tmp_path: Path) -> None:
    (xdg_dirs.runtime_dir / "standup").symlink_to(tmp_path / "gone")
    assert_clear(standup(xdg_dirs.runtime_dir, "run"), 1, "symbolic link that leads nowhere")
    assert_clear(standup(xdg_dirs.runtime_dir, "status"), 3, "symbolic link")


def test_a_symlink_to_a_directory_is_not_used(xdg_dirs, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir(mode=0o700)
    (xdg_dirs.runtime_dir / "standup").symlink_to(elsewhere)
    assert_clear(standup(xdg_dirs.runtime_dir, "run"), 1, "is a symbolic link")
    assert not list(elsewhere.iterdir())


def test_an_unwritable_runtime_directory(xdg_dirs) -> None:
    if os.geteuid() == 0:
        runtime: Path | str = "/sys"  # root may write anywhere but sysfs, which says EPERM
        if not os.path.isdir(runtime):
            pytest.skip("no /sys to stand for an unwritable directory")
    else:
        runtime = xdg_dirs.runtime_dir
        runtime.chmod(0o500)
    try:
        assert_clear(standup(runtime, "run"), 1, "permission denied")
        assert_clear(standup(runtime, "status"), 3, "not running")
    finally:
        if runtime == xdg_dirs.runtime_dir:
            xdg_dirs.runtime_dir.chmod(0o700)


def test_a_socket_path_too_long_for_a_unix_socket(tmp_path: Path) -> None:
    runtime = tmp_path / ("r" * max(1, 108 - len(str(tmp_path))))
    runtime.mkdir(mode=0o700)
    assert len(os.fsencode(runtime / "standup" / "control.sock")) > 107
    assert_clear(standup(runtime, "run"), 1, "more than the 107 a Unix socket allows")
    assert_clear(standup(runtime, "status"), 3, "more than the 107")
