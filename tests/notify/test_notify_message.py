"""Notify calls and signal reading, built and read without a bus."""

from __future__ import annotations

from datetime import timedelta

import pytest
from jeepney import DBusAddress, HeaderFields, MessageFlag, MessageType, new_signal

from standup.notify.base import Reminder
from standup.notify.message import (
    BUS_NAME,
    INTERFACE,
    OBJECT_PATH,
    expire_timeout_ms,
    flatten_actions,
    new_close_notification,
    new_notify,
    notify_args,
    read_signal,
    signal_rule,
)

BUTTONS = (("done", "Done"), ("snooze", "Snooze 10 min"), ("skip", "Skip"))
KEYS = frozenset(key for key, _ in BUTTONS)
SERVER = DBusAddress(OBJECT_PATH, interface=INTERFACE)


OWNER = ":1.7"  # the unique name of the server that showed our bubble


def _signal(member: str, signature: str, body: tuple[object, ...], sender: str = OWNER):
    msg = new_signal(SERVER, member, signature, body)
    msg.header.fields[HeaderFields.sender] = sender  # the bus stamps every message it routes
    return msg


def test_notify_args_carry_app_name_replaces_id_and_text() -> None:
    args = notify_args(
        Reminder("Stand up", "Hip flexor stretch"), app_name="standup", replaces_id=7,
        with_actions=True,
    )  # fmt: skip
    app_name, replaces_id, icon, summary, body, actions, _hints, timeout = args
    assert (app_name, replaces_id, icon, summary, body) == (
        "standup", 7, "", "Stand up", "Hip flexor stretch",
    )  # fmt: skip
    assert actions == []
    assert timeout == -1


@pytest.mark.parametrize(("urgency", "byte"), [("low", 0), ("normal", 1), ("critical", 2)])
def test_urgency_is_a_byte_hint(urgency: str, byte: int) -> None:
    args = notify_args(
        Reminder("t", "b", urgency=urgency), app_name="standup", replaces_id=0, with_actions=True
    )
    assert args[6]["urgency"] == ("y", byte)


def test_resident_and_countdown_hints_are_built_here() -> None:
    def hints(reminder: Reminder, **options: bool) -> dict[str, object]:
        args = notify_args(reminder, app_name="standup", replaces_id=0, with_actions=True,
                           **options)  # fmt: skip
        return args[6]

    plain = hints(Reminder("t", "b"))
    assert set(plain) == {"urgency", "desktop-entry"}
    assert hints(Reminder("t", "b"), resident=True)["resident"] == ("b", True)
    frame = hints(Reminder("t", "b", progress=140))
    assert (frame["suppress-sound"], frame["transient"]) == (("b", True), ("b", True))
    assert frame["value"] == ("i", 100)  # a percentage, however far past the end
    assert "value" not in hints(Reminder("t", "b", progress=40), progress_bar=False)


def test_the_sound_goes_as_a_hint_only_where_the_server_plays_it() -> None:
    def hints(reminder: Reminder, plays_sound: bool) -> dict[str, object]:
        args = notify_args(reminder, app_name="standup", replaces_id=0, with_actions=True,
                           plays_sound=plays_sound)  # fmt: skip
        return args[6]

    bell = Reminder("Stand up", "Now.", sound="bell")
    assert hints(bell, plays_sound=True)["sound-name"] == ("s", "bell")
    assert "suppress-sound" not in hints(bell, plays_sound=True)
    # Elsewhere the notifier plays it itself: no hint, and no suppress-sound either.
    assert set(hints(bell, plays_sound=False)) == {"urgency", "desktop-entry"}
    # The last frame of a hold sounds; the others are quiet on every server.
    done = hints(Reminder("Hold", "Well held", progress=100, sound="complete"), True)
    assert done["sound-name"] == ("s", "complete") and "suppress-sound" not in done
    assert done["transient"] == ("b", True)
    for plays_sound in (True, False):
        frame = hints(Reminder("Hold", "3 s left", progress=40), plays_sound)
        assert frame["suppress-sound"] == ("b", True) and "sound-name" not in frame
        assert "sound-name" not in hints(Reminder("t", "b"), plays_sound)


@pytest.mark.parametrize("name", ["", "../bell", "/usr/share/sounds/x.oga", "-i", "Bell", "a b"])
def test_a_sound_is_a_theme_name_never_a_path_or_an_option(name: str) -> None:
    with pytest.raises(ValueError, match="sound"):
        Reminder("t", "b", sound=name)


def test_actions_are_flattened_to_alternating_keys_and_labels() -> None:
    assert flatten_actions(BUTTONS) == ["done", "Done", "snooze", "Snooze 10 min", "skip", "Skip"]
    assert flatten_actions(()) == []


def test_actions_are_left_out_when_the_server_cannot_show_them() -> None:
    reminder = Reminder("t", "b", actions=BUTTONS)
    with_buttons = notify_args(reminder, app_name="standup", replaces_id=0, with_actions=True)
    without = notify_args(reminder, app_name="standup", replaces_id=0, with_actions=False)
    assert with_buttons[5] == flatten_actions(BUTTONS)
    assert without[5] == []


@pytest.mark.parametrize(
    ("timeout", "expected"),
    [
        (None, -1),
        (timedelta(0), 0),
        (timedelta(seconds=1.5), 1500),
        (timedelta(minutes=2), 120_000),
        (timedelta(microseconds=100), 1),  # must not round to 0, which means "never"
        (timedelta(days=365), 2**31 - 1),  # the wire type is a signed 32-bit int
    ],
)
def test_timeout_mapping(timeout: timedelta | None, expected: int) -> None:
    assert expire_timeout_ms(timeout) == expected


