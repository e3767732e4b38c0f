"""The tray item on the session bus: its two objects served, and its registration with the
tray host's StatusNotifierWatcher.

One connection, one thread: jeepney's receiver thread. Incoming method calls are answered on
it (nothing in an answer waits: the view is read as it stands, a click is handed on), and the
watcher is followed there through NameOwnerChanged. Registering is sent without waiting for
its reply, which arrives on the same thread; so a host that hangs holds nobody up. With no
watcher on the bus the thread sleeps in recv(): nothing is sent to us, nothing wakes.

A watcher that drops the item while it stays on the bus (GNOME's AppIndicator extension 46
loses about half of the items registered while it is being enabled, at every unlock) is
answered by registering again, after a pause that doubles, at most MAX_RETRIES times a watcher.
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any

from jeepney import DBusAddress, HeaderFields, MatchRule, Message, MessageType, new_method_call
from jeepney.bus_messages import message_bus

from standup.bus_signals import owner_changed_rule
from standup.notify.connection import ToughRouter, call, open_router
from standup.tray import protocol
from standup.tray.view import View

log = logging.getLogger("standup.tray")

WATCHER = "org.kde.StatusNotifierWatcher"
WATCHER_PATH = "/StatusNotifierWatcher"
_serial_names = itertools.count(1)  # one process may open the item again after a reload
RETRY_AFTER = 1.0  # seconds before registering again with a watcher that dropped the item
MAX_RETRIES = 5  # a watcher that keeps dropping it is left alone until it restarts


def new_register(service: str) -> Message:
    """RegisterStatusNotifierItem for our bus name (hosts find the item at ITEM_PATH)."""
    watcher = DBusAddress(WATCHER_PATH, bus_name=WATCHER, interface=WATCHER)
    return new_method_call(watcher, "RegisterStatusNotifierItem", "s", (service,))


def dropped_rule() -> MatchRule:
    """The watcher's notice that it let an item go."""
    return MatchRule(
        type="signal",
        interface=WATCHER,
        member="StatusNotifierItemUnregistered",
        path=WATCHER_PATH,
    )


def names_item(item_id: str, name: str) -> bool:
    """Whether a watcher's id for an item ("NAME", "NAME/PATH" or "NAME@PATH") is `name`'s."""
    return item_id == name or item_id.startswith((f"{name}/", f"{name}@"))


class ItemRouter(ToughRouter):
    """The router whose receiver thread also serves the item (`TrayItem.receive`)."""

    def __init__(self, conn: Any, item: TrayItem) -> None:
        self.item = item  # before the receiver thread starts, in the base class
        super().__init__(conn)

    def _dispatch(self, msg: Message) -> None:
        if not self.item.receive(self, msg):
            super()._dispatch(msg)


