"""End to end on the rig: a real session bus and dunst as the notification server."""

from __future__ import annotations

import socket
import statistics
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest

from standup.notify import open_notifier, server_info
from standup.notify.freedesktop import FreedesktopNotifier
from standup.notify.plyer_backend import PlyerNotifier

from rig import Answers, Rig, wait_until

pytestmark = pytest.mark.e2e

BUTTONS = (("done", "Done"), ("snooze", "Snooze 10 min"), ("skip", "Skip"))
TIMEOUT = 5.0


@pytest.fixture
def answers() -> Answers:
    return Answers()


@pytest.fixture
def notifier(rig: Rig, answers: Answers) -> Iterator[FreedesktopNotifier]:
    notifier = open_notifier("freedesktop", answers)
    assert isinstance(notifier, FreedesktopNotifier)
    yield notifier
    notifier.shutdown()


def _reminder(title: str = "Stand up", urgency: str = "normal", **kwargs: object):
    from standup.notify import Reminder

    return Reminder(title, "Kneeling hip-flexor stretch\nHold 30 s.", urgency=urgency,  # type: ignore[arg-type]
                    actions=BUTTONS, **kwargs)  # fmt: skip


@pytest.mark.parametrize("urgency", ["low", "normal", "critical"])
def test_a_reminder_arrives_with_our_text_and_urgency(
    rig: Rig, notifier: FreedesktopNotifier, urgency: str
) -> None:
    assert notifier.show(_reminder(urgency=urgency)) == "freedesktop"
    assert rig.displayed_count() == 1
    [entry] = rig.history()
    assert entry["appname"] == "standup"
    assert entry["summary"] == "Stand up"
    assert entry["body"] == "Kneeling hip-flexor stretch\nHold 30 s."
    assert entry["urgency"] == urgency


def test_a_second_show_replaces_the_bubble(rig: Rig, notifier: FreedesktopNotifier) -> None:
    notifier.show(_reminder("Stand up"))
    first_id = notifier._id
    notifier.show(_reminder("Still sitting"))
    assert notifier._id == first_id
    assert rig.displayed_count() == 1
    [entry] = rig.history()
    assert (entry["id"], entry["summary"]) == (first_id, "Still sitting")


def test_the_bubble_offers_our_buttons(
    rig: Rig, notifier: FreedesktopNotifier, answers: Answers
) -> None:
    notifier.show(_reminder())
    rig.press("skip")
    assert answers.wait_for(1) == ["skip"]
    menu = rig.menu_log.read_text()
    for key, label in BUTTONS:
        assert f"#{label} (Stand up) [{notifier_id(menu)},{key}]" in menu


def notifier_id(menu: str) -> str:
    return menu.split("[", 1)[1].split(",", 1)[0]


@pytest.mark.parametrize("key", ["done", "snooze", "skip"])
def test_pressing_a_button_answers_and_closes_the_bubble(
    rig: Rig, notifier: FreedesktopNotifier, answers: Answers, key: str
) -> None:
    notifier.show(_reminder(timeout=timedelta(0)))
    rig.press(key)
    assert answers.wait_for(1) == [key]
    # dunst leaves a bubble up after an action; the notifier takes it down.
    wait_until(lambda: rig.displayed_count() == 0, TIMEOUT)
    # Our own CloseNotification must not come back as a dismissal: the next answer is the next.
    notifier.show(_reminder())
    rig.press("done")
    assert answers.wait_for(2) == [key, "done"]


def test_dismissing_the_bubble_answers_dismissed(
    rig: Rig, notifier: FreedesktopNotifier, answers: Answers
) -> None:
    notifier.show(_reminder())
    rig.close()
    assert answers.wait_for(1) == ["dismissed"]


def test_close_withdraws_the_bubble_without_an_answer(
    rig: Rig, notifier: FreedesktopNotifier, answers: Answers
) -> None:
    notifier.show(_reminder())
    notifier.close()
    wait_until(lambda: rig.displayed_count() == 0, TIMEOUT)
    notifier.close()  # nothing shown: still fine
    notifier.show(_reminder())
    rig.press("snooze")
    assert answers.wait_for(1) == ["snooze"]


def test_signals_for_other_notifications_are_not_ours(
    rig: Rig, notifier: FreedesktopNotifier, answers: Answers
) -> None:
    theirs = Answers()
    other = open_notifier("freedesktop", theirs, app_name="other")
    try:
        notifier.show(_reminder("ours"))
        other.show(_reminder("theirs"))
        rig.press("done")  # hits one of the two bubbles
        wait_until(lambda: len(answers.keys) + len(theirs.keys) == 1, TIMEOUT)
        wait_until(lambda: rig.displayed_count() == 1, TIMEOUT)
        [closed] = [e["summary"] for e in rig.history(close_all=False)]
        pressed, untouched = (answers, theirs) if closed == "ours" else (theirs, answers)
        rig.close_all()  # dismisses the bubble that is left, and only its owner hears it
        wait_until(lambda: untouched.keys, TIMEOUT)
        assert (pressed.keys, untouched.keys) == (["done"], ["dismissed"])
    finally:
        other.shutdown()


