"""A stick figure built from joint angles, and its props, drawn as a small SVG.

Theory of operation: the figure is seen from the side and faces right (+x). Every segment's
direction is an angle measured from straight down, growing towards the front, so (sin, cos) is
its unit vector in SVG coordinates (y grows downwards). The trunk leans forward by `lean`
degrees (90: lying, head to the right; -90: lying, head to the left); each limb hangs from the
trunk's downward line and bends at its joints by the angles of a `Leg` or an `Arm`. The pelvis
is placed at the origin, the props are anchored to joints, and the whole drawing is then
scaled into a fixed viewBox, so the pose descriptions never deal in pixels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Point = tuple[float, float]

VIEW = 100.0  # the viewBox is VIEW x VIEW
MARGIN = 8.0
STROKE = 5.0  # thick enough to read at 64 px
INK, FAR_INK, GHOST_INK, PROP_INK = "#2b2d31", "#9aa0a8", "#c9ced6", "#7d8591"
MARK_INK, CARD, GROUND_INK = "#e4572e", "#f7f7f4", "#b9bec6"

# Segment lengths, in the units of the pose (a standing figure is about 90 tall).
TRUNK, NECK, HEAD_R = 30.0, 5.0, 6.0
THIGH, SHANK, FOOT = 22.0, 21.0, 7.0
UPPER_ARM, FOREARM = 15.0, 14.0

PropKind = Literal["desk", "wall", "chair", "step", "sofa", "bed", "ball", "weight", "strap", "mat"]
Anchor = Literal[
    "pelvis", "shoulder", "head", "near_knee", "near_heel", "near_toe", "far_knee", "far_heel",
    "far_toe", "near_hand", "far_hand",
]  # fmt: skip
Mark = Literal["front_thigh", "back_thigh", "front_hip", "glute"]


@dataclass(frozen=True)
class Leg:
    """Hip flexion (thigh forward of the trunk's line; negative: behind), knee flexion (heel
    towards the seat) and ankle plantarflexion (toes pointing away), all in degrees."""

    hip: float = 0.0
    knee: float = 0.0
    ankle: float = 0.0


@dataclass(frozen=True)
class Arm:
    """Shoulder flexion (0: hanging, 90: forward, 180: overhead) and elbow flexion."""

    shoulder: float = 0.0
    elbow: float = 0.0


@dataclass(frozen=True)
class Prop:
    """Something the pose uses, placed by a joint: a desk top at the hand, a step under the
    heel, a seat under the pelvis, a wall behind the hand."""

    kind: PropKind
    at: Anchor = "pelvis"


@dataclass(frozen=True)
class Pose:
    """One picture: the figure's angles, its props, the muscle to mark, and optionally a
    ghost of the other end of a movement (the limbs drawn faint)."""

    lean: float = 0.0
    near_leg: Leg = Leg()
    far_leg: Leg = Leg()
    near_arm: Arm = Arm()
    far_arm: Arm = Arm()
    head_tilt: float = 0.0  # the head's lean beyond the trunk's, e.g. looking up when lying
    props: tuple[Prop, ...] = ()
    mark: tuple[tuple[Literal["near", "far"], Mark], ...] = ()
    ghost: Pose | None = None
    lift: float = 0.0  # how far the lowest point sits above the ground (a body on a bed)
    ghost_at: Anchor = "far_heel"  # the joint that stays put between the pose and its ghost
    # A movement too small for a ghost: a double arrow by a joint, straight (a rock forward
    # and back) or curved (a tilt).
    arrow: tuple[Anchor, Literal["rock", "tilt", "circle"]] | None = None


def _unit(angle: float) -> Point:
    rad = math.radians(angle)
    return math.sin(rad), math.cos(rad)


def _step(p: Point, angle: float, length: float) -> Point:
    ux, uy = _unit(angle)
    return p[0] + ux * length, p[1] + uy * length


@dataclass(frozen=True)
class Skeleton:
    """Every joint of a pose, with the pelvis at the origin."""

    pelvis: Point
    shoulder: Point
    neck: Point
    head: Point
    legs: dict[str, tuple[Point, Point, Point, Point]]  # hip, knee, heel (ankle), toe
    arms: dict[str, tuple[Point, Point, Point]]  # shoulder, elbow, hand

    def anchor(self, name: Anchor) -> Point:
        if name in ("pelvis", "shoulder", "head"):
            return getattr(self, name)  # type: ignore[no-any-return]
        side, part = name.split("_")
        if part == "hand":
            return self.arms[side][2]
        index = {"knee": 1, "heel": 2, "toe": 3}[part]
        return self.legs[side][index]


def skeleton(pose: Pose) -> Skeleton:
    pelvis = (0.0, 0.0)
    up = 180.0 - pose.lean
    down = -pose.lean
    shoulder = _step(pelvis, up, TRUNK)
    neck = _step(shoulder, up - pose.head_tilt, NECK)
    head = _step(neck, up - pose.head_tilt, HEAD_R)
    legs: dict[str, tuple[Point, Point, Point, Point]] = {}
    for side, leg in (("near", pose.near_leg), ("far", pose.far_leg)):
        thigh = down + leg.hip
        shank = thigh - leg.knee
        knee = _step(pelvis, thigh, THIGH)
        heel = _step(knee, shank, SHANK)
        toe = _step(heel, shank + 90.0 - leg.ankle, FOOT)
        legs[side] = (pelvis, knee, heel, toe)
    arms: dict[str, tuple[Point, Point, Point]] = {}
    for side, arm in (("near", pose.near_arm), ("far", pose.far_arm)):
        upper = down + arm.shoulder
        elbow = _step(shoulder, upper, UPPER_ARM)
        hand = _step(elbow, upper + arm.elbow, FOREARM)
        arms[side] = (shoulder, elbow, hand)
    return Skeleton(pelvis, shoulder, neck, head, legs, arms)


# A drawing in pose units: ("line", points, colour, width) or ("disc", centre, radius, colour).
Shape = tuple[str, tuple[Point, ...], str, float]


def _line(points: list[Point], colour: str, width: float = STROKE) -> Shape:
    return ("line", tuple(points), colour, width)


def _disc(centre: Point, radius: float, colour: str) -> Shape:
    return ("disc", (centre,), colour, radius)


def _offset_along(a: Point, b: Point, start: float, end: float, side: float) -> list[Point]:
    """The part [start, end] of segment a-b, moved `side` units to its left (in SVG terms)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length * side, dx / length * side
    return [(a[0] + dx * t + nx, a[1] + dy * t + ny) for t in (start, end)]


