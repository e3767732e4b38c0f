"""`standup run` in xfce4-panel's status tray (Debian's xfce4-panel, systray plugin, on Xvfb):
the item registers with the panel's own watcher, the panel reads it and draws it, follows the
state, has the item back after the panel restarts, and its menu entries work when chosen in
the panel's menu."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from traykit import (
    GREY,
    MENU,
    RED,
    daemon_on,
    read_item,
    registered,
    running,
    standup,
    state_becomes,
    status,
)

from desktop_rigs.tray import XfcePanel, missing

from rig import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def panel() -> Iterator[XfcePanel]:
    yield from running("xfce4-panel", missing(), XfcePanel)


def test_xfce4_panel_shows_the_item_has_it_back_after_a_restart_and_drives_its_menu(
    panel: XfcePanel,
) -> None:
    env = {**os.environ, **panel.env}
    with daemon_on(env) as daemon:
        name = daemon.name
        wait_until(lambda: registered(panel, name), timeout=10)
        unique = panel.owner_of(name)

        # The panel reads the item and its menu, as it does for any item.
        read_item(panel, unique)

        # Paused: still shown (Active, for its Resume), with two grey bars.
        assert GREY not in panel.screenshot_colours()
        standup(env, "pause", "30m")
        wait_until(lambda: GREY in panel.screenshot_colours(), timeout=10, interval=0.2)
        standup(env, "resume")
        wait_until(lambda: GREY not in panel.screenshot_colours(), timeout=10, interval=0.2)

        # A reminder: the panel is told the icon changed, reads it again and draws it in red.
        assert RED not in panel.screenshot_colours()
        standup(env, "now")
        wait_until(lambda: RED in panel.screenshot_colours(), timeout=10, interval=0.2)

        # The panel restarts: a new watcher, and the item registers with it again.
        panel.stop_panel()
        panel.start_panel()
        wait_until(lambda: registered(panel, name), timeout=10)
        wait_until(lambda: RED in panel.screenshot_colours(), timeout=10, interval=0.2)

        # The menu, opened with a right click on the icon and chosen from with the keyboard:
        # the panel sends each click, and the daemon does what the entry says.
        icon = panel.locate(RED)
        panel.choose(icon, name, "Snooze 10 min")
        state_becomes(env, "snoozed")
        assert status(env)["snoozes_used"] == 1
        # The click came from the panel (libdbusmenu sends EventGroup; nothing else here does).
        clicks = {("/MenuBar", MENU, "Event"), ("/MenuBar", MENU, "EventGroup")}
        assert clicks & set(panel.calls_to(unique))
        panel.choose(icon, name, "Pause 30 min")
        state_becomes(env, "paused")
        wait_until(lambda: GREY in panel.screenshot_colours(), timeout=10, interval=0.2)
        panel.choose(icon, name, "Resume")
        state_becomes(env, "sitting")
    assert "tray item registered" in daemon.log
