"""Building org.freedesktop.Notifications calls and reading its signals, with no I/O.

The adapter in `freedesktop.py` only sends what these functions build (it chooses their options
from what the server can do), so everything about the wire format is testable without a bus.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from jeepney import (
    DBusAddress,
    HeaderFields,
    MatchRule,
    Message,
    MessageFlag,
    MessageType,
    new_method_call,
)

from .base import DISMISSED, Reminder
from .text import clean_line, clean_text, escape_markup

BUS_NAME = "org.freedesktop.Notifications"
OBJECT_PATH = "/org/freedesktop/Notifications"
INTERFACE = "org.freedesktop.Notifications"
NOTIFICATIONS = DBusAddress(OBJECT_PATH, bus_name=BUS_NAME, interface=INTERFACE)

URGENCY_BYTE = {"low": 0, "normal": 1, "critical": 2}

# The desktop file (standup.desktop) that names us: GNOME keys its per-app settings by it.
DESKTOP_ENTRY = "standup"

# NotificationClosed reasons from the spec. Only the user's own dismissal is an answer.
CLOSED_EXPIRED, CLOSED_DISMISSED, CLOSED_BY_CALL, CLOSED_UNDEFINED = 1, 2, 3, 4


def expire_timeout_ms(timeout: timedelta | None) -> int:
    """The spec's expire_timeout: -1 for the server default, 0 for never, else milliseconds."""
    if timeout is None:
        return -1
    if timeout == timedelta(0):
        return 0
    # A tiny positive timeout must not round down to 0, which would mean "never expire".
    return max(1, min(round(timeout / timedelta(milliseconds=1)), 2**31 - 1))


def image_hints(image: str | None) -> dict[str, tuple[str, Any]]:
    """The picture of the move as the spec's image-path hint, or nothing.

    A plain absolute path rather than a file:// URI: dunst, GNOME Shell, Plasma, mako, swaync
    and xfce4-notifyd all read one, and mako takes a URI's path as written, without undoing
    its %-escapes. The spec 1.1 spelling goes too, for servers that predate image-path. A path
    that is not absolute, or that a D-Bus string cannot carry, is left out: a bubble without
    its picture beats a Notify call the bus refuses.
    """
    if not image or not image.startswith("/") or clean_text(image) != image or "\n" in image:
        return {}
    try:
        image.encode("utf-8")
    except UnicodeEncodeError:  # a file name in another encoding, decoded with surrogates
        return {}
    return {"image-path": ("s", image), "image_path": ("s", image)}


def sound_hints(reminder: Reminder, plays_sound: bool) -> dict[str, tuple[str, Any]]:
    """The reminder's theme sound as the spec's sound-name hint, where the server plays one
    (the "sound" capability); a countdown frame, replaced every second, asks for silence.

    A bubble meant to sound never carries suppress-sound: where the server cannot play it,
    the notifier plays it itself and the server must not add one of its own."""
    if reminder.sound is not None:
        return {"sound-name": ("s", reminder.sound)} if plays_sound else {}
    if reminder.progress is not None:
        return {"suppress-sound": ("b", True)}
    return {}


def flatten_actions(actions: tuple[tuple[str, str], ...]) -> list[str]:
    """(("done", "Done"), ...) -> ["done", "Done", ...], the spec's alternating key/label list."""
    return [part for pair in actions for part in pair]


