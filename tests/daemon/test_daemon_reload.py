"""A reload that takes longer than an ordinary command (a config near the 16 MiB cap) is
reported as done once it is done, by `standup reload` and by `config set` alike, while the
control socket keeps answering the other commands."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from standup import paths
from standup.cli.main import main
from standup.control import client as control
from standup.daemon.commands import COMMAND_WAIT, STATUS_WAIT

from daemon_harness import Harness

pytestmark = pytest.mark.slow

BASE = '[schedule]\nsit = "50m"\n[idle]\nsource = "none"\n'
# Longer than the daemon waits for any command: what parsing 16 MiB costs a busy machine.
SLOW_RELOAD = COMMAND_WAIT + 3.0


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs):
    h = Harness(tmp_path, BASE)
    h.socket = paths.control_socket()  # where the command line looks for the daemon
    yield h
    h.stop()


def _slow_reloads(harness: Harness, monkeypatch: pytest.MonkeyPatch, seconds: float) -> None:
    daemon = harness.daemon
    assert daemon is not None
    real_reload = daemon.config.reload

    def slow_reload():
        time.sleep(seconds)  # the parse of a huge file, as the worker sees it
        return real_reload()

    monkeypatch.setattr(daemon.config, "reload", slow_reload)
    # Only the command reloads.
    monkeypatch.setattr(harness.life, "reload_quietly", lambda why: None)


def _in_background(argv: list[str]) -> tuple[threading.Thread, dict[str, int]]:
    outcome: dict[str, int] = {}
    thread = threading.Thread(target=lambda: outcome.update(code=main(argv)))
    thread.start()
    return thread, outcome


def test_status_answers_during_a_slow_reload_which_is_then_reported_as_done(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    harness.start()
    _slow_reloads(harness, monkeypatch, SLOW_RELOAD)
    harness.config.write_text(BASE.replace("50m", "20m"))
    started = time.monotonic()
    thread, outcome = _in_background(["reload"])
    time.sleep(0.5)

    asked = time.monotonic()
    status = harness.request("status")
    assert time.monotonic() - asked < STATUS_WAIT  # the last known state, at once
    assert status["stale"] is True and status["interval_seconds"] == 3000
    assert status["last_reload"]["state"] == "running"
    asked = time.monotonic()
    with pytest.raises(control.ControlError, match="reloading its config; `snooze` was not done"):
        harness.request("snooze")
    assert time.monotonic() - asked < STATUS_WAIT + 0.5  # not the 5 s of a stuck worker

    thread.join(control.RELOAD_WAIT)
    assert time.monotonic() - started >= SLOW_RELOAD
    out = capsys.readouterr().out
    assert outcome == {"code": 0}
    assert out.startswith("config reloaded\nSitting for")
    status = harness.request("status")
    assert "stale" not in status and status["interval_seconds"] == 1200
    assert status["last_reload"] == {
        "id": 1,
        "state": "done",
        "message": "config reloaded",
        "code": None,
    }


def test_a_slow_reload_of_a_bad_config_is_reported_as_failed(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    harness.start()
    _slow_reloads(harness, monkeypatch, COMMAND_WAIT + 1.0)
    harness.config.write_text(BASE.replace('"50m"', '"-5m"'))
    assert main(["reload"]) == 2  # a bad config, as for a quick reload
    err = capsys.readouterr().err
    assert "config not reloaded" in err and "schedule.sit" in err
    status = harness.request("status")
    assert status["interval_seconds"] == 3000  # the running settings stay
    assert status["last_reload"]["state"] == "failed"
    assert status["last_reload"]["code"] == "bad_config"


def test_config_set_tells_of_a_slow_reload_that_completed(
    harness: Harness, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    harness.start()
    _slow_reloads(harness, monkeypatch, COMMAND_WAIT + 1.0)
    argv = ["--config", str(harness.config), "config", "set", "schedule.sit", "20m"]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "the running standup reloaded its config" in captured.out, captured.err
    assert harness.request("status")["interval_seconds"] == 1200


def test_other_commands_keep_their_short_wait() -> None:
    assert control.WAIT == 5.0 and control.RELOAD_WAIT > 60
