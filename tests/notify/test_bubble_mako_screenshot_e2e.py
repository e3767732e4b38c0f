"""On screen: mako's default bubble (300 x 100 px) shows what to do first, and the safety notice.

One headless sway with mako at its defaults (the wlroots rig writes only a timeout), the real
reminders of the five longest catalogue entries with their pictures, and the safety notice; a
screenshot with grim, the bubble cut out by its border colour, and tesseract. The words are
compared normalised and most must be found, so one misread letter does not fail the test, but
an instruction cut off by the bubble's height does.
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_rigs.wlroots import MakoRig
from standup.config.settings import Settings
from standup.core import Notify
from standup.daemon.reminders import build_notice, build_reminder
from standup.exercises import Exercise, builtin_catalogue, render
from standup.exercises.catalogue import SAFETY_NOTICE
from standup.notify.base import Reminder
from standup.notify.freedesktop import FreedesktopNotifier, open_freedesktop

from rig import Answers, RigError, rig_unavailable, wait_until

pytestmark = pytest.mark.e2e

BORDER = (0x4C, 0x78, 0x99)  # mako's default border-color
DEFAULT_SIZE = (300, 100)  # mako's default width and height, border included
SCALE = 3  # tesseract reads mako's 10 pt monospace far better enlarged


def _longest(count: int = 5) -> list[Exercise]:
    """The entries whose reminder says the most: the likeliest to lose a line."""
    return sorted(builtin_catalogue(), key=lambda e: -sum(map(len, render(e))))[:count]


@pytest.fixture(scope="module")
def mako() -> Iterator[MakoRig]:
    missing = [b for b in ("grim", "tesseract", "convert") if shutil.which(b) is None]
    if missing:
        rig_unavailable(f"screenshot tools missing: {', '.join(missing)} (Debian: grim, "
                        "tesseract-ocr, imagemagick)")  # fmt: skip
    rig = MakoRig()  # a directory of its own under /tmp: the rig user must reach it
    try:
        rig.start()
    except RigError as exc:
        rig_unavailable(str(exc))
    try:
        yield rig
    finally:
        rig.stop()


@pytest.fixture
def notifier(mako: MakoRig, monkeypatch: pytest.MonkeyPatch) -> Iterator[FreedesktopNotifier]:
    for key, value in mako.env.items():
        monkeypatch.setenv(key, value)
    mako.reset()
    notifier = open_freedesktop(Answers())
    yield notifier
    notifier.shutdown()


def _ppm(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, width, height, maxval, rest = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(width), int(height), rest


def _bubble_box(shot: Path) -> tuple[int, int, int, int] | None:
    """(x, y, width, height) of the bubble on the screen: the box its border colour spans."""
    ppm = shot.with_suffix(".ppm")
    subprocess.run(["convert", str(shot), str(ppm)], check=True, timeout=30)
    width, height, pixels = _ppm(ppm)
    xs, ys = [], []
    for y in range(0, height // 2):  # mako sits at the top right
        row = pixels[3 * width * y : 3 * width * (y + 1)]
        for x in range(width // 2, width):
            if tuple(row[3 * x : 3 * x + 3]) == BORDER:
                xs.append(x)
                ys.append(y)
    if not xs:
        return None
    return min(xs), min(ys), max(xs) - min(xs) + 1, max(ys) - min(ys) + 1


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def _found_share(expected: str, seen: set[str]) -> float:
    words = [w for w in _words(expected) if len(w) > 1]  # OCR drops lone letters ("30 s")
    hits = [w for w in words if w in seen or difflib.get_close_matches(w, seen, n=1, cutoff=0.8)]
    return len(hits) / len(words)


def _read_bubble(mako: MakoRig, out: Path) -> tuple[set[str], tuple[int, int, int, int]]:
    """Screenshot, the bubble cut out, enlarged and inverted (light text on blue), then OCR."""
    shot = out.with_name(f"{out.stem}-screen.png")
    mako.run("grim", str(shot), timeout=20)
    box = _bubble_box(shot)
    assert box is not None, f"no mako bubble on screen; see {shot}"
    x, y, w, h = box
    subprocess.run(
        ["convert", str(shot), "-crop", f"{w}x{h}+{x}+{y}", "+repage", "-colorspace", "Gray",
         "-negate", "-resize", f"{SCALE * 100}%", str(out)],
        check=True, timeout=30,
    )  # fmt: skip
    text = subprocess.run(
        ["tesseract", str(out), "stdout", "--psm", "6"],
        capture_output=True, text=True, timeout=60, check=True,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # 2 cores shared with other tests
    ).stdout  # fmt: skip
    return set(_words(text)), box


def _shown_and_read(
    mako: MakoRig, notifier: FreedesktopNotifier, reminder: Reminder, out: Path, *wanted: str
) -> tuple[set[str], tuple[int, int, int, int]]:
    notifier.show(reminder)
    wait_until(lambda: [b for b in mako.bubbles() if b.summary == reminder.title], timeout=10)
    seen: set[str] = set()
    box = (0, 0, 0, 0)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # mako may not have drawn it yet: look again
        seen, box = _read_bubble(mako, out)
        if all(_found_share(text, seen) >= 0.8 for text in wanted):
            break
        time.sleep(0.3)
    return seen, box


@pytest.mark.parametrize("exercise", _longest(), ids=lambda e: e.id)
def test_the_first_instruction_shows_in_makos_default_bubble(
    mako: MakoRig, notifier: FreedesktopNotifier, exercise: Exercise, tmp_path: Path
) -> None:
    effect = Notify(new=True, can_snooze=True, critical=False)
    reminder = build_reminder(exercise, effect, Settings())
    assert reminder.image, f"{exercise.id} has no picture"
    instruction = reminder.body.splitlines()[0]
    out = tmp_path / f"{exercise.id}.png"
    seen, (_x, _y, width, height) = _shown_and_read(
        mako, notifier, reminder, out, reminder.title, instruction
    )
    assert width == DEFAULT_SIZE[0] and height <= DEFAULT_SIZE[1], (width, height, out)
    assert _found_share(reminder.title, seen) >= 0.8, (reminder.title, sorted(seen), out)
    assert _found_share(instruction, seen) >= 0.8, (instruction, sorted(seen), out)


def test_the_safety_notice_shows_whole_in_makos_default_bubble(
    mako: MakoRig, notifier: FreedesktopNotifier, tmp_path: Path
) -> None:
    notice = build_notice()
    out = tmp_path / "notice.png"
    seen, _box = _shown_and_read(mako, notifier, notice, out, SAFETY_NOTICE)
    assert _found_share(SAFETY_NOTICE, seen) >= 0.9, (sorted(seen), out)
