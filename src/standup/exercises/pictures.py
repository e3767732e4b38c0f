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
from importlib import resources
from pathlib import Path

from standup.exercises.catalogue import Exercise

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


def write_pictures(target: Path | None = None) -> list[Path]:
    """Draw every pose into `target` (the package's pictures by default)."""
    from standup.exercises.figure import render_svg
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
