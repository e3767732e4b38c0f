"""Which do-not-disturb switch is read, by the server that owns the notification name; what
an answer of the wrong type means."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from jeepney import HeaderFields, new_method_return

import gvdb
from desktop_rigs.base import PrivateBus
from fake_bus_server import FakeBusServer
from standup.busy.dnd import NOTIFICATIONS, DoNotDisturbProbe
from standup.idle.bus import BusClient, BusFailure


class FakeBus:
    """Answers calls by (destination, member) from a table; records what was asked."""

    def __init__(self, answers: dict[tuple[str, str], Any]) -> None:
        self.answers = answers
        self.calls: list[tuple[str, str]] = []

    def call(self, msg: Any) -> tuple[Any, ...]:
        fields = msg.header.fields
        member = fields[HeaderFields.member]
        if member == "Get":  # a property read: name the property instead
            member = f"Get {msg.body[1]}"
        key = (fields.get(HeaderFields.destination, ""), member)
        self.calls.append(key)
        answer = self.answers.get(key)
        if answer is None:
            raise BusFailure("no such thing", "org.freedesktop.DBus.Error.UnknownMethod")
        if isinstance(answer, BusFailure):
            raise answer
        return answer

    def get_property(self, address: Any, name: str) -> Any:
        from jeepney import Properties

        (variant,) = self.call(Properties(address).get(name))
        return variant[1]

    def close(self) -> None:
        pass


def _bus(name: str, vendor: str, **extra: Any) -> FakeBus:
    answers = {
        ("org.freedesktop.DBus", "GetNameOwner"): (":1.5",),
        (":1.5", "GetServerInformation"): (name, vendor, "1.0", "1.2"),
    }
    answers.update(extra.get("answers", {}))
    return FakeBus(answers)


def test_no_server_means_not_paused_and_nothing_else_is_asked() -> None:
    bus = FakeBus({})
    assert DoNotDisturbProbe(bus)() is False  # type: ignore[arg-type]
    assert bus.calls == [("org.freedesktop.DBus", "GetNameOwner")]


@pytest.mark.parametrize("on", [True, False])
def test_dunst_reads_its_paused_property(on: bool) -> None:
    bus = _bus("dunst", "knopwob", answers={
        ("org.freedesktop.Notifications", "Get paused"): (("b", on),),
    })  # fmt: skip
    assert DoNotDisturbProbe(bus)() is on  # type: ignore[arg-type]


@pytest.mark.parametrize("on", [True, False])
def test_swaync_asks_get_dnd(on: bool) -> None:
    bus = _bus("SwayNotificationCenter", "ErikReider", answers={
        ("org.erikreider.swaync.cc", "GetDnd"): (on,),
    })  # fmt: skip
    assert DoNotDisturbProbe(bus)() is on  # type: ignore[arg-type]


def test_xfce_reads_xfconf_without_starting_it() -> None:
    bus = _bus("Xfce Notify Daemon", "Xfce", answers={
        ("org.xfce.Xfconf", "GetProperty"): (("b", True),),
    })  # fmt: skip
    assert DoNotDisturbProbe(bus)() is True  # type: ignore[arg-type]
    unset = _bus("Xfce Notify Daemon", "Xfce", answers={
        ("org.xfce.Xfconf", "GetProperty"): BusFailure("x", "PropertyNotFound"),
    })  # fmt: skip
    assert DoNotDisturbProbe(unset)() is False  # type: ignore[arg-type]


def test_mako_counts_any_configured_mode() -> None:
    bus = _bus("mako", "emersion", answers={
        ("org.freedesktop.Notifications", "ListModes"): (["default", "meeting"],),
    })  # fmt: skip
    assert DoNotDisturbProbe(bus)() is False  # type: ignore[arg-type]  # the default name only
    probe = DoNotDisturbProbe(bus, modes=["do-not-disturb", "meeting"])  # type: ignore[arg-type]
    assert probe() is True


def test_the_server_identity_is_asked_once_per_owner() -> None:
    bus = _bus("Plasma", "KDE", answers={
        ("org.freedesktop.Notifications", "Get Inhibited"): (("b", True),),
    })  # fmt: skip
    probe = DoNotDisturbProbe(bus)  # type: ignore[arg-type]
    assert probe() is True
    assert probe() is True
    assert bus.calls.count((":1.5", "GetServerInformation")) == 1


def test_gnome_reads_show_banners_from_dconf(monkeypatch, tmp_path) -> None:
    from standup.busy import dconf as busy_dconf

    seen: list[str] = []

    def read_bool(key: str, path: object = None) -> bool | None:
        seen.append(key)
        return False

    monkeypatch.setattr(busy_dconf, "read_bool", read_bool)
    bus = _bus("gnome-shell", "GNOME")
    assert DoNotDisturbProbe(bus)() is True  # type: ignore[arg-type]
    assert seen == ["/org/gnome/desktop/notifications/show-banners"]


def test_notification_daemon_has_no_switch_but_mate_does(monkeypatch) -> None:
    from standup.busy import dconf as busy_dconf

    monkeypatch.setattr(busy_dconf, "read_bool", lambda key, path=None: True)
    mate = _bus("Notification Daemon", "MATE")
    assert DoNotDisturbProbe(mate)() is True  # type: ignore[arg-type]
    gnome_nd = _bus("Notification Daemon", "GNOME")
    assert DoNotDisturbProbe(gnome_nd)() is False  # type: ignore[arg-type]


# Answers of the wrong D-Bus type, as jeepney decodes them: (server, vendor, call, body).
# Before, `bool()` made the string "false" a hold and a string of modes was read by letter.
WRONG_TYPES = {
    "Plasma Inhibited as the string 'false'": (
        "Plasma", "KDE", ("org.freedesktop.Notifications", "Get Inhibited"), (("s", "false"),)),
    "Plasma Inhibited as a uint32": (
        "Plasma", "KDE", ("org.freedesktop.Notifications", "Get Inhibited"), (("u", 1),)),
    "dunst paused as the string 'false'": (
        "dunst", "knopwob", ("org.freedesktop.Notifications", "Get paused"), (("s", "false"),)),
    "dunst paused as a bare boolean, not a variant": (
        "dunst", "knopwob", ("org.freedesktop.Notifications", "Get paused"), (True,)),
    "mako ListModes as one string": (
        "mako", "emersion", ("org.freedesktop.Notifications", "ListModes"), ("x-ray",)),
    "swaync GetDnd as the string 'true'": (
        "SwayNotificationCenter", "ErikReider", ("org.erikreider.swaync.cc", "GetDnd"), ("true",)),
    "xfconf do-not-disturb as the string 'true'": (
        "Xfce Notify Daemon", "Xfce", ("org.xfce.Xfconf", "GetProperty"), (("s", "true"),)),
}  # fmt: skip


@pytest.mark.parametrize("server", WRONG_TYPES.values(), ids=WRONG_TYPES.keys())
def test_an_answer_of_the_wrong_type_is_not_a_hold_and_one_debug_line(
    server: tuple[str, str, tuple[str, str], tuple[Any, ...]], caplog: pytest.LogCaptureFixture
) -> None:
    name, vendor, call, body = server
    caplog.set_level(logging.DEBUG, logger="standup.busy")
    # "x": a one-letter mode that a letter-by-letter read would hit.
    modes = ("do-not-disturb", "x")
    probe = DoNotDisturbProbe(_bus(name, vendor, answers={call: body}), modes=modes)  # type: ignore[arg-type]
    assert [probe() for _ in range(3)] == [False, False, False]
    lines = [r.getMessage() for r in caplog.records if r.name == "standup.busy"]
    assert len(lines) == 1, lines
    assert "counted as not paused" in lines[0]


def test_a_wrong_type_is_said_again_after_a_right_one(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="standup.busy")
    bus = _bus("Plasma", "KDE")
    probe = DoNotDisturbProbe(bus)  # type: ignore[arg-type]
    held = []
    for answer in [("s", "false"), ("s", "false"), ("b", True), ("s", "false")]:
        bus.answers[("org.freedesktop.Notifications", "Get Inhibited")] = (answer,)
        held.append(probe())
    assert held == [False, False, True, False]
    assert len([r for r in caplog.records if r.name == "standup.busy"]) == 2


HOSTILE_DCONF = {
    "text": lambda: b"not a database at all, just text",
    "a file built to stall the search": lambda: gvdb.walker(5000),
}


@pytest.mark.parametrize("content", HOSTILE_DCONF.values(), ids=HOSTILE_DCONF.keys())
def test_a_bad_dconf_file_is_not_busy_and_said_once(
    content, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    db = tmp_path / "dconf" / "user"
    db.parent.mkdir()
    db.write_bytes(content())
    caplog.set_level(logging.DEBUG, logger="standup.busy")
    probe = DoNotDisturbProbe(_bus("gnome-shell", "GNOME"))  # type: ignore[arg-type]
    assert [probe() for _ in range(3)] == [False, False, False]
    said = [r for r in caplog.records if r.name == "standup.busy"]
    assert [r.levelno for r in said] == [logging.WARNING]
    assert str(db) in said[0].getMessage()
    # Banners switched off in a sound file: held, and nothing more is said.
    db.write_bytes(gvdb.valid(value=b"\x00\x00b"))
    assert probe() is True
    db.write_bytes(content())
    assert probe() is False  # broken again: said again, once
    assert len([r for r in caplog.records if r.name == "standup.busy"]) == 2


class _WrongServer(FakeBusServer):
    """A notification server on a private bus that answers its do-not-disturb switch with
    the signature and body given: what jeepney decodes off the wire reaches the probe."""

    def __init__(self, address: str, identity: tuple[str, str], member: str, reply: Any) -> None:
        super().__init__(address, NOTIFICATIONS)
        self.identity, self.member, self.reply = identity, member, reply

    def answer(self, member: str, msg: Any) -> Any:
        if member == "Get":
            member = f"Get {msg.body[1]}"
        if member == "GetServerInformation":
            return new_method_return(msg, "ssss", (*self.identity, "1.0", "1.2"))
        if member == self.member:
            return new_method_return(msg, *self.reply)
        return None


ON_THE_WIRE = {
    # (name, vendor), the member answered, its reply (signature, body), what the probe says
    "Plasma Inhibited as v(s 'false')": (
        ("Plasma", "KDE"), "Get Inhibited", ("v", (("s", "false"),)), False),
    "dunst paused as a bare b, not a variant": (
        ("dunst", "knopwob"), "Get paused", ("b", (True,)), False),
    "mako ListModes as s": (("mako", "emersion"), "ListModes", ("s", ("x-ray",)), False),
    "Plasma Inhibited as v(b true), the right type": (
        ("Plasma", "KDE"), "Get Inhibited", ("v", (("b", True),)), True),
}  # fmt: skip


@pytest.mark.e2e
@pytest.mark.parametrize("case", ON_THE_WIRE.values(), ids=ON_THE_WIRE.keys())
def test_wrong_types_on_a_real_bus(case: tuple[Any, ...], caplog: pytest.LogCaptureFixture) -> None:
    identity, member, reply, expected = case
    caplog.set_level(logging.DEBUG, logger="standup.busy")
    bus = PrivateBus()
    address = bus.start()
    server = _WrongServer(address, identity, member, reply)
    probe = DoNotDisturbProbe(BusClient(address), modes=("do-not-disturb", "x"))
    try:
        server.start()
        assert [probe() for _ in range(3)] == [expected] * 3
    finally:
        probe.close()
        server.close()
        bus.stop()
    said = [r.getMessage() for r in caplog.records if r.name == "standup.busy"]
    assert len(said) == (0 if expected else 1), said
