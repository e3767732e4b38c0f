"""A request's ticket on its way to the daemon's worker: it runs only while its client waits.

A client that gave up has told the user the command failed, so doing it later would be a lie.
The server makes a ticket for each request it hands to the handler (the client's deadline, and
a way to see that the client hung up); the handler runs its worker calls through `ticket.run`,
which checks both just before the first call starts. `abandon()`, called when the handler stops
waiting, makes sure a command that has not started never will: the two cannot both win.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from standup.i18n import _

T = TypeVar("T")

DEFAULT_WAIT = 5.0  # seconds a request without a deadline may wait for the worker


class Abandoned(Exception):
    """The request's client is no longer waiting; the command was not carried out."""


class Ticket:
    __slots__ = ("_hung_up", "_lock", "_state", "deadline")

    def __init__(self, deadline: float, hung_up: Callable[[], bool] = lambda: False) -> None:
        self.deadline = deadline  # time.monotonic() seconds
        self._hung_up = hung_up
        self._lock = threading.Lock()
        self._state = "waiting"  # then "started" or "abandoned", never both

    def remaining(self) -> float:
        return max(0.0, self.deadline - time.monotonic())

    def why_not(self) -> str:
        """Why the request must not start ("" while its client still waits)."""
        if time.monotonic() >= self.deadline:
            return _("the client gave up waiting before standup got to it; nothing was done")
        if self._hung_up():
            return _("the client hung up before standup got to it; nothing was done")
        return ""

    def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn on the worker; the first call of a request checks that it is still wanted."""
        reason = ""
        with self._lock:
            if self._state == "waiting":
                reason = self.why_not()
                self._state = "abandoned" if reason else "started"
            if self._state == "abandoned":
                raise Abandoned(reason or _("the client gave up waiting; nothing was done"))
        return fn(*args)

    def abandon(self) -> bool:
        """Stop the request from ever starting; False when it has already started."""
        with self._lock:
            if self._state == "waiting":
                self._state = "abandoned"
            return self._state == "abandoned"


# The ticket of the request the server is handing to its handler, on the server's thread. A
# context variable rather than a third handler argument: handlers of two arguments keep working.
_current: ContextVar[Ticket | None] = ContextVar("standup_control_ticket", default=None)


def current() -> Ticket:
    """The ticket of the request being handled (one with the default wait outside a server)."""
    ticket = _current.get()
    return ticket if ticket is not None else Ticket(time.monotonic() + DEFAULT_WAIT)


@contextmanager
def handing(ticket: Ticket) -> Iterator[None]:
    """Make `ticket` the current one while the server's handler runs."""
    token = _current.set(ticket)
    try:
        yield
    finally:
        _current.reset(token)