def test_new_notify_is_a_method_call_to_the_notification_server() -> None:
    msg = new_notify(Reminder("t", "b", actions=BUTTONS), app_name="standup", replaces_id=3)
    fields = msg.header.fields
    assert msg.header.message_type is MessageType.method_call
    assert fields[HeaderFields.destination] == BUS_NAME
    assert fields[HeaderFields.path] == OBJECT_PATH
    assert fields[HeaderFields.member] == "Notify"
    assert fields[HeaderFields.signature] == "susssasa{sv}i"
    assert msg.body[1] == 3
    assert msg.body[5] == flatten_actions(BUTTONS)
    msg.serialise(serial=1)  # the body really matches the signature


def test_new_close_notification_names_the_id_and_starts_no_server() -> None:
    msg = new_close_notification(42)
    assert msg.header.fields[HeaderFields.member] == "CloseNotification"
    assert msg.body == (42,)
    assert msg.header.flags & MessageFlag.no_auto_start


def test_every_notification_names_our_desktop_file_and_icon() -> None:
    args = notify_args(
        Reminder("t", "b"), app_name="standup", replaces_id=0, with_actions=True,
        icon="/usr/share/standup.svg",
    )  # fmt: skip
    assert args[2] == "/usr/share/standup.svg"
    assert args[6]["desktop-entry"] == ("s", "standup")


USER_TEXT = "1 < 2 & <i>x</i> > 0"


def test_the_body_is_escaped_for_a_server_that_parses_markup() -> None:
    reminder = Reminder(USER_TEXT, USER_TEXT)
    args = notify_args(reminder, app_name="standup", replaces_id=0, with_actions=True, markup=True)
    assert args[4] == "1 &lt; 2 &amp; &lt;i&gt;x&lt;/i&gt; &gt; 0"
    assert args[3] == USER_TEXT  # the summary is plain text by the spec


def test_the_body_goes_as_written_to_a_server_without_markup() -> None:
    args = notify_args(
        Reminder("t", USER_TEXT), app_name="standup", replaces_id=0, with_actions=True,
        markup=False,
    )  # fmt: skip
    assert args[4] == USER_TEXT


def test_control_characters_never_reach_the_server() -> None:
    reminder = Reminder(
        "Lunge\x00 stretch\x1b[31m",
        "Step 1\x00\tnow\r\nStep 2\x7f\x85",
        actions=(("done", "Do\x00ne"),),
    )
    msg = new_notify(reminder, app_name="standup")
    _app, _id, _icon, summary, body, actions, _hints, _timeout = msg.body
    assert summary == "Lunge stretch[31m"
    assert body == "Step 1 now\nStep 2"
    assert actions == ["done", "Done"]
    msg.serialise(serial=1)


def test_signal_rule_matches_both_signals_from_any_sender() -> None:
    rule = signal_rule()
    assert rule.matches(_signal("ActionInvoked", "us", (1, "done")))
    assert rule.matches(_signal("NotificationClosed", "uu", (1, 2)))
    assert "sender" not in rule.serialise()


@pytest.mark.parametrize("key", sorted(KEYS))
def test_our_action_is_an_answer_that_closes_the_bubble(key: str) -> None:
    answer = read_signal(_signal("ActionInvoked", "us", (5, key)), 5, KEYS, OWNER)
    assert answer is not None
    assert (answer.key, answer.close_bubble, answer.finished) == (key, True, True)


def test_a_click_on_the_body_and_unknown_keys_mean_nothing() -> None:
    assert read_signal(_signal("ActionInvoked", "us", (5, "default")), 5, KEYS, OWNER) is None
    assert read_signal(_signal("ActionInvoked", "us", (5, "reboot")), 5, KEYS, OWNER) is None


def test_signals_for_other_notifications_are_ignored() -> None:
    assert read_signal(_signal("ActionInvoked", "us", (6, "done")), 5, KEYS, OWNER) is None
    assert read_signal(_signal("NotificationClosed", "uu", (6, 2)), 5, KEYS, OWNER) is None
    # With no bubble of ours shown, nothing is ours.
    assert read_signal(_signal("ActionInvoked", "us", (0, "done")), 0, KEYS, OWNER) is None


def test_dismissal_by_the_user_is_the_only_close_that_answers() -> None:
    dismissed = read_signal(_signal("NotificationClosed", "uu", (5, 2)), 5, KEYS, OWNER)
    assert dismissed is not None
    assert (dismissed.key, dismissed.close_bubble, dismissed.finished) == ("dismissed", False, True)
    for reason in (1, 3, 4):  # expired, closed by a call, undefined
        answer = read_signal(_signal("NotificationClosed", "uu", (5, reason)), 5, KEYS, OWNER)
        assert answer is not None
        assert (answer.key, answer.finished) == (None, True)


def test_a_signal_from_anyone_but_the_server_is_ignored() -> None:
    forged = _signal("ActionInvoked", "us", (5, "done"), sender=":1.99")
    assert read_signal(forged, 5, KEYS, OWNER) is None
    # Before we know who the server is, no signal is believed.
    assert read_signal(_signal("ActionInvoked", "us", (5, "done")), 5, KEYS, None) is None


def test_other_interfaces_are_ignored() -> None:
    other = new_signal(DBusAddress(OBJECT_PATH, interface="org.example.X"), "ActionInvoked", "us",
                       (5, "done"))  # fmt: skip
    assert read_signal(other, 5, KEYS, OWNER) is None


@pytest.mark.parametrize(
    "kwargs",
    [
        {"urgency": "urgent"},
        {"timeout": timedelta(seconds=-1)},
        {"actions": (("default", "Open"),)},
        {"actions": (("dismissed", "x"),)},
    ],
)
def test_reminder_rejects_values_the_backends_cannot_carry(kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        Reminder("t", "b", **kwargs)  # type: ignore[arg-type]
