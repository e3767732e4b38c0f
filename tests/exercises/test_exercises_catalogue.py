"""The shipped catalogue, the exercise model's validation, and notification rendering."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from standup.exercises import (
    BODY_LIMIT,
    BODY_LINES,
    NAME_LIMIT,
    TITLE_WIDTH,
    CatalogueError,
    Exercise,
    body_lines,
    builtin_catalogue,
    lead_lines,
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
    "cue": "Knees over the ankles",
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


def test_render_leads_with_the_first_step_then_the_dose_the_cue_and_the_other_steps() -> None:
    title, body = render(Exercise.model_validate(VALID))
    assert title == "Wall sit"
    assert body.splitlines() == [
        "Slide down a wall until the knees are bent.",
        "3 x 20 s.",
        "Knees over the ankles.",
        "Hold, then stand.",
    ]
    assert body_lines(body) == 5  # the first step wraps to two lines at 40 columns


def test_render_keeps_a_full_stop_that_is_already_there() -> None:
    done = Exercise.model_validate({**VALID, "dose": "3 x 20 s.", "steps": ["Sit, then stand!"]})
    assert render(done)[1].splitlines() == [
        "Sit, then stand!",
        "3 x 20 s.",
        "Knees over the ankles.",
    ]


@pytest.mark.parametrize("position", ["standing", "seated", "floor"])
def test_the_title_is_the_move_alone_whatever_the_position(position: str) -> None:
    title, _ = render(Exercise.model_validate({**VALID, "position": position}))
    assert title == "Wall sit"


def test_a_custom_name_may_be_longer_than_a_shipped_one() -> None:
    """A config written for 0.1 or 0.2 still loads: its names were held to 42 characters."""
    custom = Exercise.model_validate({**VALID, "name": "x" * NAME_LIMIT})
    assert render(custom)[0] == "x" * 42
    entry = "\n".join(f"{k} = {json.dumps(v)}" for k, v in {**VALID, "name": "x" * 27}.items())
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(f"[[exercise]]\n{entry}\n")
    assert "'wall-sit' is 27 columns; at most 26 fit on one line" in str(info.value)
    assert TITLE_WIDTH == 26


def test_a_shipped_entry_whose_lead_overflows_a_small_bubble_is_refused() -> None:
    lead = {**VALID, "steps": ["Slide down a wall, knees bent."]}
    lead["cue"] = "Knees over the ankles, back flat."
    assert body_lines(render(Exercise.model_validate(lead))[1]) <= BODY_LINES
    assert lead_lines(Exercise.model_validate(lead)) == 5
    entry = "\n".join(f"{k} = {json.dumps(v)}" for k, v in lead.items())
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(f"[[exercise]]\n{entry}\n")
    assert "'wall-sit' wrap to 5 lines at 26 columns; at most 4 fit" in str(info.value)


LONG_STEPS = [
    "Slide down a wall until both knees are bent.",
    "Hold it there, breathing, then stand.",
]


def test_a_shipped_entry_over_four_lines_at_forty_columns_is_refused_with_the_count() -> None:
    long = {**VALID, "steps": LONG_STEPS, "cue": "Knees out."}
    entry = "\n".join(f"{k} = {json.dumps(v)}" for k, v in long.items())
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(f"[[exercise]]\n{entry}\n")
    assert "'wall-sit' wraps to 5 lines at 40 columns; at most 4 fit" in str(info.value)
    assert BODY_LINES == 4


def test_a_custom_entry_may_run_longer_up_to_the_old_limit() -> None:
    """A config written for 0.1 still loads: its entries were held to 240 characters."""
    longer = Exercise.model_validate({**VALID, "steps": LONG_STEPS})
    assert body_lines(render(longer)[1]) == 5
    with pytest.raises(ValueError) as info:
        Exercise.model_validate({**VALID, "steps": ["x" * 80] * 3})
    [error] = info.value.errors()  # type: ignore[attr-defined]
    assert f"characters; at most {BODY_LIMIT} fit" in error["msg"]


@pytest.mark.parametrize(
    ("change", "field", "text"),
    [
        ({"id": "Wall Sit"}, "id", "not kebab-case"),
        ({"name": "x" * 43}, "name", "at most 42 fit"),
        ({"target": "calves"}, "target", "'hip_flexors' or 'hamstrings'"),
        ({"kind": "cardio"}, "kind", "'stretch', 'strength' or 'mobility'"),
        ({"position": "lying"}, "position", "'standing', 'seated' or 'floor'"),
        ({"equipment": ["rope"]}, "equipment", "'none', 'desk', 'wall', 'chair', 'steady_chair'"),
        ({"equipment": []}, "equipment", 'or be ["none"]'),
        ({"equipment": ["none", "chair"]}, "equipment", "'none' cannot be combined"),
        ({"dose": "a while"}, "dose", "how long or how many"),
        ({"steps": []}, "steps", "needs 1 to 3 short steps, got 0"),
        ({"steps": ["a", "b", "c", "d"]}, "steps", "got 4"),
        ({"cue": ""}, "cue", "safety cue"),
        ({"steps": ["x" * 80] * 3}, None, "at most 240 fit"),
        ({"harder": "wall-sit"}, None, "cannot be its own easier or harder"),
        ({"easier": "a", "harder": "a"}, None, "'a' as both easier and harder"),
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
        "import standup.exercises as x, standup.cli.exercises;"
        "print(x.builtin_catalogue.cache_info().currsize)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "0"


def _entry(exercise_id: str, target: str = "hamstrings", **links: str) -> str:
    lines = [
        "[[exercise]]",
        f'id = "{exercise_id}"',
        f'name = "{exercise_id}"',
        f'target = "{target}"',
        'kind = "stretch"',
        'position = "standing"',
        'equipment = ["none"]',
        'dose = "30 s"',
        'steps = ["Stand."]',
        'cue = "Gently."',
        *(f'{field} = "{other}"' for field, other in links.items()),
    ]
    return "\n".join(lines) + "\n\n"


def test_parse_catalogue_accepts_links_that_name_each_other() -> None:
    text = _entry("a", harder="b") + _entry("b", easier="a", harder="c") + _entry("c", easier="b")
    by_id = {e.id: e for e in parse_catalogue(text)}
    assert (by_id["a"].harder, by_id["b"].easier, by_id["b"].harder) == ("b", "a", "c")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (_entry("a", harder="zz"), "exercise 'a', harder = 'zz': no exercise has that id"),
        (
            _entry("a", harder="b") + _entry("b"),
            "exercise 'a', harder = 'b': 'b' must name 'a' as its easier variant",
        ),
        (
            _entry("a") + _entry("b", easier="a"),
            "exercise 'b', easier = 'a': 'a' must name 'b' as its harder variant",
        ),
        (
            _entry("a", harder="b") + _entry("b", "hip_flexors", easier="a"),
            "exercise 'a', harder = 'b': that one trains hip_flexors, this one hamstrings",
        ),
    ],
)
def test_parse_catalogue_refuses_broken_links_naming_entry_and_field(
    text: str, message: str
) -> None:
    with pytest.raises(CatalogueError) as info:
        parse_catalogue(text, source="test.toml")
    assert str(info.value) == f"test.toml: {message}"
