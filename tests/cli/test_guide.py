"""`standup now --guide`: the countdown in a terminal, with fake time, then for real."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest

from standup.cli.guide import guide
from standup.errors import DaemonNotRunning

from rig import (
    QUICK_HOLD_CONFIG,
    Rig,
    standup_env,
    standup_status as try_status,
    start_standup,
    stop_standup,
    wait_until,
)

HOLD = {"id": "test-hold", "name": "Test hold", "hold_seconds": 3, "sides": 2}


class FakeDaemon:
    def __init__(self, state: str = "reminding", exercise: dict | None = HOLD) -> None:
        self.state = state
        self.exercise = exercise
        self.calls: list[str] = []

    def __call__(self, cmd: str, args: dict | None = None) -> dict:
        self.calls.append(cmd)
        if cmd == "now":
            self.state = "reminding"
        return {
            "state": self.state,
            "exercise": self.exercise if self.state == "reminding" else None,
        }


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def test_plain_output_prints_each_new_text_once_and_records_done() -> None:
    daemon, fake, out = FakeDaemon(), FakeTime(), io.StringIO()
    code = guide(daemon, out, clock=fake.clock, sleep=fake.sleep, tty=False)
    assert code == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Test hold: 3 s each side.")
    texts = [line.split("] ", 1)[1] for line in lines if line.startswith("[")]
    assert texts[:4] == ["3 s left, left side", "2 s left, left side", "1 s left, left side",
                         "Switch sides: the right side starts in 3 s"]  # fmt: skip
    assert "well held" in texts[-1] and len(texts) == len(set(texts))
    assert lines[-1] == "Recorded as done."
    assert out.getvalue().count("Recorded as done.") == 1
    assert daemon.calls == ["status", "done"]
    assert all(0 < s <= 1.0 for s in fake.sleeps)  # at most one redraw a second


def test_a_hold_with_a_meaning_for_its_sides_names_them_as_the_bubble_does() -> None:
    leg_back = {**HOLD, "side": "leg back"}
    daemon, fake, out = FakeDaemon(exercise=leg_back), FakeTime(), io.StringIO()
    assert guide(daemon, out, clock=fake.clock, sleep=fake.sleep, tty=False) == 0
    texts = [line.split("] ", 1)[1] for line in out.getvalue().splitlines() if "] " in line]
    assert texts[:4] == ["Left leg back: 3 s", "Left leg back: 2 s", "Left leg back: 1 s",
                         "Switch sides: right leg back in 3 s"]  # fmt: skip


def test_a_terminal_gets_one_line_redrawn_in_place() -> None:
    daemon, fake, out = FakeDaemon(), FakeTime(), io.StringIO()
    guide(daemon, out, clock=fake.clock, sleep=fake.sleep, tty=True)
    drawn = out.getvalue().split("\n")[1]  # splitlines() would split at each \r
    assert drawn.count("\r") >= 9 and "[####################]" in drawn


def test_a_hold_the_daemon_could_not_record_is_never_called_recorded() -> None:
    daemon, fake, out = FakeDaemon(), FakeTime(), io.StringIO()

    def gone(cmd: str, args: dict | None = None) -> dict:
        if cmd == "done":
            raise DaemonNotRunning("standup is not running")
        return daemon(cmd, args)

    assert guide(gone, out, clock=fake.clock, sleep=fake.sleep, tty=False) == 3
    assert "well held" in out.getvalue() and "Recorded as done" not in out.getvalue()
    assert out.getvalue().endswith("the hold was not recorded.\n")


def test_no_reminder_showing_asks_for_one_now() -> None:
    daemon = FakeDaemon(state="sitting")
    fake = FakeTime()
    guide(daemon, io.StringIO(), clock=fake.clock, sleep=fake.sleep, tty=False)
    assert daemon.calls == ["status", "now", "done"]


def test_ctrl_c_stops_and_records_nothing() -> None:
    daemon, fake, out = FakeDaemon(), FakeTime(), io.StringIO()

    def interrupted(seconds: float) -> None:
        if fake.now > 101:
            raise KeyboardInterrupt
        fake.sleep(seconds)

    assert guide(daemon, out, clock=fake.clock, sleep=interrupted, tty=True) == 130
    assert "Stopped: nothing recorded." in out.getvalue()
    assert "done" not in daemon.calls


def test_a_move_counted_in_reps_is_not_timed() -> None:
    daemon = FakeDaemon(exercise={"id": "reps", "name": "Curls"})
    out = io.StringIO()
    assert guide(daemon, out, tty=False) == 0
    assert "counted in reps" in out.getvalue() and daemon.calls == ["status"]


@pytest.mark.e2e
def test_now_guide_in_a_subprocess_against_a_real_daemon(rig: Rig, xdg_dirs) -> None:
    config = xdg_dirs.config_home / "standup" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(QUICK_HOLD_CONFIG)
    env = standup_env(rig, xdg_dirs.runtime_dir, schedule__sit="1h",
                      notifications__backend="log", idle__source="none")  # fmt: skip
    proc = start_standup(env)
    try:
        result = subprocess.run([sys.executable, "-m", "standup", "now", "--guide"], env=env,
                                capture_output=True, text=True, timeout=30)  # fmt: skip
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == "Quick hold: 5 s. Ctrl-C stops."
        assert "] 5 s left" in lines[1] and "well held" in lines[-2]
        assert lines[-1] == "Recorded as done."
        assert result.stdout.count("Recorded as done.") == 1
        info = wait_until(lambda: try_status(env), timeout=5)
        assert info["state"] == "sitting"
    finally:
        stop_standup(proc)
    from standup.history.store import Store

    db = Path(env["XDG_STATE_HOME"]) / "standup" / "standup.db"
    with Store.open(db) as store:
        kinds = [(e.kind, e.exercise) for e in store.history(store_start(info))]
    assert ("done", "quick-hold") in kinds


def store_start(info: dict):
    from datetime import datetime, timedelta

    return datetime.fromisoformat(info["now"]) - timedelta(hours=1)
