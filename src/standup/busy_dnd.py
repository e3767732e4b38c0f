"""Do not disturb, asked over the session bus of whichever notification server is running.

- dunst: property `paused` of org.dunstproject.cmd0 (`dunstctl set-paused true`).
- KDE Plasma: property `Inhibited` of org.freedesktop.Notifications.
- GNOME: `show-banners` false in org.gnome.desktop.notifications, read through the settings
  portal (org.freedesktop.portal.Settings); no `gsettings` subprocess on every check.

A server that lacks a property simply answers with an error: that check says "not paused".
"""

from __future__ import annotations

from typing import Any

from standup.idle.bus import BusClient, BusFailure

NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
PORTAL = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"
PORTAL_SETTINGS = "org.freedesktop.portal.Settings"


def unwrap_variants(value: Any) -> Any:
    """The portal's Read() wraps its value in one variant more than ReadOne(); peel them all."""
    while isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str):
        signature, inner = value
        if signature != "v" and not isinstance(inner, tuple):
            return inner
        value = inner
    return value


class DoNotDisturbProbe:
    """True when the notification server holds bubbles back; one bus connection, reused."""

    def __init__(self, client: BusClient | None = None) -> None:
        self._client = client or BusClient("SESSION")

    def __call__(self) -> bool:
        return self.dunst_paused() or self.kde_inhibited() or self.gnome_banners_off()

    def _property(self, interface: str, name: str) -> Any:
        from jeepney import DBusAddress

        address = DBusAddress(NOTIFICATIONS_PATH, bus_name=NOTIFICATIONS, interface=interface)
        return self._client.get_property(address, name)

    def dunst_paused(self) -> bool:
        try:
            return bool(self._property("org.dunstproject.cmd0", "paused"))
        except BusFailure:
            return False

    def kde_inhibited(self) -> bool:
        try:
            return bool(self._property(NOTIFICATIONS, "Inhibited"))
        except BusFailure:
            return False

    def gnome_banners_off(self) -> bool:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress(PORTAL_PATH, bus_name=PORTAL, interface=PORTAL_SETTINGS)
        msg = new_method_call(
            address, "Read", "ss", ("org.gnome.desktop.notifications", "show-banners")
        )
        try:
            (value,) = self._client.call(msg)
        except BusFailure:
            return False
        return unwrap_variants(value) is False

    def close(self) -> None:
        self._client.close()
