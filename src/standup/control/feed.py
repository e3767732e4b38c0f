"""The status feed: connections that asked for `status` with `follow`, and what is pushed to
them (`standup status --follow`, for status bars).

The daemon publishes a status line whenever what a status shows changes; the server's thread
hands it to every follower. Nothing runs while nobody follows: publishing checks `active`
first, and the server wakes only for a line to deliver. A follower that does not read is not
sent more than OUTPUT_CAP; it gets the newest line once it has read the old ones (every line is
a whole status, so the ones in between are not missed).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable

from standup.control.conns import Conn


class Feed:
    """Followers and the newest line for them. `publish` from any thread; the rest on the
    server's thread."""

    def __init__(self, wake: Callable[[], None]) -> None:
        self._wake = wake
        self._lock = threading.Lock()
        self._pending: bytes | None = None  # published, not yet handed to the followers
        self._latest = b""  # the newest line handed out, for followers that fell behind
        self._followers: set[Conn] = set()

    @property
    def active(self) -> bool:
        """Whether anyone follows (read from the publishing thread: a set's size is atomic)."""
        return bool(self._followers)

    def publish(self, line: bytes) -> None:
        with self._lock:
            self._pending = line
        self._wake()

    def follow(self, conn: Conn) -> None:
        """From now on `conn` gets every line; it is not dropped for being idle."""
        conn.deadline = math.inf
        self._followers.add(conn)

    def forget(self, conn: Conn) -> None:
        self._followers.discard(conn)

    def deliver(self) -> list[Conn]:
        """Hand the pending line to every follower; the connections to flush."""
        with self._lock:
            line, self._pending = self._pending, None
        if line is None:
            return []
        self._latest = line
        for conn in self._followers:
            if conn.over_cap:
                conn.behind = True  # given the newest line once it has read these
            elif not conn.closing:
                conn.outbuf += line
        return list(self._followers)

    def catch_up(self, conn: Conn) -> None:
        """After a flush: a follower that fell behind and has now read everything gets the
        newest line."""
        if conn.behind and not conn.outbuf and not conn.closing:
            conn.behind = False
            conn.outbuf += self._latest


def nearest_deadline(deadlines: list[float], now: float) -> float | None:
    """The select() timeout: until the nearest idle deadline; None (no timeout) when there is
    none, or only followers', which never expire."""
    nearest = min(deadlines, default=math.inf)
    return None if nearest == math.inf else max(0.0, nearest - now)
