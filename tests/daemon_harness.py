"""The daemon in-process for tests: an injected clock, a recording notifier, a real SQLite file
and a real control socket. Shared by the daemon and fault tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from standup.config.settings import load_config
from standup.control import client as control
from standup.daemon.life import Daemon
from standup.daemon.worker import Worker
from standup.notify.base import ActionCallback, Reminder

__all__ = ["FakeClock", "Harness", "RecordingNotifier"]


class FakeClock:
    """Starts at the real now and moves only when told, so scheduled jobs stay in the future."""

    def __init__(self) -> None:
        self.now = datetime.now(UTC).replace(microsecond=0)
        self.start = self.now
        self.asleep = 0.0  # seconds suspended, as CLOCK_BOOTTIME - CLOCK_MONOTONIC grows

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)

    def sleep(self, **kwargs: float) -> None:
        """The machine is suspended this long: wall and boot time move, monotonic does not."""
        self.advance(**kwargs)
        self.asleep += timedelta(**kwargs).total_seconds()

    def sources(self) -> dict[str, Callable[[], float]]:
        return {
            "real": lambda: (self.now - self.start).total_seconds(),
            "sleep": lambda: self.asleep,
        }


class RecordingNotifier:
    """Keeps what it was asked to show; `on_action` presses a button as the D-Bus thread would."""

    name = "recording"

    def __init__(self, backend: str, on_action: ActionCallback) -> None:
        self.backend = backend
        self.on_action = on_action
        self.shown: list[Reminder] = []
        self.closed = 0

    def show(self, reminder: Reminder) -> str:
        self.shown.append(reminder)
        return "recording"

    def close(self) -> None:
        self.closed += 1

    def shutdown(self) -> None:
        pass


class Harness:
    """One daemon over files in `tmp`, started and stopped by the test, ticked by hand."""

    def __init__(self, tmp: Path, config_text: str = "") -> None:
        self.config = tmp / "config.toml"
        self.config.write_text(config_text)
        self.db = tmp / "state" / "standup.db"
        self.socket = tmp / "run" / "control.sock"
        self.clock = FakeClock()
        self.notifiers: list[RecordingNotifier] = []
        self.life: Daemon | None = None  # the daemon's start and stop
        self.daemon: Worker | None = None  # what it runs: the core loop and its parts

    def _factory(self, backend: str, on_action: ActionCallback) -> RecordingNotifier:
        notifier = RecordingNotifier(backend, on_action)
        self.notifiers.append(notifier)
        return notifier

    def start(self) -> Worker:
        self.life = Daemon(
            load_config(self.config),
            clock=self.clock,
            config_path=self.config,
            store_path=self.db,
            notifier_factory=self._factory,
            clock_sources=self.clock.sources(),
        )
        self.daemon = self.life.worker
        self.life.start(self.socket)
        return self.daemon

    @property
    def notifier(self) -> RecordingNotifier:
        return self.notifiers[-1]

    def tick(self) -> None:
        assert self.daemon is not None
        self.daemon.call(self.daemon._tick)

    def request(self, cmd: str, args: dict[str, Any] | None = None) -> dict[str, Any]:
        return control.request(cmd, args, path=self.socket)

    def stop(self) -> None:
        if self.life is not None:
            self.life.stop()
            self.life = self.daemon = None
