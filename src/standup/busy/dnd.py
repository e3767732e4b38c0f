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

A server that lacks a switch, a read that fails, or an answer of the wrong D-Bus type (the
string "false" where a boolean belongs) says "not paused"; each such problem is logged once,
until that switch reads well again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
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
    """True when the running notification server holds bubbles back; one bus connection.

    `modes` are the mako modes that mean do not disturb (`busy.dnd_modes`)."""

    def __init__(
        self, client: BusClient | None = None, *, modes: Iterable[str] = DEFAULT_MODES
    ) -> None:
        self._client = client or BusClient("SESSION")
        self._servers: dict[str, tuple[str, str]] = {}  # owner -> (name, vendor)
        self.modes = tuple(modes)  # asked of mako only
        self._said: set[str] = set()  # problems already logged, until that read works again

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

    def dunst_paused(self) -> bool:
        return self._boolean_property("dunst's paused", "org.dunstproject.cmd0", "paused")

    def kde_inhibited(self) -> bool:
        return self._boolean_property("Plasma's Inhibited", NOTIFICATIONS, "Inhibited")

    def _boolean_property(self, what: str, interface: str, name: str) -> bool:
        from jeepney import DBusAddress, Properties

        address = DBusAddress(NOTIFICATIONS_PATH, bus_name=NOTIFICATIONS, interface=interface)
        try:
            body = self._client.call(Properties(address).get(name))
        except BusFailure:
            return False
        return self._boolean(what, body, variant=True)

    def gnome_banners_off(self) -> bool:
        return self._dconf(GNOME_BANNERS) is False

    def mate_dnd(self) -> bool:
        return self._dconf(MATE_DND) is True

    def xfce_dnd(self) -> bool:
        from jeepney import DBusAddress, MessageFlag, new_method_call

        address = DBusAddress("/org/xfce/Xfconf", bus_name="org.xfce.Xfconf",
                              interface="org.xfce.Xfconf")  # fmt: skip
        msg = new_method_call(address, "GetProperty", "ss", ("xfce4-notifyd", "/do-not-disturb"))
        msg.header.flags |= MessageFlag.no_auto_start  # no settings daemon: nothing is set
        try:
            body = self._client.call(msg)
        except BusFailure:  # PropertyNotFound: never switched on
            return False
        return self._boolean("xfconf's /do-not-disturb", body, variant=True)

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
            body = self._client.call(new_method_call(address, "ListModes"))
        except BusFailure as exc:
            if exc.error_name != "org.freedesktop.DBus.Error.UnknownMethod":
                raise
        else:
            # A string here is not a list of one-letter modes: anything but "as" is no answer.
            listed = len(body) == 1 and isinstance(body[0], list)
            if self._typed("mako's ListModes", listed and _all_str(body[0]), body, "as"):
                return list(body[0])
            return []
        body = self._client.call(new_method_call(address, "GetMode"))  # mako 1.7: one mode
        one = len(body) == 1 and isinstance(body[0], str)
        return [body[0]] if self._typed("mako's GetMode", one, body, "s") else []

    def swaync_dnd(self) -> bool:
        from jeepney import DBusAddress, new_method_call

        address = DBusAddress("/org/erikreider/swaync/cc", bus_name="org.erikreider.swaync.cc",
                              interface="org.erikreider.swaync.cc")  # fmt: skip
        try:
            body = self._client.call(new_method_call(address, "GetDnd"))
        except BusFailure:
            return False
        return self._boolean("swaync's GetDnd", body, variant=False)

    def _boolean(self, what: str, body: tuple[Any, ...], *, variant: bool) -> bool:
        """The one boolean in a reply body (inside a variant when `variant`); False when the
        body holds anything else: only a D-Bus "b" holds a reminder back."""
        value = body[0] if len(body) == 1 else None
        if variant:  # a variant arrives as (signature, value)
            if isinstance(value, tuple) and len(value) == 2 and value[0] == "b":
                value = value[1]
            else:
                value = None
        wanted = "a variant of b" if variant else "b"
        return self._typed(what, isinstance(value, bool), body, wanted) and bool(value)

    def _typed(self, what: str, ok: bool, body: tuple[Any, ...], wanted: str) -> bool:
        """`ok`, after one debug line (until it is ok again) for an answer of the wrong type."""
        if ok:
            self._said.discard(what)
        elif what not in self._said:
            self._said.add(what)
            logger.debug(
                "%s answered %s instead of %s: counted as not paused", what, _shape(body), wanted
            )
        return ok

    def _dconf(self, key: str) -> bool | None:
        try:
            value = busy_dconf.read_bool(key)
        except FileNotFoundError:
            value = None  # nothing was ever set: every key has its default
        except (OSError, ValueError) as exc:
            if "dconf" not in self._said:  # asked at each reminder: said once, not each time
                self._said.add("dconf")
                logger.warning("cannot read the dconf database, do not disturb is off: %s", exc)
            return None
        self._said.discard("dconf")
        return value

    def close(self) -> None:
        self._client.close()


def _all_str(items: list[Any]) -> bool:
    return all(isinstance(item, str) for item in items)


def _shape(body: tuple[Any, ...]) -> str:
    """What a reply body held, by type only: a hostile value may be megabytes long."""
    if len(body) == 1 and isinstance(body[0], tuple) and len(body[0]) == 2:
        signature = body[0][0]
        if isinstance(signature, str):
            return f"a variant of {signature[:20]!r}"
    return "(" + ", ".join(type(value).__name__ for value in body[:4]) + ")"
