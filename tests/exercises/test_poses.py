"""The pictures teach the move: geometry of every pose, checked without looking at pixels.

Each test measures one promise a picture makes: every colour readable on the card, the worked
leg near and marked, the other end of a move shown apart from the limbs, a standing body
balanced over its feet, the figure big on its card, and no limb through a prop.
"""

from __future__ import annotations

import itertools
import math
import re

import pytest

from standup.exercises import builtin_catalogue
from standup.exercises.figure import (
    CARD,
    HEAD_R,
    INKS,
    MARGIN,
    STROKE,
    VIEW,
    Point,
    Pose,
    Skeleton,
)
from standup.exercises.pictures import Drawing, draw, lay_out
from standup.exercises.poses import POSES

CATALOGUE = {e.id: e for e in builtin_catalogue()}
GHOST_CLEARANCE = 7.0  # pose units between a ghost's line and any limb's: a stroke and a gap
GHOST_ROOT = 12.0  # a ghost limb leaves from a joint it shares; judged from this far out
PROP_CLEARANCE = 3.0  # between a limb's line and a prop's: the two strokes may touch, not cross

# A simple segment-mass model (fractions of the body's mass, after Dempster), each segment's
# mass at its middle; the head's at its centre.
MASS = {"head": 0.081, "trunk": 0.497, "upper_arm": 0.028, "forearm": 0.022}
MASS |= {"thigh": 0.100, "shank": 0.0465, "foot": 0.0145}


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two #rrggbb colours."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _mid(a: Point, b: Point) -> Point:
    return (a[0] + b[0]) / 2, (a[1] + b[1]) / 2


def centre_of_mass(sk: Skeleton) -> Point:
    parts: list[tuple[float, Point]] = [
        (MASS["head"], sk.head),
        (MASS["trunk"], _mid(sk.pelvis, sk.shoulder)),
    ]
    for hip, knee, heel, toe in sk.legs.values():
        parts += [(MASS["thigh"], _mid(hip, knee)), (MASS["shank"], _mid(knee, heel))]
        parts.append((MASS["foot"], _mid(heel, toe)))
    for shoulder, elbow, hand in sk.arms.values():
        parts += [(MASS["upper_arm"], _mid(shoulder, elbow)), (MASS["forearm"], _mid(elbow, hand))]
    total = sum(m for m, _ in parts)
    return (
        sum(m * p[0] for m, p in parts) / total,
        sum(m * p[1] for m, p in parts) / total,
    )


def support(laid: Drawing, pose: Pose) -> tuple[float, float]:
    """The span across of what the body stands on: feet on the ground, hands on a prop."""
    sk = laid.body
    floor = laid.ground - STROKE / 2 - pose.lift
    xs = [p[0] for leg in sk.legs.values() for p in leg[2:] if p[1] >= floor - 1.5]
    xs += [sk.anchor(prop.at)[0] for prop in pose.props if prop.at.endswith("hand")]
    return min(xs, default=math.inf), max(xs, default=-math.inf)


def _segments(lines: list[tuple[Point, ...]]) -> list[tuple[Point, Point]]:
    return [(a, b) for line in lines for a, b in itertools.pairwise(line)]


def _point_to_segment(p: Point, a: Point, b: Point) -> float:
    dx, dy = b[0] - a[0], b[1] - a[1]
    length2 = dx * dx + dy * dy
    t = (
        0.0
        if length2 == 0
        else max(0.0, min(1.0, ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / length2))
    )
    return math.dist(p, (a[0] + t * dx, a[1] + t * dy))


def _crosses(a: Point, b: Point, c: Point, d: Point) -> bool:
    def side(p: Point, q: Point, r: Point) -> float:
        return (q[0] - p[0]) * (r[1] - p[1]) - (q[1] - p[1]) * (r[0] - p[0])

    return side(a, b, c) * side(a, b, d) < 0 and side(c, d, a) * side(c, d, b) < 0


def segment_distance(s: tuple[Point, Point], t: tuple[Point, Point]) -> float:
    if _crosses(*s, *t):
        return 0.0
    return min(
        _point_to_segment(s[0], *t), _point_to_segment(s[1], *t),
        _point_to_segment(t[0], *s), _point_to_segment(t[1], *s),
    )  # fmt: skip


