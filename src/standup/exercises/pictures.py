"""The picture of an exercise: a shipped line drawing for a built-in id, or a custom file.

The drawings in data/pictures are generated from the poses in `exercises.poses`; run
`python -m standup.exercises.pictures` after changing a pose to write them again (the tests
check that the shipped files match the poses).
"""

from __future__ import annotations

import logging
import os
import stat
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from standup.exercises.catalogue import Exercise
from standup.exercises.figure import (
    BALL_R,
    CARD,
    GHOST_INK,
    GROUND_INK,
    MARGIN,
    PROP_INK,
    STROKE,
    VIEW,
    Point,
    Pose,
    Prop,
    Shape,
    Skeleton,
    arrow_shapes,
    figure_shapes,
    ghost_lines,
    line,
    outline,
    skeleton,
)

log = logging.getLogger("standup")


def pictures_dir() -> Path:
    """Where the shipped drawings live (inside the installed package)."""
    return Path(str(resources.files("standup.exercises").joinpath("data", "pictures")))


def shipped_picture(exercise_id: str) -> Path | None:
    """The drawing shipped for a built-in id, or None."""
    path = pictures_dir() / f"{exercise_id}.svg"
    return path if path.is_file() else None


def _readable_file(raw: str) -> Path | None:
    path = Path(raw).expanduser()
    if not path.is_absolute():
        # A daemon's working directory means nothing to the user who wrote the catalogue.
        log.debug("exercise image %r is not an absolute path; no picture", raw)
        return None
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        log.debug("exercise image %s cannot be read: %s", path, exc)
        return None
    if not stat.S_ISREG(mode) or not os.access(path, os.R_OK):
        log.debug("exercise image %s is not a readable file; no picture", path)
        return None
    return path


def picture_file(exercise: Exercise) -> Path | None:
    """The picture to show for `exercise`, or None when there is none to show.

    An entry's own `image` wins: a bare file name shipped with standup, or a path to the
    user's file (`~` allowed) that must be a readable regular file. Without one, a built-in id
    gets its shipped drawing.
    """
    if exercise.image:
        raw = exercise.image
        if "/" not in raw and not raw.startswith("~"):
            shipped = pictures_dir() / raw
            if shipped.is_file():
                return shipped
        return _readable_file(raw)
    return shipped_picture(exercise.id)


def _prop(prop: Prop, sk: Skeleton, ground: float) -> list[Shape]:
    x, y = sk.anchor(prop.at)
    facing = 1.0 if sk.head[0] >= sk.pelvis[0] else -1.0
    gap = STROKE / 2 + 1.5  # the prop's surface sits just clear of the limb's stroke
    ink, w = PROP_INK, 3.6
    if prop.kind == "desk" and prop.beside:
        # Seen end-on, beside the body: a narrow top under the hand on two legs.
        top = y + gap
        return [line([(x - 12, top), (x + 12, top)], ink, w)] + [
            line([(lx, top), (lx, ground)], ink, 2.8) for lx in (x - 10, x + 10)
        ]
    if prop.kind == "desk":
        top = y + gap
        return [
            line([(x - 4, top), (x + 15, top)], ink, w),
            line([(x - 1, top), (x - 1, ground)], ink, w),
            line([(x + 12, top), (x + 12, ground)], ink, w),
        ]
    if prop.kind == "wall":
        # In front of a hand, behind a heel or the back.
        wx = x + gap if prop.at.endswith("hand") else x - gap
        return [line([(wx, ground), (wx, min(y, ground - 40) - 24)], ink, w)]
    if prop.kind == "chair" and prop.beside:
        # Sat on sideways: the chair seen from its front, the seat under the pelvis and
        # reaching forward, its back rising behind the body.
        seat, left, right = y + gap, x - 3 * facing, x + 19 * facing
        return [
            line([(left, ground), (left, seat), (right, seat), (right, ground)], ink, w),
            line([(left, seat), (left, seat - 26), (right, seat - 26), (right, seat)], ink, 2.8),
        ]
    if prop.kind == "chair":
        # Sat on near its front edge, so a leg can reach forward past it.
        seat, back, front = y + gap, x - 16 * facing, x + 1 * facing
        return [
            line([(back, seat - 24), (back, ground)], ink, w),
            line([(back, seat), (front, seat), (front, ground)], ink, w),
        ]
    if prop.kind == "step":
        top = y + gap
        return [line([(x - 9, ground), (x - 9, top), (x + 9, top), (x + 9, ground)], ink, w)]
    if prop.kind == "sofa":
        # The shin stands up its front, the foot on its seat.
        front, seat = x - gap, y + gap
        return [
            line([(front, ground), (front, seat), (front - 24, seat)], ink, w),
            line([(front - 24, ground), (front - 24, seat - 16), (front - 30, seat - 16)], ink, w),
        ]
    if prop.kind == "bed":
        # The bed runs from just past the hip towards the head, so a leg can hang off its end.
        top, edge, far_end = y + gap, x + 1 * facing, x + 46 * facing
        return [line([(edge, ground), (edge, top), (far_end, top), (far_end, ground)], ink, w)]
    if prop.kind == "ball":
        # A full-size exercise ball (about 60 cm) under the heel.
        return [("ring", ((x, y + gap + BALL_R),), ink, BALL_R)]
    if prop.kind == "weight":
        # One dumbbell held upright in both hands: a short handle, a plate at each end.
        return [line([(x, y - 4), (x, y + 4)], ink, 3.0)] + [
            line([(x - 3, py), (x + 3, py)], ink, 3.4) for py in (y - 5, y + 5)
        ]
    if prop.kind == "strap":
        hand, toe = sk.arms["near"][2], sk.legs["near"][3]
        return [line([hand, toe], ink, w)]
    # mat: a cushion under a knee or the back
    return [line([(x - 7, y + gap), (x + 7, y + gap)], ink, 4.5)]


