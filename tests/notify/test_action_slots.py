"""Which buttons each server gets, and the quiet hints of a countdown frame."""

from __future__ import annotations

from standup.notify.base import Reminder
from standup.notify.freedesktop import FreedesktopNotifier
from standup.notify.server import ServerInfo

ALL = (
    ("done", "Done"),
    ("snooze", "Snooze 10 min"),
    ("skip", "Skip"),
    ("start", "Start"),
    ("too_easy", "Too easy"),
    ("too_hard", "Too hard"),
)


def server(name: str, vendor: str = "", capabilities: tuple[str, ...] = ("actions",)) -> ServerInfo:
    return ServerInfo(":1.9", name, vendor, "1", "1.2", frozenset(capabilities))


def keys(actions: tuple[tuple[str, str], ...]) -> list[str]:
    return [key for key, _ in actions]


def test_gnome_keeps_the_three_answers_and_never_start() -> None:
    gnome = server("gnome-shell", "GNOME")
    assert keys(gnome.fit_actions(ALL)) == ["done", "snooze", "skip"]
    # No snooze left: there is room, but a replace would drop Start's countdown buttons.
    without_snooze = tuple(a for a in ALL if a[0] != "snooze")
    assert keys(gnome.fit_actions(without_snooze)) == ["done", "skip", "too_easy"]


def test_a_row_of_buttons_gets_four_and_a_menu_gets_all() -> None:
    for name in ("Plasma", "SwayNotificationCenter", "Xfce Notify Daemon"):
        assert keys(server(name).fit_actions(ALL)) == ["done", "snooze", "skip", "start"]
    for name in ("dunst", "mako"):
        assert keys(server(name).fit_actions(ALL)) == keys(ALL)


def test_an_unknown_server_gets_the_answers_first_and_no_actions_means_none() -> None:
    assert keys(server("Some Daemon").fit_actions(ALL)) == ["done", "snooze", "skip"]
    assert server("dunst", capabilities=()).fit_actions(ALL) == ()


def test_a_countdown_frame_is_sent_quiet_with_its_progress() -> None:
    notifier = FreedesktopNotifier(lambda key: None)
    dunst = server("dunst", capabilities=("actions", "body"))
    frame = Reminder("Hold: Test", "12 s left", urgency="low", progress=40)
    hints = notifier._notify_message(frame, dunst).body[6]
    assert hints["suppress-sound"] == ("b", True)
    assert hints["transient"] == ("b", True)
    assert hints["value"] == ("i", 40)
    assert hints["urgency"] == ("y", 0)
    plain = notifier._notify_message(Reminder("Stand up", "Now."), dunst).body[6]
    assert "suppress-sound" not in plain and "value" not in plain
    notifier.shutdown()
