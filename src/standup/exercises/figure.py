"""A stick figure built from joint angles: its joints, lines, marks, ghost and arrows.

Theory of operation: the figure is seen from the side and faces right (+x). Every segment's
direction is an angle measured from straight down, growing towards the front, so (sin, cos) is
its unit vector in SVG coordinates (y grows downwards). The trunk leans forward by `lean`
degrees (90: lying, head to the right; -90: lying, head to the left); each limb hangs from the
trunk's downward line and bends at its joints by the angles of a `Leg` or an `Arm`. A pose
seen from the front (`view="front"`) reads the same angles sideways: `lean` tips the trunk
towards +x, a leg's hip angle spreads it outwards, `fold` bends the trunk towards the viewer.
The pelvis is placed at the origin; `pictures` anchors the props to joints and scales the
whole drawing into a fixed viewBox, so the pose descriptions never deal in pixels.

The near limbs (the worked or stretched ones) are dark, the far ones grey, the other end of a
movement a dashed blue ghost of only the limbs that move, or an arrow where a ghost would lie
on another limb. Every colour keeps 3:1 contrast against the card.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

Point = tuple[float, float]

VIEW = 100.0  # the viewBox is VIEW x VIEW
MARGIN = 8.0
STROKE = 5.0  # thick enough to read at 64 px
INK, FAR_INK, GHOST_INK, PROP_INK = "#2b2d31", "#737983", "#5d87b5", "#858b94"
MARK_INK, CARD, GROUND_INK = "#d2461e", "#f7f7f4", "#8a8f96"
INKS = (INK, FAR_INK, GHOST_INK, PROP_INK, MARK_INK, GROUND_INK)

# Segment lengths, in the units of the pose (a standing figure is about 90 tall; the
# proportions are the usual ones of an adult: trunk, thigh and shank about equal).
TRUNK, NECK, HEAD_R = 27.0, 5.0, 6.0
THIGH, SHANK, FOOT = 22.0, 22.0, 7.0
UPPER_ARM, FOREARM = 15.0, 14.0
HIP_HALF, SHOULDER_HALF = 4.5, 8.0  # half widths, seen from the front
BALL_R = 15.0  # a full-size exercise ball, about 60 cm across

PropKind = Literal["desk", "wall", "chair", "step", "sofa", "bed", "ball", "weight", "strap", "mat"]
Anchor = Literal[
    "pelvis", "shoulder", "head", "near_knee", "near_heel", "near_toe", "far_knee", "far_heel",
    "far_toe", "near_hand", "far_hand",
]  # fmt: skip
Mark = Literal["front_thigh", "back_thigh", "front_hip", "glute"]
# rock: a straight double arrow across; lift: up and down; tilt: a curved double arrow;
# circle: round a joint; ahead: one way, forwards; swing: the joint's path from the ghost's
# place to the pose's (about the hip for the head: a hinge).
ArrowKind = Literal["rock", "lift", "tilt", "circle", "ahead", "swing"]


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
    heel, a seat under the pelvis. A prop `beside` the body stands behind it in the picture
    (a desk held side-on, a chair sat on sideways), so the near limbs pass in front of it."""

    kind: PropKind
    at: Anchor = "pelvis"
    beside: bool = False


@dataclass(frozen=True)
class Arrow:
    """A double arrow by a joint, moved by `shift` units from its usual place."""

    at: Anchor
    kind: ArrowKind
    shift: Point = (0.0, 0.0)


