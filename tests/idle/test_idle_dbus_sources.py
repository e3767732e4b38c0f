"""Mutter, org.freedesktop.ScreenSaver and logind against a fake bus: parsing, units, errors."""

from __future__ import annotations

import pytest
from idle_fakes import FakeBus

from standup.idle import IdleError, IdleSample
from standup.idle.bus import BusFailure
from standup.idle.logind import (
    LogindSource,
    idle_blocked,
    idle_seconds_from_hints,
)
from standup.idle.mutter import INHIBIT_IDLE, MutterSource, parse_idletime
from standup.idle.screensaver import ScreenSaverSource, parse_session_idle_time

MUTTER = ("/org/gnome/Mutter/IdleMonitor/Core", "org.gnome.Mutter.IdleMonitor", "GetIdletime")
GNOME_LOCK = ("/org/gnome/ScreenSaver", "org.gnome.ScreenSaver", "GetActive")
GNOME_INHIBIT = (
    "/org/gnome/SessionManager",
    "org.gnome.SessionManager",
    "prop:InhibitedActions",
)
FDO = "org.freedesktop.ScreenSaver"
MANAGER = ("/org/freedesktop/login1", "org.freedesktop.login1.Manager")
SESSION = "/org/freedesktop/login1/session/_32"


# -- mutter ------------------------------------------------------------------------------------


def test_mutter_reads_milliseconds_lock_and_idle_inhibition() -> None:
    bus = FakeBus({MUTTER: (61_500,), GNOME_LOCK: (True,), GNOME_INHIBIT: 8 | 4})
    assert MutterSource(bus).sample() == IdleSample(61.5, locked=True, inhibited=True)


def test_mutter_other_inhibitions_do_not_count_as_idle_inhibited() -> None:
    bus = FakeBus({MUTTER: (0,), GNOME_LOCK: (False,), GNOME_INHIBIT: 1 | 4})
    assert MutterSource(bus).sample() == IdleSample(0.0, locked=False, inhibited=False)
    assert INHIBIT_IDLE == 8


def test_mutter_without_lock_or_session_manager_says_unknown() -> None:
    sample = MutterSource(FakeBus({MUTTER: (2000,)})).sample()
    assert sample == IdleSample(2.0, locked=None, inhibited=None)


def test_mutter_idle_failure_is_an_idle_error() -> None:
    bus = FakeBus({MUTTER: BusFailure("no reply within 0.5 s")})
    with pytest.raises(IdleError, match="Mutter IdleMonitor: no reply"):
        MutterSource(bus).sample()


@pytest.mark.parametrize("bad", [-1, "12", None])
def test_mutter_nonsense_idletime_is_an_idle_error(bad: object) -> None:
    with pytest.raises(IdleError):
        parse_idletime((bad,))


def test_mutter_watch_without_a_bus_reports_unsupported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    source = MutterSource(FakeBus({MUTTER: (0,)}))
    assert source.watch(lambda: None, 60.0) is False
    source.close()


# -- org.freedesktop.ScreenSaver ---------------------------------------------------------------


def test_screensaver_seconds_by_default_and_lock_from_get_active() -> None:
    bus = FakeBus({
        ("/org/freedesktop/ScreenSaver", FDO, "GetSessionIdleTime"): (42,),
        ("/org/freedesktop/ScreenSaver", FDO, "GetActive"): (False,),
    })  # fmt: skip
    assert ScreenSaverSource(bus).sample() == IdleSample(42.0, locked=False, inhibited=None)


def test_screensaver_falls_back_to_the_short_path_and_reads_kde_milliseconds() -> None:
    bus = FakeBus({("/ScreenSaver", FDO, "GetSessionIdleTime"): (90_250,)})
    source = ScreenSaverSource(bus, unit="ms")
    assert source.find_path() == "/ScreenSaver"
    assert source.sample() == IdleSample(90.25, locked=None, inhibited=None)


def test_screensaver_not_supported_anywhere_is_an_idle_error() -> None:
    not_supported = BusFailure("NotSupported", "org.freedesktop.DBus.Error.NotSupported")
    bus = FakeBus({("/ScreenSaver", FDO, "GetSessionIdleTime"): not_supported})
    with pytest.raises(IdleError, match=r"/org/freedesktop/ScreenSaver: .*; /ScreenSaver: "):
        ScreenSaverSource(bus).find_path()


