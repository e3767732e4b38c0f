"""A reload that takes longer than an ordinary command (a config near the 16 MiB cap) is
reported as done once it is done, by `standup reload` and by `config set` alike."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from test_daemon import Harness

from standup.control import client as control

pytestmark = pytest.mark.slow

BASE = '[schedule]\nsit = "50m"\n[idle]\nsource = "none"\n'
# Longer than the wait of every other command (5 s): what parsing 16 MiB costs a busy machine.
SLOW_RELOAD = control.WAIT + 1.0


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs):
    h = Harness(tmp_path, BASE)
    yield h
    h.stop()


def test_a_reload_slower_than_a_command_is_reported_as_done(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    daemon = harness.start()
    real_reload = daemon.config.reload

    def slow_reload():
        time.sleep(SLOW_RELOAD)  # the parse of a huge file, as the worker sees it
        return real_reload()

    monkeypatch.setattr(daemon.config, "reload", slow_reload)
    harness.config.write_text(BASE.replace("50m", "20m"))
    started = time.monotonic()
    result = control.request("reload", path=harness.socket)
    assert time.monotonic() - started >= SLOW_RELOAD
    assert result["message"] == "config reloaded"
    assert result["status"]["interval_seconds"] == 1200


def test_other_commands_keep_their_short_wait() -> None:
    assert control.WAIT == 5.0 and control.RELOAD_WAIT > 60
