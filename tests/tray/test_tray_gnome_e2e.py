"""`standup run` in GNOME Shell's top bar (Debian's gnome-shell with its AppIndicator extension,
headless): the item registers with the extension's watcher, the bar shows its icon and label,
the menu works through the shell's own clicks, and the item is back after the host restarts."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from traykit import GREY, RED, daemon_on, read_item, registered, running, standup, status

from desktop_rigs.tray_gnome import GnomeTopBar, missing
from standup.tray.view import DONE, IDS, NOW, PAUSE_30, RESUME, spoken, tooltip

from rig import wait_until

pytestmark = pytest.mark.e2e

ITEM_ID = "standup"  # the item's Id, by which the bar's indicator is found
RESTARTS = 3  # of the host in one test: extension 46 loses the item in about half


@pytest.fixture(scope="module")
def bar() -> Iterator[GnomeTopBar]:
    yield from running("GNOME top bar", missing(), GnomeTopBar)


@pytest.fixture
def env(bar: GnomeTopBar) -> dict[str, str]:
    # The shell's bus and dconf; standup's state stays in the test's own XDG_STATE_HOME.
    return {**os.environ, **bar.env}


def _shown(bar: GnomeTopBar, *, label: bool = False) -> dict[str, Any]:
    """What the bar shows of the item, once it shows it (with a label beside it, if `label`)."""

    def showing() -> dict[str, Any] | None:
        shown = bar.shown(ITEM_ID)
        return shown if shown and shown["visible"] and (shown["label"] or not label) else None

    try:
        shown: dict[str, Any] = wait_until(showing, timeout=15, interval=0.05)
    except TimeoutError:
        raise AssertionError(f"the bar does not show the item: {bar.describe()}") from None
    return shown


def _choose(bar: GnomeTopBar, env: dict[str, str], label: str, state: str) -> None:
    """Click `label` in the item's menu in the bar; the daemon is then in `state`."""
    bar.choose(ITEM_ID, label)
    wait_until(lambda: status(env)["state"] == state, timeout=15, interval=0.1)


def _menu_labels(bar: GnomeTopBar) -> list[str]:
    """The labels of the item's menu entries in the bar, separators left out."""
    shown = bar.shown(ITEM_ID) or {"menu": []}
    return [entry["label"] for entry in shown["menu"] if entry["label"] not in ("", "-")]


def _restart(bar: GnomeTopBar, name: str) -> None:
    """The host restarts: the extension off (its watcher and indicators gone), then on, and
    the item registered with the new watcher."""
    bar.stop_host()
    assert bar.shown(ITEM_ID) is None
    bar.start_host()
    wait_until(lambda: registered(bar, name), timeout=15)


def _restart_until_drawn(bar: GnomeTopBar, name: str) -> None:
    """Restart the host until it draws the item. Only extension 46's own fault excuses another
    restart: now and then it keeps an item listed and never draws it, having wiped the item's
    Id from its cache ("Impossible to get basic properties: ... Argument two may not be null",
    its upstream issue 386, fixed in 47); no client can undo that but a restart."""
    stuck = f"{name}, Impossible to get basic properties"
    for _ in range(3):
        before = bar.log(tail=0).count(stuck)
        _restart(bar, name)
        try:
            _shown(bar)
            return
        except AssertionError:
            if bar.log(tail=0).count(stuck) == before:
                raise
    raise AssertionError(f"extension 46 lost the item at three restarts in a row: {bar.describe()}")


def _said(env: dict[str, str]) -> str:
    now = status(env)
    return spoken(tooltip(now), now["state"])


def _named_as_said(bar: GnomeTopBar, env: dict[str, str]) -> None:
    """The icon's accessible name is the daemon's state in words, as `spoken` puts it."""
    try:
        wait_until(lambda: _shown(bar)["accessibleName"] == _said(env), timeout=15)
    except TimeoutError:
        named, said = _shown(bar)["accessibleName"], _said(env)
        raise AssertionError(f"the bar names the icon {named!r}, not {said!r}") from None


