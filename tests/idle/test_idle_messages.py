"""What idle sources say when they fail: plain sentences, each cause said once."""

from __future__ import annotations

import pytest
from jeepney import DBusAddress, Message, new_method_call

from standup.idle.base import IdleError, summarize
from standup.idle.bus import BusClient, BusFailure, describe_error
from standup.idle.screensaver import ScreenSaverSource

from rig import Rig


def test_summarize_says_a_shared_cause_once() -> None:
    assert summarize([("/a", "no bus"), ("/b", "no bus")]) == "no bus"
    assert summarize([("/a", "no bus"), ("/b", "refused")]) == "/a: no bus; /b: refused"


def test_describe_error_prefers_the_message_to_the_tuple() -> None:
    assert describe_error("org.x.Failed", ("it broke",)) == "it broke"
    assert describe_error("org.x.Failed", ()) == "org.x.Failed"
    assert describe_error("org.x.Failed", (7,)) == "org.x.Failed"


def test_an_unset_bus_address_is_named_without_quotes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    with pytest.raises(BusFailure) as info:
        ScreenSaverSource(BusClient("SESSION"))._client.call(_ping())
    assert str(info.value) == "no session bus (DBUS_SESSION_BUS_ADDRESS is not set)"


def test_screensaver_without_a_bus_says_so_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    with pytest.raises(IdleError) as info:
        ScreenSaverSource().find_path()
    assert str(info.value) == (
        "org.freedesktop.ScreenSaver: no session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    )


@pytest.mark.e2e
def test_a_real_bus_error_reads_as_its_message(rig: Rig) -> None:
    rig.stop_dunst()  # nothing on the rig's bus serves the screensaver either
    client = BusClient("SESSION")
    try:
        with pytest.raises(IdleError) as info:
            ScreenSaverSource(client).find_path()
    finally:
        client.close()
    assert str(info.value) == (
        "org.freedesktop.ScreenSaver: "
        "The name org.freedesktop.ScreenSaver was not provided by any .service files"
    )


def _ping() -> Message:

    address = DBusAddress("/org/freedesktop/DBus", "org.freedesktop.DBus", "org.freedesktop.DBus")
    return new_method_call(address, "GetId")