@dataclass(frozen=True)
class Drawing:
    """A pose drawn in pose units: the figure, its ghost, arrows and props on the ground."""

    body: Skeleton
    ghost_lines: list[tuple[Point, ...]]
    props: list[tuple[Prop, list[Shape]]]
    arrows: list[Shape]
    figure: list[Shape]
    ground: float

    def shapes(self) -> list[Shape]:
        """Everything, in the order it is painted."""
        ghost = [line(c, GHOST_INK) for c in self.ghost_lines]
        return [s for _p, shapes in self.props for s in shapes] + ghost + self.figure + self.arrows

    def points(self) -> list[Point]:
        """Every point the drawing covers (a ring by its bounding box)."""
        pts = outline(self.body)
        for kind, shape_pts, _colour, size in self.shapes():
            if kind == "line":
                pts += shape_pts
            else:
                (cx, cy) = shape_pts[0]
                pts += [(cx - size, cy - size), (cx + size, cy + size)]
        return pts


def draw(pose: Pose) -> Drawing:
    sk = skeleton(pose)
    points = outline(sk)
    gk: Skeleton | None = None
    if pose.ghost is not None:
        gk = skeleton(pose.ghost)
        (ax, ay), (bx, by) = sk.anchor(pose.ghost_at), gk.anchor(pose.ghost_at)
        gk = gk.moved((ax - bx, ay - by))
    arrows = (
        [] if pose.arrow is None else arrow_shapes(sk, pose.arrow, gk, max(p[1] for p in points))
    )
    traced = pose.arrow is not None and pose.arrow.kind == "swing"
    lines = ghost_lines(sk, gk) if gk is not None and not traced else []
    points += [p for line in lines for p in line]
    points += [p for shape in arrows for p in shape[1]]
    ground = max(p[1] for p in points) + STROKE / 2 + pose.lift
    props = [(prop, _prop(prop, sk, ground)) for prop in pose.props]
    return Drawing(sk, lines, props, arrows, figure_shapes(sk, pose), ground)


@dataclass(frozen=True)
class Card:
    """A drawing scaled onto the square card, standing on a ground line near its bottom."""

    drawing: Drawing
    scale: float
    offset: Point

    def to_view(self, p: Point) -> Point:
        return p[0] * self.scale + self.offset[0], p[1] * self.scale + self.offset[1]


def lay_out(pose: Pose) -> Card:
    drawing = draw(pose)
    points = drawing.points()
    lo_x, hi_x = min(p[0] for p in points), max(p[0] for p in points)
    span = max(hi_x - lo_x, drawing.ground - min(p[1] for p in points), 1.0)
    scale = (VIEW - 2 * MARGIN) / span
    # Centred across, standing on the ground line.
    off_x = (VIEW - (hi_x - lo_x) * scale) / 2 - lo_x * scale
    return Card(drawing, scale, (off_x, VIEW - MARGIN - drawing.ground * scale))


def _fmt(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def render_svg(pose: Pose, title: str = "") -> str:
    """The pose as a standalone SVG on a light card, so it reads on dark and light themes."""
    laid = lay_out(pose)

    def pt(p: tuple[float, float]) -> str:
        x, y = laid.to_view(p)
        return f"{_fmt(x)},{_fmt(y)}"

    # Lines keep their width whatever the scale (a thin line is what fails at 64 px); only a
    # long lying figure, drawn smaller, gets slightly thinner ones so its joints stay apart.
    width = STROKE * max(0.8, min(1.0, laid.scale)) / STROKE
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
        f' stroke="{GROUND_INK}" stroke-width="1.6"/>'
    )
    for kind, pts, colour, size in laid.drawing.shapes():
        if kind == "line":
            d = "M" + " ".join(pt(p) for p in pts)
            # The ghost is dashed: another moment of the move, not another limb.
            dash = ' stroke-dasharray="4.5 3.5"' if colour == GHOST_INK else ""
            w = _fmt(size * width)
            out.append(f'<path d="{d}" stroke="{colour}" stroke-width="{w}"{dash}/>')
            continue
        cx, cy = pt(pts[0]).split(",")
        r = _fmt(size * laid.scale)
        if kind == "disc":
            out.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" fill="{colour}"/>')
        else:
            ring = f'stroke="{colour}" stroke-width="{_fmt(3.6 * width)}"'
            out.append(f'<circle cx="{cx}" cy="{cy}" r="{r}" {ring}/>')
    out.append("</g></svg>")
    return "\n".join(out) + "\n"


def write_pictures(target: Path | None = None) -> list[Path]:
    """Draw every pose into `target` (the package's pictures by default)."""
    from standup.exercises.poses import POSES

    out_dir = target or pictures_dir()
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for exercise_id, pose in sorted(POSES.items()):
        path = out_dir / f"{exercise_id}.svg"
        path.write_text(render_svg(pose, title=exercise_id), encoding="utf-8")
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else None
    for path in write_pictures(target):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
