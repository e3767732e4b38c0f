"""Shared fixtures: isolated XDG directories and the desktop rig for end-to-end tests.

End-to-end tests (marker `e2e`) skip on a machine without the rig's binaries, except when the CI
variable is set: there a missing binary is a failure, so the suite can never pass by skipping.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

import sweep
from rig import Rig, missing_binaries, rig_unavailable

_SWEEP_DIR = pytest.StashKey[Path]()

# The tests read standup's English: whatever language and time format the developer's session
# has, the suite and every process it starts run in C.UTF-8 (tests of another language set it).
for _name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_TIME"):
    os.environ.pop(_name, None)
os.environ["LANG"] = "C.UTF-8"

# A property test's examples are timed against a 200 ms deadline; on a shared CI machine one
# slow example is the machine's, not the code's. Bounds that matter are asserted by the tests.
settings.register_profile("ci", deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    """Whatever the run leaves, even when interrupted, is found and ended (see sweep.py)."""
    sweep.adopt_orphans()
    sweep.interrupt_on_sigterm()
    config.stash[_SWEEP_DIR] = sweep.private_tmpdir()


def pytest_unconfigure(config: pytest.Config) -> None:
    left = sweep.end_descendants()
    if left:
        names = ", ".join(f"{name} ({pid})" for pid, name in sorted(left.items()))
        print(f"\nended what the tests left running: {names}", file=sys.stderr)
    tmpdir = config.stash.get(_SWEEP_DIR, None)
    if tmpdir is not None:
        sweep.remove_tmpdir(tmpdir)


@pytest.fixture(autouse=True)
def _e2e_requirements(request: pytest.FixtureRequest) -> None:
    """Skip (or, in CI, fail) e2e tests when a rig binary is missing."""
    if request.node.get_closest_marker("e2e") is None:
        return
    missing = missing_binaries()
    if missing:
        rig_unavailable(f"desktop rig binaries missing: {', '.join(missing)}")


@pytest.fixture(scope="session")
def rig_session(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Rig]:
    """One private bus + Xvfb + dunst for the whole run."""
    missing = missing_binaries()
    if missing:
        rig_unavailable(f"desktop rig binaries missing: {', '.join(missing)}")
    rig = Rig(tmp_path_factory.mktemp("rig"))
    rig.start()
    try:
        yield rig
    finally:
        rig.stop()


@pytest.fixture
def rig(rig_session: Rig, monkeypatch: pytest.MonkeyPatch) -> Iterator[Rig]:
    """The shared rig with dunst running, an empty screen and history, and our env pointing at it.

    A test may stop dunst (to see a bus without a server); it is started again for the next one.
    """
    rig_session.start_dunst()
    rig_session.reset()
    for key, value in rig_session.env.items():
        monkeypatch.setenv(key, value)
    yield rig_session
    rig_session.start_dunst()
    rig_session.reset()


@dataclass(frozen=True)
class XdgDirs:
    config_home: Path
    state_home: Path
    runtime_dir: Path
    config_dirs: Path
    data_home: Path


@pytest.fixture(autouse=True)
def xdg_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> XdgDirs:
    """Fresh XDG_CONFIG_HOME, XDG_STATE_HOME, XDG_DATA_HOME, XDG_RUNTIME_DIR (0700) and
    XDG_CONFIG_DIRS.

    For every test: no test may read or write the real user's config, state or socket, and
    no test may see what another one left there."""
    base = tmp_path / "xdg"  # a folder of its own: tests make their own files in tmp_path
    dirs = XdgDirs(
        config_home=base / "config",
        state_home=base / "state",
        runtime_dir=base / "runtime",
        config_dirs=base / "etc-xdg",
        data_home=base / "data",
    )
    for path in (dirs.config_home, dirs.state_home, dirs.config_dirs, dirs.data_home):
        path.mkdir(parents=True)
    dirs.runtime_dir.mkdir(mode=0o700)
    dirs.runtime_dir.chmod(0o700)  # mkdir's mode is filtered by the umask
    monkeypatch.setenv("XDG_CONFIG_HOME", str(dirs.config_home))
    monkeypatch.setenv("XDG_STATE_HOME", str(dirs.state_home))
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(dirs.runtime_dir))
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(dirs.config_dirs))
    monkeypatch.setenv("XDG_DATA_HOME", str(dirs.data_home))
    # Our own overrides would win over the XDG variables; keep them out of the way.
    for var in ("STANDUP_CONFIG", "STANDUP_STATE_DIR", "STANDUP_RUNTIME_DIR"):
        monkeypatch.delenv(var, raising=False)
    return dirs


@pytest.fixture
def run_main() -> Callable[[Sequence[str]], int]:
    """`standup` as a function: argv in, exit code out (output goes to capsys)."""
    from standup.cli.main import main

    return main
