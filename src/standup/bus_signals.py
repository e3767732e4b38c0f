"""Signals from a D-Bus service, handed to a callback on a thread of their own.

`listen` opens a connection, adds the match rules on the bus and as local filters, and starts
one thread that takes each matching signal from a queue and calls `on_signal`; `close()` ends
all of it without hanging. The connection also carries the caller's method calls (`router`):
what a service arms for a connection (Mutter's idle watches) dies with it.

With `sender`, only signals from the current owner of that well-known name are handed over:
any program on the bus can send one that looks like the service's. The bus stamps a signal with
the sender's unique name, which a local filter cannot match against the well-known one, so the
owner is asked once and followed through NameOwnerChanged.

jeepney is imported when a listener is made, not with this module, so start-up stays fast.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jeepney import MatchRule, Message
    from jeepney.io.threading import DBusRouter

logger = logging.getLogger("standup.bus")

CALL_TIMEOUT = 2.0  # seconds for AddMatch and GetNameOwner: a bus answers in milliseconds
CLOSE_WAIT = 2.0  # seconds close() waits for a handler that is running
BUS_DAEMON = "org.freedesktop.DBus"

SignalHandler = Callable[["Message"], None]
# Opens a router on some bus and registers its closing with the stack.
Connector = Callable[[ExitStack], "DBusRouter"]

_STOP = object()


def owner_changed_rule(name: str) -> MatchRule:
    """NameOwnerChanged for `name`, as only the bus itself can send it."""
    from jeepney import MatchRule

    rule = MatchRule(
        type="signal",
        sender=BUS_DAEMON,
        interface=BUS_DAEMON,
        member="NameOwnerChanged",
        path="/org/freedesktop/DBus",
    )
    rule.add_arg_condition(0, name)
    return rule


def listen(
    bus: str | Connector,
    rules: Iterable[MatchRule],
    on_signal: SignalHandler,
    *,
    sender: str | None = None,
    prepare: Callable[[DBusRouter], None] | None = None,
    name: str = "standup-bus-signals",
    timeout: float = CALL_TIMEOUT,
) -> Listener:
    """Subscribe to `rules` and call `on_signal(msg)` for each match, on a thread named `name`.

    `bus` is "SESSION", "SYSTEM", an address, or a function that opens a router. `sender` is
    a well-known name whose owner alone is believed. `prepare(router)` runs once subscribed
    and before the first signal is handed over: calls whose answers the handler needs.
    Whatever connecting, subscribing or `prepare` raises is raised, after closing what was
    opened.
    """
    from jeepney.bus_messages import message_bus
    from jeepney.io.threading import Proxy, open_dbus_router

    signals: queue.Queue[Any] = queue.Queue()
    stack = ExitStack()
    try:
        router = bus(stack) if callable(bus) else stack.enter_context(open_dbus_router(bus))
        owner_rule = owner_changed_rule(sender) if sender is not None else None
        proxy = Proxy(message_bus, router, timeout=timeout)
        # The owner's changes are subscribed to before it is asked for: none falls between.
        for rule in (*rules, *([owner_rule] if owner_rule is not None else [])):
            stack.enter_context(router.filter(rule, queue=signals))
            proxy.AddMatch(rule)
        owner = _name_owner(proxy, sender) if sender is not None else None
        if prepare is not None:
            prepare(router)
    except BaseException:
        stack.close()
        raise
    return Listener(router, stack, signals, on_signal, name, owner_rule, owner)


def _name_owner(proxy: Any, name: str) -> str | None:
    """The unique name that owns `name`; None while nobody does."""
    from jeepney import DBusErrorResponse

    try:
        (owner,) = proxy.GetNameOwner(name)
    except DBusErrorResponse:  # NameHasNoOwner: its start is announced by NameOwnerChanged
        return None
    return str(owner)


class Listener:
    """A subscription and its thread; `router` carries calls on the same connection."""

    def __init__(
        self,
        router: DBusRouter,
        stack: ExitStack,
        signals: queue.Queue[Any],
        on_signal: SignalHandler,
        name: str,
        owner_rule: MatchRule | None = None,
        owner: str | None = None,
    ) -> None:
        self.router = router
        self._stack = stack
        self._signals = signals
        self._on_signal = on_signal
        self._owner_rule = owner_rule
        self._owner = owner
        self._closed = False
        self._close_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def owner(self) -> str | None:
        """The unique name whose signals are believed (with `sender`); None: nobody's."""
        return self._owner

    def _run(self) -> None:
        from jeepney import HeaderFields

        while True:
            msg = self._signals.get()
            if msg is _STOP:
                return
            if self._owner_rule is not None:
                if self._owner_rule.matches(msg):
                    self._owner = msg.body[2] or None  # "" when the owner left
                    continue
                sent_by = msg.header.fields.get(HeaderFields.sender)
                if sent_by != self._owner:
                    logger.debug("ignored a signal from %s, which does not own the name", sent_by)
                    continue
            try:
                self._on_signal(msg)
            except Exception:
                member = msg.header.fields.get(HeaderFields.member)
                logger.exception("%s: handling %s failed", self._thread.name, member)

    def close(self, wait: float = CLOSE_WAIT) -> None:
        """Stop handing signals over and close the connection. Never raises.

        Waits up to `wait` s for a handler that is running, though not on the listener's own
        thread: a handler may close its listener. Signals already queued are handled first.
        """
        with self._close_lock:
            if self._closed:
                return
            self._closed = True
        self._signals.put(_STOP)
        if wait > 0 and threading.current_thread() is not self._thread:
            self._thread.join(wait)
        try:
            self._stack.close()
        except Exception:  # a connection that already broke may fail to close; it is gone
            logger.debug("closing a broken bus connection failed", exc_info=True)
