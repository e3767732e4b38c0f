"""`standup status --follow`: a line at once, and one more each time what it shows changes.

One connection to the daemon, which pushes the status when the state changes; the minutes
shown ("Sitting for 32 min", "32m") are counted here, so a bar's line moves on each minute
without the daemon waking for it. When the daemon stops, one `stopped` line, then a wait for
the socket to come back (watched, not polled; looked at every RETRY_MAX at most, for a daemon
that started but did not answer yet). Standard library only, like the other client commands.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, NamedTuple, TextIO

from standup.errors import DaemonNotRunning, StandupError

RETRY_FIRST = 1.0  # seconds before asking a daemon that did not answer again
RETRY_MAX = 30.0


class LineFormat(NamedTuple):
    """How each kind of line reads: `status --waybar`, `--json` or plain text."""

    status: Callable[[dict[str, Any]], str]
    stopped: str  # while no daemon runs
    error: Callable[[Exception], str]  # a daemon that does not answer


def aged(info: dict[str, Any], seconds: float) -> dict[str, Any]:
    """The status as it reads `seconds` after the daemon sent it: the same state, later."""
    if seconds <= 0:
        return info
    later = dict(info)
    if isinstance(info.get("now"), str):
        later["now"] = (datetime.fromisoformat(info["now"]) + timedelta(seconds=seconds)).isoformat(
            timespec="seconds"
        )
    if isinstance(info.get("sitting_seconds"), int):
        later["sitting_seconds"] = info["sitting_seconds"] + int(seconds)
    return later


def until_next_minute(info: dict[str, Any], seconds: float) -> float | None:
    """Seconds until a minute shown changes; None when nothing shown counts (away)."""
    if info.get("state") == "away":
        return None
    base = info["sitting_seconds"] if isinstance(info.get("sitting_seconds"), int) else 0
    return 60 - (base + seconds) % 60


class Printer:
    """Prints a line only when it differs from the last one printed."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._last: str | None = None

    def __call__(self, line: str) -> None:
        if line != self._last:
            self._last = line
            self._out.write(line + "\n")
            self._out.flush()


def follow(
    lines: LineFormat,
    out: TextIO,
    *,
    path: Path | None = None,
    subscribe: Callable[..., Any] | None = None,
    wait_for_socket: Callable[[Path | None, float], None] | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> int:
    """Run until interrupted (Ctrl-C) or the reader goes away (a broken pipe)."""
    if subscribe is None:
        from standup.control.client import subscribe
    from standup.control.client import ConnectionLost

    wait = wait_for_socket or _wait_for_socket
    show = Printer(out)
    retry = RETRY_FIRST
    while True:
        try:
            with subscribe(path) as feed:
                retry = RETRY_FIRST
                _print_changes(feed, lines, show, clock)
        except DaemonNotRunning:
            show(lines.stopped)
            wait(path, RETRY_MAX)
            continue
        except (ConnectionError, ConnectionLost):  # it stopped or restarted: a new one may listen
            show(lines.stopped)
            continue
        except StandupError as error:  # running but not answering (still starting, stuck)
            show(lines.error(error))
        wait(path, retry)
        retry = min(retry * 2, RETRY_MAX)


def _print_changes(
    feed: Any, lines: LineFormat, show: Callable[[str], None], clock: Callable[[], float]
) -> None:
    info, received = feed.first, clock()
    while True:
        elapsed = clock() - received
        show(lines.status(aged(info, elapsed)))
        news = feed.next(until_next_minute(info, elapsed))
        if news is not None:
            info, received = news, clock()


def _wait_for_socket(path: Path | None, timeout: float) -> None:
    """Until the control socket is created or replaced, or `timeout` seconds."""
    from standup import paths
    from standup.config.watch import ConfigWatcher

    changed = threading.Event()
    watcher = ConfigWatcher([path or paths.control_socket()], changed.set, debounce=0.05)
    watcher.start()
    try:
        changed.wait(timeout)
    finally:
        watcher.stop()
