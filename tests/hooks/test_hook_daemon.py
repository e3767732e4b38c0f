"""Hooks in the daemon (in-process, real socket, real hook processes): every event, reloads,
and a hook that hangs never holds up a command or a reminder."""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import pytest
from hookkit import dumped, env_dump

from standup import core

from daemon_harness import Harness
from rig import gone, wait_until

QUIET = '[schedule]\nsit = "50m"\n[idle]\nsource = "none"\n'
EVENTS = ("reminder", "answered", "away", "back", "paused", "resumed")


def hooks_table(**commands: list[list[str]]) -> str:
    lines = [f"{event} = {json.dumps(argvs)}" for event, argvs in commands.items()]
    return "[hooks]\n" + "\n".join(lines) + "\n"


@pytest.fixture
def dumps(tmp_path: Path) -> Path:
    return tmp_path / "hooks.jsonl"


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs, dumps: Path):
    h = Harness(tmp_path, QUIET + hooks_table(**{e: [env_dump(dumps)] for e in EVENTS}))
    yield h
    h.stop()


def wait_for(dumps: Path, count: int) -> list[dict[str, str]]:
    return wait_until(lambda: len(dumped(dumps)) >= count and dumped(dumps), timeout=10.0)


def test_each_event_runs_its_hooks_with_its_variables(harness: Harness, dumps: Path) -> None:
    daemon = harness.start()
    harness.request("now")
    [reminder] = wait_for(dumps, 1)
    assert reminder["STANDUP_EVENT"] == "reminder"
    shown = harness.request("status")["exercise"]
    assert reminder["STANDUP_EXERCISE"] == shown["id"]
    assert reminder["STANDUP_EXERCISE_NAME"] == shown["name"]
    harness.request("snooze")
    snoozed = wait_for(dumps, 2)[-1]
    assert (snoozed["STANDUP_EVENT"], snoozed["STANDUP_ANSWER"]) == ("answered", "snoozed")
    assert "STANDUP_UNTIL" in snoozed
    harness.request("pause", {"duration": 600})
    paused = wait_for(dumps, 3)[-1]
    assert paused["STANDUP_EVENT"] == "paused" and "STANDUP_UNTIL" in paused
    harness.request("resume")
    assert wait_for(dumps, 4)[-1]["STANDUP_EVENT"] == "resumed"
    daemon.call(daemon.feed, lambda now: core.Activity(now, locked=True))
    away = wait_for(dumps, 5)[-1]
    assert (away["STANDUP_EVENT"], away["STANDUP_REASON"]) == ("away", "locked")
    harness.clock.advance(minutes=10)
    daemon.call(daemon.feed, lambda now: core.Activity(now))
    back = wait_for(dumps, 6)[-1]
    assert back["STANDUP_EVENT"] == "back"
    assert back["STANDUP_AWAY_SECONDS"] == "600"
    harness.request("now")
    harness.request("done")
    done = wait_for(dumps, 8)[-1]
    assert (done["STANDUP_EVENT"], done["STANDUP_ANSWER"]) == ("answered", "done")


def test_a_changed_hooks_table_applies_at_the_next_event(
    tmp_path: Path, xdg_dirs, dumps: Path
) -> None:
    harness = Harness(tmp_path, QUIET)
    try:
        daemon = harness.start()
        harness.request("now")
        harness.request("done")
        harness.config.write_text(QUIET + hooks_table(reminder=[env_dump(dumps)]))
        assert daemon.call(daemon.reload) == "config reloaded"
        harness.request("now")
        [event] = wait_for(dumps, 1)
        assert event["STANDUP_EVENT"] == "reminder"
    finally:
        harness.stop()


def test_without_hooks_no_thread_is_started(tmp_path: Path, xdg_dirs) -> None:
    harness = Harness(tmp_path, QUIET)
    try:
        daemon = harness.start()
        for command in ("now", "snooze", "pause", "resume", "now", "done"):
            harness.request(command)
        assert not [t for t in threading.enumerate() if t.name == "standup-hook"]
        assert daemon.hooks.peak == 0
    finally:
        harness.stop()


def test_hooks_that_hang_hold_up_no_command_and_no_reminder(tmp_path: Path, xdg_dirs) -> None:
    pids = tmp_path / "pids"
    pids.mkdir()
    hang = (
        "import os, sys, time\n"
        "open(os.path.join(sys.argv[1], str(os.getpid())), 'w')\n"
        "time.sleep(60)\n"
    )
    hangs = [[sys.executable, "-c", hang, str(pids)]] * 10  # more than run at once
    harness = Harness(tmp_path, QUIET + hooks_table(reminder=hangs, answered=hangs))
    try:
        daemon = harness.start()
        harness.request("now")
        wait_until(lambda: len(list(pids.iterdir())) >= 4, timeout=10.0)
        for command in ("status", "done", "status", "skip", "status"):
            started = time.monotonic()
            harness.request(command)
            assert time.monotonic() - started < 1.0, command
        harness.clock.advance(minutes=50)
        harness.tick()  # the reminder comes on time, the hooks still hanging
        assert harness.request("status")["state"] == "reminding"
        assert len(harness.notifier.shown) == 2
    finally:
        harness.stop()
    assert daemon.hooks.join(2.0)
    for pid_file in pids.iterdir():
        assert gone(int(pid_file.name)), "a hook outlived the daemon"
