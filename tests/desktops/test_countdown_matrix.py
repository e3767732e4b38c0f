"""The timed hold on every real server of the matrix: `standup run`, Start, the countdown.

Where the server has room for Start (notify/server.py's budgets), Start is pressed on the real
bubble: the same bubble counts down, switches sides, ends with Done recorded once and goes,
and a second countdown stopped by `standup skip` sends nothing more and leaves no bubble.
Where a replace would drop the buttons (GNOME Shell), the reminder comes without Start.
One test per server, with holds of a few seconds.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from conftest import XdgDirs, _rig_unavailable
from desktop_rigs.base import Bubble, RigError, ServerRig
from desktop_rigs.gtk import NotifyLog, Sent
from standup.history.store import Store

from rig import standup_status as status, start_standup, stop_standup, wait_until

pytestmark = [pytest.mark.e2e, pytest.mark.desktop]

RIGS = {
    "dunst": ("desktop_rigs.dunst", "DunstRig"),
    "gnome-shell": ("desktop_rigs.gnome", "GnomeShellRig"),
    "plasma": ("desktop_rigs.plasma", "PlasmaRig"),
    "xfce4-notifyd": ("desktop_rigs.gtk", "XfceNotifydRig"),
    "mate": ("desktop_rigs.gtk", "MateNotificationRig"),
    "notification-daemon": ("desktop_rigs.gtk", "NotificationDaemonRig"),
    "mako": ("desktop_rigs.wlroots", "MakoRig"),
    "swaync": ("desktop_rigs.wlroots", "SwayncRig"),
}
# Where the reminder offers Start: a menu of actions (dunst, mako) or a row of four buttons;
# not GNOME Shell, which drops the buttons of a replaced banner.
OFFERS_START = set(RIGS) - {"gnome-shell"}
# These close a bubble whose button was pressed, whatever its hints say.
CLOSES_ON_PRESS = {"xfce4-notifyd", "mate"}
ANSWERS = ("done", "snooze", "skip")
LABELS = {
    "done": "Done",
    "snooze": "Snooze 10 min",
    "skip": "Skip",
    "start": "Start",
    "stop": "Stop",
}
HOLD = 5  # the shortest hold the config accepts
WAIT = 10.0

# Two holds in one bag, so the rotation alternates them: the two-sided one counts down to
# Done, the one-sided one is interrupted.
CONFIG = """
[exercises]
include_only = ["quick-hold", "quick-lunge"]
"""
_ENTRY = """
[[exercises.custom]]
id = "{id}"
name = "{name}"
target = "hip_flexors"
kind = "stretch"
position = "standing"
equipment = ["none"]
dose = "{hold} s"
steps = ["Stand tall, one foot back."]
cue = "A mild pull, never pain."
hold = {hold}
sides = {sides}
"""
TWO_SIDED = "Quick lunge"
ONE_SIDED = "Quick hold"


@pytest.fixture(params=sorted(RIGS))
def server(request: pytest.FixtureRequest) -> Iterator[ServerRig]:
    module, cls = RIGS[request.param]
    rig: ServerRig = getattr(importlib.import_module(module), cls)()
    missing = rig.missing()
    if missing:
        _rig_unavailable(f"{rig.name}: missing {', '.join(missing)} (packages: {rig.packages})")
    try:
        rig.start()
        rig.reset()
    except RigError as exc:
        rig.stop()
        pytest.fail(f"{rig.name} rig did not start: {exc}", pytrace=False)
    try:
        yield rig
    finally:
        rig.stop()


@pytest.fixture
def env(server: ServerRig, xdg_dirs: XdgDirs) -> dict[str, str]:
    config = xdg_dirs.config_home / "standup" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    entries = [("quick-hold", ONE_SIDED, 1), ("quick-lunge", TWO_SIDED, 2)]
    config.write_text(
        CONFIG + "".join(_ENTRY.format(id=i, name=n, hold=HOLD, sides=s) for i, n, s in entries)
    )
    return {
        **os.environ,
        **server.env,
        "STANDUP_CONFIG": str(config),  # the GTK rigs bring an XDG_CONFIG_HOME of their own
        "STANDUP_SCHEDULE__SIT": "1h",
        "STANDUP_IDLE__SOURCE": "none",
        "STANDUP_NOTIFICATIONS__BACKEND": "freedesktop",
    }


@dataclass
class FrameLog(NotifyLog):
    """NotifyLog keeps the newest content per id; a countdown needs every Notify in turn."""

    every: list[Sent] = field(default_factory=list)

    def _take(self, msg: Any) -> None:
        seq = self._seq
        super()._take(msg)
        if self._seq != seq:
            with self._lock:
                newest = max(self.sent.values(), key=lambda s: s.seq)
                self.every.append(replace(newest))


@pytest.fixture
def monitor(server: ServerRig) -> Iterator[FrameLog]:
    """Every Notify our daemon sends, with the id the server gave back, and every close."""
    notes = FrameLog(server.env["DBUS_SESSION_BUS_ADDRESS"])
    notes.start()
    yield notes
    notes.stop()


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "standup", *args], env=env, check=True,
                   capture_output=True, timeout=30)  # fmt: skip


def _ours(rig: ServerRig) -> list[Bubble]:
    return [b for b in rig.bubbles() if b.app_name in ("standup", "")]


def _frames(notes: FrameLog, title: str) -> list[Sent]:
    return sorted((s for s in _sent(notes) if s.summary == f"Hold: {title}"), key=lambda s: s.seq)


def _sent(notes: FrameLog) -> list[Sent]:
    with notes._lock:
        return [s for s in notes.every if s.app_name == "standup"]


def _reminder(rig: ServerRig) -> tuple[Bubble, str]:
    """The reminder on screen and which of the two holds it is."""
    [bubble] = wait_until(lambda: _ours(rig), WAIT, interval=0.1)
    for name in (TWO_SIDED, ONE_SIDED):
        if name.lower() in bubble.summary.lower():
            return bubble, name
    raise AssertionError(f"not one of our holds: {bubble}")


def _has(bubble: Bubble, key: str) -> bool:
    return key in bubble.actions or LABELS[key] in bubble.actions


class Screen:
    """What the rig reads on screen while a countdown runs: every distinct (id, body) in
    order, the buttons each second's bubble offered, and the most of our bubbles up at once."""

    def __init__(self, rig: ServerRig) -> None:
        self.rig = rig
        self.seen: list[tuple[int, str]] = []
        self.buttonless: list[Bubble] = []  # a running count shown without Done or Stop
        self.most = 0

    def look(self) -> list[Bubble]:
        shown = _ours(self.rig)
        self.most = max(self.most, len(shown))
        for bubble in shown:
            entry = (bubble.id, self.rig.displayed_body(bubble) if bubble.body else "")
            if entry not in self.seen:
                self.seen.append(entry)
            if "s left" in entry[1] and not (_has(bubble, "done") and _has(bubble, "stop")):
                self.buttonless.append(bubble)
        return shown

    def watch_until(self, done: Any, timeout: float) -> Any:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.look()
            result = done()
            if result:
                return result
            time.sleep(0.1)
        raise TimeoutError(f"not within {timeout} s; seen {self.seen}")


