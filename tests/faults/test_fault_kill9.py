"""SIGKILL at random moments while clients change the state of a real `standup run`.

After every kill the database must open as it is (nothing set aside) and hold either the last
state a client was told, or the state of the one request that was in flight when it died.
"""

from __future__ import annotations

import random
import threading
from pathlib import Path
from typing import Any

import pytest
from faultkit import DaemonProcess, quiet_env, saved_core, state_fields, state_fields_of

from standup.control.client import ControlError
from standup.errors import StandupError
from standup.history.store import Store

pytestmark = pytest.mark.slow

CHANGES = 50


def pick(rng: random.Random, told: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A request the daemon accepts in the state it last reported."""
    if told["state"] == "paused":
        return rng.choice([("resume", {}), ("pause", {"duration": rng.randint(60, 7200)})])
    return rng.choice(
        [
            ("snooze", {"duration": rng.randint(60, 3600)}),
            ("done", {}),
            ("skip", {}),
            ("pause", {"duration": rng.randint(60, 7200)}),
            ("pause", {}),
        ]
    )


def outcome_of(cmd: str, before: dict[str, Any], after: tuple[Any, ...]) -> bool:
    """Whether `after` is what `cmd` makes of the state `before` (its reply never arrived)."""
    state, _since, snoozed_until, _until, snoozes = after
    if cmd == "snooze":
        # A snooze counts against max_snoozes only when it answers a reminder.
        answered = before["state"] == "reminding" or before["snoozes_used"] > 0
        return state == "snoozed" and snoozes == before["snoozes_used"] + answered
    if cmd in ("done", "skip", "resume"):
        return state == "sitting" and snoozed_until is None and snoozes == 0
    return state == "paused" and snoozed_until is None  # pause


def test_kill_9_at_random_moments_leaves_a_committed_state(xdg_dirs, tmp_path: Path) -> None:
    rng = random.Random(20240917)
    env = quiet_env(notifications__backend="log", schedule__sit="1h", schedule__max_snoozes="100")
    db = xdg_dirs.state_home / "standup" / "standup.db"
    changes = kills = 0
    committed: tuple[Any, ...] | None = None  # what the last run left in the database
    while changes < CHANGES or kills < 10:
        assert kills < 60, f"only {changes} changes in {kills} runs"
        d = DaemonProcess(env, tmp_path / "daemon.log")
        if rng.random() < 0.2:
            # Sometimes the kill lands during start-up, before any client is served.
            threading.Timer(rng.uniform(0.0, 0.5), d.kill).start()
            d.proc.wait(timeout=20)
            if committed is not None:  # a start after a short stop keeps the state as it was
                saved = saved_core(db)
                assert saved is not None and state_fields_of(saved) == committed
        else:
            d.wait_ready()
            told = d.status()
            if committed is not None:
                assert state_fields(told) == committed
            in_flight: str | None = None
            before = told
            threading.Timer(rng.uniform(0.0, 0.12), d.kill).start()
            while True:
                cmd, args = pick(rng, told)
                in_flight, before = cmd, told
                try:
                    told = d.request(cmd, args, timeout=5)
                except StandupError as error:
                    d.proc.wait(timeout=5)  # a refusal would be a bug in pick(): re-raised below
                    if d.proc.poll() is None or (
                        isinstance(error, ControlError) and "failed" not in error.code
                    ):
                        raise
                    break
                in_flight = None
                changes += 1
            saved = saved_core(db)
            assert saved is not None
            after = state_fields_of(saved)
            if after != state_fields(told):
                assert in_flight is not None and outcome_of(in_flight, before, after), (
                    f"saved {after}, last told {state_fields(told)}, in flight {in_flight}"
                )
            committed = after
        kills += 1
        assert d.proc.returncode is not None
        with Store.open(db) as store:  # opens as it is: a set-aside file would be listed below
            assert committed is None or store.get_value("core") is not None
        assert sorted(p.name for p in db.parent.iterdir() if ".corrupt-" in p.name) == []
