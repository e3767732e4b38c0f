"""Which buttons each server gets, and the quiet hints of a countdown frame."""

from __future__ import annotations

from jeepney import DBusAddress, HeaderFields, new_signal

from standup.notify.base import Reminder
from standup.notify.freedesktop import FreedesktopNotifier
from standup.notify.message import INTERFACE, OBJECT_PATH
from standup.notify.server import ServerInfo

ALL = (
    ("done", "Done"),
    ("snooze", "Snooze 10 min"),
    ("skip", "Skip"),
    ("start", "Start"),
    ("too_easy", "Too easy"),
    ("too_hard", "Too hard"),
)


def server(
    name: str, vendor: str = "", capabilities: tuple[str, ...] = ("actions",), version: str = "1"
) -> ServerInfo:
    return ServerInfo(":1.9", name, vendor, version, "1.2", frozenset(capabilities))


def keys(actions: tuple[tuple[str, str], ...]) -> list[str]:
    return [key for key, _ in actions]


def test_gnome_keeps_the_three_answers_and_never_start() -> None:
    gnome = server("gnome-shell", "GNOME")
    assert keys(gnome.fit_actions(ALL)) == ["done", "snooze", "skip"]
    # No snooze left: there is room, but a replace would drop Start's countdown buttons.
    without_snooze = tuple(a for a in ALL if a[0] != "snooze")
    assert keys(gnome.fit_actions(without_snooze)) == ["done", "skip", "too_easy"]


def test_gnome_46_and_later_keep_a_replaced_banners_buttons_but_never_get_start() -> None:
    assert server("gnome-shell", "GNOME", version="43.9").replace_drops_actions
    assert server("gnome-shell", "GNOME", version="45.2").replace_drops_actions
    gnome = server("gnome-shell", "GNOME", version="48.7")
    assert not gnome.replace_drops_actions  # a re-show replaces in place
    assert keys(gnome.fit_actions(ALL)) == ["done", "snooze", "skip"]
    # Room, and the buttons would stay, but the countdown's banner would leave the screen.
    without_snooze = tuple(a for a in ALL if a[0] != "snooze")
    assert keys(gnome.fit_actions(without_snooze)) == ["done", "skip", "too_easy"]


def test_a_version_that_is_not_a_plain_number_counts_as_the_oldest() -> None:
    for version in ("", "x", "²", "٤٨.1", " ", "-1"):
        gnome = server("gnome-shell", "GNOME", version=version)
        assert gnome.replace_drops_actions, version
        assert keys(gnome.fit_actions(ALL)) == ["done", "snooze", "skip"]


def test_a_row_of_buttons_gets_four_and_a_menu_gets_all() -> None:
    for name in ("Plasma", "SwayNotificationCenter", "Xfce Notify Daemon", "Notification Daemon"):
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


def test_xfce_gets_the_countdown_without_a_gauge_that_would_hide_its_text() -> None:
    notifier = FreedesktopNotifier(lambda key: None)
    xfce = server("Xfce Notify Daemon", "Xfce", ("actions", "body"))
    frame = Reminder("Hold: Test", "12 s left", urgency="low", progress=40)
    hints = notifier._notify_message(frame, xfce).body[6]
    assert "value" not in hints
    assert hints["suppress-sound"] == ("b", True) and hints["transient"] == ("b", True)
    notifier.shutdown()


def _signal(member: str, signature: str, body: tuple[object, ...]):
    msg = new_signal(DBusAddress(OBJECT_PATH, interface=INTERFACE), member, signature, body)
    msg.header.fields[HeaderFields.sender] = ":1.9"  # the owner `server()` names
    return msg


def _pressed_start_then_closed(name: str, vendor: str) -> tuple[list[str | None], int]:
    """Start pressed on bubble 7, then the server's close of it: what each signal answers,
    and the id the next frame replaces."""
    notifier = FreedesktopNotifier(lambda key: None)
    notifier._server = server(name, vendor)
    notifier._id, notifier._keys = 7, frozenset({"done", "start"})
    answers = [notifier._answer(_signal("ActionInvoked", "us", (7, "start")))]
    next_id = notifier._id
    answers.append(notifier._answer(_signal("NotificationClosed", "uu", (7, 2))))
    notifier.shutdown()
    return answers, next_id


def test_start_where_the_server_closes_a_pressed_bubble_counts_down_in_a_new_one() -> None:
    # xfce4-notifyd and MATE's daemon close the bubble (reason 2) after any button: that
    # close is no answer, and the first frame is a new bubble, not a replace of a closed one.
    for name, vendor in (("Xfce Notify Daemon", "Xfce"), ("Notification Daemon", "MATE")):
        assert _pressed_start_then_closed(name, vendor) == (["start", None], 0)
    # Where the bubble stays (resident), the frame replaces it, and a close is the user's.
    for name, vendor in (("Plasma", "KDE"), ("Notification Daemon", "GNOME")):
        assert _pressed_start_then_closed(name, vendor) == (["start", "dismissed"], 7)
