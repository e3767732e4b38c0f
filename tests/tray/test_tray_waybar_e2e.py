"""`standup run` in waybar's tray (Debian's waybar, in a headless sway): the item registers with
waybar's own watcher, waybar reads it and draws it, its tooltip and icon follow the state, each
menu entry clicked in waybar's menu does what it says, and the item is back after waybar
restarts."""

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
)

from desktop_rigs.tray_waybar import WaybarTray, missing

from rig import wait_until

pytestmark = pytest.mark.e2e

MENU_BAR = ("/MenuBar", MENU)
# The entries waybar draws, top down, separators left out (README, "## Tray").
SITTING = ("Exercise now", "Pause 30 min", "Pause 1 hour", "Pause until tomorrow", "breaks")
PAUSED = ("Exercise now", "Resume", "breaks")
REMINDING = ("Done", "Snooze 10 min", "Skip", *SITTING)


@pytest.fixture(scope="module")
def waybar() -> Iterator[WaybarTray]:
    yield from running("waybar", missing(), WaybarTray)


def _choose(waybar: WaybarTray, shown: tuple[str, ...], label: str) -> None:
    """Open the item's menu in waybar and click `label` in it."""
    entries = waybar.open_menu()
    assert len(entries) == len(shown), f"waybar shows {len(entries)} entries, not {shown}"
    waybar.click(*entries[shown.index(label)])
    waybar.park_pointer()
    wait_until(lambda: not waybar.menu_entries(), timeout=10, interval=0.1)


def _tooltip_width(waybar: WaybarTray) -> int:
    """Hover the icon until waybar shows the tooltip; its width in pixels. GTK may let a hover
    pass without one (just after a menu closed, on a busy machine): then the pointer leaves
    and comes back, as a user's would, a few times at most."""
    waybar.park_pointer()
    calm = waybar.calm_below_bar()  # no tooltip: the last one was waited away
    box = None
    for _attempt in range(4):
        waybar.move(*wait_until(waybar.icon_centre, timeout=10))
        try:
            box = wait_until(lambda: waybar.tooltip_box(calm), timeout=4, interval=0.1)
            break
        except TimeoutError:
            waybar.park_pointer()
    assert box is not None, "waybar showed no tooltip for the item on four hovers"
    left, _, right, _ = box
    waybar.park_pointer()
    wait_until(lambda: waybar.tooltip_box(calm) is None, timeout=10, interval=0.1)
    return int(right - left)


def _clicks(waybar: WaybarTray, unique: str) -> int:
    """The dbusmenu clicks waybar sent the item (libdbusmenu sends them as EventGroup)."""
    return sum(call[:2] == MENU_BAR and call[2] in ("Event", "EventGroup")
               for call in waybar.calls_to(unique))  # fmt: skip


def _colours(waybar: WaybarTray) -> set[tuple[int, int, int]]:
    return waybar.bar().colours()


def test_waybar_shows_the_item_follows_it_drives_its_menu_and_has_it_back(
    waybar: WaybarTray,
) -> None:
    env = {**os.environ, **waybar.env}
    with daemon_on(env) as daemon:
        name = daemon.name
        wait_until(lambda: registered(waybar, name), timeout=10)
        unique = waybar.owner_of(name)

        # waybar reads the item and its menu, and draws the icon on the bar.
        read_item(waybar, unique)
        waybar.park_pointer()
        wait_until(waybar.icon_centre, timeout=10)
        assert not {GREY, RED} & _colours(waybar)
        sitting_tooltip = _tooltip_width(waybar)

        # Pause 30 min, clicked in waybar's menu: paused, drawn grey, a shorter tooltip
        # ("Paused until 15:30" against "Sitting 0 min; next reminder at 16:20").
        _choose(waybar, SITTING, "Pause 30 min")
        state_becomes(env, "paused")
        wait_until(lambda: _clicks(waybar, unique) >= 1, timeout=10)  # the click came from waybar
        wait_until(lambda: GREY in _colours(waybar), timeout=10, interval=0.2)
        assert _tooltip_width(waybar) < sitting_tooltip

        # Resume, from the paused menu.
        _choose(waybar, PAUSED, "Resume")
        state_becomes(env, "sitting")
        wait_until(lambda: _clicks(waybar, unique) >= 2, timeout=10)
        wait_until(lambda: GREY not in _colours(waybar), timeout=10, interval=0.2)

        # Exercise now: a reminder, drawn red; Done answers it.
        _choose(waybar, SITTING, "Exercise now")
        state_becomes(env, "reminding")
        wait_until(lambda: RED in _colours(waybar), timeout=10, interval=0.2)
        _choose(waybar, REMINDING, "Done")
        state_becomes(env, "sitting")
        wait_until(lambda: RED not in _colours(waybar), timeout=10, interval=0.2)

        # waybar restarts: a new watcher, and the item registers with it and is drawn again.
        standup(env, "pause", "30m")
        wait_until(lambda: GREY in _colours(waybar), timeout=10, interval=0.2)
        waybar.stop_waybar()
        waybar.start_waybar()
        wait_until(lambda: registered(waybar, name), timeout=10)
        wait_until(lambda: GREY in _colours(waybar), timeout=10, interval=0.2)
    assert "tray item registered" in daemon.log
