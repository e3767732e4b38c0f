"""`standup run` in MATE's panel (Debian's mate-panel, its Notification Area applet, on Xvfb): the
item registers with the applet's own watcher, the panel reads it and draws it, follows the
state, its menu entries work when chosen in the panel's menu, and the item is back after the
panel restarts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_rigs.tray_mate import MatePanel, missing
from standup.tray.icon import LOOKS

from rig import rig_unavailable, standup_status, start_standup, stop_standup, wait_until

pytestmark = pytest.mark.e2e

PROPS = "org.freedesktop.DBus.Properties"
MENU = "com.canonical.dbusmenu"


@pytest.fixture(scope="module")
def panel() -> Iterator[MatePanel]:
    lacking = missing()
    if lacking:
        rig_unavailable(f"the mate-panel tray rig needs {', '.join(lacking)}")
    host = MatePanel()
    host.start()
    yield host
    host.stop()


def _standup(env: dict[str, str], *args: str) -> str:
    out = subprocess.run([sys.executable, "-m", "standup", *args], env=env, check=True,
                         capture_output=True, text=True, timeout=30)  # fmt: skip
    return out.stdout


def _registered(panel: MatePanel, name: str) -> bool:
    return any(name in item for item in panel.registered_items())


def _state(env: dict[str, str]) -> Any:
    status = standup_status(env)
    return status and status["state"]


def _done_today(env: dict[str, str]) -> int:
    return int(json.loads(_standup(env, "stats", "--days", "1", "--json"))["days"][-1]["done"])


def test_mate_panel_shows_the_item_drives_its_menu_and_has_it_back_after_a_restart(
    panel: MatePanel,
) -> None:
    env = {**os.environ, **panel.env}
    proc = start_standup(env)
    try:
        name = f"org.kde.StatusNotifierItem-{proc.pid}-1"
        wait_until(lambda: _registered(panel, name), timeout=10)
        unique = panel.owner_of(name)

        # The panel reads the item and its menu, as it does for any item.
        wanted = {("/StatusNotifierItem", PROPS, "GetAll"), ("/MenuBar", MENU, "GetLayout")}
        wait_until(lambda: wanted <= set(panel.calls_to(unique)), timeout=10)

        # Paused from the command line: the panel draws the two grey bars.
        grey, red = LOOKS["paused"].fill, LOOKS["reminding"].fill
        assert grey not in panel.screenshot_colours()
        _standup(env, "pause", "30m")
        wait_until(lambda: grey in panel.screenshot_colours(), timeout=10, interval=0.2)
        icon = panel.locate(grey)

        # Resume, chosen in the panel's menu: the panel sends the click, the daemon resumes.
        panel.choose(icon, name, "Resume")
        wait_until(lambda: _state(env) == "sitting", timeout=10, interval=0.2)
        assert ("/MenuBar", MENU, "Event") in panel.calls_to(unique)
        wait_until(lambda: grey not in panel.screenshot_colours(), timeout=10, interval=0.2)

        # Exercise now: a reminder, drawn in red; the panel was given the new tooltip.
        assert red not in panel.screenshot_colours()
        panel.choose(icon, name, "Exercise now")
        wait_until(lambda: _state(env) == "reminding", timeout=10, interval=0.2)
        wait_until(lambda: red in panel.screenshot_colours(), timeout=10, interval=0.2)
        wait_until(
            lambda: any(t.startswith("Time to stand up: ") for t in panel.tooltips_read(name)),
            timeout=10,
        )

        # Done answers the reminder: a new stretch, and a break counted.
        panel.choose(icon, name, "Done")
        wait_until(lambda: _state(env) == "sitting", timeout=10, interval=0.2)
        assert _done_today(env) == 1
        wait_until(lambda: red not in panel.screenshot_colours(), timeout=10, interval=0.2)

        # Pause 30 min from the menu: paused until half an hour from now, drawn grey.
        panel.choose(icon, name, "Pause 30 min")
        wait_until(lambda: _state(env) == "paused", timeout=10, interval=0.2)
        assert "Paused until" in _standup(env, "status")
        wait_until(lambda: grey in panel.screenshot_colours(), timeout=10, interval=0.2)

        # The panel and its applet restart: a new watcher, and the item registers again.
        panel.stop_panel()
        panel.start_panel()
        wait_until(lambda: _registered(panel, name), timeout=10)
        wait_until(lambda: grey in panel.screenshot_colours(), timeout=10, interval=0.2)
    finally:
        code, log = stop_standup(proc)
    assert code == 0, log
    assert "tray item registered" in log