def test_without_actions_capability_no_buttons_are_sent(rig: Rig, answers: Answers) -> None:
    # dunst always lists "actions", so check the other side: a reminder without buttons.
    notifier = open_notifier("freedesktop", answers)
    try:
        from standup.notify import Reminder

        assert notifier.show(Reminder("plain", "no buttons")) == "freedesktop"
        [entry] = rig.history()
        assert entry["summary"] == "plain"
    finally:
        notifier.shutdown()


def test_freedesktop_on_a_bus_without_a_server_logs(
    rig: Rig, notifier: FreedesktopNotifier, caplog: pytest.LogCaptureFixture
) -> None:
    rig.stop_dunst()
    assert notifier.show(_reminder()) == "log"  # the bus answers ServiceUnknown
    assert "Reminder: Stand up" in caplog.text
    assert not notifier.available()
    rig.start_dunst()
    assert notifier.available()
    assert notifier.show(_reminder()) == "freedesktop"


def test_a_server_restart_between_reminders(rig: Rig, notifier: FreedesktopNotifier) -> None:
    notifier.show(_reminder())
    rig.restart_dunst()  # the old id means nothing to the new server
    assert notifier.show(_reminder("again")) == "freedesktop"
    assert rig.displayed_count() == 1


@pytest.mark.filterwarnings("ignore::pytest.PytestUnhandledThreadExceptionWarning")
def test_a_dropped_bus_connection_is_reopened(
    rig: Rig, notifier: FreedesktopNotifier, answers: Answers
) -> None:
    notifier.show(_reminder())
    router = notifier._router
    assert router is not None
    router.conn.sock.shutdown(socket.SHUT_RDWR)  # as if the bus went away under us
    assert notifier.show(_reminder("after the drop")) == "freedesktop"
    assert notifier._router is not router
    rig.press("done")  # and the new connection is subscribed again
    assert answers.wait_for(1) == ["done"]


def test_server_info_names_dunst(rig: Rig) -> None:
    info = server_info()
    assert info is not None
    assert info["name"] == "dunst"
    assert "actions" in info["capabilities"]
    assert set(info) == {"name", "vendor", "version", "spec_version", "capabilities"}


# -- auto and plyer on the real bus ----------------------------------------------------------


def test_auto_picks_freedesktop_when_dunst_runs(rig: Rig, answers: Answers) -> None:
    notifier = open_notifier("auto", answers)
    try:
        assert notifier.show(_reminder()) == "freedesktop"
        rig.press("skip")
        assert answers.wait_for(1) == ["skip"]
    finally:
        notifier.shutdown()


def test_auto_logs_without_a_server_and_picks_it_up_when_it_starts(
    rig: Rig, answers: Answers
) -> None:
    rig.stop_dunst()
    notifier = open_notifier("auto", answers)
    try:
        assert notifier.show(_reminder()) == "log"
        assert notifier.name == "log"
        rig.start_dunst()
        assert notifier.show(_reminder("later")) == "freedesktop"
        [entry] = rig.history()
        assert entry["summary"] == "later"
    finally:
        notifier.shutdown()


def test_auto_falls_back_when_the_server_goes_away(rig: Rig, answers: Answers) -> None:
    notifier = open_notifier("auto", answers)
    try:
        assert notifier.show(_reminder()) == "freedesktop"
        rig.stop_dunst()
        assert notifier.show(_reminder()) == "log"
        rig.start_dunst()
        assert notifier.show(_reminder()) == "freedesktop"
    finally:
        notifier.shutdown()


def test_plyer_delivers_through_dunst_and_detects_a_dead_path(rig: Rig) -> None:
    notifier = open_notifier("plyer", lambda _key: None)
    assert isinstance(notifier, PlyerNotifier)
    assert notifier.show(_reminder("via plyer")) == "plyer"
    [entry] = wait_until(rig.history, TIMEOUT)
    assert entry["summary"] == "via plyer"
    rig.stop_dunst()
    # notify-send would exit quietly with nothing shown; the wrapper notices and logs.
    assert notifier.show(_reminder()) == "log"


def test_notify_round_trip(rig: Rig, notifier: FreedesktopNotifier) -> None:
    """show() is GetCapabilities + Notify; on the rig that is a couple of milliseconds."""
    notifier.show(_reminder())  # connect and subscribe first
    samples = []
    for i in range(50):
        start = time.perf_counter()
        notifier.show(_reminder(f"round {i}"))
        samples.append(time.perf_counter() - start)
    median_ms = statistics.median(samples) * 1000
    print(f"show() round trip: median {median_ms:.2f} ms, max {max(samples) * 1000:.2f} ms")
    assert median_ms < 100


@pytest.mark.parametrize(("timeout", "expected_us"), [(timedelta(seconds=30), 30_000_000)])
def test_the_timeout_reaches_the_server(
    rig: Rig, notifier: FreedesktopNotifier, timeout: timedelta, expected_us: int
) -> None:
    notifier.show(_reminder(timeout=timeout))
    [entry] = rig.history()
    assert entry["timeout"] == expected_us  # dunst reports microseconds
