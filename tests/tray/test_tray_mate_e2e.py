"""`standup run` in MATE's panel (Debian's mate-panel, its Notification Area applet, on Xvfb): the
item registers with the applet's own watcher, the panel reads it and draws it, follows the
state, its menu entries work when chosen in the panel's menu, and the item is back after the
panel restarts."""

from __future__ import annotations

import json
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
)

from desktop_rigs.tray_mate import MatePanel, missing

from rig import wait_until

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def panel() -> Iterator[MatePanel]:
    yield from running("mate-panel", missing(), MatePanel)


def _done_today(env: dict[str, str]) -> int:
    return int(json.loads(standup(env, "stats", "--days", "1", "--json"))["days"][-1]["done"])


def test_mate_panel_shows_the_item_drives_its_menu_and_has_it_back_after_a_restart(
    panel: MatePanel,
) -> None:
    env = {**os.environ, **panel.env}
    with daemon_on(env) as daemon:
        name = daemon.name
        wait_until(lambda: registered(panel, name), timeout=10)
        unique = panel.owner_of(name)

        # The panel reads the item and its menu, as it does for any item.
        read_item(panel, unique)

        # Paused from the command line: the panel draws the two grey bars.
        assert GREY not in panel.screenshot_colours()
        standup(env, "pause", "30m")
        wait_until(lambda: GREY in panel.screenshot_colours(), timeout=10, interval=0.2)
        icon = panel.locate(GREY)

        # Resume, chosen in the panel's menu: the panel sends the click, the daemon resumes.
        panel.choose(icon, name, "Resume")
        state_becomes(env, "sitting")
        assert ("/MenuBar", MENU, "Event") in panel.calls_to(unique)
        wait_until(lambda: GREY not in panel.screenshot_colours(), timeout=10, interval=0.2)

        # Exercise now: a reminder, drawn in red; the panel was given the new tooltip.
        assert RED not in panel.screenshot_colours()
        panel.choose(icon, name, "Exercise now")
        state_becomes(env, "reminding")
        wait_until(lambda: RED in panel.screenshot_colours(), timeout=10, interval=0.2)
        wait_until(
            lambda: any(t.startswith("Time to stand up: ") for t in panel.tooltips_read(name)),
            timeout=10,
        )

        # Done answers the reminder: a new stretch, and a break counted.
        panel.choose(icon, name, "Done")
        state_becomes(env, "sitting")
        assert _done_today(env) == 1
        wait_until(lambda: RED not in panel.screenshot_colours(), timeout=10, interval=0.2)

        # Pause 30 min from the menu: paused until half an hour from now, drawn grey.
        panel.choose(icon, name, "Pause 30 min")
        state_becomes(env, "paused")
        assert "Paused until" in standup(env, "status")
        wait_until(lambda: GREY in panel.screenshot_colours(), timeout=10, interval=0.2)

        # The panel and its applet restart: a new watcher, and the item registers again.
        panel.stop_panel()
        panel.start_panel()
        wait_until(lambda: registered(panel, name), timeout=10)
        wait_until(lambda: GREY in panel.screenshot_colours(), timeout=10, interval=0.2)
    assert "tray item registered" in daemon.log
