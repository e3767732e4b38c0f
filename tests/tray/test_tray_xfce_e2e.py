"""`standup run` in xfce4-panel's status tray (Debian's xfce4-panel, systray plugin, on Xvfb):
the item registers with the panel's own watcher, the panel reads it and draws it, follows the
state, has the item back after the panel restarts, and its menu entries work when chosen in
the panel's menu."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_rigs.tray import XfcePanel, missing
from standup.tray.icon import LOOKS

from rig import rig_unavailable, standup_status, start_standup, stop_standup, wait_until

pytestmark = pytest.mark.e2e

PROPS = "org.freedesktop.DBus.Properties"
MENU = "com.canonical.dbusmenu"


@pytest.fixture(scope="module")
def panel() -> Iterator[XfcePanel]:
    lacking = missing()
    if lacking:
        rig_unavailable(f"the xfce4-panel tray rig needs {', '.join(lacking)}")
    host = XfcePanel()
    host.start()
    yield host
    host.stop()


def _standup(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "standup", *args], env=env, check=True,
                   capture_output=True, timeout=30)  # fmt: skip


def _registered(panel: XfcePanel, name: str) -> bool:
    return any(name in item for item in panel.registered_items())


def _status(env: dict[str, str]) -> dict[str, Any]:
    return standup_status(env) or {}


def test_xfce4_panel_shows_the_item_has_it_back_after_a_restart_and_drives_its_menu(
    panel: XfcePanel,
) -> None:
    env = {**os.environ, **panel.env}
    proc = start_standup(env)
    try:
        name = f"org.kde.StatusNotifierItem-{proc.pid}-1"
        wait_until(lambda: _registered(panel, name), timeout=10)
        unique = panel.owner_of(name)

        # The panel reads the item and its menu, as it does for any item.
        wanted = {
            ("/StatusNotifierItem", PROPS, "GetAll"),
            ("/MenuBar", "com.canonical.dbusmenu", "GetLayout"),
        }
        wait_until(lambda: wanted <= set(panel.calls_to(unique)), timeout=10)

        # Paused: still shown (Active, for its Resume), with two grey bars.
        grey, red = LOOKS["paused"].fill, LOOKS["reminding"].fill
        assert grey not in panel.screenshot_colours()
        _standup(env, "pause", "30m")
        wait_until(lambda: grey in panel.screenshot_colours(), timeout=10, interval=0.2)
        _standup(env, "resume")
        wait_until(lambda: grey not in panel.screenshot_colours(), timeout=10, interval=0.2)

        # A reminder: the panel is told the icon changed, reads it again and draws it in red.
        assert red not in panel.screenshot_colours()
        _standup(env, "now")
        wait_until(lambda: red in panel.screenshot_colours(), timeout=10, interval=0.2)

        # The panel restarts: a new watcher, and the item registers with it again.
        panel.stop_panel()
        panel.start_panel()
        wait_until(lambda: _registered(panel, name), timeout=10)
        wait_until(lambda: red in panel.screenshot_colours(), timeout=10, interval=0.2)

        # The menu, opened with a right click on the icon and chosen from with the keyboard:
        # the panel sends each click, and the daemon does what the entry says.
        icon = panel.locate(red)
        panel.choose(icon, name, "Snooze 10 min")
        wait_until(lambda: _status(env).get("state") == "snoozed", timeout=10, interval=0.2)
        assert _status(env)["snoozes_used"] == 1
        # The click came from the panel (libdbusmenu sends EventGroup; nothing else here does).
        clicks = {("/MenuBar", MENU, "Event"), ("/MenuBar", MENU, "EventGroup")}
        assert clicks & set(panel.calls_to(unique))
        panel.choose(icon, name, "Pause 30 min")
        wait_until(lambda: _status(env).get("state") == "paused", timeout=10, interval=0.2)
        wait_until(lambda: grey in panel.screenshot_colours(), timeout=10, interval=0.2)
        panel.choose(icon, name, "Resume")
        wait_until(lambda: _status(env).get("state") == "sitting", timeout=10, interval=0.2)
    finally:
        code, log = stop_standup(proc)
    assert code == 0, log
    assert "tray item registered" in log
