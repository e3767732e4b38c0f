"""The timed hold, checked on a real server: what the desktop matrix's countdown test runs.

A `standup run` with two 5 s holds (one side, two sides) that the rotation alternates: Start is
pressed on the real bubble, the countdown is read off the screen second by second, and the bus
carries every frame. Where the server has room for Start (notify/server.py's budgets), the
one-sided hold counts down to Done, recorded once, its last frame going by itself; the
two-sided one is followed to its side switch and ended by `standup skip`, which sends nothing
more and leaves no bubble. Where the countdown could not be followed on screen (GNOME
Shell), the reminder comes without Start.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from standup.history.store import Store

from .base import Bubble, ServerRig, wait_until
from .gtk import NotifyLog, Sent
from rig import standup_status as status, start_standup, stop_standup

# Where the reminder comes without Start: GNOME Shell, whose banner would leave the screen
# during the countdown (notify/server.py), and whose three buttons Done, Snooze and Skip take.
NO_START = {"gnome-shell"}
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

# Two holds in one bag, so the rotation alternates them: the one-sided one counts down to
# Done, the two-sided one is followed to its side switch and interrupted.
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


def write_config(path: Path) -> None:
    """The two holds, and nothing else in the rotation."""
    path.parent.mkdir(parents=True, exist_ok=True)
    entries = [("quick-hold", ONE_SIDED, 1), ("quick-lunge", TWO_SIDED, 2)]
    path.write_text(
        CONFIG + "".join(_ENTRY.format(id=i, name=n, hold=HOLD, sides=s) for i, n, s in entries)
    )


def _cli(env: dict[str, str], *args: str) -> None:
    subprocess.run([sys.executable, "-m", "standup", *args], env=env, check=True,
                   capture_output=True, timeout=30)  # fmt: skip


def _ours(rig: ServerRig) -> list[Bubble]:
    return [b for b in rig.bubbles() if b.app_name in ("standup", "")]


def _counting_buttons(bubble: Bubble) -> bool:
    return _has(bubble, "done") and _has(bubble, "stop")


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
            if "s left" in entry[1] and not _counting_buttons(bubble) and self._still_bare(bubble):
                self.buttonless.append(bubble)
        return shown

    def _still_bare(self, bubble: Bubble) -> bool:
        """A second look a moment later: a server drawing a replaced bubble (read over AT-SPI
        on a busy machine) may show its text a moment before its buttons."""
        time.sleep(0.3)
        again = [b for b in _ours(self.rig) if b.id == bubble.id and b.body == bubble.body]
        # Gone (the next frame came): undecided here; a count without buttons is bare in
        # every frame, and the next one is looked at too.
        return bool(again) and not _counting_buttons(again[0])

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


def _same_bubble(rig: ServerRig, bubble: Bubble, frames: list[Sent], screen: Screen) -> None:
    """Every frame replaced the reminder's own bubble (where the server closes a pressed
    bubble itself, one new bubble instead), one bubble on screen, Done and Stop kept."""
    [countdown_id] = {f.id for f in frames}
    assert (countdown_id == bubble.id) is (rig.name not in CLOSES_ON_PRESS), frames
    assert screen.most == 1, screen.seen
    assert not screen.buttonless, screen.buttonless


def _count_down(rig: ServerRig, env: dict[str, str], notes: FrameLog) -> None:
    """Start on the one-sided hold, watched to its end: Done by itself, the bubble gone."""
    bubble, name = _reminder(rig)
    assert name == ONE_SIDED and _has(bubble, "start"), bubble
    rig.press(bubble, "start")
    screen = Screen(rig)
    screen.watch_until(lambda: "well held" in "".join(f.body for f in _frames(notes, name)),
                       HOLD + WAIT)  # fmt: skip
    after = wait_until(lambda: _sitting(env), WAIT, interval=0.2)
    assert after["countdown"] is None
    screen.watch_until(lambda: not _ours(rig), WAIT)  # the last frame goes by itself
    texts = [f.body for f in _frames(notes, name)]
    assert texts[0] == f"{HOLD} s left" and "well held" in texts[-1], texts
    assert len(texts) <= HOLD + 2, texts  # one a second at most, and the last frame
    counting = [body for _id, body in screen.seen if body.endswith(" s left")]
    assert len(counting) >= 2, screen.seen  # the words change on screen, second by second
    _same_bubble(rig, bubble, _frames(notes, name), screen)


def _switch_then_skip(rig: ServerRig, env: dict[str, str], notes: FrameLog) -> None:
    """Start on the two-sided hold, watched to the side switch, then `standup skip`: no more
    frames, no bubble."""
    bubble, name = _reminder(rig)
    assert name == TWO_SIDED and _has(bubble, "start"), bubble
    rig.press(bubble, "start")
    screen = Screen(rig)
    screen.watch_until(lambda: any(b.startswith("Switch sides") for _i, b in screen.seen),
                       HOLD + WAIT)  # fmt: skip
    _cli(env, "skip")
    screen.watch_until(lambda: not _ours(rig), WAIT)
    sent = len(_sent(notes))
    time.sleep(1.5)  # a one-second job left running would have sent a frame by now
    assert len(_sent(notes)) == sent
    assert not _ours(rig)
    after = status(env) or {}
    assert after.get("state") == "sitting" and after.get("countdown") is None, after
    texts = [f.body for f in _frames(notes, name)]
    assert texts[0] == f"{HOLD} s left, left side", texts
    assert any("left side" in body for _id, body in screen.seen), screen.seen
    _same_bubble(rig, bubble, _frames(notes, name), screen)


def check_countdowns(server: ServerRig, env: dict[str, str], monitor: FrameLog) -> None:
    """The whole check on `server`, with `env` pointing a standup process at it and at a
    config from `write_config`; `monitor` started on the server's bus."""
    started = datetime.now().astimezone() - timedelta(minutes=5)
    proc = start_standup(env)
    try:
        _cli(env, "now")
        bubble, name = _reminder(server)
        assert all(_has(bubble, key) for key in ANSWERS), bubble
        if server.name in NO_START:
            assert not _has(bubble, "start"), bubble
            assert all(not a.startswith("start") for a in bubble.actions)
            return
        # The rotation alternates the two holds, beginning with either.
        steps = (_count_down, _switch_then_skip)
        first, second = steps if name == ONE_SIDED else steps[::-1]
        first(server, env, monitor)
        _cli(env, "now")
        second(server, env, monitor)
    finally:
        code, log = stop_standup(proc)
        print(log)  # shown when the test fails
    assert code == 0, log
    for bad in ("Traceback", "ERROR", "WARNING"):
        assert bad not in log, log
    if server.name in NO_START:
        return
    with Store.open(Path(env["XDG_STATE_HOME"]) / "standup" / "standup.db") as store:
        events = store.history(started)
    answers = [(e.kind, e.exercise) for e in events if e.kind in ("done", "skipped")]
    assert sorted(answers) == [("done", "quick-hold"), ("skipped", "quick-lunge")], answers
    assert log.count("answered by the countdown: done") == 1, log
