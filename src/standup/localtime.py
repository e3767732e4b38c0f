"""Local time for the daemon: working hours are wall-clock hours in the user's zone."""

from __future__ import annotations

import logging
from datetime import datetime, tzinfo

log = logging.getLogger("standup")


def local_now() -> datetime:
    """Aware local time: working hours are read off its wall-clock fields."""
    return datetime.now().astimezone()


def local_zone() -> tzinfo | None:
    """The system's time zone with its rules (for working hours across a change of the
    clocks); None when it cannot be told, and then the current UTC offset serves."""
    try:
        from tzlocal import get_localzone

        return get_localzone()
    except Exception as error:  # an odd /etc/localtime must not stop the daemon
        log.debug("no local time zone: %s", error)
        return None
