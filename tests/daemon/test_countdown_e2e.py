"""The countdown for real: `standup run`, a session bus, dunst; Start pressed on the bubble."""

from __future__ import annotations

import re
import subprocess
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

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

pytestmark = pytest.mark.e2e


@pytest.fixture
def env(rig: Rig, xdg_dirs) -> dict[str, str]:
    mark_notice_seen()  # the first reminder is the only bubble
    config = xdg_dirs.config_home / "standup" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(QUICK_HOLD_CONFIG)
    return standup_env(
        rig,
        xdg_dirs.runtime_dir,
        schedule__sit="1h",
        notifications__backend="freedesktop",
        idle__source="none",
    )


class NotifyCalls:
    """Every Notify call on the bus, as (replaces_id, summary, body), from dbus-monitor."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self._log = log
        self._proc = subprocess.Popen(
            ["dbus-monitor", "--session",
             "type='method_call',interface='org.freedesktop.Notifications',member='Notify'"],
            env=env, stdout=log.open("w"), stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def calls(self) -> list[tuple[int, str, str]]:
        text = self._log.read_text(errors="replace")
        found = []
        for block in text.split("method call")[1:]:
            values = re.findall(r'^\s+(?:string "(.*?)"|uint32 (\d+))$', block, re.M | re.S)
            flat = [s or n for s, n in values]
            if len(flat) >= 5 and flat[0] == "standup":
                found.append((int(flat[1]), flat[3], flat[4]))
        return found

    def close(self) -> None:
        self._proc.terminate()
        self._proc.wait(timeout=5)


def test_start_on_a_real_bubble_counts_down_in_place_and_records_done(
    rig: Rig, env: dict[str, str], tmp_path: Path
) -> None:
    monitor = NotifyCalls(env, tmp_path / "monitor.log")
    proc = start_standup(env)
    try:
        remind_and_start(rig, env)
        # The menu dunst offered names the bubble's id: "... [ID,start]".
        menu = wait_until(lambda: rig.menu_log.exists() and rig.menu_log.read_text(), 5)
        bubble = int(re.search(r"\[(\d+),start\]", menu).group(1))

        def counted() -> dict | None:
            info = try_status(env)
            return info if info and info["state"] == "sitting" else None

        try:
            after = wait_until(counted, timeout=30)
        except TimeoutError:
            pytest.fail(f"no Done by the countdown: {try_status(env)}, {monitor.calls()}")
        assert after["countdown"] is None
        frames = [c for c in monitor.calls() if c[1] == "Hold: Quick hold"]
        assert [c[2] for c in frames][:2] == ["5 s left", "4 s left"]
        assert "well held" in frames[-1][2]
        # Every frame replaced the reminder's own bubble: one id throughout, one on screen.
        assert {c[0] for c in frames} == {bubble}
        assert rig.displayed_count() <= 1
        assert 5 <= len(frames) <= 7  # one a second at most
    finally:
        code, log = stop_standup(proc)
        monitor.close()
    assert code == 0, log
    with Store.open(Path(env["XDG_STATE_HOME"]) / "standup" / "standup.db") as store:
        events = store.history(datetime.fromisoformat(after["now"]) - timedelta(hours=1))
    done = [e for e in events if e.kind == "done"]
    assert [e.exercise for e in done] == ["quick-hold"]
    assert "answered by the countdown: done" in log


LONG_HOLD_CONFIG = QUICK_HOLD_CONFIG.replace("hold = 5\n", "hold = 30\n")


def test_a_server_killed_mid_countdown_ends_it_with_one_line(
    rig: Rig, env: dict[str, str], xdg_dirs
) -> None:
    (xdg_dirs.config_home / "standup" / "config.toml").write_text(LONG_HOLD_CONFIG)
    proc = start_standup(env)
    try:
        remind_and_start(rig, env)
        wait_until(lambda: (try_status(env) or {}).get("countdown"), timeout=5)
        rig.stop_dunst()

        def ended() -> dict | None:
            info = try_status(env)
            return info if info and info["countdown"] is None else None

        # The next frame finds no server: the countdown ends there; the reminder is pending.
        assert wait_until(ended, timeout=5)["state"] == "reminding"
        time.sleep(4)  # and nothing more comes while the hold would have gone on
        assert ended()
    finally:
        code, log = stop_standup(proc)
    assert code == 0, log
    after = log.split("countdown started", 1)[1].split(" stopping", 1)[0].splitlines()[1:]
    # One failed frame (the server's error, the frame in the log), then the countdown's line.
    assert len(after) <= 4, after
    assert len([line for line in after if "countdown ended" in line]) == 1, after
    assert "answered by the countdown" not in log