def ghost_clearance(laid: Drawing) -> float:
    """How close the ghost's lines come to the body's, away from the joint they leave from."""
    body = _segments(list(laid.body.chains().values()))
    nearest = math.inf
    for line in laid.ghost_lines:
        for a, b in itertools.pairwise(line):
            for i in range(21):
                p = (a[0] + (b[0] - a[0]) * i / 20, a[1] + (b[1] - a[1]) * i / 20)
                if math.dist(p, line[0]) < GHOST_ROOT:
                    continue
                limbs = min(_point_to_segment(p, *s) for s in body)
                nearest = min(nearest, limbs, math.dist(p, laid.body.head) - HEAD_R)
    return nearest


def prop_clearance(laid: Drawing) -> float:
    """How close a limb (or the ghost's) comes to a prop the body does not stand beside."""
    limbs = _segments(list(laid.body.chains().values()) + laid.ghost_lines)
    nearest = math.inf
    for prop, shapes in laid.props:
        if prop.beside or prop.kind in ("weight", "strap"):
            continue  # behind the body, or held by the limb it touches
        for kind, pts, _colour, size in shapes:
            if kind == "ring":
                nearest = min(nearest, *(_point_to_segment(pts[0], *s) - size for s in limbs))
                continue
            for edge in itertools.pairwise(pts):
                nearest = min(nearest, *(segment_distance(edge, s) for s in limbs))
    return nearest


def figure_box(pose: Pose) -> tuple[float, float, float, float]:
    """The view box the body and its ghost cover, strokes included."""
    laid = lay_out(pose)
    pts = [laid.to_view(p) for line in laid.drawing.body.chains().values() for p in line]
    pts += [laid.to_view(p) for line in laid.drawing.ghost_lines for p in line]
    hx, hy = laid.to_view(laid.drawing.body.head)
    r = HEAD_R * laid.scale
    pts += [(hx - r, hy - r), (hx + r, hy + r)]
    half = STROKE / 2
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    return min(xs) - half, min(ys) - half, max(xs) + half, max(ys) + half


def moves(exercise_id: str) -> bool:
    """A repeated movement must show where it starts and ends; a hold or a press need not."""
    entry = CATALOGUE[exercise_id]
    return entry.hold is None and re.search(r"\d s\b", entry.dose) is None


@pytest.mark.parametrize("colour", INKS)
def test_every_colour_reads_at_3_to_1_on_the_card(colour: str) -> None:
    assert contrast(colour, CARD) >= 3.0, colour


def test_contrast_matches_the_published_ratios() -> None:
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("exercise_id", sorted(POSES))
def test_the_marked_muscle_is_on_the_near_dark_leg(exercise_id: str) -> None:
    pose = POSES[exercise_id]
    if exercise_id != "two-minute-walk":  # a walk works no one muscle
        assert pose.mark, "mark the muscle the move works or stretches"
    assert all(side == "near" for side, _mark in pose.mark)


@pytest.mark.parametrize("exercise_id", sorted(POSES))
def test_a_move_that_moves_shows_its_other_end(exercise_id: str) -> None:
    pose = POSES[exercise_id]
    laid = draw(pose)
    if moves(exercise_id):
        assert laid.ghost_lines or laid.arrows, "a ghost or an arrow"
    if laid.ghost_lines:
        assert ghost_clearance(laid) >= GHOST_CLEARANCE, "the ghost lies on a limb"


@pytest.mark.parametrize(
    "exercise_id", sorted(i for i in POSES if CATALOGUE[i].position == "standing")
)
def test_a_standing_body_is_balanced_over_what_it_stands_on(exercise_id: str) -> None:
    pose = POSES[exercise_id]
    laid = draw(pose)
    x, _y = centre_of_mass(laid.body)
    lo, hi = support(laid, pose)
    assert lo - 1.0 <= x <= hi + 1.0, f"centre of mass at {x:.1f}, support {lo:.1f}..{hi:.1f}"


@pytest.mark.parametrize("exercise_id", sorted(POSES))
def test_the_figure_fills_its_card(exercise_id: str) -> None:
    left, top, right, bottom = figure_box(POSES[exercise_id])
    inner = VIEW - 2 * MARGIN
    # Tall or long, the figure spans most of the card one way, and is not a sliver the other.
    assert max(right - left, bottom - top) >= 0.8 * inner
    assert (right - left) * (bottom - top) >= 0.2 * inner * inner


@pytest.mark.parametrize("exercise_id", sorted(POSES))
def test_no_limb_passes_through_a_prop(exercise_id: str) -> None:
    laid = draw(POSES[exercise_id])
    assert prop_clearance(laid) >= PROP_CLEARANCE
