"""Who serves org.freedesktop.Notifications, and what it can do: asked once per server.

The answer is kept per owner (the server's unique bus name) and forgotten when the name changes
hands, which the bus announces with NameOwnerChanged: nothing is asked while waiting, and
nothing twice for the same server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jeepney import DBusErrorResponse, MatchRule, Message
from jeepney.bus_messages import message_bus
from jeepney.io.threading import DBusRouter

from .. import bus_signals
from .connection import FIRST_CONTACT_TIMEOUT, call
from .message import BUS_NAME, new_get_capabilities, new_get_server_information

# Servers that answer CloseNotification but leave the bubble up: (name, vendor).
IGNORES_CLOSE = frozenset({("Notification Daemon", "GNOME")})
# Servers whose banner loses its buttons when replaced while on screen: a re-shown reminder
# there is a new notification, the old one closed first. (name, vendor): the first major
# version that keeps them. GNOME Shell 43 to 45 build a banner's buttons once; from 46 they
# follow the notification's actions (seen on 43 and 48).
REPLACE_DROPS_ACTIONS = {("gnome-shell", "GNOME"): 46}
# Servers where a countdown would run out of sight: GNOME Shell takes its banner down a moment
# after the user is active, and a low-urgency replace (every countdown frame) does not show it
# again, so the count goes on in the closed message list (seen on 43 and 48).
HIDES_LIVE_REPLACE = frozenset({("gnome-shell", "GNOME")})
# Servers that close a bubble whose button was pressed, "resident" hint or not (xfce4-notifyd
# 0.7, mate-notification-daemon 1.26): after Start or Stop the bubble is gone, so the next
# frame is a new notification. (name, vendor): GNOME's notification-daemon keeps it.
CLOSES_ON_ACTION = frozenset({("Xfce Notify Daemon", "Xfce"), ("Notification Daemon", "MATE")})
# Servers that draw a "value" hint as a bare gauge, the body and the buttons hidden (xfce4-notifyd
# 0.7, its volume-OSD style): a countdown frame goes there without its bar.
VALUE_HIDES_TEXT = frozenset({"Xfce Notify Daemon"})
# How many buttons a bubble shows, by server name; beyond them actions are lost or crowded.
# GNOME Shell shows three. Plasma, swaync and xfce4-notifyd put every action in one row that
# squeezes and cuts the labels, so four is the most that stays readable; notification-daemon
# (GNOME's, MATE's) widens its bubble for a row of four at their full width (measured on both).
# dunst and mako list actions in a menu (the context menu, `dunstctl action`, `makoctl menu`),
# so they take any number (None).
ACTION_SLOTS: dict[str, int | None] = {
    "gnome-shell": 3,
    "Plasma": 4,
    "SwayNotificationCenter": 4,
    "Xfce Notify Daemon": 4,
    "Notification Daemon": 4,
    "dunst": None,
    "mako": None,
}
DEFAULT_SLOTS = 3  # an unknown server: as few as GNOME, so the first answers always show
# Actions whose bubble is then replaced every second: useless where that loses the buttons or
# the banner (`no_live_replace`).
NEEDS_LIVE_REPLACE = frozenset({"start"})
# Plasma refuses a Notify identical to the one before within a second; for a replace that
# means the bubble already says exactly this.
EXCESS = "org.freedesktop.Notifications.Error.ExcessNotificationGeneration"
# A server that takes the name before it exports its object answers the call that started it
# with UnknownMethod ("Object does not exist at path"); asked again a moment later, it answers
# (swaync 0.12 when the bus starts it, for about 20 ms). Asked up to a second, then it is an error.
STARTING = "org.freedesktop.DBus.Error.UnknownMethod"
START_PAUSE = 0.05
START_TRIES = 20


@dataclass(frozen=True)
class ServerInfo:
    owner: str  # the unique name (":1.42") that sends this server's signals
    name: str
    vendor: str
    version: str
    spec_version: str
    capabilities: frozenset[str]

    @property
    def actions(self) -> bool:
        return "actions" in self.capabilities

    @property
    def sound(self) -> bool:
        """Whether the server plays a notification's sound-name hint (GNOME Shell, Plasma
        6.4+); elsewhere we play it ourselves."""
        return "sound" in self.capabilities

    @property
    def markup(self) -> bool:
        """Whether the server parses the body as markup, so our text must be escaped."""
        return "body-markup" in self.capabilities

    @property
    def ignores_close(self) -> bool:
        return (self.name, self.vendor) in IGNORES_CLOSE

    @property
    def replace_drops_actions(self) -> bool:
        keeps_from = REPLACE_DROPS_ACTIONS.get((self.name, self.vendor))
        return keeps_from is not None and _major(self.version) < keeps_from

    @property
    def no_live_replace(self) -> bool:
        """A bubble replaced every second would lose its buttons or leave the screen."""
        return self.replace_drops_actions or (self.name, self.vendor) in HIDES_LIVE_REPLACE

    @property
    def closes_on_action(self) -> bool:
        return (self.name, self.vendor) in CLOSES_ON_ACTION

    @property
    def value_hides_text(self) -> bool:
        return self.name in VALUE_HIDES_TEXT

    @property
    def action_slots(self) -> int | None:
        """How many buttons the server shows; None: as many as it gets."""
        return ACTION_SLOTS.get(self.name, DEFAULT_SLOTS)

    def fit_actions(self, actions: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        """The actions this server can show, in their order of importance: the first ones
        (Done, Snooze, Skip) always, later ones only where there is room."""
        if not self.actions:
            return ()
        kept = tuple(
            pair for pair in actions if not (pair[0] in NEEDS_LIVE_REPLACE and self.no_live_replace)
        )
        slots = self.action_slots
        return kept if slots is None else kept[:slots]

    def describe(self) -> str:
        return f"{self.name} {self.version}".strip() if self.version else self.name

    def as_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "vendor": self.vendor,
            "version": self.version,
            "spec_version": self.spec_version,
            "capabilities": sorted(self.capabilities),
        }


def _major(version: str) -> int:
    """48 for "48.7"; 0 (the oldest) when the version does not start with a number.

    ASCII digits only: a server names its own version, and int() refuses "²", which
    str.isdigit() accepts."""
    digits = version.split(".")[0].strip()
    return int(digits) if digits.isascii() and digits.isdecimal() else 0


def query_server(
    router: DBusRouter,
    timeout: float = FIRST_CONTACT_TIMEOUT,
    sleep: Callable[[float], None] = time.sleep,
) -> ServerInfo:
    """Ask the server (starting it when it is activatable) who it is and what it offers."""
    capabilities = _first_call(router, timeout, sleep)  # first: this activates it
    (owner,) = call(router, message_bus.GetNameOwner(BUS_NAME), timeout)
    name, vendor, version, spec = call(router, new_get_server_information(), timeout)
    return ServerInfo(owner, name, vendor, version, spec, frozenset(capabilities))


def _first_call(router: DBusRouter, timeout: float, sleep: Callable[[float], None]) -> Any:
    """GetCapabilities, asked again while the server is still starting (STARTING)."""
    for _ in range(START_TRIES - 1):
        try:
            return call(router, new_get_capabilities(), timeout)[0]
        except DBusErrorResponse as exc:
            if exc.name != STARTING:
                raise
        sleep(START_PAUSE)
    return call(router, new_get_capabilities(), timeout)[0]


def server_present(router: DBusRouter) -> bool:
    """Something owns the name, or the bus starts a server on the first call."""
    if call(router, message_bus.NameHasOwner(BUS_NAME))[0]:
        return True
    return BUS_NAME in call(router, message_bus.ListActivatableNames())[0]


def owner_changed_rule() -> MatchRule:
    """NameOwnerChanged for org.freedesktop.Notifications: the server started, stopped or was
    replaced, so what we know of it is stale."""
    return bus_signals.owner_changed_rule(BUS_NAME)


def is_owner_change(msg: Message) -> bool:
    return bool(owner_changed_rule().matches(msg))


__all__ = ["ServerInfo", "is_owner_change", "owner_changed_rule", "query_server", "server_present"]
