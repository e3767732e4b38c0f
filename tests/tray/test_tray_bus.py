"""The tray item of a running daemon on a real private session bus, with a test watcher:
registration, re-registration (after the watcher restarts or drops the item), properties, the
menu, and clicks reaching the daemon."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from desktop_rigs.base import PrivateBus
from standup.tray import item
from standup.tray.keeper import TRAY_JOB

from daemon_harness import Harness
from fake_tray import FakeWatcher, Host, dropped, is_error
from rig import wait_until


@pytest.fixture
def bus(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    private = PrivateBus()
    address = private.start()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
    yield address
    private.stop()


@pytest.fixture
def host(bus: str) -> Iterator[Host]:
    client = Host(bus)
    yield client
    client.close()


def _watcher(bus: str) -> FakeWatcher:
    watcher = FakeWatcher(bus)
    watcher.start()
    return watcher


@pytest.fixture
def watcher(bus: str) -> Iterator[FakeWatcher]:
    started = _watcher(bus)
    yield started
    started.close()


@pytest.fixture
def harness(tmp_path: Path, bus: str) -> Iterator[Harness]:
    h = Harness(tmp_path, '[tray]\nshow = "auto"\n')
    yield h
    h.stop()


def _item_name(host: Host) -> str:
    (name,) = wait_until(host.items)
    return str(name)


def test_registers_with_the_watcher_there_at_start(
    watcher: FakeWatcher, harness: Harness, host: Host
) -> None:
    harness.start()
    name = _item_name(host)
    assert wait_until(watcher.registered) == [name]
    assert name.startswith("org.kde.StatusNotifierItem-")


def test_registers_when_a_watcher_appears_and_again_after_it_restarts(
    bus: str, harness: Harness, host: Host
) -> None:
    daemon = harness.start()
    name = _item_name(host)
    assert daemon.tray.item is not None and not daemon.tray.item.registered
    assert daemon.scheduler.get_job(TRAY_JOB) is None  # no host: the tray never wakes

    first = _watcher(bus)
    assert wait_until(first.registered) == [name]
    wait_until(lambda: daemon.scheduler.get_job(TRAY_JOB) is not None)  # counting minutes now
    first.close()
    wait_until(lambda: daemon.scheduler.get_job(TRAY_JOB) is None)  # host gone: no more

    second = _watcher(bus)
    try:
        assert wait_until(second.registered) == [name]
    finally:
        second.close()


def test_an_item_the_watcher_drops_is_registered_again(
    watcher: FakeWatcher, harness: Harness, host: Host, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(item, "RETRY_AFTER", 0.05)
    daemon = harness.start()
    name = _item_name(host)
    assert wait_until(watcher.registered) == [name]
    wait_until(lambda: daemon.scheduler.get_job(TRAY_JOB) is not None)
    # Watchers name an item by the service it gave (GNOME) or with its path (KDE).
    for n, item_id in enumerate((name, f"{name}/StatusNotifierItem"), start=2):
        watcher.drop(item_id)
        wait_until(lambda n=n: len(watcher.registered()) == n)
        wait_until(lambda: daemon.tray.item.registered)
    assert watcher.registered() == [name] * 3
    # Counting minutes again: the worker plans it once told the host has the item back.
    wait_until(lambda: daemon.scheduler.get_job(TRAY_JOB) is not None)


def test_a_drop_sent_by_another_client_is_not_believed(
    watcher: FakeWatcher,
    harness: Harness,
    host: Host,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setattr(item, "RETRY_AFTER", 0.05)
    caplog.set_level(logging.INFO, logger="standup.tray")
    daemon = harness.start()
    name = _item_name(host)
    wait_until(lambda: daemon.tray.item.registered)
    host.conn.send(dropped(name))  # looks like the watcher's, from another connection
    host.properties(name)  # answered after the signal: the item has read it
    assert daemon.tray.item.registered
    # The watcher's own drop is then the first: registered again after the first pause.
    watcher.drop(name)
    wait_until(lambda: len(watcher.registered()) == 2)
    assert "dropped the item 0.05 s ago" in caplog.text


def test_a_watcher_that_keeps_dropping_the_item_is_left_alone_after_the_retries(
    bus: str, harness: Harness, host: Host, caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setattr(item, "RETRY_AFTER", 0.01)
    caplog.set_level(logging.INFO, logger="standup.tray")
    losing = FakeWatcher(bus, losing=True)
    losing.start()
    try:
        daemon = harness.start()
        wait_until(lambda: "keeps dropping the item" in caplog.text)
        assert len(losing.registered()) == 1 + item.MAX_RETRIES
        assert not daemon.tray.item.registered
        # The pauses doubled: 0.01, 0.02, 0.04, 0.08, 0.16 s.
        assert "dropped the item 0.16 s ago" in caplog.text
    finally:
        losing.close()


def test_the_host_reads_icon_tooltip_and_status(
    watcher: FakeWatcher, harness: Harness, host: Host
) -> None:
    daemon = harness.start()
    name = _item_name(host)
    props = host.properties(name)
    assert props["Id"] == "standup"
    assert props["Category"] == "ApplicationStatus"
    assert props["Status"] == "Active"
    assert props["Menu"] == "/MenuBar"
    assert props["ItemIsMenu"] is False
    sizes = [(w, h, len(data)) for w, h, data in props["IconPixmap"]]
    assert sizes == [(22, 22, 22 * 22 * 4), (32, 32, 32 * 32 * 4), (48, 48, 48 * 48 * 4)]
    due = daemon.status()["next_reminder_at"][11:16]
    assert props["ToolTip"][3] == f"Sitting 0 min; next reminder at {due}"
    assert props["XAyatanaLabel"] == "50m"
    (status,) = host.call(
        name, "/StatusNotifierItem", "org.freedesktop.DBus.Properties", "Get", "ss",
        "org.kde.StatusNotifierItem", "Status",
    )  # fmt: skip
    assert status == ("s", "Active")


def test_unknown_calls_are_answered_with_an_error(
    watcher: FakeWatcher, harness: Harness, host: Host
) -> None:
    harness.start()
    name = _item_name(host)
    reply = host.raw(name, "/StatusNotifierItem", "org.kde.StatusNotifierItem", "NoSuchThing")
    assert is_error(reply)
    assert reply.header.fields[4] == "org.freedesktop.DBus.Error.UnknownMethod"
    (xml,) = host.call(
        name, "/StatusNotifierItem", "org.freedesktop.DBus.Introspectable", "Introspect"
    )
    assert '<interface name="org.kde.StatusNotifierItem">' in xml


def test_snooze_from_the_menu_reaches_the_daemon(
    watcher: FakeWatcher, harness: Harness, host: Host
) -> None:
    harness.start()
    name = _item_name(host)
    labels = [e[1].get("label") for e in host.menu(name)]
    assert "Snooze 10 min" not in labels  # no reminder yet
    harness.clock.advance(minutes=50)
    harness.tick()
    assert harness.request("status")["state"] == "reminding"
    assert host.properties(name)["Status"] == "NeedsAttention"
    labels = [e[1].get("label") for e in host.menu(name)]
    assert labels[:3] == ["Done", "Snooze 10 min", "Skip"]

    host.click(name, "Snooze 10 min")
    wait_until(lambda: harness.request("status")["state"] == "snoozed")
    props = host.properties(name)
    assert props["Status"] == "Active"
    assert "snoozed until" in props["ToolTip"][3]


def test_pausing_from_the_menu_offers_resume_and_greys_out_what_is_refused(
    watcher: FakeWatcher, harness: Harness, host: Host
) -> None:
    harness.start()
    name = _item_name(host)
    host.click(name, "Pause 30 min")
    wait_until(lambda: harness.request("status")["state"] == "paused")
    wait_until(lambda: host.properties(name)["ToolTip"][3].startswith("Paused until"))
    labels = [e[1].get("label") for e in host.menu(name)]
    assert "Resume" in labels and "Pause 30 min" not in labels
    _, breaks = host.entry(name, "0 breaks today")
    assert breaks["enabled"] is False

    host.click(name, "Resume")
    wait_until(lambda: harness.request("status")["state"] == "sitting")


def test_never_puts_nothing_on_the_bus(tmp_path: Path, bus: str, host: Host) -> None:
    harness = Harness(tmp_path, '[tray]\nshow = "never"\n')
    try:
        daemon = harness.start()
        assert daemon.tray.item is None
        assert host.items() == []
    finally:
        harness.stop()


def test_the_item_leaves_the_bus_when_the_daemon_stops(
    watcher: FakeWatcher, harness: Harness, host: Host
) -> None:
    harness.start()
    _item_name(host)
    harness.stop()
    assert wait_until(lambda: host.items() == [])


def test_while_sitting_the_tray_wakes_once_a_minute_on_the_stretch_grid(
    watcher: FakeWatcher, harness: Harness, host: Host
) -> None:
    daemon = harness.start()
    wait_until(lambda: daemon.scheduler.get_job(TRAY_JOB) is not None)
    since = daemon.state.sitting_since
    assert daemon.scheduler.get_job(TRAY_JOB).next_run_time == since + timedelta(minutes=1)
    name = _item_name(host)
    for minutes in (1, 2):
        harness.clock.now = since + timedelta(minutes=minutes)  # the job comes due
        daemon.call(daemon.tray._minute)
        job = daemon.scheduler.get_job(TRAY_JOB)
        assert job.next_run_time == since + timedelta(minutes=minutes + 1)  # never now again
        assert host.properties(name)["ToolTip"][3].startswith(f"Sitting {minutes} min;")
    host.click(name, "Pause 1 hour")
    wait_until(lambda: daemon.scheduler.get_job(TRAY_JOB) is None)  # paused: no wake-ups
