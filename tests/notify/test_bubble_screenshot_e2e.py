"""On screen: a reminder in a 100 px high dunst bubble still shows its title and first line.

A rig of its own (Xvfb, a private bus, dunst 1.9 set to the 100 px cap many users run), the
real reminders of a few catalogue entries with their pictures, a screenshot of the bubble's
window, and OCR. The words are compared normalised and most of them must be found, so a font
hinting change or one misread letter does not fail the test, but a line cut off does.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from standup.config.settings import Settings
from standup.core import Notify
from standup.daemon.reminders import build_reminder
from standup.exercises import Exercise, builtin_catalogue
from standup.exercises.pictures import picture_file
from standup.notify.base import Reminder
from standup.notify.freedesktop import FreedesktopNotifier, open_freedesktop

from rig import Answers, Rig, rig_unavailable, wait_until

pytestmark = pytest.mark.e2e

HEIGHT_CAP = 100
SCALE = 2  # OCR reads a 10 pt font far better doubled
BACKGROUND = (0xDD, 0xE3, 0xEA)
CARD = (0xF7, 0xF7, 0xF4)  # the pictures' own background (exercises.figure.CARD)

# A light theme only so that OCR has contrast; the size and layout are dunst's usual ones.
_DUNSTRC = """[global]
    font = DejaVu Sans 10
    width = 300
    height = {cap}
    origin = top-right
    offset = 10x10
    idle_threshold = 0
    show_indicators = no
    frame_width = 1
    padding = 6
    horizontal_padding = 8
    icon_position = left
    min_icon_size = 0
    max_icon_size = 64
    markup = full
    format = "<b>%s</b>\\n%b"
    history_length = 100
[urgency_low]
    background = "#dde3ea"
    foreground = "#111111"
    timeout = 0
[urgency_normal]
    background = "#dde3ea"
    foreground = "#111111"
    timeout = 0
[urgency_critical]
    background = "#dde3ea"
    foreground = "#111111"
    timeout = 0
