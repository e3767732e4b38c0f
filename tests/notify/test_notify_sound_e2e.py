"""The sound on a real session bus: a notification server that plays sound-name gets the hint,
one that does not (a fake one without the capability, and the real dunst) gets a bubble while
standup plays the sound itself (a fake player first on PATH)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jeepney import new_method_return

from desktop_rigs.base import PrivateBus
from fake_bus_server import FakeBusServer
from sound_fakes import fake_player, recorded, theme
from standup.notify.base import Reminder
from standup.notify.freedesktop import FreedesktopNotifier
from standup.notify.message import BUS_NAME
from standup.notify.sound import Player

from rig import Rig, wait_until

pytestmark = pytest.mark.e2e


class FakeServer(FakeBusServer):
    """A notification server on a private bus that advertises `capabilities` and keeps the
    hints of every Notify it gets, as jeepney decodes them off the wire."""

    def __init__(self, address: str, capabilities: list[str]) -> None:
        super().__init__(address, BUS_NAME)
        self.capabilities = capabilities
        self.hints: list[dict[str, Any]] = []
        self.start()

    def answer(self, member: str, msg: Any) -> Any:
        if member == "GetCapabilities":
            return new_method_return(msg, "as", (self.capabilities,))
        if member == "GetServerInformation":
            return new_method_return(msg, "ssss", ("Fake", "standup tests", "1.0", "1.2"))
        if member == "Notify":
            self.hints.append(msg.body[6])
            return new_method_return(msg, "u", (len(self.hints),))
        if member == "CloseNotification":
            return new_method_return(msg)
        return None


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[PrivateBus]:
    private = PrivateBus()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private.start())
    yield private
    private.stop()


@pytest.fixture
def player(tmp_path: Path) -> Player:
    """A player whose PATH holds only a fake pw-play, recording to tmp_path/argv."""
    data = tmp_path / "data"
    theme(data, "bell.oga", "complete.oga")
    fake_player(tmp_path / "bin", "pw-play", tmp_path / "argv")
    env = {"PATH": str(tmp_path / "bin"), "XDG_DATA_DIRS": str(data), "HOME": str(tmp_path)}
    return Player(environ=env)


BELL = Reminder("Stand up", "Hip flexor stretch", actions=(("done", "Done"),), sound="bell")
FRAME = Reminder("Hold: Test", "3 s left", "low", actions=(("done", "Done"),), progress=40)
DONE = Reminder("Hold: Test", "Well held", "low", progress=100, sound="complete")


def test_a_server_that_plays_sound_gets_the_names_and_nothing_is_played_here(
    bus: PrivateBus, player: Player, tmp_path: Path
) -> None:
    server = FakeServer(bus.address, ["actions", "body", "sound"])
    notifier = FreedesktopNotifier(lambda key: None, player=player)
    try:
        for reminder in (BELL, FRAME, DONE):
            assert notifier.show(reminder) == "freedesktop"
    finally:
        notifier.shutdown()
        server.close()
    bell, frame, done = server.hints
    assert bell["sound-name"] == ("s", "bell") and "suppress-sound" not in bell
    assert frame["suppress-sound"] == ("b", True) and "sound-name" not in frame
    assert done["sound-name"] == ("s", "complete") and "suppress-sound" not in done
    time.sleep(0.3)  # a player started by mistake would have written by now
    assert not (tmp_path / "argv").exists()


def test_a_server_without_sound_gets_no_hint_and_the_sound_is_played_here(
    bus: PrivateBus, player: Player, tmp_path: Path
) -> None:
    server = FakeServer(bus.address, ["actions", "body"])
    notifier = FreedesktopNotifier(lambda key: None, player=player)
    data = tmp_path / "data" / "sounds" / "freedesktop" / "stereo"
    try:
        assert notifier.show(BELL) == "freedesktop"
        assert recorded(tmp_path / "argv")[1:] == [str(data / "bell.oga")]
        (tmp_path / "argv").unlink()
        assert notifier.show(FRAME) == "freedesktop"
        time.sleep(0.3)
        assert not (tmp_path / "argv").exists()  # a countdown frame is silent
        assert notifier.show(DONE) == "freedesktop"
        assert recorded(tmp_path / "argv")[1:] == [str(data / "complete.oga")]
    finally:
        notifier.shutdown()
        server.close()
    assert all("sound-name" not in hints for hints in server.hints)
    assert "suppress-sound" not in server.hints[0] and "suppress-sound" not in server.hints[2]


def test_on_dunst_the_reminder_arrives_and_the_bell_is_played_here(
    rig: Rig, player: Player, tmp_path: Path
) -> None:
    notifier = FreedesktopNotifier(lambda key: None, player=player)
    try:
        assert notifier.show(BELL) == "freedesktop"
        assert notifier.server() is not None and not notifier.server().sound  # type: ignore[union-attr]
        assert recorded(tmp_path / "argv")[0].endswith("/pw-play")
        wait_until(lambda: rig.displayed_count() == 1, 5)
    finally:
        notifier.shutdown()
