"""`standup exercises list|show|next`, through the parser builder and the runner."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest

from standup.cli import exercises as cli_exercises
from standup.cli.main import add_command
from standup.commands import BY_NAME
from standup.errors import StandupError, UsageError
from standup.exercises import (
    GENERAL_CUE,
    GLOSSARY,
    SAFETY_NOTICE,
    ExerciseOptions,
    Rotation,
    builtin_catalogue,
    eligible,
    pick,
)

FIELDS = {
    "id",
    "name",
    "target",
    "kind",
    "category",
    "position",
    "equipment",
    "dose",
    "steps",
    "cue",
    "why",
    "feel",
    "sides",
    "side",
    "hold",
    "easier",
    "harder",
    "image",
    "custom",
    "eligible",
    "reason",
}


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="standup")
    add_command(top.add_subparsers(dest="command"), BY_NAME["exercises"])
    return top


def call(
    argv: list[str], options: ExerciseOptions | None = None, rotation: str | None = None
) -> str:
    out = io.StringIO()
    args = parser().parse_args(["exercises", *argv])
    code = cli_exercises.run(args, options or ExerciseOptions(), rotation, out)
    assert code == 0
    return out.getvalue()


def test_list_shows_the_eligible_ones_with_a_count() -> None:
    text = call(["list"])
    lines = [line for line in text.splitlines() if not line.startswith("    ")]
    assert lines[0].split() == ["ID", "CATEGORY", "WHERE", "NEEDS"]
    listed = [line.split()[0] for line in lines[1:-1]]
    assert listed == [e.id for e in eligible(ExerciseOptions())]
    assert lines[-1] == f"{len(listed)} of {len(builtin_catalogue())} eligible (focus: balanced)"
    assert "glute-bridge" not in text


def test_bare_exercises_means_list() -> None:
    assert call([]) == call(["list"])


def test_list_all_gives_the_reason_for_each_filtered_out_one() -> None:
    lines = [line for line in call(["list", "--all"]).splitlines() if not line.startswith("    ")]
    assert "FILTERED OUT" in lines[0]
    rows = {line.split()[0]: line for line in lines[1:-1]}
    assert len(rows) == len(builtin_catalogue())
    assert rows["glute-bridge"].endswith("done lying or kneeling")
    assert rows["romanian-deadlift"].endswith("needs a dumbbell")
    assert rows["swiss-ball-curl"].endswith("done lying or kneeling; needs a Swiss ball")
    assert rows["two-minute-walk"].rstrip().endswith("-")
    assert rows["leg-swings"].rstrip().endswith("desk")
    assert rows["seated-hip-flexor-stretch"].endswith(
        "done seated; needs a steady chair (no wheels)"
    )


def test_list_all_shows_every_entry_with_its_dose_and_cue() -> None:
    text = call(["list", "--all"])
    for exercise in builtin_catalogue():
        assert f"    {exercise.name}: {exercise.dose}. {exercise.cue}\n" in text
    seed = ["prone-leg-curl", "swiss-ball-curl", "romanian-deadlift", "single-leg-deadlift",
            "leg-swings", "supine-hamstring-stretch"]  # fmt: skip
    assert all(f"\n{i} " in text for i in seed)
    assert len(builtin_catalogue()) >= 18


def test_list_json_is_a_stable_list_of_objects() -> None:
    options = ExerciseOptions(exclude=["leg-swings"])
    eligible_only = json.loads(call(["list", "--json"], options))
    everything = json.loads(call(["list", "--all", "--json"], options))
    assert {o["id"] for o in eligible_only} == {e.id for e in eligible(options)}
    assert all(o["eligible"] and o["reason"] is None for o in eligible_only)
    assert len(everything) == len(builtin_catalogue())
    assert all(set(o) == FIELDS for o in everything)
    swings = next(o for o in everything if o["id"] == "leg-swings")
    assert swings["eligible"] is False
    assert swings["reason"] == "excluded"
    assert swings["category"] == "hamstrings.mobility"
    assert swings["equipment"] == ["desk"]
    assert swings["why"] and swings["easier"] is None
    assert isinstance(swings["steps"], list)
    assert swings["custom"] is False


def test_show_prints_the_full_text_and_status() -> None:
    text = call(["show", "romanian-deadlift"])
    assert text.splitlines()[:2] == [
        "Dumbbell Romanian deadlift [romanian-deadlift]",
        "hamstrings.strength, standing, equipment: dumbbell; not eligible: needs a dumbbell",
    ]
    deadlift = ExerciseOptions().find("romanian-deadlift")
    assert deadlift is not None
    first = deadlift.steps[0]
    bubble = f"Dumbbell Romanian deadlift\n{first}\n2 x 10 reps.\n{deadlift.cue}\n"
    assert bubble in text
    assert f"\nWhy: {deadlift.why}\n" in text
    assert "\nEasier: Swiss-ball curls [swiss-ball-curl]\n" in text
    assert "Harder:" not in text
    assert text.endswith(f"\n{GENERAL_CUE}\n{SAFETY_NOTICE}\n")


def test_show_says_where_to_feel_it_and_explains_tuck_where_it_is_learned() -> None:
    tilts = ExerciseOptions().find("standing-pelvic-tilts")
    assert tilts is not None
    text = call(["show", "standing-pelvic-tilts"])
    assert f"\nFeel it here: {tilts.feel}\n" in text
    assert f"\n{GLOSSARY['tuck']}\n" in text
    assert GLOSSARY["hinge"] not in text  # only the words this entry uses
    assert f"\n{GLOSSARY['hinge']}\n" in call(["show", "good-morning-hinge"])
    data = json.loads(call(["show", "standing-pelvic-tilts", "--json"]))
    assert data["feel"] == tilts.feel


def test_show_names_both_neighbours_on_the_progression() -> None:
    text = call(["show", "glute-bridge"])
    assert "\nEasier: Standing leg curls [standing-leg-curl]\n" in text
    assert "\nHarder: Bridge walk-outs [bridge-walk-outs]\n" in text


def test_show_json_and_custom_entries() -> None:
    custom = {
        "id": "wall-sit",
        "name": "Wall sit",
        "target": "hamstrings",
        "kind": "strength",
        "position": "standing",
        "equipment": ["none"],
        "dose": "3 x 20 s",
        "steps": ["Slide down a wall and hold."],
        "cue": "Only as far as is comfortable.",
    }
    options = ExerciseOptions.model_validate({"custom": [custom]})
    data = json.loads(call(["show", "wall-sit", "--json"], options))
    defaults = {"why": "", "feel": "", "sides": 1, "side": "", "hold": None}
    defaults |= {"easier": None, "harder": None, "image": None}
    assert data == {**defaults, **custom, "category": "hamstrings.strength", "custom": True} | {
        "eligible": True,
        "reason": None,
    }


def test_show_unknown_id_is_a_usage_error_with_a_hint() -> None:
    args = parser().parse_args(["exercises", "show", "leg-swing"])
    with pytest.raises(UsageError) as info:
        cli_exercises.run(args, ExerciseOptions(), None, io.StringIO())
    assert str(info.value) == "no exercise with id 'leg-swing'"
    assert "did you mean 'leg-swings'?" in info.value.hint
    assert "list --all" in info.value.hint


def test_next_tells_what_the_stored_rotation_picks_next() -> None:
    options = ExerciseOptions()
    rotation = Rotation(seed=4)
    pick(rotation, options)
    stored = rotation.to_json()
    text = call(["next"], options, stored)
    coming = pick(rotation, options)
    assert text.startswith(f"Next: {coming.name} [{coming.id}]\n")
    assert f"{coming.name}\n{coming.steps[0]}\n{coming.dose}.\n{coming.cue}" in text
    assert SAFETY_NOTICE not in text  # said by `show`, not by every preview
    data = json.loads(call(["next", "--json"], options, stored))
    assert data["id"] == coming.id
    assert set(data) == FIELDS


def test_next_follows_a_filter_change() -> None:
    rotation = Rotation(seed=4)
    coming = pick(rotation, ExerciseOptions(), advance=False)
    narrowed = ExerciseOptions(exclude=[coming.id])
    data = json.loads(call(["next", "--json"], narrowed, rotation.to_json()))
    assert data["id"] != coming.id
    assert data["eligible"] is True


@pytest.mark.parametrize("stored", [None, "not json"])
def test_next_without_a_stored_rotation_says_so(stored: str | None) -> None:
    text = call(["next"], rotation=stored)
    count = len(eligible(ExerciseOptions()))
    assert text == (
        "No reminder has been given yet: the first one is picked at random from "
        f"{count} eligible exercises.\n"
    )
    assert json.loads(call(["next", "--json"], rotation=stored)) is None


def _core(phase: str, snoozes: int) -> str:
    since = "2026-03-02T09:00:00+00:00"
    return json.dumps({"phase": phase, "snoozes": snoozes, "sitting_since": since})


def test_next_names_the_snoozed_exercise_that_comes_back() -> None:
    options = ExerciseOptions()
    rotation = Rotation(seed=4)
    shown = pick(rotation, options)
    assert pick(rotation, options, advance=False) != shown
    args = parser().parse_args(["exercises", "next"])
    out = io.StringIO()
    cli_exercises.run(args, options, rotation.to_json(), out, snoozed=shown.id)
    assert out.getvalue().startswith(f"Next: {shown.name} [{shown.id}]\n")
    assert "the snoozed reminder comes back with this exercise" in out.getvalue()
    args = parser().parse_args(["exercises", "next", "--json"])
    out = io.StringIO()
    cli_exercises.run(args, options, rotation.to_json(), out, snoozed=shown.id)
    assert json.loads(out.getvalue())["id"] == shown.id


def test_a_snoozed_exercise_gone_from_the_config_falls_back_to_the_rotation() -> None:
    rotation = Rotation(seed=4)
    coming = pick(rotation, ExerciseOptions(), advance=False)
    args = parser().parse_args(["exercises", "next", "--json"])
    out = io.StringIO()
    cli_exercises.run(args, ExerciseOptions(), rotation.to_json(), out, snoozed="retired-one")
    assert json.loads(out.getvalue())["id"] == coming.id


@pytest.mark.parametrize(
    ("core", "exercise", "expected"),
    [
        (_core("sitting", 1), "leg-swings", "leg-swings"),
        (_core("sitting", 0), "leg-swings", None),  # a new stretch: the rotation picks
        (_core("reminding", 1), "leg-swings", None),
        (_core("paused", 0), "leg-swings", None),
        (_core("sitting", 2), "", None),
        (None, "leg-swings", None),
        ("not json", "leg-swings", None),
    ],
)
def test_snoozed_exercise_reads_the_saved_state(
    core: str | None, exercise: str, expected: str | None
) -> None:
    assert cli_exercises.snoozed_exercise(core, exercise) == expected


def test_exercises_next_reads_the_snooze_from_the_database(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from standup.cli.main import main
    from standup.history.store import Store

    options = ExerciseOptions()
    rotation = Rotation(seed=4)
    shown = pick(rotation, options)
    with Store.open() as store:
        store.commit_state(
            {"rotation": rotation.to_json(), "core": _core("sitting", 1), "exercise": shown.id},
            [],
        )
    assert main(["exercises", "next", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == shown.id


def _fake_opener(bindir: Path, script: str) -> None:
    bindir.mkdir(exist_ok=True)
    opener = bindir / "xdg-open"
    opener.write_text(f"#!/bin/sh\n{script}\n")
    opener.chmod(0o755)


def test_show_open_hands_the_picture_to_the_desktop_opener(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen = tmp_path / "opened"
    _fake_opener(tmp_path / "bin", f'printf "%s" "$1" > {seen}')
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(sys, "platform", "linux")
    text = call(["show", "leg-swings", "--open"])
    assert text.startswith("Leg swings [leg-swings]\n")
    opened = Path(seen.read_text())
    assert opened.is_file() and opened.suffix == ".svg"
    assert opened.name.startswith("leg-swings")


@pytest.mark.parametrize(
    ("script", "message"),
    [
        (None, "no xdg-open on PATH"),
        ('echo "no viewer for image/svg+xml" >&2; exit 3', "no viewer for image/svg+xml"),
    ],
)
def test_show_open_says_why_it_could_not_open(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str | None, message: str
) -> None:
    if script is not None:
        _fake_opener(tmp_path / "bin", script)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(sys, "platform", "linux")
    args = parser().parse_args(["exercises", "show", "leg-swings", "--open"])
    with pytest.raises(StandupError) as info:
        cli_exercises.run(args, ExerciseOptions(), None, io.StringIO())
    assert message in str(info.value)
    assert "open it yourself: " in info.value.hint


def test_show_open_with_no_viewer_says_so_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from standup.cli.main import main

    # xdg-open's own words when no program opens the file's type.
    _fake_opener(
        tmp_path / "bin", """echo "xdg-open: no method available for opening '$1'" >&2; exit 3"""
    )
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    monkeypatch.setattr(sys, "platform", "linux")
    assert main(["exercises", "show", "leg-swings", "--open"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith("standup: no image viewer for the picture: ")
    assert err[0].count("leg-swings.svg") == 1


def test_show_open_without_a_picture_says_so() -> None:
    custom = {
        "id": "wall-sit",
        "name": "Wall sit",
        "target": "hamstrings",
        "kind": "strength",
        "position": "standing",
        "equipment": ["wall"],
        "dose": "3 x 20 s",
        "steps": ["Slide down a wall and hold."],
        "cue": "Knees over the ankles.",
    }
    options = ExerciseOptions.model_validate({"custom": [custom]})
    args = parser().parse_args(["exercises", "show", "wall-sit", "--open"])
    with pytest.raises(StandupError) as info:
        cli_exercises.run(args, options, None, io.StringIO())
    assert str(info.value) == "exercise 'wall-sit' has no picture"
    assert "image =" in info.value.hint
