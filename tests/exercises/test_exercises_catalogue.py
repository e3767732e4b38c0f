"""The shipped catalogue, the exercise model's validation, and notification rendering."""

from __future__ import annotations

import subprocess
import sys

import pytest

from standup.exercises import (
    BODY_LIMIT,
    TITLE_LIMIT,
    CatalogueError,
    Exercise,
    builtin_catalogue,
    parse_catalogue,
    render,
)

SEED_HAMSTRING_IDS = {
    "prone-leg-curl",
    "swiss-ball-curl",
    "romanian-deadlift",
    "single-leg-deadlift",
    "leg-swings",
    "supine-hamstring-stretch",
}
DESK_VARIANT_IDS = {
    "standing-hamstring-step-stretch",
    "seated-hamstring-stretch",
    "good-morning-hinge",
    "glute-bridge",
    "standing-leg-curl",
}

VALID = {
    "id": "wall-sit",
    "name": "Wall sit",
    "target": "hamstrings",
    "kind": "strength",
    "position": "standing",
    "equipment": ["none"],
    "dose": "3 x 20 s",
    "steps": ["Slide down a wall until the knees are bent.", "Hold, then stand."],
    "cue": "Only as far as is comfortable.",
}


def test_shipped_catalogue_is_large_enough_and_unique() -> None:
    catalogue = builtin_catalogue()
    ids = [e.id for e in catalogue]
    assert len(catalogue) >= 18
    assert len(set(ids)) == len(ids)


def test_shipped_catalogue_covers_the_seed_and_desk_exercises() -> None:
    by_id = {e.id: e for e in builtin_catalogue()}
    assert by_id.keys() >= SEED_HAMSTRING_IDS
    assert by_id.keys() >= DESK_VARIANT_IDS
    assert all(by_id[i].target == "hamstrings" for i in SEED_HAMSTRING_IDS | DESK_VARIANT_IDS)
    assert by_id["romanian-deadlift"].needs == ("dumbbell",)
    assert by_id["swiss-ball-curl"].needs == ("swiss_ball",)
    assert any(e.needs == ("machine",) for e in by_id.values())


def test_shipped_catalogue_has_six_hip_flexor_stretches_some_desk_friendly() -> None:
    stretches = [e for e in builtin_catalogue() if e.category == "hip_flexors.stretch"]
    assert len(stretches) >= 6
    assert {"standing", "seated"} <= {e.position for e in stretches}


@pytest.mark.parametrize("exercise", builtin_catalogue(), ids=lambda e: e.id)
def test_every_shipped_exercise_fits_a_notification_and_says_comfortable(
    exercise: Exercise,
) -> None:
    title, body = render(exercise)
    assert title == f"Time to stand up: {exercise.name}"
    assert len(title) <= TITLE_LIMIT
    assert len(body) <= BODY_LIMIT
    assert "comfortable" in exercise.cue


def test_render_puts_dose_first_then_numbered_steps_then_cue() -> None:
    title, body = render(Exercise.model_validate(VALID))
    assert title == "Time to stand up: Wall sit"
    assert body.splitlines() == [
        "3 x 20 s",
        "1. Slide down a wall until the knees are bent.",
        "2. Hold, then stand.",
        "Only as far as is comfortable.",
    ]


def test_render_leaves_a_single_step_unnumbered() -> None:
    single = Exercise.model_validate({**VALID, "steps": ["Sit against a wall."]})
    assert render(single)[1].splitlines()[1] == "Sit against a wall."


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"id": "Wall Sit"}, "id", "not kebab-case"),
        ({"name": "x" * 43}, "name", "at most 42 fit"),
        ({"target": "calves"}, "target", "'hip_flexors' or 'hamstrings'"),
        ({"kind": "cardio"}, "kind", "'stretch', 'strength' or 'mobility'"),
        ({"position": "lying"}, "position", "'standing', 'seated' or 'floor'"),
        ({"equipment": ["rope"]}, "equipment", "'none', 'chair'"),
        ({"equipment": []}, "equipment", 'or be ["none"]'),
        ({"equipment": ["none", "chair"]}, "equipment", "'none' cannot be combined"),
        ({"dose": "a while"}, "dose", "how long or how many"),
        ({"steps": []}, "steps", "needs 1 to 3 short steps, got 0"),
        ({"steps": ["a", "b", "c", "d"]}, "steps", "got 4"),
        ({"cue": ""}, "cue", "safety cue"),
        ({"steps": ["x" * 70] * 3}, None, "at most 240 fit"),
        ({"colour": "red"}, "colour", "Extra inputs are not permitted"),
    ],
)
def test_bad_entries_name_the_field_and_say_what_is_wrong(
    change: dict[str, object], field: str | None, text: str
) -> None:
    with pytest.raises(ValueError) as info:
        Exercise.model_validate({**VALID, **change})
    errors = info.value.errors()  # type: ignore[attr-defined]
    assert len(errors) == 1
    assert errors[0]["loc"][:1] == ((field,) if field else ())
    assert text in errors[0]["msg"]
    assert not errors[0]["msg"].startswith("Value error")


def test_parse_catalogue_names_the_entry_and_field() -> None:
    text = """
[[exercise]]
id = "a"
name = "A"
target = "hamstrings"
kind = "stretch"
position = "floor"
equipment = ["none"]
dose = "30 s"
steps = ["Lie down."]
cue = "Gently."

[[exercise]]
id = "b"
name = "B"
target = "hamstrings"
kind = "stretch"
position = "floor"
equipment = ["none"]
dose = "soon"
steps = ["Lie down."]
cue = "Gently."
"""
    with pytest.raises(CatalogueError, match=r"exercise\[1\]\.dose: 'soon' should say"):
        parse_catalogue(text)
    duplicated = text.replace('id = "b"', 'id = "a"').replace('"soon"', '"1 min"')
    with pytest.raises(CatalogueError, match="'a' appears more than once"):
        parse_catalogue(duplicated)
    with pytest.raises(CatalogueError, match=r"no \[\[exercise\]\] entries"):
        parse_catalogue("")
    with pytest.raises(CatalogueError, match="unknown top-level"):
        parse_catalogue("[exercises]\n")


def test_importing_does_not_load_the_catalogue() -> None:
    code = (
        "import standup.exercises as x, standup.cli_exercises;"
        "print(x.builtin_catalogue.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0"
