"""The runner with real processes: environment, no shell, time limit, cap, failures, stop."""

from __future__ import annotations

import logging
import sys
import threading
import time
from pathlib import Path

import pytest
from hookkit import argv_dump, dumped, env_dump

from standup.hooks.events import HookEvent
from standup.hooks.runner import HookRunner

from rig import gone, wait_until

REMINDER = HookEvent("reminder", {"STANDUP_EVENT": "reminder", "STANDUP_EXERCISE": "x"})


@pytest.fixture
def runner():
    runner = HookRunner(time_limit=5.0)
    yield runner
    runner.close()
    assert runner.join(5.0)


def test_a_command_gets_the_daemons_environment_and_the_event(
    runner: HookRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "env.jsonl"
    monkeypatch.setenv("STANDUP_LOG_LEVEL", "debug")  # the daemon's own variables pass on
    monkeypatch.setenv("NOTIFY_SOCKET", "/run/x")  # systemd's words for standup do not
    runner.run(REMINDER, [[*env_dump(out)]])
    assert runner.join(5.0)
    [env] = dumped(out)
    assert env == {
        "STANDUP_EVENT": "reminder",
        "STANDUP_EXERCISE": "x",
        "STANDUP_LOG_LEVEL": "debug",
    }


def test_no_shell_an_argument_is_passed_as_written(
    runner: HookRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "argv.jsonl"
    runner.run(REMINDER, [argv_dump(out, "$HOME; touch x", "*", "`id`")])
    assert runner.join(5.0)
    assert dumped(out) == [["$HOME; touch x", "*", "`id`"]]
    assert not (tmp_path / "x").exists()


def test_a_hook_that_hangs_is_killed_at_the_limit_with_all_it_started(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runner = HookRunner(time_limit=1.0)
    pids = tmp_path / "pids"
    # It starts a child in its own process group, then both would sleep a minute.
    hang = (
        "import os, subprocess, sys, time\n"
        "child = subprocess.Popen(['sleep', '60'])\n"
        "open(sys.argv[1], 'w').write(f'{os.getpid()} {child.pid}')\n"
        "time.sleep(60)\n"
    )
    started = time.monotonic()
    runner.run(REMINDER, [[sys.executable, "-c", hang, str(pids)]])
    assert runner.join(5.0)
    took = time.monotonic() - started
    assert 0.9 < took < 3.0
    leader, child = map(int, pids.read_text().split())
    wait_until(lambda: gone(leader) and gone(child), timeout=5.0)
    assert "still ran after 1 s and was stopped" in caplog.text


def test_what_a_finished_hook_left_running_in_its_group_is_stopped_too(
    runner: HookRunner, tmp_path: Path
) -> None:
    pid_file = tmp_path / "pid"
    # The child closes the output it shares, so the hook looks finished when its leader exits.
    leave = (
        "import subprocess, sys\n"
        "quiet = subprocess.DEVNULL\n"
        "child = subprocess.Popen(['sleep', '60'], stdout=quiet, stderr=quiet)\n"
        "open(sys.argv[1], 'w').write(str(child.pid))\n"
    )
    runner.run(REMINDER, [[sys.executable, "-c", leave, str(pid_file)]])
    assert runner.join(5.0)
    wait_until(lambda: gone(int(pid_file.read_text())), timeout=5.0)


def test_a_flood_never_runs_more_than_the_cap_at_once_and_drops_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    runner = HookRunner(time_limit=5.0, max_running=4, max_waiting=2)
    out = tmp_path / "ran.jsonl"
    slow = argv_dump(out, "ran")
    slow[2] = "import time; time.sleep(0.2)\n" + slow[2]
    for _ in range(100):  # all from one thread, as the worker would
        runner.run(REMINDER, [slow] * 6)
    assert runner.join(15.0)
    assert runner.peak == 4
    # The first event, and the two that waited (or one: the thread took the first a moment
    # late); six commands each, four at a time.
    assert len(dumped(out)) in (12, 18)
    dropped = [r for r in caplog.records if "are dropped" in r.getMessage()]
    assert len(dropped) == 1 and dropped[0].levelno == logging.WARNING


def test_events_run_in_order_each_after_the_one_before(runner: HookRunner, tmp_path: Path) -> None:
    out = tmp_path / "order.jsonl"
    slower = argv_dump(out, "reminder")
    slower[2] = "import time; time.sleep(0.3)\n" + slower[2]
    runner.run(REMINDER, [slower])
    runner.run(HookEvent("answered"), [argv_dump(out, "answered")])
    assert runner.join(5.0)
    assert dumped(out) == [["reminder"], ["answered"]]


def test_no_thread_until_a_hook_runs_and_none_after(runner: HookRunner, tmp_path: Path) -> None:
    def hook_threads() -> list[threading.Thread]:
        return [t for t in threading.enumerate() if t.name == "standup-hook"]

    assert hook_threads() == []
    runner.run(REMINDER, [env_dump(tmp_path / "env.jsonl")])
    assert runner.join(5.0)
    wait_until(lambda: hook_threads() == [], timeout=2.0)


def test_a_missing_program_is_logged_once_as_one_line(
    runner: HookRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="standup")
    for _ in range(3):
        runner.run(REMINDER, [["/nonexistent/raise-desk", "up"]])
        assert runner.join(5.0)
    warned = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warned) == 1
    [line] = warned[0].getMessage().splitlines()
    assert "/nonexistent/raise-desk up" in line and "cannot be started" in line
    assert "No such file" in line


def test_a_failing_exit_is_logged_once_and_again_after_it_worked(
    runner: HookRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    flag = tmp_path / "fail"
    flag.touch()
    check = (
        "import os, sys\n"
        "print('desk unreachable')\n"
        "sys.exit(3 if os.path.exists(sys.argv[1]) else 0)\n"
    )
    hook = [sys.executable, "-c", check, str(flag)]

    def run_once() -> None:
        runner.run(REMINDER, [hook])
        assert runner.join(5.0)

    def warnings() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]

    run_once()
    run_once()
    assert len(warnings()) == 1
    assert "exited with status 3: desk unreachable" in warnings()[0]
    flag.unlink()
    run_once()
    flag.touch()
    run_once()
    assert len(warnings()) == 2


def test_output_goes_to_the_log_at_debug(
    runner: HookRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="standup")
    runner.run(REMINDER, [["echo", "light dimmed"]])
    assert runner.join(5.0)
    [record] = [r for r in caplog.records if "output:\nlight dimmed" in r.getMessage()]
    assert record.levelno == logging.DEBUG


def test_a_flood_of_output_is_read_and_dropped_not_kept(
    runner: HookRunner, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="standup")
    flood = "import sys\nfor _ in range(2000): sys.stdout.write('y' * 10000)\n"
    runner.run(REMINDER, [[sys.executable, "-c", flood]])
    assert runner.join(5.0)
    [record] = [r for r in caplog.records if "yyyy" in r.getMessage()]
    assert len(record.getMessage()) < 5000


def test_close_kills_what_runs_and_drops_what_waits(tmp_path: Path) -> None:
    runner = HookRunner(time_limit=60.0, max_running=1)
    pid_file = tmp_path / "pid"
    out = tmp_path / "never.jsonl"
    hang = "import os, sys, time\nopen(sys.argv[1], 'w').write(str(os.getpid()))\ntime.sleep(60)"
    runner.run(REMINDER, [[sys.executable, "-c", hang, str(pid_file)], env_dump(out)])
    wait_until(pid_file.exists, timeout=5.0)
    wait_until(pid_file.read_text, timeout=5.0)
    runner.close()
    assert runner.join(2.0)
    assert gone(int(pid_file.read_text()))
    assert not out.exists()
    runner.run(REMINDER, [env_dump(out)])  # closed: nothing starts
    assert runner.join(1.0) and not out.exists()


def test_an_argument_no_program_can_take_is_a_failure_not_a_stop(
    runner: HookRunner, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    out = tmp_path / "env.jsonl"
    runner.run(REMINDER, [["echo", "a\x00b"], env_dump(out)])  # TOML can write "\u0000"
    assert runner.join(5.0)
    assert "cannot be started: embedded null byte" in caplog.text
    assert len(dumped(out)) == 1  # the event's other commands still ran