def _sitting(env: dict[str, str]) -> dict[str, Any] | None:
    info = status(env)
    return info if info and info["state"] == "sitting" else None


def _count_down(rig: ServerRig, env: dict[str, str], notes: FrameLog) -> dict[str, Any]:
    """Start on a two-sided hold, watched to its end; returns the status after it."""
    bubble, name = _reminder(rig)
    assert name == TWO_SIDED
    assert _has(bubble, "start"), bubble
    rig.press(bubble, "start")
    screen = Screen(rig)
    after = screen.watch_until(lambda: _sitting(env), timeout=3 * HOLD + 15)
    assert after["countdown"] is None
    frames = _frames(notes, name)
    texts = [f.body for f in frames]
    assert texts[0] == f"{HOLD} s left, left side", texts
    assert any(t.startswith("Switch sides") for t in texts), texts
    assert f"{HOLD} s left, right side" in texts, texts
    assert "well held" in texts[-1], texts
    # Every frame replaced the reminder's own bubble, and the server kept its id; where the
    # server closes a pressed bubble itself, the countdown is one new bubble instead.
    ids = {f.id for f in frames}
    assert ids == ({bubble.id} if rig.name not in CLOSES_ON_PRESS else ids - {bubble.id}), frames
    assert len(ids) == 1, frames
    assert len(frames) <= 2 * HOLD + 3 + 2  # one a second at most, and the last frame
    # On screen: the countdown's words in that one bubble, never a second bubble beside it.
    bodies = [body for _id, body in screen.seen]
    assert any("left side" in b for b in bodies), screen.seen
    assert any("right side" in b for b in bodies), screen.seen
    assert screen.most == 1, screen.seen
    assert not screen.buttonless, screen.buttonless  # Done and Stop stay through every replace
    # The last frame goes by itself; nothing is left behind.
    wait_until(lambda: not _ours(rig), WAIT + 5, interval=0.2)
    return after


def _interrupt(rig: ServerRig, env: dict[str, str], notes: FrameLog) -> None:
    """Start on the one-sided hold, then `standup skip`: no more frames, no bubble."""
    bubble, name = _reminder(rig)
    assert name == ONE_SIDED
    rig.press(bubble, "start")
    wait_until(lambda: any("s left" in f.body for f in _frames(notes, name)), WAIT, 0.1)
    assert (status(env) or {}).get("countdown"), "the countdown did not start"
    _cli(env, "skip")
    wait_until(lambda: not _ours(rig), WAIT, interval=0.1)
    sent = len(_sent(notes))
    time.sleep(2.5)  # a leftover one-second job would have sent a frame by now
    assert len(_sent(notes)) == sent
    assert not _ours(rig)
    assert all("left side" not in f.body for f in _frames(notes, name))


def test_a_timed_hold_counts_down_in_its_own_bubble(
    server: ServerRig, env: dict[str, str], monitor: FrameLog
) -> None:
    started = datetime.now().astimezone() - timedelta(minutes=5)
    proc = start_standup(env)
    try:
        _cli(env, "now")
        bubble, name = _reminder(server)
        assert all(_has(bubble, key) for key in ANSWERS), bubble
        if server.name not in OFFERS_START:
            assert not _has(bubble, "start"), bubble
            assert all(not a.startswith("start") for a in bubble.actions)
            return
        if name == ONE_SIDED:  # the rotation began with the other hold: interrupt it first
            _interrupt(server, env, monitor)
            _cli(env, "now")
            _count_down(server, env, monitor)
        else:
            _count_down(server, env, monitor)
            _cli(env, "now")
            _interrupt(server, env, monitor)
    finally:
        code, log = stop_standup(proc)
        print(log)  # shown when the test fails
    assert code == 0, log
    for bad in ("Traceback", "ERROR", "WARNING"):
        assert bad not in log, log
    if server.name not in OFFERS_START:
        return
    with Store.open(Path(env["XDG_STATE_HOME"]) / "standup" / "standup.db") as store:
        events = store.history(started)
    answers = [(e.kind, e.exercise) for e in events if e.kind in ("done", "skipped")]
    assert sorted(answers) == [("done", "quick-lunge"), ("skipped", "quick-hold")], answers
    assert log.count("answered by the countdown: done") == 1, log
