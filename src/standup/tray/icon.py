"""The tray icon, drawn in pure Python: a ring that fills as the sitting interval passes.

A StatusNotifierItem sends its icon as pixmaps: ARGB32 pixels in network byte order (A, R, G,
B bytes), rows top to bottom. The ring fills clockwise from twelve o'clock in `STEPS` steps,
so the icon changes a few times an interval, not every minute. Each state has its own look;
every image is drawn once and kept.
"""

from __future__ import annotations

import math
from functools import lru_cache
from typing import NamedTuple

STEPS = 8  # the ring fills in this many steps
SIZES = (22, 32, 48)  # pixels: panels of every common height pick the nearest
_SAMPLES = 3  # per axis and pixel: smooth edges without a drawing library

Colour = tuple[int, int, int]


class Look(NamedTuple):
    """How a state is drawn: the filled arc, the empty track, and a mark in the middle."""

    fill: Colour
    track: Colour
    track_alpha: int  # 0-255: a faint track reads as "not counting"
    mark: str  # "", "pause" (two bars) or "dot"


LOOKS: dict[str, Look] = {
    "sitting": Look((46, 160, 67), (128, 128, 128), 110, ""),
    "snoozed": Look((230, 150, 20), (128, 128, 128), 110, ""),
    "reminding": Look((220, 50, 47), (220, 50, 47), 255, "dot"),
    "paused": Look((128, 128, 128), (128, 128, 128), 110, "pause"),
    "away": Look((60, 130, 220), (60, 130, 220), 90, ""),
    "off_hours": Look((128, 128, 128), (128, 128, 128), 60, ""),
}


def step_of(fraction: float) -> int:
    """How many of the ring's STEPS are filled for `fraction` (0..1) of the interval."""
    return max(0, min(STEPS, math.floor(fraction * STEPS)))


def pixmaps(look: str, step: int) -> tuple[tuple[int, int, bytes], ...]:
    """The icon at every size, as the IconPixmap property carries it: (width, height, data)."""
    return tuple((size, size, ring(size, look, step)) for size in SIZES)


@lru_cache(maxsize=len(LOOKS) * (STEPS + 1) * len(SIZES))
def ring(size: int, look: str, step: int) -> bytes:
    """ARGB32 (network byte order) pixels of a size x size ring, `step` of STEPS filled."""
    style = LOOKS[look]
    centre = size / 2
    outer = size / 2 - max(1.0, size / 22)
    inner = outer * 0.6
    filled = step / STEPS
    out = bytearray()
    offsets = [(i + 0.5) / _SAMPLES for i in range(_SAMPLES)]
    for row in range(size):
        for col in range(size):
            fill = track = mark = 0
            for dy in offsets:
                for dx in offsets:
                    x, y = col + dx - centre, row + dy - centre
                    where = _part(x, y, outer, inner, filled, style.mark)
                    fill += where == "fill"
                    track += where == "track"
                    mark += where == "mark"
            out += _blend(style, fill, track, mark)
    return bytes(out)


def _part(x: float, y: float, outer: float, inner: float, filled: float, mark: str) -> str:
    """Which part of the image the point (x, y), from the centre, falls in."""
    radius = math.hypot(x, y)
    if inner <= radius <= outer:
        # Clockwise from twelve o'clock: 0 at the top, 0.25 at three o'clock.
        turn = (math.atan2(x, -y) / (2 * math.pi)) % 1.0
        return "fill" if turn < filled else "track"
    if mark == "dot" and radius <= inner * 0.5:
        return "mark"
    if mark == "pause" and abs(y) <= inner * 0.6 and inner * 0.15 <= abs(x) <= inner * 0.45:
        return "mark"
    return ""


def _blend(style: Look, fill: int, track: int, mark: int) -> bytes:
    """One pixel from how many of its samples fell in each part."""
    total = _SAMPLES * _SAMPLES
    alpha = (fill * 255 + track * style.track_alpha + mark * 255) / total
    if alpha <= 0:
        return b"\0\0\0\0"
    weight_fill = (fill + mark) * 255 / total
    weight_track = track * style.track_alpha / total
    rgb = (
        round((f * weight_fill + t * weight_track) / (weight_fill + weight_track))
        for f, t in zip(style.fill, style.track, strict=True)
    )
    return bytes((round(alpha), *rgb))