def _label_served(bar: GnomeTopBar, name: str) -> str:
    return str(bar.item_property(name, "XAyatanaLabel"))


def test_the_top_bar_shows_the_item_runs_its_menu_and_has_it_back_after_a_restart(
    bar: GnomeTopBar, env: dict[str, str]
) -> None:
    with daemon_on(env) as daemon:
        name = daemon.name
        wait_until(lambda: registered(bar, name), timeout=15)
        unique = bar.owner_of(name)
        assert unique is not None

        # The shell reads the item and its menu, and shows the icon.
        read_item(bar, unique, timeout=15)
        # The bar builds its menu from the layout it fetched (asynchronously, once read).
        wanted_entries = ["Exercise now", "Pause 30 min", "Pause 1 hour", "Pause until tomorrow"]
        wait_until(lambda: _menu_labels(bar)[:4] == wanted_entries, timeout=15, interval=0.05)
        assert "Resume" not in _menu_labels(bar)
        assert GREY not in bar.icon_colours(ITEM_ID)

        # Pause from the menu, clicked in the bar: paused, drawn grey with two bars, no label.
        _choose(bar, env, "Pause 30 min", "paused")
        wait_until(lambda: GREY in bar.icon_colours(ITEM_ID), timeout=15, interval=0.1)
        assert bar.shown(ITEM_ID)["label"] == ""  # type: ignore[index]
        # The shell names the icon (for a screen reader) by the tooltip's words, less the
        # minutes: it shows no tooltip itself. (Extension 59 reads the name with the icon.)
        _named_as_said(bar, env)

        # Resume: the ring again, and beside it the minutes left, as the item serves them.
        # (Extension 46 shows the label from the start; 59 drops it from the first read and
        # shows it from the first XAyatanaNewLabel on, as here.)
        _choose(bar, env, "Resume", "sitting")
        wait_until(lambda: GREY not in bar.icon_colours(ITEM_ID), timeout=15, interval=0.1)
        shown = _shown(bar, label=True)
        assert shown["label"] == _label_served(bar, name)
        assert shown["label"].endswith("m") and shown["label"][:-1].isdigit()  # "50m"

        # A reminder from the menu, answered from the menu: the answers come first while it is up.
        _choose(bar, env, "Exercise now", "reminding")
        bar.open_menu(ITEM_ID)
        wait_until(lambda: _menu_labels(bar)[:3] == ["Done", "Snooze 10 min", "Skip"], timeout=15)
        _choose(bar, env, "Done", "sitting")

        # The host restarts (the extension off, then on, as at every unlock): a new watcher,
        # the item registers with it again, the bar shows it and its menu works. Extension 46
        # (GNOME 43) loses about half the items registered while it is being enabled: it lists
        # one, then drops it with a warning of its own; the item registers again by itself.
        for _ in range(RESTARTS):
            _restart_until_drawn(bar, name)
        _choose(bar, env, "Pause 30 min", "paused")
        wait_until(lambda: GREY in bar.icon_colours(ITEM_ID), timeout=15, interval=0.1)

        # Each click came from the shell as a dbusmenu click on the entry's id.
        unique_after = bar.owner_of(name)
        assert unique_after == unique
        clicked = [item for item, event in bar.menu_events(unique) if event == "clicked"]
        assert clicked == [IDS[PAUSE_30], IDS[RESUME], IDS[NOW], IDS[DONE], IDS[PAUSE_30]]
    assert daemon.log.count("tray item registered") >= 1 + RESTARTS, daemon.log


def test_the_top_bar_draws_a_reminder_in_red(bar: GnomeTopBar, env: dict[str, str]) -> None:
    with daemon_on(env):
        _shown(bar)
        assert RED not in bar.icon_colours(ITEM_ID)
        standup(env, "now")
        # The bar has taken the new status in once it drops the label (it shows none then).
        wait_until(lambda: not _shown(bar)["label"], timeout=15, interval=0.05)
        wait_until(lambda: RED in bar.icon_colours(ITEM_ID), timeout=3, interval=0.1)
