"""The drawn ring: sizes, byte order, how much of it is filled, and a look per state."""

from __future__ import annotations

import math

import pytest

from standup.tray.icon import LOOKS, SIZES, STEPS, pixmaps, ring, step_of


def _pixel(data: bytes, size: int, x: int, y: int) -> tuple[int, int, int, int]:
    at = (y * size + x) * 4
    a, r, g, b = data[at : at + 4]
    return a, r, g, b


def _on_ring(size: int, turn: float) -> tuple[int, int]:
    """A pixel in the middle of the ring's band, `turn` (0..1) clockwise from the top."""
    centre = size / 2
    radius = (size / 2 - max(1.0, size / 22)) * 0.8
    angle = turn * 2 * math.pi
    return int(centre + radius * math.sin(angle)), int(centre - radius * math.cos(angle))


def test_every_size_is_square_argb32() -> None:
    images = pixmaps("sitting", 3)
    assert [(w, h) for w, h, _ in images] == [(s, s) for s in SIZES]
    for w, h, data in images:
        assert len(data) == w * h * 4


def test_bytes_are_alpha_then_red_green_blue() -> None:
    """Network byte order: a fully filled reminding ring is opaque red where it is drawn."""
    size = 48
    data = ring(size, "reminding", STEPS)
    a, r, g, b = _pixel(data, size, *_on_ring(size, 0.25))
    assert a == 255
    assert (r, g, b) == LOOKS["reminding"].fill
    assert _pixel(data, size, 0, 0) == (0, 0, 0, 0)  # the corner is transparent


@pytest.mark.parametrize("step", range(STEPS + 1))
def test_the_filled_arc_covers_step_eighths_of_the_ring(step: int) -> None:
    size = 48
    data = ring(size, "sitting", step)
    fill = LOOKS["sitting"].fill
    for eighth in range(STEPS):
        x, y = _on_ring(size, (eighth + 0.5) / STEPS)  # the middle of each eighth
        a, r, g, b = _pixel(data, size, x, y)
        filled = a == 255 and (r, g, b) == fill
        assert filled == (eighth < step), (step, eighth, (a, r, g, b))


def test_the_ring_is_filled_by_steps_not_minutes() -> None:
    assert [step_of(f) for f in (0.0, 0.12, 0.125, 0.5, 0.99, 1.0, 1.5)] == [0, 0, 1, 4, 7, 8, 8]


def test_each_state_looks_different() -> None:
    images = {look: ring(22, look, 4) for look in LOOKS}
    assert len(set(images.values())) == len(LOOKS)


def test_paused_carries_two_bars_in_the_middle() -> None:
    size = 48
    data = ring(size, "paused", 0)
    centre = size // 2
    assert _pixel(data, size, centre, centre)[0] == 0  # between the bars
    assert _pixel(data, size, centre - 5, centre)[0] == 255  # a bar
    assert _pixel(data, size, centre + 5, centre)[0] == 255


def test_images_are_drawn_once() -> None:
    assert ring(32, "away", 0) is ring(32, "away", 0)