def test_screensaver_parse_rejects_negative() -> None:
    assert parse_session_idle_time((3,), "s") == 3.0
    with pytest.raises(IdleError):
        parse_session_idle_time((-3,), "s")


# -- logind ------------------------------------------------------------------------------------


def test_idle_since_hint_prefers_the_monotonic_stamp() -> None:
    props = {"IdleHint": True, "IdleSinceHint": 1_000_000_000, "IdleSinceHintMonotonic": 5_000_000}
    # Monotonic: 65 s - 5 s; the realtime stamp would say 1000 s - 1000 s = 0.
    assert idle_seconds_from_hints(props, now_realtime=1000.0, now_monotonic=65.0) == 60.0


def test_idle_since_hint_realtime_microseconds_when_no_monotonic() -> None:
    props = {"IdleHint": True, "IdleSinceHint": 1_700_000_000_000_000}
    assert idle_seconds_from_hints(props, 1_700_000_300.5, 0.0) == pytest.approx(300.5)


def test_idle_hint_off_means_active_and_clock_skew_never_goes_negative() -> None:
    assert idle_seconds_from_hints({"IdleHint": False, "IdleSinceHint": 1}, 1e9, 1e3) == 0.0
    future = {"IdleHint": True, "IdleSinceHint": 2_000_000_000_000_000}
    assert idle_seconds_from_hints(future, 1_000_000_000.0, 0.0) == 0.0


def test_block_inhibited_parsing() -> None:
    assert idle_blocked("sleep:idle:handle-lid-switch")
    assert not idle_blocked("sleep:shutdown")
    assert not idle_blocked("")


def _logind(**extra: object) -> FakeBus:
    replies: dict[tuple[str, str, str], object] = {
        (*MANAGER, "GetSessionByPID"): (SESSION,),
        (SESSION, "org.freedesktop.login1.Session", "all"): {
            "IdleHint": True,
            "IdleSinceHint": 0,
            "IdleSinceHintMonotonic": 10_000_000,
            "LockedHint": True,
        },
        (*MANAGER, "prop:BlockInhibited"): "sleep:idle",
    }
    replies.update(extra)  # type: ignore[arg-type]
    return FakeBus(replies, bus="SYSTEM")


def test_logind_session_by_pid_with_lock_and_inhibition() -> None:
    source = LogindSource(_logind(), monotonic=lambda: 70.0)
    assert source.sample() == IdleSample(60.0, locked=True, inhibited=True)
    assert source.session_path == SESSION


def test_logind_outside_a_session_uses_xdg_session_id() -> None:
    bus = _logind()
    bus.replies[(*MANAGER, "GetSessionByPID")] = BusFailure("NoSessionForPID")
    bus.replies[(*MANAGER, "GetSession")] = (SESSION,)
    source = LogindSource(bus, monotonic=lambda: 10.0)
    assert source.find_session(session_id="32") == SESSION


def test_logind_service_falls_back_to_the_users_display_session() -> None:
    # A systemd user service belongs to no session and has no XDG_SESSION_ID.
    bus = _logind()
    bus.replies[(*MANAGER, "GetSessionByPID")] = BusFailure("NoSessionForPID")
    bus.replies[(*MANAGER, "GetUser")] = ("/org/freedesktop/login1/user/_1000",)
    bus.replies[
        ("/org/freedesktop/login1/user/_1000", "org.freedesktop.login1.User", "prop:Display")
    ] = ("32", SESSION)
    assert LogindSource(bus).find_session(session_id="") == SESSION


def test_logind_no_session_at_all_is_an_idle_error() -> None:
    bus = FakeBus({}, bus="SYSTEM")
    with pytest.raises(IdleError, match="no session found"):
        LogindSource(bus).find_session(session_id="")


def test_logind_session_gone_is_an_idle_error_and_looked_up_again() -> None:
    bus = _logind()
    source = LogindSource(bus, monotonic=lambda: 70.0)
    source.find_session()
    bus.replies[(SESSION, "org.freedesktop.login1.Session", "all")] = BusFailure("UnknownObject")
    with pytest.raises(IdleError, match="logind session"):
        source.sample()
    assert source.session_path == ""


def test_logind_inhibition_unknown_when_the_manager_property_fails() -> None:
    bus = _logind()
    del bus.replies[(*MANAGER, "prop:BlockInhibited")]
    assert LogindSource(bus, monotonic=lambda: 70.0).sample().inhibited is None
