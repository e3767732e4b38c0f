"""Every exercise has a picture: shipped drawings for built-in ids, the user's file for custom."""

from __future__ import annotations

import logging
import os
import re
import shutil
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from standup.exercises import Exercise, builtin_catalogue
from standup.exercises.figure import GROUND_INK, VIEW
from standup.exercises.pictures import picture_file, pictures_dir, render_svg, write_pictures
from standup.exercises.poses import POSES

SVG = "{http://www.w3.org/2000/svg}"


def _custom(image: str | None, exercise_id: str = "wall-sit") -> Exercise:
    base = builtin_catalogue()[0]
    return base.model_copy(update={"id": exercise_id, "image": image})


@pytest.mark.parametrize("exercise", builtin_catalogue(), ids=lambda e: e.id)
def test_every_catalogue_entry_has_a_shipped_picture(exercise: Exercise) -> None:
    path = picture_file(exercise)
    assert path is not None, f"no picture for {exercise.id}: add a pose to exercises/poses.py"
    assert path.parent == pictures_dir()
    assert path.read_text("utf-8").startswith("<svg")


def test_every_pose_belongs_to_a_catalogue_entry() -> None:
    ids = {e.id for e in builtin_catalogue()}
    assert set(POSES) - ids == set(), "a pose for an id the catalogue no longer has"
    shipped = {p.stem for p in pictures_dir().glob("*.svg")}
    assert shipped == set(POSES), "data/pictures and the poses disagree: regenerate them"


def test_the_shipped_files_are_what_the_poses_draw(tmp_path: Path) -> None:
    written = write_pictures(tmp_path)
    assert written
    for path in written:
        shipped = pictures_dir() / path.name
        assert shipped.read_text("utf-8") == path.read_text("utf-8"), (
            f"{path.name} is stale: run python -m standup.exercises.pictures"
        )


def _extent(svg: str) -> tuple[float, float, float, float]:
    """The box every stroke and disc covers, stroke widths included."""
    root = ET.fromstring(svg)
    xs: list[float] = []
    ys: list[float] = []
    for el in root.iter():
        if el.tag == f"{SVG}path" and el.get("stroke") != GROUND_INK:  # not the ground line
            half = float(el.get("stroke-width", "0")) / 2
            nums = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", el.get("d", ""))]
            for x, y in zip(nums[::2], nums[1::2], strict=True):
                xs += [x - half, x + half]
                ys += [y - half, y + half]
        elif el.tag == f"{SVG}circle":
            r = float(el.get("r", "0")) + float(el.get("stroke-width", "0")) / 2
            cx, cy = float(el.get("cx", "0")), float(el.get("cy", "0"))
            xs += [cx - r, cx + r]
            ys += [cy - r, cy + r]
    return min(xs), min(ys), max(xs), max(ys)


@pytest.mark.parametrize("exercise_id", sorted(POSES))
def test_a_drawing_is_small_and_inside_its_view(exercise_id: str) -> None:
    svg = (pictures_dir() / f"{exercise_id}.svg").read_text("utf-8")
    assert len(svg.encode()) < 4096
    root = ET.fromstring(svg)
    assert root.get("viewBox") == f"0 0 {VIEW:g} {VIEW:g}"
    left, top, right, bottom = _extent(svg)
    assert left >= 0 and top >= 0 and right <= VIEW and bottom <= VIEW, (left, top, right, bottom)
    # Something stands on the ground line (at VIEW - MARGIN): the figure does not float.
    assert bottom >= VIEW - 8 - 3


def test_all_the_drawings_together_stay_small() -> None:
    total = sum(len(p.read_bytes()) for p in pictures_dir().glob("*.svg"))
    assert total < 80 * 1024, total


def test_strokes_are_thick_and_round_enough_to_read_at_64_px() -> None:
    root = ET.fromstring(render_svg(POSES["glute-bridge"]))
    group = root.find(f"{SVG}g")
    assert group is not None and group.get("stroke-linecap") == "round"
    widths = [float(p.get("stroke-width", "0")) for p in root.iter(f"{SVG}path")]
    # 4 units of a 100-unit view are 2.5 px at 64 px: the body's lines stay visible.
    assert max(widths) >= 4


def test_a_custom_image_is_the_users_file(tmp_path: Path) -> None:
    image = tmp_path / "wall-sit.png"
    image.write_bytes(b"\x89PNG\r\n")
    assert picture_file(_custom(str(image))) == image


def test_a_custom_image_may_start_with_a_tilde(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "pics").mkdir()
    image = tmp_path / "pics" / "wall-sit.svg"
    image.write_text("<svg/>")
    assert picture_file(_custom("~/pics/wall-sit.svg")) == image


def test_a_custom_image_may_name_a_shipped_drawing() -> None:
    found = picture_file(_custom("glute-bridge.svg"))
    assert found == pictures_dir() / "glute-bridge.svg"


@pytest.mark.parametrize("kind", ["missing", "directory", "fifo", "relative"])
def test_an_unusable_custom_image_is_no_picture(
    kind: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    target = tmp_path / "pic.svg"
    if kind == "directory":
        target.mkdir()
    elif kind == "fifo":
        os.mkfifo(target)  # opening it to read would hang the daemon
    raw = "pics/pic.svg" if kind == "relative" else str(target)
    with caplog.at_level(logging.DEBUG, logger="standup"):
        assert picture_file(_custom(raw)) is None
    assert any("image" in r.getMessage() for r in caplog.records)


def test_an_unreadable_custom_image_is_no_picture() -> None:
    """Checked as an ordinary user: root reads every file. The folder is open to all, so only
    the file's own mode stands in the way."""
    folder = Path(tempfile.mkdtemp(prefix="standup-picture-"))
    try:
        folder.chmod(0o755)
        image = folder / "locked.svg"
        image.write_text("<svg/>")
        image.chmod(0)
        exercise = _custom(str(image))
        if os.geteuid() != 0:
            assert picture_file(exercise) is None
            return
        pid = os.fork()
        if pid == 0:  # the child drops to nobody and reports through its exit code
            try:
                os.setgid(65534)
                os.setuid(65534)
                readable_by_stat = image.stat().st_mode is not None
                os._exit(0 if readable_by_stat and picture_file(exercise) is None else 1)
            except BaseException:
                os._exit(2)
        _pid, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
        image.chmod(0o644)
        assert picture_file(exercise) == image  # and readable again, it is a picture
    finally:
        shutil.rmtree(folder)


def test_a_custom_entry_without_an_image_and_with_an_unknown_id_has_none() -> None:
    assert picture_file(_custom(None, exercise_id="my-own-move")) is None