class TrayItem:
    """Two exported objects and a registration kept with whichever watcher is there.

    `on_click(action)` and `on_host(registered)` are called on the receiver thread; they
    must only hand the work on."""

    def __init__(
        self,
        on_click: Callable[[str], None],
        on_host: Callable[[bool], None],
        bus: str = "SESSION",
    ) -> None:
        self._on_click = on_click
        self._on_host = on_host
        self._bus = bus
        self.name = f"org.kde.StatusNotifierItem-{os.getpid()}-{next(_serial_names)}"
        self._view: View | None = None
        self._revision = 1
        self._owner_rule = owner_changed_rule(WATCHER)
        self._dropped_rule = dropped_rule()
        self._register_serial: int | None = None
        self._generation = 0  # counts the watchers seen: a retry is for the one that dropped
        self._retries = 0  # registrations again with the current watcher
        self._retry: threading.Timer | None = None
        self._lock = threading.Lock()  # the view and registration, read on the receiver thread
        # A change's signals and the label sent on registering go out in the order the views
        # came: an older label never follows a newer one.
        self._sending = threading.Lock()
        self.registered = False
        self.watcher: str | None = None  # the watcher's unique name while there is one
        self._stack = ExitStack()
        self._router: ToughRouter | None = None

    def open(self, view: View) -> None:
        """Connect, take our name, follow the watcher and register if it is there. Raises
        BusUnavailable (no bus) or a D-Bus error, after closing what was opened."""
        self._view = view
        try:
            router = open_router(self._stack, lambda conn: ItemRouter(conn, self), self._bus)
            self._router = router
            call(router, message_bus.RequestName(self.name, 0x4))  # 0x4: do not queue
            call(router, message_bus.AddMatch(self._owner_rule))
            call(router, message_bus.AddMatch(self._dropped_rule))
            try:
                (owner,) = call(router, message_bus.GetNameOwner(WATCHER))
            except Exception:  # NameHasNoOwner: its arrival comes as NameOwnerChanged
                owner = ""
        except BaseException:
            self.close()
            raise
        if owner:
            self._watcher_is(owner)

    @property
    def view(self) -> View | None:
        return self._view

    def show(self, view: View) -> None:
        """Show `view`: the host is told what changed, nothing when nothing did."""
        with self._sending:
            self._show(view)

    def _show(self, view: View) -> None:
        with self._lock:
            old, self._view = self._view, view
            if old is not None and view.menu != old.menu:
                self._revision += 1
            revision = self._revision
        if old == view:
            return
        signals: list[Message] = []
        if old is None or (old.look, old.step, old.spoken) != (view.look, view.step, view.spoken):
            signals.append(protocol.item_signal("NewIcon"))
            signals.append(protocol.item_signal("NewAttentionIcon"))
        if old is None or old.tooltip != view.tooltip:
            signals.append(protocol.item_signal("NewToolTip"))
        if old is None or old.status != view.status:
            signals.append(protocol.item_signal("NewStatus", "s", (view.status,)))
        if old is None or old.label != view.label:
            signals.append(_new_label(view))
        if old is not None and old.menu != view.menu:
            signals.append(protocol.layout_updated(revision))
        for signal in signals:
            self._send(signal)

    def close(self) -> None:
        """Leave the bus (the host drops the item when our name goes). Never raises."""
        self.registered = False
        self._router = None
        with self._lock:
            self._generation += 1
            self._cancel_retry()
        try:
            self._stack.close()
        except Exception:  # a connection that already broke may fail to close; it is gone
            log.debug("closing the tray's connection failed", exc_info=True)

    # ---- the receiver thread ----------------------------------------------------------------

    def receive(self, router: ToughRouter, msg: Message) -> bool:
        """Handle what is ours: calls to the item, the watcher's comings and goings, and the
        reply to a registration. False: the router's usual dispatch (replies to calls)."""
        kind = msg.header.message_type
        if kind is MessageType.method_call:
            self._serve(router, msg)
            return True
        if kind is MessageType.signal and self._owner_rule.matches(msg):
            self._watcher_is(msg.body[2])
            return True
        if kind is MessageType.signal and self._dropped_rule.matches(msg):
            # Believed only from the watcher itself: anyone on the bus may send the signal.
            from_watcher = self.watcher is not None and self.watcher == msg.header.fields.get(
                HeaderFields.sender
            )
            if from_watcher and msg.body and names_item(str(msg.body[0]), self.name):
                self._dropped()
            return True
        if kind in (MessageType.method_return, MessageType.error):
            serial = msg.header.fields.get(HeaderFields.reply_serial)
            if serial is not None and serial == self._register_serial:
                self._registration_answered(msg)
                return True
        return False

    def _serve(self, router: ToughRouter, msg: Message) -> None:
        with self._lock:
            view, revision = self._view, self._revision
        assert view is not None  # set before the connection opens
        answer = protocol.answer(view, revision, msg)
        try:
            router.send(answer.reply)
        except Exception as error:  # the bus went away: the router says so in its own line
            log.debug("could not answer a tray call: %s", error)
            return
        if answer.clicked is not None:
            self._on_click(answer.clicked)

    def _watcher_is(self, owner: str) -> None:
        """A watcher appeared (or changed hands), or left (owner "")."""
        self.watcher = owner or None
        with self._lock:
            self._generation += 1
            self._retries = 0
            # A watcher drops its items as it leaves: that was no loss to register again for.
            dropped = self._cancel_retry()
        if not owner:
            if self.registered or dropped:
                log.info("the tray host left; the item comes back when one appears")
            self.registered = False
            self._register_serial = None
            self._on_host(False)
            return
        self._register()

    def _register(self) -> None:
        router = self._router
        if router is None:
            return
        serial = next(router.conn.outgoing_serial)
        self._register_serial = serial
        try:
            router.send(new_register(self.name), serial=serial)
        except Exception as error:
            log.warning("could not register with the tray host: %s", error)

    def _dropped(self) -> None:
        """The watcher let the item go, though both are still here: register again soon."""
        retry = None
        with self._lock:
            self._register_serial = None  # an answer still on its way is for what was dropped
            self._cancel_retry()
            if self._retries < MAX_RETRIES:
                delay = RETRY_AFTER * 2**self._retries
                self._retries += 1
                retry = threading.Timer(delay, self._retry_with, (self._generation, delay))
                retry.daemon = True
                self._retry = retry
        was_registered, self.registered = self.registered, False
        if retry is not None:
            retry.start()
        else:
            log.warning("the tray host keeps dropping the item; it shows again when the "
                        "host restarts")  # fmt: skip
        if was_registered:
            self._on_host(False)

    def _retry_with(self, generation: int, delay: float) -> None:
        """On the retry's timer: register again, unless the watcher has changed meanwhile."""
        with self._lock:  # held while sending: a watcher leaving now waits its turn
            if generation != self._generation:
                return
            self._retry = None
            log.info("the tray host dropped the item %g s ago; registering it again", delay)
            self._register()

    def _cancel_retry(self) -> bool:
        """Cancel a retry still waiting (with the lock held); whether there was one."""
        retry, self._retry = self._retry, None
        if retry is None:
            return False
        retry.cancel()
        return True

    def _registration_answered(self, msg: Message) -> None:
        self._register_serial = None
        if msg.header.message_type is MessageType.error:
            log.warning("the tray host refused the item: %s", msg.body[0] if msg.body else "")
            return
        self.registered = True
        log.info("tray item registered with %s", self.watcher)
        with self._sending:
            view = self._view
            if view is not None and view.label:
                # GNOME's extension (59) takes the label only from this signal, not from GetAll.
                self._send(_new_label(view))
        self._on_host(True)

    def _send(self, msg: Message) -> None:
        router = self._router
        if router is None:
            return
        try:
            router.send(msg)
        except Exception as error:
            log.debug("could not send a tray signal: %s", error)


def _new_label(view: View) -> Message:
    guide = protocol.LABEL_GUIDE if view.label else ""
    return protocol.item_signal("XAyatanaNewLabel", "ss", (view.label, guide))