@dataclass(frozen=True)
class Pose:
    """One picture: the figure's angles, its props, the muscle to mark, and the other end of
    the movement: a ghost (its moving limbs drawn dashed), an arrow, or both."""

    lean: float = 0.0
    near_leg: Leg = Leg()
    far_leg: Leg = Leg()
    near_arm: Arm = Arm()
    far_arm: Arm = Arm()
    head_tilt: float = 0.0  # the head's lean beyond the trunk's, e.g. looking up when lying
    props: tuple[Prop, ...] = ()
    mark: tuple[tuple[Literal["near", "far"], Mark], ...] = ()
    ghost: Pose | None = None
    lift: float = 0.0  # how far the lowest point sits above the ground (a body on a bench)
    ghost_at: Anchor = "far_heel"  # the joint that stays put between the pose and its ghost
    arrow: Arrow | None = None  # a "swing" arrow traces the ghost, which is then not drawn
    view: Literal["side", "front"] = "side"
    fold: float = 0.0  # seen from the front: how far the trunk bends towards the viewer
    roll: float = 0.0  # seen from the front: the near shoulder raised by this much


def _unit(angle: float) -> Point:
    rad = math.radians(angle)
    return math.sin(rad), math.cos(rad)


def _step(p: Point, angle: float, length: float) -> Point:
    ux, uy = _unit(angle)
    return p[0] + ux * length, p[1] + uy * length


def _angle(a: Point, b: Point) -> float:
    """The direction from a to b, in the figure's angles."""
    return math.degrees(math.atan2(b[0] - a[0], b[1] - a[1]))


Leg4 = tuple[Point, Point, Point, Point]  # hip, knee, heel (ankle), toe
Arm3 = tuple[Point, Point, Point]  # shoulder, elbow, hand


@dataclass(frozen=True)
class Skeleton:
    """Every joint of a pose, with the pelvis at the origin."""

    pelvis: Point
    shoulder: Point
    neck: Point
    head: Point
    legs: dict[str, Leg4]
    arms: dict[str, Arm3]

    def anchor(self, name: Anchor) -> Point:
        if name in ("pelvis", "shoulder", "head"):
            return getattr(self, name)  # type: ignore[no-any-return]
        side, part = name.split("_")
        if part == "hand":
            return self.arms[side][2]
        return self.legs[side][{"knee": 1, "heel": 2, "toe": 3}[part]]

    def chains(self) -> dict[str, tuple[Point, ...]]:
        """The lines the figure is drawn with: the trunk (with the hip and shoulder lines
        when seen from the front), each leg and each arm."""
        legs, arms = self.legs, self.arms
        trunk: tuple[Point, ...] = (self.pelvis, self.shoulder, self.neck)
        if legs["near"][0] != self.pelvis:  # seen from the front
            trunk = (legs["far"][0], legs["near"][0], self.pelvis, self.shoulder)
            trunk += (arms["far"][0], arms["near"][0], self.shoulder, self.neck)
        chains = {"trunk": trunk}
        for side in ("far", "near"):
            chains[f"{side}_leg"] = legs[side]
            chains[f"{side}_arm"] = arms[side]
        return chains

    def moved(self, by: Point) -> Skeleton:
        def mv(p: Point) -> Point:
            return p[0] + by[0], p[1] + by[1]

        return Skeleton(
            mv(self.pelvis), mv(self.shoulder), mv(self.neck), mv(self.head),
            {s: (mv(a), mv(b), mv(c), mv(d)) for s, (a, b, c, d) in self.legs.items()},
            {s: (mv(a), mv(b), mv(c)) for s, (a, b, c) in self.arms.items()},
        )  # fmt: skip


def skeleton(pose: Pose) -> Skeleton:
    if pose.view == "front":
        return _front_skeleton(pose)
    pelvis = (0.0, 0.0)
    up, down = 180.0 - pose.lean, -pose.lean
    shoulder = _step(pelvis, up, TRUNK)
    neck = _step(shoulder, up - pose.head_tilt, NECK)
    head = _step(neck, up - pose.head_tilt, HEAD_R)
    legs: dict[str, Leg4] = {}
    for side, leg in (("near", pose.near_leg), ("far", pose.far_leg)):
        thigh = down + leg.hip
        shank = thigh - leg.knee
        knee = _step(pelvis, thigh, THIGH)
        heel = _step(knee, shank, SHANK)
        legs[side] = (pelvis, knee, heel, _step(heel, shank + 90.0 - leg.ankle, FOOT))
    arms: dict[str, Arm3] = {}
    for side, arm in (("near", pose.near_arm), ("far", pose.far_arm)):
        elbow = _step(shoulder, down + arm.shoulder, UPPER_ARM)
        arms[side] = (shoulder, elbow, _step(elbow, down + arm.shoulder + arm.elbow, FOREARM))
    return Skeleton(pelvis, shoulder, neck, head, legs, arms)


