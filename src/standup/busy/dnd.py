"""Do not disturb, read where each notification server keeps it.

Asked only when a reminder is due: which server owns org.freedesktop.Notifications (its
identity is kept per owner), then that server's own switch:

- dunst: property `paused` of org.dunstproject.cmd0 (`dunstctl set-paused true`).
- KDE Plasma: property `Inhibited` of org.freedesktop.Notifications.
- GNOME: `show-banners` false in org.gnome.desktop.notifications, read from the dconf database
  as GNOME stores it (the settings portal of GNOME 43 does not expose the key).
- MATE: `do-not-disturb` in org.mate.NotificationDaemon, from the dconf database too.
- Xfce: xfconf channel `xfce4-notifyd`, property `/do-not-disturb`.
- mako: an active mode named like one of `busy.dnd_modes` (mako's own docs call theirs
  `do-not-disturb`).
- swaync: GetDnd of org.erikreider.swaync.cc.

A server that lacks a switch, or a read that fails, says "not paused".
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from standup.busy import dconf as busy_dconf
from standup.idle.bus import BusClient, BusFailure

logger = logging.getLogger("standup.busy")

NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
GNOME_BANNERS = "/org/gnome/desktop/notifications/show-banners"
MATE_DND = "/org/mate/notification-daemon/do-not-disturb"
DEFAULT_MODES = ("do-not-disturb",)


class DoNotDisturbProbe:
    """True when the running notification server holds bubbles back; one bus connection."""

    def __init__(self, client: BusClient | None = None) -> None:
        self._client = client or BusClient("SESSION")
        self._servers: dict[str, tuple[str, str]] = {}  # owner -> (name, vendor)
        self.modes: tuple[str, ...] = DEFAULT_MODES  # mako modes that mean do-not-disturb

    def __call__(self) -> bool:
        server = self.server()
        if server is None:
            return False  # no server runs: nothing of its holds anything back
        probes = self._probes()
        probe = probes.get(server) or probes.get((server[0], ""))
        if probe is not None:
            return probe()
        # An unknown server: the two switches that live on the notification name itself.
        return self.kde_inhibited() or self.dunst_paused()

    def _probes(self) -> dict[tuple[str, str], Callable[[], bool]]:
        return {
            # (name, vendor) from GetServerInformation; "" matches any vendor.
            ("dunst", ""): self.dunst_paused,
            ("Plasma", ""): self.kde_inhibited,
            ("gnome-shell", ""): self.gnome_banners_off,
            ("Notification Daemon", "MATE"): self.mate_dnd,  # notification-daemon has none
            ("Xfce Notify Daemon", ""): self.xfce_dnd,
            ("mako", ""): self.mako_dnd,
            ("SwayNotificationCenter", ""): self.swaync_dnd,
        }

    def server(self) -> tuple[str, str] | None:
        """(name, vendor) of the server that owns the notification name now, or None."""
        from jeepney import new_method_call
        from jeepney.bus_messages import message_bus

        try:
            (owner,) = self._client.call(message_bus.GetNameOwner(NOTIFICATIONS))
        except BusFailure:
            return None  # NameHasNoOwner: no server runs
        if owner not in self._servers:
            from jeepney import DBusAddress

            address = DBusAddress(NOTIFICATIONS_PATH, bus_name=owner, interface=NOTIFICATIONS)
            try:
                name, vendor, *_ = self._client.call(
                    new_method_call(address, "GetServerInformation")
                )
            except (BusFailure, ValueError):
                return ("", "")
            self._servers = {owner: (str(name), str(vendor))}  # only the current owner matters
        return self._servers[owner]

    def _property(self, bus_name: str, path: str, interface: str, name: str) -> Any:
        from jeepney import DBusAddress

        address = DBusAddress(path, bus_name=bus_name, interface=interface)
        return self._client.get_property(address, name)

    def dunst_paused(self) -> bool:
        try:
            return bool(
                self._property(NOTIFICATIONS, NOTIFICATIONS_PATH, "org.dunstproject.cmd0", "paused")
            )
        except BusFailure:
            return False

    def kde_inhibited(self) -> bool:
        try:
            return bool(
                self._property(NOTIFICATIONS, NOTIFICATIONS_PATH, NOTIFICATIONS, "Inhibited")
            )
        except BusFailure:
            return False

    def gnome_banners_off(self) -> bool:
        return _dconf(GNOME_BANNERS) is False

    def mate_dnd(self) -> bool:
        return _dconf(MATE_DND) is True

    def xfce_dnd(self) -> bool:
        from jeepney import DBusAddress, MessageFlag, new_method_call

        address = DBusAddress("/org/xfce/Xfconf", bus_name="org.xfce.Xfconf",
                              interface="org.xfce.Xfconf")  # fmt: skip
        msg = new_method_call(address, "GetProperty", "ss", ("xfce4-notifyd", "/do-not-disturb"))
        msg.header.flags |= MessageFlag.no_auto_start  # no settings daemon: nothing is set
        try:
            ((_signature, value),) = self._client.call(msg)
        except (BusFailure, ValueError):  # PropertyNotFound: never switched on
            return False
        return value is True

    def mako_dnd(self) -> bool:
        try:
            modes = self._mako_modes()
        except BusFailure:
            return False
        return any(mode in self.modes for mode in modes)

    def _mako_modes(self) -> list[str]:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress("/fr/emersion/Mako", bus_name=NOTIFICATIONS,
                              interface="fr.emersion.Mako")  # fmt: skip
        try:  # mako 1.8 and later: a list of active modes
            (modes,) = self._client.call(new_method_call(address, "ListModes"))
            return [str(mode) for mode in modes]
        except BusFailure as exc:
            if exc.error_name != "org.freedesktop.DBus.Error.UnknownMethod":
                raise
        (mode,) = self._client.call(new_method_call(address, "GetMode"))  # mako 1.7: one mode
        return [str(mode)]

    def swaync_dnd(self) -> bool:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress("/org/erikreider/swaync/cc", bus_name="org.erikreider.swaync.cc",
                              interface="org.erikreider.swaync.cc")  # fmt: skip
        try:
            (value,) = self._client.call(new_method_call(address, "GetDnd"))
        except BusFailure:
            return False
        return value is True

    def close(self) -> None:
        self._client.close()


def _dconf(key: str) -> bool | None:
    try:
        return busy_dconf.read_bool(key)
    except FileNotFoundError:
        return None  # nothing was ever set: every key has its default
    except (OSError, ValueError) as exc:
        logger.debug("cannot read the dconf database: %s", exc)
        return None
