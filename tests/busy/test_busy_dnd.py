"""Which do-not-disturb switch is read, by the server that owns the notification name."""

from __future__ import annotations

from typing import Any

import pytest
from jeepney import HeaderFields

from standup.busy.dnd import DoNotDisturbProbe
from standup.idle.bus import BusFailure


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
    probe = DoNotDisturbProbe(bus)  # type: ignore[arg-type]
    assert probe() is False  # "do-not-disturb" is the default name
    probe.modes = ("do-not-disturb", "meeting")
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
