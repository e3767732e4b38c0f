"""Backends without a desktop: log, the plyer wrapper, auto's choices, and a missing bus."""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest

from standup.notify import LogNotifier, Reminder, open_notifier, server_info
from standup.notify.auto import AutoNotifier
from standup.notify.log import log_line
from standup.notify.plyer_backend import PlyerNotifier, plyer_timeout

REMINDER = Reminder("Stand up", "Kneeling hip-flexor stretch\nHold 30 s each side.")


def _ignore(_key: str) -> None:
    pass


def test_log_line_is_title_and_the_whole_body_on_one_line() -> None:
    expected = "Reminder: Stand up — Kneeling hip-flexor stretch / Hold 30 s each side."
    assert log_line(REMINDER) == expected
    assert log_line(Reminder("Stand up", "")) == "Reminder: Stand up"


def test_log_backend_logs_one_line_and_reports_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="standup.notify"):
        assert LogNotifier().show(REMINDER) == "log"
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        (
            "standup.notify",
            logging.WARNING,
            "Reminder: Stand up — Kneeling hip-flexor stretch / Hold 30 s each side.",
        )
    ]


def test_unknown_backend_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="unknown notification backend"):
        open_notifier("growl", _ignore)


def test_importing_the_package_loads_neither_jeepney_nor_plyer() -> None:
    code = (
        "import sys, standup.notify as n; n.open_notifier('log', print);"
        "print(sorted(m for m in ('jeepney', 'plyer') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- freedesktop without a bus ---------------------------------------------------------------


@pytest.mark.parametrize(
    "address", [None, "unix:path=/nonexistent/standup-test-bus", "tcp:host=127.0.0.1,port=1"]
)
def test_freedesktop_without_a_usable_bus_logs_instead(
    address: str | None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    if address is None:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    else:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    notifier = open_notifier("freedesktop", _ignore)
    try:
        with caplog.at_level(logging.WARNING, logger="standup.notify"):
            assert notifier.show(REMINDER) == "log"
        assert "Reminder: Stand up" in caplog.text
        notifier.close()
    finally:
        notifier.shutdown()
    assert server_info() is None


# -- plyer -----------------------------------------------------------------------------------


@dataclass
class FakePlyer:
    error: Exception | None = None
    calls: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, **kwargs: Any) -> None:
        self.calls.append(kwargs)
        if self.error is not None:
            raise self.error


def test_plyer_passes_title_body_app_name_and_seconds() -> None:
    fake = FakePlyer()
    notifier = PlyerNotifier("standup", platform="darwin", notify=fake)
    assert notifier.show(Reminder("t", "b", timeout=timedelta(minutes=1))) == "plyer"
    assert fake.calls == [{"title": "t", "message": "b", "app_name": "standup", "timeout": 60}]


@pytest.mark.parametrize(
    ("timeout", "seconds"),
    [(None, 10), (timedelta(0), 0), (timedelta(milliseconds=10), 1), (timedelta(minutes=2), 120)],
)
def test_plyer_timeout_mapping(timeout: timedelta | None, seconds: int) -> None:
    assert plyer_timeout(timeout) == seconds


def test_plyer_without_a_backend_falls_back_to_the_log(caplog: pytest.LogCaptureFixture) -> None:
    fake = FakePlyer(error=NotImplementedError("No usable implementation found!"))
    notifier = PlyerNotifier("standup", platform="win32", notify=fake)
    with caplog.at_level(logging.INFO, logger="standup.notify"):
        assert notifier.show(REMINDER) == "log"
    assert "Reminder: Stand up" in caplog.text


def test_plyer_on_linux_is_not_trusted_without_a_working_path() -> None:
    # notify-send on a dead bus fails silently, so plyer must not even be called.
    fake = FakePlyer()
    notifier = PlyerNotifier("standup", platform="linux", notify=fake, path_works=lambda: False)
    assert notifier.show(REMINDER) == "log"
    assert fake.calls == []


def test_plyer_on_linux_with_a_working_path_delivers() -> None:
    fake = FakePlyer()
    notifier = PlyerNotifier("standup", platform="linux", notify=fake, path_works=lambda: True)
    assert notifier.show(REMINDER) == "plyer"
    assert len(fake.calls) == 1


# -- auto ------------------------------------------------------------------------------------


@dataclass
class FakeBus:
    """Stands in for the freedesktop backend: a server may be present, a send may fail."""

    present: bool = True
    works: bool = True
    name: str = "freedesktop"
    shown: list[str] = field(default_factory=list)
    closed: int = 0

    def available(self) -> bool:
        return self.present

    def try_show(self, reminder: Reminder) -> bool:
        if self.works:
            self.shown.append(reminder.title)
        return self.works

    def close(self) -> None:
        self.closed += 1

    def shutdown(self) -> None:
        pass


def _auto(bus: FakeBus, plyer_works: bool = False) -> tuple[AutoNotifier, FakePlyer]:
    fake = FakePlyer()
    plyer = PlyerNotifier(platform="linux", notify=fake, path_works=lambda: plyer_works)
    return AutoNotifier(_ignore, freedesktop=bus, plyer=plyer), fake


def test_auto_prefers_the_bus_when_a_server_owns_the_name() -> None:
    auto, _ = _auto(FakeBus())
    assert auto.show(REMINDER) == "freedesktop"
    assert auto.name == "freedesktop"


def test_auto_uses_plyer_then_log_when_no_server_owns_the_name() -> None:
    auto, fake = _auto(FakeBus(present=False), plyer_works=True)
    assert auto.show(REMINDER) == "plyer"
    assert len(fake.calls) == 1
    auto, fake = _auto(FakeBus(present=False), plyer_works=False)
    assert auto.show(REMINDER) == "log"
    assert fake.calls == []


def test_auto_picks_up_a_server_that_starts_later() -> None:
    bus = FakeBus(present=False)
    auto, _ = _auto(bus)
    assert auto.show(REMINDER) == "log"
    bus.present = True
    assert auto.show(REMINDER) == "freedesktop"
    assert bus.shown == ["Stand up"]


def test_auto_reprobes_when_a_send_fails_and_never_raises() -> None:
    bus = FakeBus()
    auto, _ = _auto(bus)
    assert auto.show(REMINDER) == "freedesktop"
    bus.works = False  # the server is still listed but refuses: no endless retrying
    assert auto.show(REMINDER) == "log"
    bus.present = False
    assert auto.show(REMINDER) == "log"
    bus.present = bus.works = True
    assert auto.show(REMINDER) == "freedesktop"


def test_auto_survives_a_backend_that_raises() -> None:
    class Exploding(FakeBus):
        def try_show(self, reminder: Reminder) -> bool:
            raise RuntimeError("boom")

    auto, _ = _auto(Exploding())
    assert auto.show(REMINDER) == "log"
