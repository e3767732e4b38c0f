"""The safety notice: its own bubble before the very first reminder, once, kept in the store."""

from __future__ import annotations

import textwrap
from datetime import timedelta
from pathlib import Path

import pytest

from standup.daemon.reminders import NOTICE_TITLE, build_notice
from standup.exercises import TITLE_WIDTH
from standup.exercises.catalogue import GENERAL_CUE, SAFETY_NOTICE, WHY_STAND_UP

from daemon_harness import Harness, RecordingNotifier

BASE = '[schedule]\nsit = "50m"\nsnooze = "10m"\nremind_again = "5m"\n[idle]\nsource = "none"\n'


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs):
    h = Harness(tmp_path, BASE)
    yield h
    h.stop()


def remind(h: Harness) -> None:
    h.clock.advance(minutes=50)
    h.tick()


def notice_notifier(h: Harness) -> RecordingNotifier:
    """The notifier opened beside the reminder's own, for the notice (opened first)."""
    return h.notifiers[-2]


def test_the_notice_leads_with_the_safety_sentence_that_a_small_bubble_shows_whole() -> None:
    notice = build_notice()
    assert notice.title == NOTICE_TITLE
    assert notice.body.splitlines() == [SAFETY_NOTICE, GENERAL_CUE, WHY_STAND_UP]
    # mako's default bubble: the title and four lines of 26 columns beside the picture.
    assert len(textwrap.wrap(notice.title, TITLE_WIDTH)) == 1
    assert len(textwrap.wrap(SAFETY_NOTICE, TITLE_WIDTH)) <= 4
    # Nothing to answer, nothing to hear, and it stays until closed.
    assert notice.actions == () and notice.sound is None and notice.image is None
    assert notice.timeout == timedelta(0)


def test_the_notice_comes_once_before_the_first_reminder_and_never_after_a_restart(
    harness: Harness,
) -> None:
    harness.start()
    assert len(harness.notifiers) == 2
    notices = notice_notifier(harness)
    assert notices.shown == []  # nothing before the reminder is due
    remind(harness)
    [notice] = notices.shown
    assert notice == build_notice()
    # The reminder is a bubble of its own, without the notice's text.
    [first] = harness.notifier.shown
    assert SAFETY_NOTICE not in first.body and GENERAL_CUE not in first.body
    harness.clock.advance(minutes=5)
    harness.tick()  # the same reminder shown again: no second notice
    assert len(harness.notifier.shown) == 2 and len(notices.shown) == 1
    harness.request("done")
    harness.stop()

    harness.start()  # the store says the notice was shown: no notifier for it
    assert len(harness.notifiers) == 3
    remind(harness)
    assert len(notices.shown) == 1
    later = harness.notifier.shown[-1]
    assert SAFETY_NOTICE not in later.body and GENERAL_CUE not in later.body


def test_a_restart_before_the_first_reminder_still_shows_the_notice(harness: Harness) -> None:
    harness.start()
    harness.stop()
    harness.start()
    remind(harness)
    assert [r.title for r in notice_notifier(harness).shown] == [NOTICE_TITLE]
