"""`exercises` and `doctor` take what a running daemon of the same config knows, import no
pydantic then, and print what they print without it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from config_daemon import daemon_on_config, standup
from standup import __version__
from standup.config.settings import load_config
from standup.control import known
from standup.daemon.answers import ConfigSeen
from standup.daemon.live_config import LiveConfig

HEAVY = ("pydantic", "pydantic_settings")
CONFIG = '[schedule]\nsit = "40m"\n[exercises]\nfocus = "posterior-tilt"\n'


def _settle(path: Path) -> None:
    """Date the file back, as if written a while ago."""
    past = time.time() - 60
    os.utime(path, (past, past))


@pytest.fixture
def daemon(xdg_dirs: object) -> Iterator[tuple[dict[str, str], Path]]:
    """A daemon running a config file of the user's; yields its environment and that file."""
    with daemon_on_config(CONFIG, _settle) as running:
        yield running


def _without_daemon(env: dict[str, str], tmp: Path) -> dict[str, str]:
    """The same environment with a socket no daemon listens on: the command's own path."""
    elsewhere = tmp / "no-daemon"
    elsewhere.mkdir(mode=0o700, exist_ok=True)
    return {**env, "STANDUP_RUNTIME_DIR": str(elsewhere)}


def _heavy_imports(env: dict[str, str], *argv: str) -> tuple[list[str], str]:
    """The validation modules loaded by `standup ARGV` by its end, and what it printed."""
    probe = (
        "import sys\n"
        "from standup.cli.main import main\n"
        f"code = main({list(argv)!r})\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env
    )
    return json.loads(done.stderr.splitlines()[-1].replace("'", '"')), done.stdout


ASKED = [
    ("exercises",),
    ("exercises", "list", "--all"),
    ("exercises", "list", "--json"),
    ("exercises", "next"),
    ("exercises", "next", "--json"),
    ("exercises", "show", "leg-swings"),
    ("exercises", "show", "leg-swings", "--json"),
]


def test_with_the_daemon_up_they_import_no_pydantic_and_print_the_same(
    daemon: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, _config = daemon
    alone = _without_daemon(env, tmp_path)
    for argv in ASKED:
        heavy, fast = _heavy_imports(env, *argv)
        assert heavy == [], argv
        slow = standup(alone, *argv)
        assert slow.returncode == 0, slow.stderr
        assert fast == slow.stdout, argv
    assert "(focus: posterior-tilt)" in _heavy_imports(env, "exercises")[1]  # the daemon's


def test_a_refusal_reads_the_same_either_way(
    daemon: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, _config = daemon
    fast = standup(env, "exercises", "show", "leg-swing")
    slow = standup(_without_daemon(env, tmp_path), "exercises", "show", "leg-swing")
    assert (fast.returncode, fast.stdout, fast.stderr) == (1, "", slow.stderr)
    assert slow.returncode == 1 and "did you mean 'leg-swings'?" in slow.stderr


def test_doctor_takes_the_daemons_config_check(
    daemon: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, config = daemon
    heavy, fast = _heavy_imports(env, "doctor", "--json")
    assert heavy == []
    slow = standup(_without_daemon(env, tmp_path), "doctor", "--json")
    checks = {c["name"]: c for c in json.loads(fast)["checks"]}
    alone = {c["name"]: c for c in json.loads(slow.stdout)["checks"]}
    # The same findings, but for the daemon's own (found running, or not) and its language
    # (as it says it, or as it would start).
    assert {k: v for k, v in checks.items() if k not in ("daemon", "language")} == {
        k: v for k, v in alone.items() if k not in ("daemon", "language")
    }
    assert checks["config"]["finding"] == f"valid ({config})"
    assert checks["daemon"]["status"] == "ok"
    said = "speaks English (en): LANG=C.UTF-8 in its environment"
    assert checks["language"]["finding"] == f"the daemon {said}"
    assert alone["language"]["finding"] == f"the daemon would {said.replace('speaks', 'speak')}"


def test_another_config_or_a_change_not_yet_taken_up_is_read_here(
    daemon: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, config = daemon
    other = tmp_path / "other.toml"
    other.write_text('[exercises]\nfocus = "anterior-tilt"\n')
    _settle(other)
    heavy, text = _heavy_imports(env, "exercises", "list", "--config", str(other))
    assert heavy == list(HEAVY)
    assert "(focus: anterior-tilt)" in text
    # A file changed a moment ago: answered with the change, by the daemon once its watcher
    # has reloaded it or here until then, never with the settings from before.
    config.write_text('[exercises]\nfocus = "balanced"\n')
    _heavy, text = _heavy_imports(env, "exercises", "list")
    assert "(focus: balanced)" in text
    # Once the daemon has it, it answers again, with the change.
    _settle(config)
    assert standup(env, "reload").returncode == 0
    heavy, text = _heavy_imports(env, "exercises", "list")
    assert heavy == [] and "(focus: balanced)" in text


def test_a_broken_file_the_daemon_kept_running_past_is_reported_as_broken(
    daemon: tuple[dict[str, str], Path],
) -> None:
    env, config = daemon
    config.write_text('[schedule]\nsit = "soon"\n')
    assert standup(env, "reload").returncode == 2
    _settle(config)
    done = standup(env, "exercises", "list")
    assert done.returncode == 2 and "sit" in done.stderr
    doctor = json.loads(standup(env, "doctor", "--json").stdout)
    assert next(c for c in doctor["checks"] if c["name"] == "config")["status"] == "fail"


def test_sources_name_every_file_and_the_settings_variables(
    xdg_dirs: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANDUP_SCHEDULE__SIT", "30m")
    monkeypatch.setenv("STANDUP_LOG_LEVEL", "debug")  # changes nothing asked about
    file = tmp_path / "mine.toml"
    file.write_text("")
    found = known.sources(file)
    assert found["files"][-1][0] == str(file) and found["files"][-1][1] is not None
    assert found["env"] == [["STANDUP_SCHEDULE__SIT", "30m"]]
    assert json.loads(json.dumps(found)) == found  # compared after the trip over the socket
    assert found["version"] == __version__  # a daemon not restarted after an upgrade differs
    # The settings take STANDUP_ variables in any case: so do the sources.
    monkeypatch.setenv("standup_schedule__snooze", "5m")
    assert ["standup_schedule__snooze", "5m"] in known.sources(file)["env"]


def test_the_daemon_vouches_only_for_the_files_as_they_were_when_it_read_them(
    xdg_dirs: object, tmp_path: Path
) -> None:
    """Noted before each read: a change its watcher never saw still shows as a difference."""
    file = tmp_path / "mine.toml"
    file.write_text('[schedule]\nsit = "40m"\n')
    config = LiveConfig(load_config(file), file, notifier_factory=lambda *a: None)
    seen = ConfigSeen()
    assert seen.same(config, known.sources(file))
    file.write_text('[schedule]\nsit = "45m"\n')
    os.utime(file, ns=(time.time_ns() + 10**9, time.time_ns() + 10**9))  # surely a new mtime
    assert not seen.same(config, known.sources(file))
    config.reload()
    assert seen.same(config, known.sources(file))
