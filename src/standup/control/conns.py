"""The control server's connections, and the limits that keep one client from starving others.

- Unsent output: a client that sends requests but never reads its replies would have them
  queued here without end. Past OUTPUT_CAP unsent bytes the server stops reading that client
  (its requests wait in the kernel, whose buffers are bounded) until it reads; if it never
  does, the idle timeout closes it. Memory per connection stays near the cap plus one line.
- Slots: all clients run as the same user, so no client is more entitled than another. When
  every slot is taken, the longest-idle connection makes room for the newcomer, rather than
  the newcomer waiting behind clients that keep their connections open.
"""

from __future__ import annotations

import logging
import select
import selectors
import socket
import time

from standup.control.protocol import LineBuffer

log = logging.getLogger("standup.control")

# A status reply is under 2 KiB and the largest reply (an error quoting a 64 KiB request) is
# under 70 KiB: 256 KiB holds many pipelined replies yet bounds a client that reads none.
OUTPUT_CAP = 256 * 1024


NEWCOMER_GRACE = 2.0  # seconds a new connection is spared while its first request waits


class Conn:
    """One client connection: buffers, idle deadline, and whether to close once replied."""

    __slots__ = (
        "accepted",
        "behind",
        "closing",
        "deadline",
        "events",
        "held",
        "inbuf",
        "outbuf",
        "served",
        "shut",
        "sock",
    )

    def __init__(self, sock: socket.socket, deadline: float) -> None:
        self.sock = sock
        self.inbuf = LineBuffer()
        self.outbuf = bytearray()
        self.deadline = deadline  # idle deadline, moved on by each request
        self.accepted = time.monotonic()
        self.served = False  # has had a request answered
        self.closing = False
        self.shut = False
        self.held = False  # not read from: too much output is waiting for the client
        self.behind = False  # a follower that missed feed lines while over the cap
        self.events = selectors.EVENT_READ

    @property
    def over_cap(self) -> bool:
        return len(self.outbuf) >= OUTPUT_CAP

    def wanted_events(self) -> int:
        read = 0 if self.held else selectors.EVENT_READ
        return read | (selectors.EVENT_WRITE if self.outbuf else 0)

    def send(self) -> bool:
        """Send what the socket takes now; False when the connection broke."""
        while self.outbuf:
            try:
                sent = self.sock.send(self.outbuf)
            except (BlockingIOError, InterruptedError):
                return True
            except OSError:
                return False
            del self.outbuf[:sent]
        return True

    def hung_up(self) -> bool:
        """Whether the client has closed its end entirely (it can no longer read a reply).

        A half-close (shutdown(SHUT_WR): "that was my last request") still waits for replies;
        only a full close sets POLLHUP on a Unix stream socket.
        """
        poller = select.poll()
        poller.register(self.sock, select.POLLHUP)
        try:
            return any(ev & select.POLLHUP for _fd, ev in poller.poll(0))
        except (OSError, ValueError):  # closed under us: certainly gone
            return True


class OnceLog:
    """Log a condition once while it lasts, and again only after it has cleared."""

    __slots__ = ("_on",)

    def __init__(self) -> None:
        self._on = False

    def warn(self, message: str, *args: object) -> None:
        if not self._on:
            self._on = True
            log.warning(message, *args)

    def clear(self) -> None:
        self._on = False


def longest_idle(conns: dict[socket.socket, Conn], spare: Conn) -> Conn | None:
    """The connection to close to make room: the one idle longest (lingering ones first)."""
    others = [c for c in conns.values() if c is not spare]
    # A newcomer still waiting for its first answer is not idle: making room for the next
    # newcomer must not close it before it was served (within a grace, so that clients that
    # connect and never ask cannot keep their slots by it).
    now = time.monotonic()
    fair = [c for c in others if c.served or now - c.accepted >= NEWCOMER_GRACE]
    pool = fair or others
    return min(pool, key=lambda c: c.deadline) if pool else None
