"""A StatusNotifierWatcher for tests, and a host's view of an item: what a panel would call."""

from __future__ import annotations

import threading
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    MessageType,
    new_method_call,
    new_method_return,
    new_signal,
)
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import unwrap_msg

from fake_bus_server import FakeBusServer

WATCHER = "org.kde.StatusNotifierWatcher"
ITEM = "org.kde.StatusNotifierItem"
MENU = "com.canonical.dbusmenu"
PROPS = "org.freedesktop.DBus.Properties"
WATCHER_OBJECT = DBusAddress("/StatusNotifierWatcher", interface=WATCHER)


def dropped(item_id: str) -> Any:
    """The watcher's StatusNotifierItemUnregistered for `item_id`."""
    return new_signal(WATCHER_OBJECT, "StatusNotifierItemUnregistered", "s", (item_id,))


class FakeWatcher(FakeBusServer):
    """Keeps the items registered with it, by the name they gave and their sender. With
    `losing`, it lets each item go again as soon as it has answered, as GNOME's extension 46
    does with some while it is being enabled."""

    def __init__(self, address: str, *, losing: bool = False) -> None:
        super().__init__(address, WATCHER)
        self.items: list[tuple[str, str]] = []  # (service given, sender)
        self._lock = threading.Lock()
        self.losing = losing

    def answer(self, member: str, msg: Any) -> Any:
        if member == "RegisterStatusNotifierItem":
            with self._lock:
                self.items.append((msg.body[0], msg.header.fields[HeaderFields.sender]))
            return new_method_return(msg)
        if member == "Get" and msg.body[1] == "RegisteredStatusNotifierItems":
            return new_method_return(msg, "v", (("as", self.registered()),))
        return None

    def registered(self) -> list[str]:
        with self._lock:
            return [service for service, _ in self.items]

    def answered(self, member: str, msg: Any) -> None:
        if member == "RegisterStatusNotifierItem" and self.losing:
            self.emit(dropped(msg.body[0]))

    def drop(self, item_id: str) -> None:
        """Let the item go, as a watcher does when it loses one."""
        self.emit(dropped(item_id))


class Host:
    """A client of the bus that reads an item and its menu as a panel does."""

    def __init__(self, address: str) -> None:
        self.conn = open_dbus_connection(address)

    def close(self) -> None:
        self.conn.close()

    def call(
        self, name: str, path: str, iface: str, member: str, sig: str | None = None, *args: Any
    ) -> tuple[Any, ...]:
        msg = new_method_call(DBusAddress(path, bus_name=name, interface=iface), member, sig, args)
        return tuple(unwrap_msg(self.conn.send_and_get_reply(msg, timeout=5)))

    def raw(self, name: str, path: str, iface: str, member: str) -> Any:
        """The reply message itself, error or not."""
        msg = new_method_call(DBusAddress(path, bus_name=name, interface=iface), member)
        return self.conn.send_and_get_reply(msg, timeout=5)

    def items(self) -> list[str]:
        """The names on the bus that look like tray items."""
        (names,) = unwrap_msg(self.conn.send_and_get_reply(message_bus.ListNames(), timeout=5))
        return [n for n in names if n.startswith(ITEM + "-")]

    def properties(self, name: str) -> dict[str, Any]:
        (props,) = self.call(name, "/StatusNotifierItem", PROPS, "GetAll", "s", ITEM)
        return {k: v[1] for k, v in props.items()}

    def menu(self, name: str) -> list[tuple[int, dict[str, Any]]]:
        """The menu's entries: (id, {property: value})."""
        _, (_, _, children) = self.call(name, "/MenuBar", MENU, "GetLayout", "iias", 0, -1, [])
        return [(c[1][0], {k: v[1] for k, v in c[1][1].items()}) for c in children]

    def entry(self, name: str, label: str) -> tuple[int, dict[str, Any]]:
        return next(e for e in self.menu(name) if e[1].get("label") == label)

    def click(self, name: str, label: str) -> None:
        entry_id, _ = self.entry(name, label)
        self.call(name, "/MenuBar", MENU, "Event", "isvu", entry_id, "clicked", ("s", ""), 0)


def is_error(msg: Any) -> bool:
    return bool(msg.header.message_type is MessageType.error)
