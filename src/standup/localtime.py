"""Local time for the daemon: working hours are wall-clock hours in the user's zone.

A zone Python cannot represent (`TZ=UTC+24`: an offset of a whole day) must not stop standup:
local time then falls back to UTC, with one warning. Light on purpose: the client commands use
it too, so `logging` is imported only when there is something to say.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, tzinfo

_warned = False


def local_now() -> datetime:
    """Aware local time: working hours are read off its wall-clock fields."""
    try:
        return datetime.now().astimezone()
    except (ValueError, OverflowError) as error:
        _warn_unusable_zone(error)
        return datetime.now(UTC)


def to_local(moment: datetime) -> datetime:
    """`moment` in local time (or in UTC when the local zone cannot be represented)."""
    try:
        return moment.astimezone()
    except (ValueError, OverflowError) as error:
        _warn_unusable_zone(error)
        return moment.astimezone(UTC)


def local_zone() -> tzinfo | None:
    """The system's time zone with its rules (for working hours across a change of the
    clocks); None when it cannot be told, and then the current UTC offset serves."""
    try:
        from tzlocal import get_localzone

        zone = get_localzone()
        datetime.now(zone)  # an offset Python cannot hold fails here, not in the scheduler
        return zone
    except Exception as error:  # an odd /etc/localtime must not stop the daemon
        import logging

        logging.getLogger("standup").debug("no local time zone: %s", error)
        return None


def _warn_unusable_zone(error: Exception) -> None:
    """Say once that local time is UTC now; `error` goes to the debug log only."""
    global _warned  # once per process: the clock is read at every tick
    if _warned:
        return
    _warned = True
    import logging

    zone = os.environ.get("TZ")
    where = f"TZ={zone!r}" if zone is not None else "the system's time zone"
    log = logging.getLogger("standup")
    log.warning(
        "%s gives a UTC offset out of range (a day or more); using UTC instead: "
        "fix TZ, or unset it to use the system's zone",
        where,
    )
    log.debug("local time failed: %s", error)