def _front_skeleton(pose: Pose) -> Skeleton:
    """Seen from the front: near limbs on the right (+x); angles spread a limb outwards."""
    pelvis = (0.0, 0.0)
    up = 180.0 - pose.lean
    depth = math.cos(math.radians(pose.fold))  # a trunk bent towards the viewer looks short
    shoulder = _step(pelvis, up, TRUNK * depth)
    neck = _step(shoulder, up, NECK * depth)
    head = _step(neck, up, HEAD_R * depth)
    legs: dict[str, Leg4] = {}
    arms: dict[str, Arm3] = {}
    for side, out in (("near", 1.0), ("far", -1.0)):
        leg = pose.near_leg if side == "near" else pose.far_leg
        hip = (HIP_HALF * out, 0.0)
        knee = _step(hip, out * leg.hip, THIGH)
        heel = _step(knee, out * (leg.hip - leg.knee), SHANK)
        legs[side] = (hip, knee, heel, (heel[0] + out * FOOT * 0.6, heel[1]))
        arm = pose.near_arm if side == "near" else pose.far_arm
        joint = _step(shoulder, up - out * (90.0 - pose.roll), SHOULDER_HALF)
        elbow = _step(joint, out * arm.shoulder, UPPER_ARM)
        arms[side] = (joint, elbow, _step(elbow, out * (arm.shoulder + arm.elbow), FOREARM))
    return Skeleton(pelvis, shoulder, neck, head, legs, arms)


# A drawing in pose units: ("line", points, colour, width), ("disc", (centre,), colour,
# radius) or ("ring", (centre,), colour, radius).
Shape = tuple[str, tuple[Point, ...], str, float]


def line(points: list[Point] | tuple[Point, ...], colour: str, width: float = STROKE) -> Shape:
    return ("line", tuple(points), colour, width)


def _offset_along(a: Point, b: Point, start: float, end: float, side: float) -> list[Point]:
    """The part [start, end] of segment a-b, moved `side` units to its left (in SVG terms)."""
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / length * side, dx / length * side
    return [(a[0] + dx * t + nx, a[1] + dy * t + ny) for t in (start, end)]


def _mark(sk: Skeleton, side: str, mark: Mark, front: bool) -> Shape:
    hip, knee, _heel, _toe = sk.legs[side]
    # For a segment a->b, _offset_along's positive side is the segment's left in SVG terms:
    # the back of a thigh (hip->knee) and the front of the trunk (pelvis->shoulder).
    if mark == "glute":
        return line(_offset_along(sk.pelvis, sk.shoulder, -0.1, 0.25, -4.8), MARK_INK, 3.4)
    lo, hi = {"front_thigh": (0.25, 0.8), "back_thigh": (0.2, 0.8), "front_hip": (0.0, 0.45)}[mark]
    if front:  # seen from the front, any mark sits on the thigh's outer edge
        outward = knee[0] > hip[0]
        return line(_offset_along(hip, knee, lo, hi, 4.8 if outward else -4.8), MARK_INK, 3.4)
    side_units = 4.8 if mark == "back_thigh" else -4.8
    return line(_offset_along(hip, knee, lo, hi, side_units), MARK_INK, 3.4)


