"""What the tray costs: standup beside a real tray host, xfce4-panel's status tray.

The daemon runs on the panel's bus and display with the bench's usual config, a user at the
desk (the mouse moves on the panel's display), so a stretch counts and the icon's minutes move
on. Read after the item is registered and the daemon has settled: its memory, CPU, context
switches and wake-ups by source over a window, to set beside the same daemon with no host.
"""

from __future__ import annotations

import subprocess
import time
from typing import TYPE_CHECKING, Any

import measure

from desktop_rigs.tray import XfcePanel, missing

if TYPE_CHECKING:
    from footprint import Bench


def measure_tray(bench: Bench, config: str, settle: float, seconds: float) -> dict[str, Any]:
    """The daemon's figures with the icon shown; {"skipped": why} where the host is lacking."""
    if lacking := missing():
        return {"skipped": f"needs {', '.join(lacking)}"}
    panel = XfcePanel()
    panel.start()
    try:
        pid = bench.start_daemon("tray", config, desktop=panel.env)

        def move() -> None:
            subprocess.run(["xdotool", "mousemove_relative", "1", "0"], check=True, timeout=10,
                           env={**bench.env, "DISPLAY": panel.display})  # fmt: skip

        deadline = time.monotonic() + 30
        while not any(f"-{pid}-" in item for item in panel.registered_items()):
            if time.monotonic() > deadline:
                raise RuntimeError(f"the item never registered: {panel.log()}")
            time.sleep(0.1)
        bench.stay_until(time.monotonic() + settle, move)
        before_status, before = bench.status_json(), measure.read_counters(pid)
        bench.stay_until(time.monotonic() + seconds, move)
        after, after_status = measure.read_counters(pid), bench.status_json()
        memory = measure.smaps_rollup(pid)
    finally:
        bench.stop_daemon()
        panel.stop()
    figures = measure.window_figures(before, after)
    wakeups = {
        key: after_status["wakeups"].get(key, 0) - before_status["wakeups"].get(key, 0)
        for key in after_status["wakeups"]
    }
    wakeups["control"] = wakeups.get("control", 0) - 1  # the "after" status request itself
    return {
        "host": "xfce4-panel",
        "memory_end": memory,
        "idle": figures,
        "wakeups": {k: v for k, v in wakeups.items() if v},
        "tray_wakeups_per_min": round(wakeups.get("tray", 0) / (figures["seconds"] / 60), 2),
        "state": [before_status["state"], after_status["state"]],
    }
