"""`status --follow` against the daemon in-process: a change of state is pushed, a tick that
changes nothing shown is not, and nobody following costs nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from standup.control.client import ControlError, subscribe

from daemon_harness import Harness
from rig import wait_until

CONFIG = '[schedule]\nsit = "50m"\nsnooze = "10m"\n[idle]\nsource = "none"\n'


@pytest.fixture
def harness(tmp_path: Path, xdg_dirs):
    h = Harness(tmp_path, CONFIG)
    yield h
    h.stop()


def test_each_change_of_state_is_pushed_and_a_tick_without_one_is_not(harness: Harness) -> None:
    daemon = harness.start()
    with subscribe(harness.socket) as feed:
        assert feed.first["state"] == "sitting"
        server = daemon.commands._server
        assert server is not None
        wait_until(lambda: server.feed.active)
        harness.clock.advance(minutes=10)
        harness.tick()  # ten minutes more sat: followers count minutes themselves
        assert feed.next(timeout=0.3) is None
        harness.clock.advance(minutes=40)
        harness.tick()
        shown = feed.next(timeout=5)
        assert shown is not None and shown["state"] == "reminding"
        assert shown["exercise"]["name"] in harness.notifier.shown[-1].title
        harness.request("snooze")
        snoozed = feed.next(timeout=5)
        assert snoozed is not None and snoozed["state"] == "snoozed"
        assert snoozed["snoozes_used"] == 1 and "last_reload" in snoozed
        harness.request("pause", {"duration": 3600})
        paused = feed.next(timeout=5)
        assert paused is not None and paused["state"] == "paused"


def test_with_nobody_following_nothing_is_published(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    daemon = harness.start()
    server = daemon.commands._server
    assert server is not None
    published: list[bytes] = []
    monkeypatch.setattr(server.feed, "publish", published.append)
    harness.clock.advance(minutes=50)
    harness.tick()
    harness.request("snooze")
    assert harness.request("status")["state"] == "snoozed"
    assert published == []
    with subscribe(harness.socket):
        wait_until(lambda: server.feed.active)
        with pytest.raises(ControlError, match="not paused"):
            harness.request("resume")  # refused: nothing shown changes
    assert published == []