def notify_args(
    reminder: Reminder,
    *,
    app_name: str,
    replaces_id: int,
    with_actions: bool,
    markup: bool = True,
    icon: str = "",
    resident: bool = False,
    progress_bar: bool = True,
    plays_sound: bool = False,
) -> tuple[Any, ...]:
    """The Notify arguments (signature susssasa{sv}i) for `reminder`.

    Control characters never go out (a NUL gets the client disconnected); where the server
    parses the body as markup, the body is escaped so it shows exactly as written. The spec
    keeps the summary plain text. `resident`: the bubble stays up when a button is pressed.
    `progress_bar`: a countdown frame carries its percentage as the "value" hint.
    `plays_sound`: the server plays the reminder's sound from its sound-name hint.
    """
    hints: dict[str, tuple[str, Any]] = {
        "urgency": ("y", URGENCY_BYTE[reminder.urgency]),
        "desktop-entry": ("s", DESKTOP_ENTRY),
        **image_hints(reminder.image),
    }
    if resident:
        hints["resident"] = ("b", True)
    hints.update(sound_hints(reminder, plays_sound))
    if reminder.progress is not None:
        # A countdown frame replaces the bubble every second: no entry in the server's history
        # for each second, and a bar where the server draws one beside the text.
        hints["transient"] = ("b", True)
        if progress_bar:
            hints["value"] = ("i", max(0, min(100, reminder.progress)))
    body = clean_text(reminder.body)
    actions = (
        flatten_actions(tuple((key, clean_line(label)) for key, label in reminder.actions))
        if with_actions
        else []
    )
    return (
        app_name,
        replaces_id,
        icon,
        clean_line(reminder.title),
        escape_markup(body) if markup else body,
        actions,
        hints,
        expire_timeout_ms(reminder.timeout),
    )


def new_notify(
    reminder: Reminder,
    *,
    app_name: str,
    replaces_id: int = 0,
    with_actions: bool = True,
    markup: bool = True,
    icon: str = "",
    resident: bool = False,
    progress_bar: bool = True,
    plays_sound: bool = False,
) -> Message:
    args = notify_args(
        reminder,
        app_name=app_name,
        replaces_id=replaces_id,
        with_actions=with_actions,
        markup=markup,
        icon=icon,
        resident=resident,
        progress_bar=progress_bar,
        plays_sound=plays_sound,
    )
    return new_method_call(NOTIFICATIONS, "Notify", "susssasa{sv}i", args)


def new_close_notification(notification_id: int) -> Message:
    """CloseNotification, never starting a server to deliver it: a server the session has
    just stopped has no bubble of ours to close, and must not come back for it."""
    msg = new_method_call(NOTIFICATIONS, "CloseNotification", "u", (notification_id,))
    msg.header.flags |= MessageFlag.no_auto_start
    return msg


def new_get_capabilities() -> Message:
    return new_method_call(NOTIFICATIONS, "GetCapabilities")


def new_get_server_information() -> Message:
    return new_method_call(NOTIFICATIONS, "GetServerInformation")


def signal_rule() -> MatchRule:
    """Matches ActionInvoked and NotificationClosed.

    No sender in the rule: the bus would resolve the well-known name, but jeepney's local filter
    compares it with the unique name of the sender and would never match.
    """
    return MatchRule(type="signal", interface=INTERFACE, path=OBJECT_PATH)


@dataclass(frozen=True)
class Answer:
    """What a signal means for us: report `key` (or nothing), and whether to close the bubble."""

    key: str | None
    close_bubble: bool
    finished: bool  # the bubble is gone or answered: forget its id


def read_signal(
    msg: Message, our_id: int, our_keys: frozenset[str], server: str | None
) -> Answer | None:
    """Interpret a Notifications signal for the bubble `our_id`; None when it is not ours.

    `server` is the unique bus name of the server that showed the bubble: any program on the
    session bus can emit a signal that looks like ActionInvoked, only the server's counts.
    """
    if msg.header.message_type is not MessageType.signal or not our_id or not server:
        return None
    fields = msg.header.fields
    if fields.get(HeaderFields.interface) != INTERFACE:
        return None
    if fields.get(HeaderFields.sender) != server:
        return None
    member = fields.get(HeaderFields.member)
    body = msg.body
    if not body or body[0] != our_id:
        return None
    if member == "ActionInvoked" and len(body) == 2:
        key = body[1]
        if key in our_keys:
            # dunst leaves the bubble up after an action; the answer is given, so take it down.
            return Answer(key=key, close_bubble=True, finished=True)
        return None  # "default" (a click on the body) or a key we never offered
    if member == "NotificationClosed" and len(body) == 2:
        reason = body[1]
        return Answer(
            key=DISMISSED if reason == CLOSED_DISMISSED else None,
            close_bubble=False,
            finished=True,
        )
    return None


def parse_server_information(body: tuple[Any, ...], capabilities: list[str]) -> dict[str, Any]:
    name, vendor, version, spec_version = body
    return {
        "name": name,
        "vendor": vendor,
        "version": version,
        "spec_version": spec_version,
        "capabilities": list(capabilities),
    }
