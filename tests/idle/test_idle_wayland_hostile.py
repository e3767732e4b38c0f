"""A compositor that misbehaves, on a real Unix socket: it costs one warning and the fallback
source within the handshake's deadline, never the daemon's start or its worker."""

from __future__ import annotations

import logging
import os
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hostile_compositor import HostileCompositor

import standup.idle.wayland as wayland
from standup.config.settings import load_config
from standup.control import client as control
from standup.daemon.life import Daemon
from standup.idle import IdleError
from standup.idle.wayland import MAX_GLOBALS, open_wayland_source

from rig import wait_until

DEADLINE = 0.5  # the handshake's, shortened so the tests stay quick
SLACK = 1.0  # for a loaded machine: the deadline is what we check, this only absorbs noise


@pytest.fixture
def socket_dir(tmp_path: Path) -> Path:
    short = tmp_path / "w"  # a Unix socket path must stay under 108 bytes
    short.mkdir()
    return short


@pytest.fixture
def compositors(socket_dir: Path) -> Iterator[Callable[..., HostileCompositor]]:
    made: list[HostileCompositor] = []

    def make(*behaviours: str, trickle_every: float = 0.1) -> HostileCompositor:
        made.append(
            HostileCompositor(socket_dir / "wayland-9", behaviours, trickle_every=trickle_every)
        )
        return made[-1]

    yield make
    for fake in made:
        fake.close()


def _open_in_thread(path: Path, limit: float) -> tuple[Any, float]:
    """open_wayland_source's result (a source or the IdleError) and how long it took; a
    handshake still running after `limit` seconds fails the test instead of hanging it."""
    result: list[Any] = []

    def run() -> None:
        started = time.monotonic()
        try:
            result.append(open_wayland_source(str(path), deadline=DEADLINE))
        except IdleError as error:
            result.append(error)
        result.append(time.monotonic() - started)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(limit)
    assert not thread.is_alive(), f"the handshake was still running after {limit} s"
    return result[0], result[1]


def _rss_mb() -> float:
    with open("/proc/self/status") as status:
        line = next(line for line in status if line.startswith("VmRSS:"))
    return int(line.split()[1]) / 1024


# -- the handshake ----------------------------------------------------------------------------


def test_a_trickling_compositor_costs_the_deadline_and_one_warning(
    compositors: Callable[..., HostileCompositor], caplog: pytest.LogCaptureFixture
) -> None:
    # One global per read, each well within any per-read timeout, and never the sync's answer.
    fake = compositors("trickle")
    with caplog.at_level(logging.DEBUG, logger="standup.idle"):
        outcome, took = _open_in_thread(fake.path, DEADLINE + SLACK)
    assert isinstance(outcome, IdleError)
    assert f"no answer from the compositor within {DEADLINE:g} s" in str(outcome)
    assert DEADLINE <= took < DEADLINE + SLACK
    assert fake.globals_sent >= 2  # it did trickle: each read was answered in time
    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "using another idle source" in warnings[0].getMessage()


def test_a_flood_of_globals_is_cut_short_with_flat_memory(
    compositors: Callable[..., HostileCompositor],
) -> None:
    fake = compositors("flood")
    tracemalloc.start()
    try:
        outcome, took = _open_in_thread(fake.path, DEADLINE + SLACK)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert isinstance(outcome, IdleError)
    assert f"more than {MAX_GLOBALS} globals" in str(outcome)
    assert took < DEADLINE + SLACK
    assert peak < 2 * 1024 * 1024, f"{peak / 1e6:.1f} MB traced during the flood"


def test_garbage_in_the_handshake_fails_it_at_once(
    compositors: Callable[..., HostileCompositor],
) -> None:
    fake = compositors("garbage")
    outcome, took = _open_in_thread(fake.path, DEADLINE + SLACK)
    assert isinstance(outcome, IdleError) and "garbled" in str(outcome)
    assert took < DEADLINE


def test_the_globals_kept_are_only_the_ones_used(
    compositors: Callable[..., HostileCompositor],
) -> None:
    source = open_wayland_source(str(compositors("good").path), deadline=DEADLINE)
    try:
        assert set(source._globals) == {"wl_seat", "ext_idle_notifier_v1"}  # not wl_output
    finally:
        source.close()


# -- after the handshake: floods the source drains, memory and fds flat -------------------------


@pytest.mark.parametrize("behaviour", ["flood_after", "unknown_after", "fds_after"])
def test_a_flood_after_the_handshake_is_drained_with_flat_memory_and_fds(
    compositors: Callable[..., HostileCompositor], behaviour: str
) -> None:
    fake = compositors(behaviour)
    fds_before = len(os.listdir("/proc/self/fd"))
    source = open_wayland_source(str(fake.path), deadline=DEADLINE)
    try:
        assert source.watch(lambda: None, source.timeout)
        wait_until(lambda: fake.globals_sent + fake.messages_sent > 20_000)
        rss_before = _rss_mb()
        wakeups = source.wakeups
        time.sleep(0.5)  # half a second of flood, read as it comes
        assert source.wakeups > wakeups + 50  # it did read the flood
        assert _rss_mb() - rss_before < 10
        assert len(os.listdir("/proc/self/fd")) <= fds_before + 4  # no fd kept
        assert source.sample().idle_seconds == 0.0  # still a working source
    finally:
        source.close()


