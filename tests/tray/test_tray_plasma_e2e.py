"""`standup run` in Plasma's system tray (Debian's plasmashell 5.27 or 6, kded's watcher, on
Xvfb): the item registers, the tray reads it and shows it with its tooltip, the icon follows
the state, the menu the tray pops up does what it says, and the item is back after plasmashell
and kded restart."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from traykit import GREY, MENU, PROPS, RED, daemon_on, registered, running, state_becomes, status

from desktop_rigs.tray_plasma import PlasmaTray, missing
from standup.tray.view import DONE, IDS, NOW, PAUSE_30, RESUME, tooltip

from rig import wait_until

pytestmark = pytest.mark.e2e

TITLE = "standup"  # the item's Title: the name the tray gives its button


@pytest.fixture(scope="module")
def tray() -> Iterator[PlasmaTray]:
    yield from running("Plasma", missing(), PlasmaTray)


def _shows_tooltip_of(tray: PlasmaTray, env: dict[str, str]) -> bool:
    """The tray's tooltip text is what the daemon's state says in words."""
    return tray.tooltip(TITLE) == tooltip(status(env))


def _clicked(tray: PlasmaTray, *names: str) -> set[int]:
    """The menu entries the tray sent a click for (com.canonical.dbusmenu Event)."""
    return {entry for entry, event in tray.menu_events(*names) if event == "clicked"}


def _shows(tray: PlasmaTray, colour: tuple[int, int, int]) -> bool:
    return colour in tray.colours(TITLE)


def test_plasma_tray_shows_the_item_and_its_menu_works(tray: PlasmaTray) -> None:
    env = {**os.environ, **tray.env}
    with daemon_on(env) as daemon:
        name = daemon.name
        wait_until(lambda: registered(tray, name), timeout=15)
        unique = tray.owner_of(name)

        # The tray reads the item and shows it as a button with the tooltip's words.
        wait_until(lambda: ("/StatusNotifierItem", PROPS, "GetAll") in tray.calls_to(name, unique),
                   timeout=15)  # fmt: skip
        wait_until(lambda: _shows_tooltip_of(tray, env), timeout=20, interval=0.1)
        assert not _shows(tray, GREY) and not _shows(tray, RED)

        # Pause 30 min from the tray's menu: paused, drawn grey, the tooltip says until when.
        tray.choose(TITLE, "Pause 30 min")
        state_becomes(env, "paused", timeout=15)
        wait_until(lambda: _shows(tray, GREY), timeout=15, interval=0.2)
        wait_until(lambda: _shows_tooltip_of(tray, env), timeout=15, interval=0.1)
        assert (tray.tooltip(TITLE) or "").startswith("Paused until ")
        # The tray fetched the menu when it opened it, and the click came from the tray.
        wanted = {("/MenuBar", MENU, "AboutToShow"), ("/MenuBar", MENU, "GetLayout")}
        assert wanted <= set(tray.calls_to(name, unique))
        wait_until(lambda: IDS[PAUSE_30] in _clicked(tray, name, unique), timeout=10)

        # Resume from the menu the tray now shows (Resume in place of the pauses).
        tray.choose(TITLE, "Resume")
        state_becomes(env, "sitting", timeout=15)
        wait_until(lambda: not _shows(tray, GREY), timeout=15, interval=0.2)

        # Exercise now: a reminder, drawn red, the tooltip names the exercise; Done answers it.
        tray.choose(TITLE, "Exercise now")
        state_becomes(env, "reminding", timeout=15)
        wait_until(lambda: _shows(tray, RED), timeout=15, interval=0.2)
        wait_until(lambda: _shows_tooltip_of(tray, env), timeout=15, interval=0.1)
        tray.choose(TITLE, "Done")
        state_becomes(env, "sitting", timeout=15)
        wait_until(lambda: not _shows(tray, RED), timeout=15, interval=0.2)
        clicks = {IDS[RESUME], IDS[NOW], IDS[DONE]}
        wait_until(lambda: clicks <= _clicked(tray, name, unique), timeout=10)

        # plasmashell and kded restart: a new watcher, and the item registers with it again;
        # the new tray shows it, and its menu counts the break just taken.
        tray.restart_host()
        wait_until(lambda: registered(tray, name), timeout=15)
        wait_until(lambda: _shows_tooltip_of(tray, env), timeout=20, interval=0.1)
        entries = tray.open_menu(TITLE)
        tray.close_menu()
        assert "Pause 30 min" in entries and entries["Pause 30 min"].enabled
        assert "1 break today" in entries and not entries["1 break today"].enabled
    assert "tray item registered" in daemon.log