def _mark(sk: Skeleton, side: str, mark: Mark) -> Shape:
    hip, knee, _heel, _toe = sk.legs[side]
    # For a segment a->b, _offset_along's positive side is the segment's left in SVG terms:
    # the back of a thigh (hip->knee) and the front of the trunk (pelvis->shoulder).
    if mark == "glute":
        return _line(_offset_along(sk.pelvis, sk.shoulder, -0.1, 0.2, -4.6), MARK_INK, 3.2)
    lo, hi = {"front_thigh": (0.25, 0.8), "back_thigh": (0.2, 0.8), "front_hip": (0.0, 0.45)}[mark]
    side_units = 4.6 if mark == "back_thigh" else -4.6
    return _line(_offset_along(hip, knee, lo, hi, side_units), MARK_INK, 3.2)


def _arrow(sk: Skeleton, at: Anchor, kind: str) -> list[Shape]:
    x, y = sk.anchor(at)
    if kind == "rock":
        path = [(x - 13 + t * 26 / 6, y - 10) for t in range(7)]
    elif kind == "circle":
        path = [_step((x, y), a, 9.0) for a in range(200, 200 + 300, 20)]
    else:
        # An arc in front of the joint, from a little above it to a little below.
        path = [_step((x, y - 3), 90 + a, 14.0) for a in range(-55, 56, 11)]
    shapes = [_line(path, MARK_INK, 3.0)]
    ends = (
        ((path[-1], path[-2]),) if kind == "circle" else ((path[0], path[1]), (path[-1], path[-2]))
    )
    for tip, prev in ends:
        angle = math.degrees(math.atan2(tip[0] - prev[0], tip[1] - prev[1]))
        barbs = [_step(tip, angle + 145, 4.5), tip, _step(tip, angle - 145, 4.5)]
        shapes.append(_line(barbs, MARK_INK, 3.0))
    return shapes