def test_a_source_that_is_still_handshaking_keeps_no_reader_thread(
    compositors: Callable[..., HostileCompositor],
) -> None:
    fake = compositors("trickle")
    _open_in_thread(fake.path, DEADLINE + SLACK)
    assert not [t for t in threading.enumerate() if t.name == "standup-wayland"]


# -- the daemon: its start, and its worker when a config change reopens the source -----------

CONFIG = """
[schedule]
sit = "50m"
natural_break = "5m"
[idle]
source = "wayland"
[notifications]
backend = "log"
[busy]
do_not_disturb = false
fullscreen = false
camera = false
"""


@pytest.fixture
def daemon_config(xdg_dirs: Any, socket_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WAYLAND_DISPLAY", str(socket_dir / "wayland-9"))
    monkeypatch.setattr(wayland, "HANDSHAKE_DEADLINE", DEADLINE)
    path = xdg_dirs.config_home / "standup" / "config.toml"
    path.parent.mkdir(parents=True)
    path.write_text(CONFIG)
    return path


@pytest.fixture
def start_daemon(daemon_config: Path) -> Iterator[Callable[[], tuple[Daemon, float]]]:
    started: list[Daemon] = []

    def start() -> tuple[Daemon, float]:
        daemon = Daemon(load_config(daemon_config), config_path=daemon_config)
        started.append(daemon)
        began = time.monotonic()
        thread = threading.Thread(target=daemon.start, daemon=True)
        thread.start()
        thread.join(DEADLINE + 10 * SLACK)  # the daemon's other parts start too
        assert not thread.is_alive(), "standup run is still starting"
        return daemon, time.monotonic() - began

    yield start
    for daemon in started:
        daemon.stop()


def test_standup_run_starts_past_a_trickling_compositor(
    compositors: Callable[..., HostileCompositor],
    start_daemon: Callable[[], tuple[Daemon, float]],
) -> None:
    compositors("trickle")
    _daemon, took = start_daemon()
    status = control.request("status", timeout=SLACK)
    assert status["idle_source"] == "none"
    assert "no answer from the compositor" in status["idle_reason"]
    assert took < DEADLINE + 5 * SLACK


def test_a_config_change_that_reopens_the_source_does_not_hold_the_worker(
    compositors: Callable[..., HostileCompositor],
    start_daemon: Callable[[], tuple[Daemon, float]],
    run_main: Callable[[list[str]], int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    # The first connection is a good one; every one after it trickles.
    fake = compositors("good", "trickle")
    start_daemon()
    assert control.request("status")["idle_source"] == "wayland"
    began = time.monotonic()
    assert run_main(["config", "set", "schedule.natural_break", "3m"]) == 0
    took = time.monotonic() - began
    assert "did not reload" not in capsys.readouterr().err
    assert fake.connections == 2
    assert took < DEADLINE + 2 * SLACK
    status = control.request("status", timeout=SLACK)
    assert status["idle_source"] == "none"
    assert "no answer from the compositor" in status["idle_reason"]
    # The worker is free: a command that needs it is answered at once.
    began = time.monotonic()
    assert control.request("pause", {"duration": 600}, timeout=SLACK)["state"] == "paused"
    assert time.monotonic() - began < SLACK


@pytest.mark.parametrize("behaviour", ["flood_after", "fds_after"])
def test_status_answers_fast_through_a_flood_after_the_handshake(
    compositors: Callable[..., HostileCompositor],
    start_daemon: Callable[[], tuple[Daemon, float]],
    behaviour: str,
) -> None:
    fake = compositors(behaviour)
    start_daemon()
    wait_until(lambda: fake.globals_sent + fake.messages_sent > 20_000)
    for _ in range(5):
        began = time.monotonic()
        status = control.request("status", timeout=SLACK)
        assert time.monotonic() - began < 0.5
    assert status["idle_source"] == "wayland"  # drained, not a reason to give up the source
    assert fake.connections == 1


def test_a_compositor_that_breaks_every_connection_is_not_redialled_in_a_loop(
    compositors: Callable[..., HostileCompositor],
    start_daemon: Callable[[], tuple[Daemon, float]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    # A good handshake, then garbage, on every connection.
    fake = compositors("garbage_after")
    with caplog.at_level(logging.INFO, logger="standup"):
        start_daemon()
        time.sleep(1.0)  # ten times what each connection lives
        status = control.request("status", timeout=SLACK)
    # Reopened once at once (a compositor that restarted), then left to the next sample.
    assert fake.connections == 2
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 1 and "garbled" in warnings[0]
    assert status["idle_source"] == "wayland"
