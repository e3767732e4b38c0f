"""`standup run` in waybar's tray (Debian's waybar, in a headless sway): the item registers with
waybar's own watcher, waybar reads it and draws it, its tooltip and icon follow the state, each
menu entry clicked in waybar's menu does what it says, and the item is back after waybar
restarts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from desktop_rigs.tray_waybar import WaybarTray, missing
from standup.tray.icon import LOOKS

from rig import rig_unavailable, standup_status, start_standup, stop_standup, wait_until

pytestmark = pytest.mark.e2e

PROPS = "org.freedesktop.DBus.Properties"
MENU = ("/MenuBar", "com.canonical.dbusmenu")
# The entries waybar draws, top down, separators left out (README, "## Tray").
SITTING = ("Exercise now", "Pause 30 min", "Pause 1 hour", "Pause until tomorrow", "breaks")
PAUSED = ("Exercise now", "Resume", "breaks")
REMINDING = ("Done", "Snooze 10 min", "Skip", *SITTING)


@pytest.fixture(scope="module")
def waybar() -> Iterator[WaybarTray]:
    lacking = missing()
    if lacking:
        rig_unavailable(f"the waybar tray rig needs {', '.join(lacking)}")
    host = WaybarTray()
    host.start()
    yield host
    host.stop()


def _registered(waybar: WaybarTray, name: str) -> bool:
    return any(name in item for item in waybar.registered_items())


def _state(env: dict[str, str]) -> str:
    status: dict[str, Any] | None = standup_status(env)
    return status["state"] if status else ""


def _choose(waybar: WaybarTray, shown: tuple[str, ...], label: str) -> None:
    """Open the item's menu in waybar and click `label` in it."""
    entries = waybar.open_menu()
    assert len(entries) == len(shown), f"waybar shows {len(entries)} entries, not {shown}"
    waybar.click(*entries[shown.index(label)])
    waybar.park_pointer()
    wait_until(lambda: not waybar.menu_entries(), timeout=10, interval=0.1)


def _tooltip_width(waybar: WaybarTray) -> int:
    """Hover the icon until waybar shows the tooltip; its width in pixels."""
    waybar.park_pointer()
    calm = waybar.calm_below_bar()  # no tooltip: the last one was waited away
    waybar.move(*wait_until(waybar.icon_centre, timeout=10))
    left, _, right, _ = wait_until(lambda: waybar.tooltip_box(calm), timeout=10, interval=0.1)
    waybar.park_pointer()
    wait_until(lambda: waybar.tooltip_box(calm) is None, timeout=10, interval=0.1)
    return int(right - left)


def _clicks(waybar: WaybarTray, unique: str) -> int:
    """The dbusmenu clicks waybar sent the item (libdbusmenu sends them as EventGroup)."""
    return sum(call[:2] == MENU and call[2] in ("Event", "EventGroup")
               for call in waybar.calls_to(unique))  # fmt: skip


def _colours(waybar: WaybarTray) -> set[tuple[int, int, int]]:
    return waybar.bar().colours()


def test_waybar_shows_the_item_follows_it_drives_its_menu_and_has_it_back(
    waybar: WaybarTray,
) -> None:
    env = {**os.environ, **waybar.env}
    proc = start_standup(env)
    try:
        name = f"org.kde.StatusNotifierItem-{proc.pid}-1"
        wait_until(lambda: _registered(waybar, name), timeout=10)
        unique = waybar.owner_of(name)

        # waybar reads the item and its menu, and draws the icon on the bar.
        wanted = {("/StatusNotifierItem", PROPS, "GetAll"), (*MENU, "GetLayout")}
        wait_until(lambda: wanted <= set(waybar.calls_to(unique)), timeout=10)
        grey, red = LOOKS["paused"].fill, LOOKS["reminding"].fill
        waybar.park_pointer()
        wait_until(waybar.icon_centre, timeout=10)
        assert not {grey, red} & _colours(waybar)
        sitting_tooltip = _tooltip_width(waybar)

        # Pause 30 min, clicked in waybar's menu: paused, drawn grey, a shorter tooltip
        # ("Paused until 15:30" against "Sitting 0 min; next reminder at 16:20").
        _choose(waybar, SITTING, "Pause 30 min")
        wait_until(lambda: _state(env) == "paused", timeout=10)
        wait_until(lambda: _clicks(waybar, unique) >= 1, timeout=10)  # the click came from waybar
        wait_until(lambda: grey in _colours(waybar), timeout=10, interval=0.2)
        assert _tooltip_width(waybar) < sitting_tooltip

        # Resume, from the paused menu.
        _choose(waybar, PAUSED, "Resume")
        wait_until(lambda: _state(env) == "sitting", timeout=10)
        wait_until(lambda: _clicks(waybar, unique) >= 2, timeout=10)
        wait_until(lambda: grey not in _colours(waybar), timeout=10, interval=0.2)

        # Exercise now: a reminder, drawn red; Done answers it.
        _choose(waybar, SITTING, "Exercise now")
        wait_until(lambda: _state(env) == "reminding", timeout=10)
        wait_until(lambda: red in _colours(waybar), timeout=10, interval=0.2)
        _choose(waybar, REMINDING, "Done")
        wait_until(lambda: _state(env) == "sitting", timeout=10)
        wait_until(lambda: red not in _colours(waybar), timeout=10, interval=0.2)

        # waybar restarts: a new watcher, and the item registers with it and is drawn again.
        subprocess.run([sys.executable, "-m", "standup", "pause", "30m"], env=env, check=True,
                       capture_output=True, timeout=30)  # fmt: skip
        wait_until(lambda: grey in _colours(waybar), timeout=10, interval=0.2)
        waybar.stop_waybar()
        waybar.start_waybar()
        wait_until(lambda: _registered(waybar, name), timeout=10)
        wait_until(lambda: grey in _colours(waybar), timeout=10, interval=0.2)
    finally:
        code, log = stop_standup(proc)
    assert code == 0, log
    assert "tray item registered" in log