def _pivot(sk: Skeleton, ghost: Skeleton, at: Anchor) -> Point:
    """The joint a swing turns about: the nearest one up the limb that stays put."""
    if at in ("pelvis", "shoulder", "head"):
        return sk.pelvis
    side, part = at.split("_")
    chain = sk.legs[side] if part != "hand" else sk.arms[side]
    ghost_chain = ghost.legs[side] if part != "hand" else ghost.arms[side]
    index = {"knee": 1, "heel": 2, "toe": 2, "hand": 2}[part]
    for i in range(index - 1, 0, -1):
        if math.dist(chain[i], ghost_chain[i]) < 0.5:
            return chain[i]
    return chain[0]


def arrow_shapes(sk: Skeleton, arrow: Arrow, ghost: Skeleton | None, floor: float) -> list[Shape]:
    x, y = sk.anchor(arrow.at)
    x, y = x + arrow.shift[0], y + arrow.shift[1]
    kind = arrow.kind
    if kind in ("rock", "ahead"):
        path = [(x - 12 + t * 4.0, y - 10) for t in range(7)]
    elif kind == "lift":
        path = [(x, y - 8 - t * 3.0) for t in range(7)]
    elif kind == "circle":
        path = [_step((x, y), a, 9.0) for a in range(200, 200 + 300, 20)]
    elif kind == "swing" and ghost is not None:
        pivot = _pivot(sk, ghost, arrow.at)
        start, end = _angle(pivot, ghost.anchor(arrow.at)), _angle(pivot, (x, y))
        turn = (end - start + 180.0) % 360.0 - 180.0
        radius = math.dist(pivot, (x, y)) + 7.0
        # Trimmed at both ends, and above the floor, so it stays clear of what it runs between.
        arc = [_step(pivot, start + turn * (0.15 + 0.7 * i / 12), radius) for i in range(13)]
        path = [p for p in arc if p[1] <= floor - 6.0]
    else:
        # An arc in front of the joint, from a little above it to a little below.
        path = [_step((x, y - 3), 90 + a, 14.0) for a in range(-55, 56, 11)]
    if len(path) < 2:
        return []
    shapes = [line(path, MARK_INK, 3.0)]
    ends = (
        [(path[-1], path[-2])]
        if kind in ("circle", "ahead")
        else [(path[0], path[1]), (path[-1], path[-2])]
    )
    for tip, prev in ends:
        angle = _angle(prev, tip)
        barbs = [_step(tip, angle + 145, 4.5), tip, _step(tip, angle - 145, 4.5)]
        shapes.append(line(barbs, MARK_INK, 3.0))
    return shapes


def figure_shapes(sk: Skeleton, pose: Pose) -> list[Shape]:
    """The far limbs, then the near ones on a halo of card, so a near limb reads as in front."""
    chains = sk.chains()
    dark_far = pose.view == "front"  # seen from the front, the arms are level with the body
    shapes = [
        line(chains[name], INK if dark_far and name == "far_arm" else FAR_INK)
        for name in ("far_leg", "far_arm")
    ]
    near = [chains["trunk"], chains["near_leg"], chains["near_arm"]]
    shapes += [line(c, CARD, STROKE + 3.0) for c in near] + [
        ("disc", (sk.head,), CARD, HEAD_R + 1.5)
    ]
    shapes += [line(c, INK) for c in near] + [("disc", (sk.head,), INK, HEAD_R)]
    shapes += [_mark(sk, side, mark, pose.view == "front") for side, mark in pose.mark]
    return shapes


def ghost_lines(sk: Skeleton, ghost: Skeleton) -> list[tuple[Point, ...]]:
    """The ghost's lines that are not where the pose's are: the limbs that move."""
    body, other = sk.chains(), ghost.chains()
    return [
        other[name]
        for name in body
        if any(math.dist(a, b) > 0.5 for a, b in zip(body[name], other[name], strict=True))
    ]


def outline(sk: Skeleton) -> list[Point]:
    pts = [p for chain in sk.chains().values() for p in chain]
    return pts + [(sk.head[0] + d, sk.head[1] + d) for d in (-HEAD_R, HEAD_R)]
