"""ConfigWatcher against real files: editor-style saves, deletes, late directories, idle."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from standup.config.watch import ConfigWatcher

# Each test waits out the watcher's settle time on a real file system, over a second a test.
pytestmark = pytest.mark.slow

WITHIN = 5.0  # seconds a change may take to be reported
QUIET = 0.6  # seconds without a further callback that make a burst "done" (debounce is 0.2 s)
BACKENDS = ["inotify", "stat"] if sys.platform.startswith("linux") else ["stat"]


class Calls:
    def __init__(self) -> None:
        self.count = 0
        self._cond = threading.Condition()

    def __call__(self) -> None:
        with self._cond:
            self.count += 1
            self._cond.notify_all()

    def wait_for(self, n: int, timeout: float = WITHIN) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.count >= n, timeout)


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def watch(backend: str) -> Iterator:
    started: list[ConfigWatcher] = []

    def start(*paths: Path) -> tuple[ConfigWatcher, Calls]:
        calls = Calls()
        # A short poll keeps the stat tests quick; its logic is the same at 2 s.
        watcher = ConfigWatcher(list(paths), calls, backend=backend, poll_interval=0.25)
        watcher.start()
        assert watcher.backend == backend
        started.append(watcher)
        return watcher, calls

    yield start
    for watcher in started:
        watcher.stop()


def settled(calls: Calls, expected: int) -> int:
    """Wait for `expected` callbacks, then a quiet spell; return how many arrived in all."""
    assert calls.wait_for(expected), f"no callback within {WITHIN} s"
    time.sleep(QUIET)
    return calls.count


def later_mtime(path: Path) -> None:
    """Make sure a rewrite within the same clock tick still looks different to stat()."""
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_a_plain_write(tmp_path: Path, watch, backend) -> None:
    config = tmp_path / "config.toml"
    config.write_text("a = 1\n")
    _watcher, calls = watch(config)
    config.write_text("a = 2\n")
    if backend == "stat":
        later_mtime(config)
    assert settled(calls, 1) in (1, 2)


def test_replace_by_rename_like_vim_is_one_callback(tmp_path: Path, watch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("a = 1\n")
    _watcher, calls = watch(config)
    # vim with backupcopy=no: write a new file, move the old one aside, rename, delete backup.
    new = tmp_path / "4913"
    new.write_text("a = 22\n")
    os.rename(config, tmp_path / "config.toml~")
    os.rename(new, config)
    (tmp_path / "config.toml~").unlink()
    assert settled(calls, 1) in (1, 2)


def test_delete(tmp_path: Path, watch) -> None:
    config = tmp_path / "config.toml"
    config.write_text("a = 1\n")
    _watcher, calls = watch(config)
    config.unlink()
    assert settled(calls, 1) == 1


def test_other_files_in_the_directory_are_ignored(tmp_path: Path, watch) -> None:
    config = tmp_path / "config.toml"
    _watcher, calls = watch(config)
    for n in range(5):
        (tmp_path / f"other{n}.toml").write_text("x")
    (tmp_path / ".config.toml.swp").write_text("x")
    time.sleep(QUIET)
    assert calls.count == 0


def test_a_directory_that_appears_later(tmp_path: Path, watch) -> None:
    config = tmp_path / "config" / "standup" / "config.toml"
    _watcher, calls = watch(config)
    config.parent.mkdir(parents=True)
    time.sleep(0.1)  # the directory alone is no change
    assert calls.count == 0
    config.write_text("a = 1\n")
    assert settled(calls, 1) in (1, 2)
    # And the new directory is watched from now on.
    before = calls.count
    replacement = config.with_name("tmp")
    replacement.write_text("a = 2\n")
    os.replace(replacement, config)
    later_mtime(config)
    assert settled(calls, before + 1) in (before + 1, before + 2)


def test_directory_and_file_created_at_once(tmp_path: Path, watch) -> None:
    config = tmp_path / "a" / "b" / "config.toml"
    _watcher, calls = watch(config)
    config.parent.mkdir(parents=True)
    config.write_text("a = 1\n")  # may land before the watch on a/b exists
    assert settled(calls, 1) in (1, 2)


def test_directory_removed_and_recreated(tmp_path: Path, watch) -> None:
    config = tmp_path / "standup" / "config.toml"
    config.parent.mkdir()
    config.write_text("a = 1\n")
    _watcher, calls = watch(config)
    config.unlink()
    config.parent.rmdir()
    n = settled(calls, 1)
    config.parent.mkdir()
    config.write_text("a = 2\n")
    assert settled(calls, n + 1) in (n + 1, n + 2)


def test_two_files_in_two_directories(tmp_path: Path, watch) -> None:
    system = tmp_path / "etc" / "config.toml"
    user = tmp_path / "home" / "config.toml"
    user.parent.mkdir()
    _watcher, calls = watch(system, user)
    user.write_text("a = 1\n")
    n = settled(calls, 1)
    system.parent.mkdir()
    system.write_text("a = 1\n")
    assert settled(calls, n + 1) in (n + 1, n + 2)


def test_idle_means_no_callbacks_and_no_wakeups(tmp_path: Path) -> None:
    """inotify only: the stat fallback wakes up every few seconds by design."""
    calls = Calls()
    watcher = ConfigWatcher([tmp_path / "config.toml"], calls, backend="inotify")
    watcher.start()
    try:
        time.sleep(1.0)
        assert (calls.count, watcher.wakeups) == (0, 0)
    finally:
        watcher.stop()


def test_stop_unblocks_the_thread_and_closes_its_descriptors(tmp_path: Path, backend) -> None:
    fds_before = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    watcher = ConfigWatcher([tmp_path / "config.toml"], lambda: None, backend=backend)
    watcher.start()
    thread = watcher._thread
    assert thread is not None
    started = time.monotonic()
    watcher.stop()
    assert time.monotonic() - started < 1.0
    assert not thread.is_alive()
    if fds_before is not None:
        assert set(os.listdir("/proc/self/fd")) <= fds_before | {str(n) for n in range(3)}


def test_a_failing_callback_does_not_stop_the_watcher(tmp_path: Path, backend) -> None:
    config = tmp_path / "config.toml"
    calls = Calls()

    def flaky() -> None:
        calls()
        raise RuntimeError("boom")

    watcher = ConfigWatcher([config], flaky, backend=backend, poll_interval=0.25)
    watcher.start()
    try:
        config.write_text("1")
        assert calls.wait_for(1)
        time.sleep(QUIET)
        config.write_text("22")
        later_mtime(config)
        assert calls.wait_for(calls.count + 1)
    finally:
        watcher.stop()


def test_a_symlinked_config_follows_edits_of_its_target(tmp_path: Path, backend) -> None:
    dotfiles = tmp_path / "dotfiles"
    dotfiles.mkdir()
    real = dotfiles / "standup.toml"
    real.write_text("a = 1\n")
    link_dir = tmp_path / "config"
    link_dir.mkdir()
    (link_dir / "config.toml").symlink_to(real)
    calls = Calls()
    watcher = ConfigWatcher([link_dir / "config.toml"], calls, backend=backend, poll_interval=0.25)
    watcher.start()
    try:
        real.write_text("a = 22\n")
        later_mtime(real)
        assert settled(calls, 1) in (1, 2)
    finally:
        watcher.stop()


def test_a_symlink_loop_does_not_kill_the_watcher(tmp_path: Path, watch) -> None:
    config = tmp_path / "config.toml"
    config.symlink_to(config)  # a loop, as the watcher (re-)arms
    watcher, calls = watch(config)
    assert watcher._targets() == {tmp_path: {"config.toml"}}
    config.unlink()
    config.write_text("a = 2\n")  # later edits are still seen
    assert calls.wait_for(1), "the watcher died on the symlink loop"