def _figure(sk: Skeleton, pose: Pose, ghost: bool) -> list[Shape]:
    near = GHOST_INK if ghost else INK
    far = GHOST_INK if ghost else FAR_INK
    shapes: list[Shape] = []
    for side, colour in (("far", far), ("near", near)):
        if side == "near":
            shapes.append(_line([sk.pelvis, sk.shoulder, sk.neck], near))
            shapes.append(_disc(sk.head, HEAD_R, near))
        shapes.append(_line(list(sk.legs[side]), colour))
        shapes.append(_line(list(sk.arms[side]), colour))
    if not ghost:
        shapes.extend(_mark(sk, side, mark) for side, mark in pose.mark)
        if pose.arrow is not None:
            shapes.extend(_arrow(sk, *pose.arrow))
    return shapes


def _moved(sk: Skeleton, by: Point) -> Skeleton:
    def mv(p: Point) -> Point:
        return p[0] + by[0], p[1] + by[1]

    return Skeleton(
        mv(sk.pelvis), mv(sk.shoulder), mv(sk.neck), mv(sk.head),
        {s: (mv(a), mv(b), mv(c), mv(d)) for s, (a, b, c, d) in sk.legs.items()},
        {s: (mv(a), mv(b), mv(c)) for s, (a, b, c) in sk.arms.items()},
    )  # fmt: skip


def _points(sk: Skeleton) -> list[Point]:
    pts = [sk.pelvis, sk.shoulder, sk.neck]
    pts += [(sk.head[0] + dx, sk.head[1] + dy) for dx, dy in ((-HEAD_R, -HEAD_R), (HEAD_R, HEAD_R))]
    pts += [p for leg in sk.legs.values() for p in leg]
    pts += [p for arm in sk.arms.values() for p in arm]
    return pts


