"""A tray host's side of the bus, whatever it draws on: its org.kde.StatusNotifierWatcher, the
items registered with it, and a record of the method calls it makes.

The record is a `dbus-monitor` (allowed to eavesdrop on the rig's private bus) writing to a log
that the readers here parse: which calls reached an item, the dbusmenu clicks the host sent,
the tooltips it was given. Hosts call an item by the name it registered (Plasma, MATE) or by
its unique name (Xfce, waybar, GNOME), so the readers take any number of names.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jeepney import DBusAddress, Message, new_method_call
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from jeepney.wrappers import DBusErrorResponse, unwrap_msg

from desktop_rigs.base import RigError, wait_until

from rig import _kill_group

WATCHER = "org.kde.StatusNotifierWatcher"
MENU = "com.canonical.dbusmenu"


class TrayBus:
    """What a tray test reads on its host's bus. A rig that inherits it gives `bus_address` and
    `calls_log`, calls record_calls() once its bus is up and stop_recording() when it stops."""

    calls_log: Path
    _recorder: subprocess.Popen[bytes] | None = None

    @property
    def bus_address(self) -> str:
        raise NotImplementedError

    # ---- the recorder ----------------------------------------------------------------------------

    def record_calls(self, *also: str) -> None:
        """Record every method call on the bus from now on, and what the match rules `also`
        name (the replies, for tooltips_read; LayoutUpdated, for has_current_menu)."""
        with self.calls_log.open("wb") as out:
            self._recorder = subprocess.Popen(
                ["dbus-monitor", "--address", self.bus_address, "type='method_call'", *also],
                stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip

    def stop_recording(self) -> None:
        _kill_group(self._recorder)
        self._recorder = None

    def _recorded(self) -> str:
        return self.calls_log.read_text(errors="replace")

    # ---- what the watcher knows ------------------------------------------------------------------

    def _bus_call(self, msg: Message) -> tuple[Any, ...]:
        conn = open_dbus_connection(self.bus_address)
        try:
            return tuple(unwrap_msg(conn.send_and_get_reply(msg, timeout=5)))
        finally:
            conn.close()

    def owner_of(self, name: str) -> str:
        """The unique name that owns `name`; raises DBusErrorResponse while none does."""
        (owner,) = self._bus_call(message_bus.GetNameOwner(name))
        return str(owner)

    def watcher(self) -> str | None:
        """The unique name of the watcher, None while there is none."""
        try:
            return self.owner_of(WATCHER)
        except DBusErrorResponse:
            return None

    def wait_for_watcher(self, host: str, log: Callable[[], str]) -> None:
        """Wait for `host` to serve the watcher; RigError with its `log()` if it does not."""
        try:
            wait_until(lambda: self.watcher() is not None, timeout=30, interval=0.05)
        except TimeoutError:
            raise RigError(f"{host} offered no {WATCHER}: {log()}") from None

    def wait_watcher_gone(self) -> None:
        wait_until(lambda: self.watcher() is None, timeout=10, interval=0.05)

    def registered_items(self) -> list[str]:
        """RegisteredStatusNotifierItems, as the host's watcher lists them."""
        address = DBusAddress(
            "/StatusNotifierWatcher", bus_name=WATCHER, interface="org.freedesktop.DBus.Properties"
        )
        msg = new_method_call(address, "Get", "ss", (WATCHER, "RegisteredStatusNotifierItems"))
        try:
            ((_, items),) = self._bus_call(msg)
        except DBusErrorResponse:
            return []
        return [str(item) for item in items]

    def item_property(self, bus_name: str, name: str) -> Any:
        """A property of the StatusNotifierItem at `bus_name`, read over the bus."""
        address = DBusAddress(
            "/StatusNotifierItem", bus_name=bus_name, interface="org.freedesktop.DBus.Properties"
        )
        msg = new_method_call(address, "Get", "ss", ("org.kde.StatusNotifierItem", name))
        ((_, value),) = self._bus_call(msg)
        return value

    # ---- what the host asked and sent, from the record -------------------------------------------

    def calls_to(self, *names: str) -> list[tuple[str, str, str]]:
        """(path, interface, member) of each method call sent to one of `names`, in order."""
        pattern = re.compile(
            rf"method call .*destination=(?:{_either(names)}) serial=\d+ "
            r"path=(\S+); interface=(\S+); member=(\S+)"
        )
        return [m.groups() for m in pattern.finditer(self._recorded())]  # type: ignore[misc]

    def menu_events(self, *names: str) -> list[tuple[int, str]]:
        """(entry id, event) of each dbusmenu Event sent to one of `names`, and of each event
        in an EventGroup (libdbusmenu's way of sending them), in order."""
        to = _either(names)
        single = (
            rf"method call .*destination=(?:{to}) serial=\d+ path=\S+; "
            rf"interface={re.escape(MENU)}; member=Event\n"
            r"\s+int32 (-?\d+)\n\s+string \"([^\"]*)\""
        )
        group = (
            rf"method call .*destination=(?:{to}) serial=\d+ path=\S+; "
            rf"interface={re.escape(MENU)}; member=EventGroup\n((?:   .*\n)*)"
        )
        in_group = r"struct \{\n\s+int32 (-?\d+)\n\s+string \"([^\"]*)\""
        events = []
        for found in re.finditer(f"{single}|{group}", self._recorded()):
            if found[1] is not None:
                events.append((int(found[1]), found[2]))
            else:
                events += [(int(m[1]), m[2]) for m in re.finditer(in_group, found[3])]
        return events

    def tooltips_read(self, bus_name: str) -> list[str]:
        """The tooltip texts the host was given when it asked the item `bus_name` (a well-known
        name; hosts call it by that or by its unique name) for its ToolTip. Needs the replies
        recorded: record_calls("type='method_return'")."""
        unique = self.owner_of(bus_name)
        text = self._recorded()
        asked = re.findall(
            rf"method call .* destination=(?:{_either((bus_name, unique))}) serial=(\d+) "
            r'path=\S+; interface=org.freedesktop.DBus.Properties; member=Get\n\s+string "\S+"\n'
            r'\s+string "ToolTip"\n',
            text,
        )
        texts = []
        for serial in asked:
            reply = re.search(
                rf"method return .* sender={re.escape(unique)} .*reply_serial={serial}\n"
                r"((?:   .*\n)*)",
                text,
            )
            strings = re.findall(r'string "(.*)"', reply.group(1)) if reply else []
            if strings:
                texts.append(strings[-1])  # (icon name, pixmaps, title, text)
        return texts

    def has_current_menu(self, bus_name: str) -> bool:
        """Whether the host has read the item's menu since the item last said it changed: a
        GetLayout after the latest LayoutUpdated has had its reply. Needs the replies and the
        signal recorded: record_calls("type='method_return'", "type='signal',member=...")."""
        unique = self.owner_of(bus_name)
        text = self._recorded()
        changes = re.finditer(rf"signal .* sender={re.escape(unique)} .*member=LayoutUpdated", text)
        since = max((found.start() for found in changes), default=0)
        calls = re.finditer(
            rf"method call .* sender=(\S+) -> destination=(?:{_either((bus_name, unique))}) "
            r"serial=(\d+) .*member=GetLayout",
            text[since:],
        )
        return any(
            re.search(
                rf"method return .* sender={re.escape(unique)} -> destination={re.escape(host)} "
                rf"serial=\d+ reply_serial={serial}\n",
                text[since:],
            )
            for host, serial in (call.groups() for call in calls)
        )


def _either(names: tuple[str, ...]) -> str:
    return "|".join(re.escape(name) for name in names)
