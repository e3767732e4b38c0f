"""The picture of the move travels as the image-path hint, built without a bus."""

from __future__ import annotations

import pytest

from standup.notify.base import Reminder
from standup.notify.message import image_hints, new_notify, notify_args

PICTURE = "/usr/share/standup/pictures/glute-bridge.svg"


def _hints(reminder: Reminder, icon: str = "") -> dict[str, tuple[str, object]]:
    args = notify_args(reminder, app_name="standup", replaces_id=0, with_actions=True, icon=icon)
    return args[6]


def test_a_reminder_with_a_picture_sends_its_path_as_the_image_hint() -> None:
    hints = _hints(Reminder("Glute bridge", "2 x 10 reps", image=PICTURE))
    assert hints["image-path"] == ("s", PICTURE)
    # The spec 1.1 spelling, for servers older than image-path.
    assert hints["image_path"] == ("s", PICTURE)


def test_a_reminder_without_a_picture_sends_no_image_hint() -> None:
    hints = _hints(Reminder("Glute bridge", "2 x 10 reps"))
    assert "image-path" not in hints and "image_path" not in hints
    assert set(hints) == {"urgency", "desktop-entry"}


def test_the_app_icon_stays_as_it_was() -> None:
    args = notify_args(
        Reminder("t", "b", image=PICTURE), app_name="standup", replaces_id=0,
        with_actions=True, icon="standup",
    )  # fmt: skip
    assert args[2] == "standup"


def test_the_picture_does_not_crowd_out_the_other_hints() -> None:
    hints = _hints(Reminder("t", "b", urgency="critical", image=PICTURE))
    assert hints["urgency"] == ("y", 2)
    assert hints["desktop-entry"] == ("s", "standup")


@pytest.mark.parametrize(
    "image",
    [
        "",
        "glute-bridge.svg",  # relative: the server's working directory is not ours
        "file:///tmp/x.svg",  # a URI is for the caller to resolve, not us to pass through
        "/tmp/bad\x00name.svg",  # a NUL gets the client thrown off the bus
        "/tmp/two\nlines.svg",
        "/tmp/caf\udce9.svg",  # a Latin-1 file name decoded with surrogates: not UTF-8
    ],
)
def test_a_path_the_bus_cannot_carry_cleanly_is_left_out(image: str) -> None:
    assert image_hints(image) == {}
    # The bubble still goes out, without its picture.
    msg = new_notify(Reminder("t", "b", image=image), app_name="standup")
    assert "image-path" not in msg.body[6]
    msg.serialise(serial=1)


def test_a_path_with_spaces_and_non_ascii_letters_goes_as_it_is() -> None:
    image = "/home/zoë/My Pictures/wall sit.svg"
    msg = new_notify(Reminder("t", "b", image=image), app_name="standup")
    assert msg.body[6]["image-path"] == ("s", image)
    assert msg.serialise(serial=1)  # the signature a{sv} takes it
