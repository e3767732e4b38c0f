"""A countdown in a real daemon whose wall clock is set an hour back or forward mid-hold.

The clock is stepped by the LD_PRELOAD shim (shim/clockshift.c, built by faultkit;
readings only, no notice from the kernel); Start is pressed on a real dunst bubble. The hold
must take its own length of real time, whichever way the clock moved, and be recorded as done
once.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from faultkit import build_clock_shim

from notice_seen import mark_notice_seen
from standup.history.store import Store

from rig import (
    QUICK_HOLD_CONFIG,
    Rig,
    remind_and_start,
    standup_env,
    standup_status as try_status,
    start_standup,
    stop_standup,
    wait_until,
)

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

HOLD = 8
STEP_AFTER = 2.0


@pytest.fixture(scope="module")
def shim(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_clock_shim(tmp_path_factory.mktemp("shim"))


@pytest.mark.parametrize("shift", [-3600, 3600], ids=["set back", "set forward"])
def test_a_clock_step_mid_hold_neither_freezes_nor_finishes_the_countdown(
    rig: Rig,
    xdg_dirs,
    tmp_path: Path,
    shim: Path,
    shift: int,
) -> None:
    mark_notice_seen()  # the first reminder is the only bubble
    config = xdg_dirs.config_home / "standup" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(QUICK_HOLD_CONFIG.replace("hold = 5\n", f"hold = {HOLD}\n"))
    env = standup_env(
        rig,
        xdg_dirs.runtime_dir,
        schedule__sit="1h",
        notifications__backend="freedesktop",
        idle__source="none",
    )
    offset = tmp_path / "shift"
    offset.write_text("0")
    proc = start_standup({**env, "LD_PRELOAD": str(shim), "CLOCKSHIFT_FILE": str(offset)})
    try:
        remind_and_start(rig, env)
        wait_until(lambda: (try_status(env) or {}).get("countdown"), timeout=5)
        started = time.monotonic()
        time.sleep(STEP_AFTER)
        offset.write_text(str(shift))

        def sitting() -> bool:
            info = try_status(env)
            return bool(info) and info["state"] == "sitting"

        wait_until(sitting, timeout=HOLD + 10, interval=0.1)
        took = time.monotonic() - started
    finally:
        code, log = stop_standup(proc)
    assert code == 0, log
    # Its own length of real time: not at the step (forward), not an hour later (back).
    assert HOLD - 1 <= took <= HOLD + 4, (took, log)
    assert log.count("answered by the countdown: done") == 1, log
    with Store.open(Path(env["XDG_STATE_HOME"]) / "standup" / "standup.db") as store:
        kinds = [e.kind for e in store.history(datetime.now(UTC) - timedelta(days=2))]
    assert kinds.count("done") == 1, kinds