"""


class BubbleRig(Rig):
    """The shared rig's bus and display, with dunst styled like a user's desktop."""

    def _write_dunst_config(self) -> None:
        (self.dir / "dunstrc").write_text(_DUNSTRC.format(cap=HEIGHT_CAP))


def _handful() -> list[Exercise]:
    """The entries most likely to overflow (longest title, longest first line, longest body),
    plus one seated and one floor entry: picked by shape, so renames keep the test alive."""
    catalogue = builtin_catalogue()
    picks = [
        max(catalogue, key=lambda e: len(e.name)),
        max(catalogue, key=lambda e: len(e.dose)),
        max(catalogue, key=lambda e: sum(map(len, e.steps)) + len(e.cue)),
        *[e for e in catalogue if e.position == "seated"][:1],
        *[e for e in catalogue if e.position == "floor"][:1],
    ]
    return list({e.id: e for e in picks}.values())


@pytest.fixture(scope="module")
def bubble_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BubbleRig]:
    missing = [b for b in ("import", "tesseract", "xwininfo") if shutil.which(b) is None]
    if missing:
        rig_unavailable(f"screenshot tools missing: {', '.join(missing)}")
    rig = BubbleRig(tmp_path_factory.mktemp("bubble-rig"))
    rig.start()
    try:
        yield rig
    finally:
        rig.stop()


@pytest.fixture
def notifier(
    bubble_rig: BubbleRig, monkeypatch: pytest.MonkeyPatch
) -> Iterator[FreedesktopNotifier]:
    for key, value in bubble_rig.env.items():
        monkeypatch.setenv(key, value)
    bubble_rig.reset()
    notifier = open_freedesktop(Answers())
    yield notifier
    notifier.shutdown()


def _reminder(exercise: Exercise) -> Reminder:
    effect = Notify(new=True, can_snooze=True, critical=False)
    reminder = build_reminder(exercise, effect, Settings())
    if reminder.image is None:  # until every path that builds a reminder sets its picture
        picture = picture_file(exercise)
        reminder = dataclasses.replace(reminder, image=str(picture) if picture else None)
    return reminder


_GEOMETRY = re.compile(r'^\s*(0x[0-9a-f]+) "Dunst".*?(\d+)x(\d+)\+(-?\d+)\+(-?\d+)', re.M)


def _bubble_window(rig: Rig) -> tuple[str, int, int] | None:
    """dunst's bubble window id, width and height, once it is mapped and has settled.

    dunst maps a window before its layout is done (a 2 px high strip, or a height it then
    shrinks), and may keep more than one window: take only a viewable bubble-sized one whose
    geometry reads the same twice."""

    def read() -> tuple[str, int, int] | None:
        tree = rig._run("xwininfo", "-root", "-tree").stdout
        for match in _GEOMETRY.finditer(tree):
            window, width, height = match.group(1), int(match.group(2)), int(match.group(3))
            if height < 20 or width > 1000:
                continue
            if "IsViewable" in rig._run("xwininfo", "-id", window).stdout:
                return window, width, height
        return None

    first = read()
    if first is None:
        return None
    time.sleep(0.15)
    return first if read() == first else None


def _screenshot(rig: Rig, window: str, out: Path) -> None:
    rig._run("import", "-window", window, "-resize", f"{SCALE * 100}%", "-depth", "8", str(out))


def _ppm_pixels(path: Path) -> tuple[int, int, bytes]:
    data = path.read_bytes()
    magic, width, height, maxval, rest = data.split(maxsplit=4)
    assert magic == b"P6" and maxval == b"255"
    return int(width), int(height), rest


def _near(pixel: tuple[int, ...], colour: tuple[int, int, int], slack: int = 6) -> bool:
    return all(abs(a - b) <= slack for a, b in zip(pixel, colour, strict=True))


def _words(text: str) -> list[str]:
    """Lower-case runs of letters and digits: hyphens, wraps and punctuation fall away."""
    return re.findall(r"[a-z0-9]+", text.lower())


def _found_share(expected: str, seen: set[str]) -> float:
    words = [w for w in _words(expected) if len(w) > 1]  # OCR drops lone letters ("30 s")
    hits = [w for w in words if w in seen or difflib.get_close_matches(w, seen, n=1, cutoff=0.8)]
    return len(hits) / len(words)


def _ocr(image: Path) -> set[str]:
    out = subprocess.run(
        ["tesseract", str(image), "stdout", "--psm", "6"],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},  # 2 cores shared with other tests
    )  # fmt: skip
    assert out.returncode == 0, out.stderr
    return set(_words(out.stdout))


@pytest.mark.parametrize("exercise", _handful(), ids=lambda e: e.id)
def test_title_and_first_line_are_visible_in_a_100_px_bubble(
    bubble_rig: BubbleRig,
    notifier: FreedesktopNotifier,
    exercise: Exercise,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    reminder = _reminder(exercise)
    assert reminder.image, f"{exercise.id} has no picture"
    notifier.show(reminder)
    window, width, height = wait_until(lambda: _bubble_window(bubble_rig), timeout=10)
    assert height <= HEIGHT_CAP

    shots = tmp_path_factory.getbasetemp() / "bubble-screenshots"
    shots.mkdir(exist_ok=True)
    shot = shots / f"{exercise.id}.ppm"
    title, first_line = reminder.title, reminder.body.split("\n", 1)[0]

    def readable() -> set[str] | None:
        # The window can be mapped a moment before dunst has painted it: look again.
        nonlocal width, height
        settled = _bubble_window(bubble_rig)
        if settled is None or settled[0] != window:
            return None
        _window, width, height = settled
        _screenshot(bubble_rig, window, shot)
        seen = _ocr(shot)
        ok = _found_share(title, seen) >= 0.8 and _found_share(first_line, seen) >= 0.8
        return seen if ok else None

    try:
        wait_until(readable, timeout=10, interval=0.3)
    except TimeoutError:
        seen = _ocr(shot)
        pytest.fail(
            f"{exercise.id}: title {_found_share(title, seen):.0%} and first line "
            f"{_found_share(first_line, seen):.0%} of words found in {sorted(seen)}; see {shot}"
        )

    # The picture is drawn too: its light card fills a good part of the bubble's left side.
    w, h, pixels = _ppm_pixels(shot)
    assert (w, h) == (width * SCALE, height * SCALE)
    card = sum(
        _near(tuple(pixels[i : i + 3]), CARD) for i in range(0, len(pixels), 3 * 4)
    )  # every 4th pixel
    icon_area = (64 * SCALE) ** 2 / 4
    assert card > 0.4 * icon_area, f"no picture in the bubble; see {shot}"
    assert any(_near(tuple(pixels[i : i + 3]), BACKGROUND) for i in range(0, len(pixels), 3))


def test_dunst_receives_the_picture_path(
    bubble_rig: BubbleRig, notifier: FreedesktopNotifier
) -> None:
    exercise = builtin_catalogue()[0]
    reminder = _reminder(exercise)
    notifier.show(reminder)
    wait_until(lambda: bubble_rig.displayed_count() == 1, timeout=10)
    [entry] = bubble_rig.history()
    assert entry["icon_path"] == reminder.image == str(picture_file(exercise))
    # dunst loaded it: no "could not load icon" style complaint in its log.
    assert "icon" not in bubble_rig.dunst_log().lower()