def _prop(prop: Prop, sk: Skeleton, ground: float) -> list[Shape]:
    x, y = sk.anchor(prop.at)
    facing = 1.0 if sk.head[0] >= sk.pelvis[0] else -1.0
    gap = STROKE / 2 + 1.5  # the prop's surface sits just clear of the limb's stroke
    ink, w = PROP_INK, 3.6
    if prop.kind == "desk":
        top = y + gap
        return [
            _line([(x - 4, top), (x + 26, top)], ink, w),
            _line([(x - 1, top), (x - 1, ground)], ink, w),
            _line([(x + 23, top), (x + 23, ground)], ink, w),
        ]
    if prop.kind == "wall":
        # In front of a hand, behind a heel or the back.
        wx = x + gap if prop.at.endswith("hand") else x - gap
        return [_line([(wx, ground), (wx, min(y, ground - 40) - 24)], ink, w)]
    if prop.kind == "chair" and prop.at.endswith("hand"):
        # Held by its back: the back rises to the hand, the seat reaches away from the figure.
        bx, seat = x + gap * facing, ground - 19
        return [
            _line([(bx, y), (bx, ground)], ink, w),
            _line([(bx, seat), (bx + 17 * facing, seat), (bx + 17 * facing, ground)], ink, w),
        ]
    if prop.kind == "chair":
        seat, back = y + gap, x - 9 * facing
        return [
            _line([(back, seat - 24), (back, ground)], ink, w),
            _line([(back, seat), (x + 10 * facing, seat), (x + 10 * facing, ground)], ink, w),
        ]
    if prop.kind == "step":
        top = y + gap
        return [_line([(x - 9, ground), (x - 9, top), (x + 9, top), (x + 9, ground)], ink, w)]
    if prop.kind == "sofa":
        front, seat = x - gap, ground - 17
        return [
            _line([(front, ground), (front, seat), (front - 24, seat)], ink, w),
            _line([(front - 24, ground), (front - 24, seat - 16), (front - 30, seat - 16)], ink, w),
        ]
    if prop.kind == "bed":
        # The bed runs from just past the hip towards the head, so a leg can hang off its end.
        top, edge, far_end = y + gap, x - 2 * facing, x + 46 * facing
        return [_line([(edge, ground), (edge, top), (far_end, top), (far_end, ground)], ink, w)]
    if prop.kind == "ball":
        return [("ring", ((x, y + 10.5),), ink, 8.0)]
    if prop.kind == "weight":
        return [_line([(x - 4, y + 1), (x + 4, y + 1)], ink, 6.5)]
    if prop.kind == "strap":
        hand, toe = sk.arms["near"][2], sk.legs["near"][3]
        return [_line([hand, toe], ink, 2.2)]
    # mat: a cushion under a knee or the back
    return [_line([(x - 7, y + gap), (x + 7, y + gap)], ink, 4.5)]


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def render_svg(pose: Pose, title: str = "") -> str:
    """The pose as a standalone SVG on a light card, so it reads on dark and light themes."""
    sk = skeleton(pose)
    figures = [_figure(sk, pose, ghost=False)]
    points = _points(sk)
    if pose.ghost is not None:
        gk = skeleton(pose.ghost)
        ax, ay = sk.anchor(pose.ghost_at)
        bx, by = gk.anchor(pose.ghost_at)
        gk = _moved(gk, (ax - bx, ay - by))
        figures.insert(0, _figure(gk, pose.ghost, ghost=True))
        points += _points(gk)
    ground = max(p[1] for p in points) + STROKE / 2 + pose.lift
    shapes = [s for prop in pose.props for s in _prop(prop, sk, ground)]
    for shape in shapes:
        points += list(shape[1])
        if shape[0] == "ring":
            (cx, cy), r = shape[1][0], shape[3]
            points += [(cx - r, cy - r), (cx + r, cy + r)]
    lo_x, hi_x = min(p[0] for p in points), max(p[0] for p in points)
    lo_y = min(p[1] for p in points)
    span = max(hi_x - lo_x, ground - lo_y, 1.0)
    scale = (VIEW - 2 * MARGIN) / span
    # Centred across, standing on a ground line near the bottom.
    off_x = (VIEW - (hi_x - lo_x) * scale) / 2 - lo_x * scale
    off_y = VIEW - MARGIN - ground * scale

    def pt(p: Point) -> str:
        return f"{_fmt(p[0] * scale + off_x)},{_fmt(p[1] * scale + off_y)}"

    # Lines keep their width whatever the scale (a thin line is what fails at 64 px); only a
    # long lying figure, drawn smaller, gets slightly thinner ones so its joints stay apart.
    width = STROKE * max(0.8, min(1.0, scale))
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_fmt(VIEW)} {_fmt(VIEW)}"'
        f' width="256" height="256">',
    ]
    if title:
        out.append(f"<title>{title}</title>")
    out.append(f'<rect width="{_fmt(VIEW)}" height="{_fmt(VIEW)}" rx="12" fill="{CARD}"/>')
    out.append(
        f'<g fill="none" stroke-linecap="round" stroke-linejoin="round">'
        f'<path d="M{_fmt(MARGIN / 2)},{_fmt(VIEW - MARGIN)}H{_fmt(VIEW - MARGIN / 2)}"'
        f' stroke="{GROUND_INK}" stroke-width="2.5"/>'
    )
    for kind, pts, colour, size in shapes + [s for f in figures for s in f]:
        if kind == "line":
            d = "M" + " ".join(pt(p) for p in pts)
            w = size * width / STROKE
            out.append(f'<path d="{d}" stroke="{colour}" stroke-width="{_fmt(w)}"/>')
        else:
            (cx, cy) = pt(pts[0]).split(",")
            r = _fmt(size * scale)
            paint = (
                f'fill="{colour}"'
                if kind == "disc"
                else (f'stroke="{colour}" stroke-width="{_fmt(3.6 * width / STROKE)}"')
            )
            out.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" {paint}/>')
    out.append("</g></svg>")
    return "\n".join(out) + "\n"
