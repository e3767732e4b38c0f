"""For end-to-end tests about something else: the safety notice was shown on an earlier day.

A fresh state store makes the first reminder come with the safety notice, a bubble of its own
beside it (daemon/reminders.py); a test that counts or presses "the" bubble starts from a store
that says the notice went out already, as it does after a user's first day.
"""

from __future__ import annotations

from standup.daemon.persist import SHOWN, Key
from standup.history.store import Store


def mark_notice_seen() -> None:
    """Mark the notice shown in the store under $XDG_STATE_HOME (as `xdg_dirs` sets it)."""
    with Store.open() as store:
        store.set_value(Key.SAFETY_NOTICE, SHOWN)
