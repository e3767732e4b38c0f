"""The `[exercises]` options: defaults, filters, custom entries and their error messages."""

from __future__ import annotations

import pytest
from counted_ids import CountedId, counted_pool
from pydantic import BaseModel, ConfigDict, ValidationError

from standup.exercises import (
    CATEGORIES,
    FOCUS_WEIGHTS,
    ExerciseOptions,
    builtin_catalogue,
    eligible,
    explain_ineligible,
    explainer,
)

CUSTOM = {
    "id": "wall-sit",
    "name": "Wall sit",
    "target": "hamstrings",
    "kind": "strength",
    "position": "standing",
    "equipment": ["none"],
    "dose": "3 x 20 s",
    "steps": ["Slide down a wall.", "Hold, then stand."],
    "cue": "Only as far as is comfortable.",
}

DESK_DEFAULT = {
    "split-stance-hip-flexor-stretch",
    "chair-supported-lunge-stretch",
    "standing-quad-hip-flexor-stretch",
    "seated-hip-flexor-stretch",
    "standing-pelvic-tilts",
    "lunge-rocks",
    "standing-knee-raise",
    "seated-knee-lift",
    "seated-hamstring-stretch",
    "desk-hinge-hamstring-stretch",
    "single-leg-deadlift",
    "standing-leg-curl",
    "leg-swings",
    "good-morning-hinge",
}


class Config(BaseModel):
    """Stands in for the config module, which mounts the options as `[exercises]`."""

    model_config = ConfigDict(extra="forbid")
    exercises: ExerciseOptions = ExerciseOptions()


def ids(options: ExerciseOptions) -> set[str]:
    return {e.id for e in eligible(options)}


def only_error(data: dict[str, object]) -> tuple[tuple[str | int, ...], str]:
    with pytest.raises(ValidationError) as info:
        Config.model_validate({"exercises": data})
    errors = info.value.errors()
    assert len(errors) == 1, errors
    return errors[0]["loc"], errors[0]["msg"]


def test_focus_weight_table_covers_every_category_and_each_row_sums_to_one() -> None:
    for weights in FOCUS_WEIGHTS.values():
        assert set(weights) == set(CATEGORIES)
        assert sum(weights.values()) == pytest.approx(1.0)
    balanced = FOCUS_WEIGHTS["balanced"]
    hip = sum(w for c, w in balanced.items() if c.startswith("hip_flexors."))
    assert hip == pytest.approx(0.5)


def test_focus_favours_what_the_tilt_needs() -> None:
    anterior = FOCUS_WEIGHTS["anterior-tilt"]
    assert anterior["hip_flexors.stretch"] > anterior["hip_flexors.mobility"]
    assert anterior["hamstrings.strength"] > anterior["hamstrings.stretch"]
    posterior = FOCUS_WEIGHTS["posterior-tilt"]
    assert posterior["hamstrings.stretch"] == max(posterior.values())
    assert posterior["hamstrings.stretch"] > posterior["hamstrings.strength"]


def test_weight_overrides_keep_the_other_categories_of_the_focus() -> None:
    options = ExerciseOptions(focus="anterior-tilt", weights={"hip_flexors.strength": 0.2})
    weights = options.category_weights()
    assert weights["hip_flexors.strength"] == 0.2
    assert weights["hamstrings.strength"] == FOCUS_WEIGHTS["anterior-tilt"]["hamstrings.strength"]


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({}, DESK_DEFAULT),
        ({"exclude": ["leg-swings", "lunge-rocks"]}, DESK_DEFAULT - {"leg-swings", "lunge-rocks"}),
        ({"include_only": ["glute-bridge"], "positions": ["floor"]}, {"glute-bridge"}),
        (
            {"positions": ["seated"]},
            {"seated-hip-flexor-stretch", "seated-knee-lift", "seated-hamstring-stretch"},
        ),
        (
            {"positions": ["seated"], "equipment": ["none", "chair", "machine"]},
            {
                "seated-hip-flexor-stretch",
                "seated-knee-lift",
                "seated-hamstring-stretch",
                "machine-leg-curl",
            },
        ),
        (
            {"positions": ["standing"], "equipment": ["none"]},
            {e for e in DESK_DEFAULT if not e.startswith(("seated", "chair"))},
        ),
        (
            {"equipment": ["none", "chair", "step", "dumbbell"]},
            DESK_DEFAULT | {"standing-hamstring-step-stretch", "romanian-deadlift"},
        ),
        (
            {"positions": ["standing", "seated", "floor"], "equipment": ["none", "swiss_ball"]},
            {
                e.id
                for e in builtin_catalogue()
                if set(e.equipment) <= {"none", "swiss_ball"}
                and e.id not in {"seated-hip-flexor-stretch", "seated-knee-lift"}
                and e.id not in {"chair-supported-lunge-stretch", "seated-hamstring-stretch"}
            },
        ),
        (
            {"focus": "anterior-tilt"},
            DESK_DEFAULT - {"standing-knee-raise", "seated-knee-lift"},
        ),
        (
            {"include_only": ["leg-swings", "lunge-rocks"], "exclude": ["lunge-rocks"]},
            {"leg-swings"},
        ),
        ({"custom": [CUSTOM]}, DESK_DEFAULT | {"wall-sit"}),
        (
            {"custom": [{**CUSTOM, "id": "leg-swings", "position": "floor"}]},
            DESK_DEFAULT - {"leg-swings"},
        ),
    ],
)
def test_filter_combinations(options: dict[str, object], expected: set[str]) -> None:
    assert ids(ExerciseOptions.model_validate(options)) == expected


def test_custom_entry_with_a_built_in_id_replaces_it_in_place() -> None:
    options = ExerciseOptions(custom=[{**CUSTOM, "id": "leg-swings"}])  # type: ignore[list-item]
    catalogue = options.catalogue()
    assert len(catalogue) == len(builtin_catalogue())
    assert options.find("leg-swings").name == "Wall sit"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("exercise_id", "options", "reason"),
    [
        ("seated-hamstring-stretch", {}, None),
        ("seated-hamstring-stretch", {"positions": ["standing"]}, "done seated"),
        ("leg-swings", {"positions": ["seated", "floor"]}, "done standing"),
        ("seated-hamstring-stretch", {"exclude": ["seated-hamstring-stretch"]}, "excluded"),
        ("seated-hamstring-stretch", {"include_only": ["leg-swings"]}, "not in include_only"),
        ("seated-hamstring-stretch", {"equipment": ["none"]}, "needs a chair"),
        (
            "seated-hamstring-stretch",
            {"weights": {"hamstrings.stretch": 0}},
            "hamstrings.stretch has weight 0 in [exercises.weights]",
        ),
        (
            "seated-knee-lift",
            {"focus": "anterior-tilt"},
            "hip_flexors.strength has weight 0 for focus anterior-tilt",
        ),
    ],
)
def test_explain_ineligible_says_why(
    exercise_id: str, options: dict[str, object], reason: str | None
) -> None:
    exercise = ExerciseOptions().find(exercise_id)
    assert exercise is not None
    assert explain_ineligible(exercise, ExerciseOptions.model_validate(options)) == reason


def test_explain_ineligible_names_the_floor_and_the_equipment() -> None:
    options = ExerciseOptions()
    assert explain_ineligible(options.find("glute-bridge"), options) == "needs the floor"  # type: ignore[arg-type]
    assert explain_ineligible(options.find("romanian-deadlift"), options) == "needs a dumbbell"  # type: ignore[arg-type]
    both = explain_ineligible(options.find("swiss-ball-curl"), options)  # type: ignore[arg-type]
    assert both == "needs the floor; needs a Swiss ball"


@pytest.mark.parametrize(
    ("data", "loc", "text"),
    [
        (
            {"custom": [CUSTOM, CUSTOM, {**CUSTOM, "dose": "soon"}]},
            ("custom", 2, "dose"),
            "how long",
        ),
        ({"custom": [{**CUSTOM, "name": "A" * 50}]}, ("custom", 0, "name"), "at most 42 fit"),
        (
            {"custom": [{k: v for k, v in CUSTOM.items() if k != "cue"}]},
            ("custom", 0, "cue"),
            "required",
        ),
        ({"custom": [{**CUSTOM, "target": "calves"}]}, ("custom", 0, "target"), "'hamstrings'"),
        ({"custom": [CUSTOM, CUSTOM]}, ("custom",), "'wall-sit' is used by entries 0 and 1"),
        ({"exclude": ["leg-swing"]}, ("exclude",), "unknown exercise id 'leg-swing'"),
        ({"include_only": ["zzz"]}, ("include_only",), "unknown exercise id 'zzz'"),
        ({"weights": {"hips.stretch": 1}}, ("weights",), "unknown category 'hips.stretch'"),
        ({"weights": {"hamstrings.stretch": -1}}, ("weights", "hamstrings.stretch"), ">= 0"),
        ({"focus": "sideways"}, ("focus",), "'balanced', 'anterior-tilt' or 'posterior-tilt'"),
        (
            {"positions": ["floor"], "equipment": ["none"], "include_only": ["leg-swings"]},
            (),
            "positions = ['floor']",
        ),
        ({"positions": []}, (), "no exercise is left by the filters positions = []"),
        ({"colour": "red"}, ("colour",), "Extra inputs"),
    ],
)
def test_bad_options_give_clear_messages(
    data: dict[str, object], loc: tuple[str | int, ...], text: str
) -> None:
    got_loc, message = only_error(data)
    assert got_loc == ("exercises", *loc)
    assert text in message.replace("greater than or equal to", ">=")
    assert not message.startswith("Value error")


def test_an_unknown_id_suggests_the_close_one() -> None:
    _, message = only_error({"exclude": ["leg-swing"]})
    assert "did you mean 'leg-swings'?" in message


def test_weights_that_zero_out_every_eligible_category_are_an_error() -> None:
    _, message = only_error({"focus": "anterior-tilt", "include_only": ["standing-knee-raise"]})
    assert "categories weighted 0 for focus anterior-tilt (hip_flexors.strength)" in message


def test_custom_exercises_can_be_excluded_and_included() -> None:
    options = ExerciseOptions.model_validate({"custom": [CUSTOM], "include_only": ["wall-sit"]})
    assert ids(options) == {"wall-sit"}


def _filter_ops(n: int) -> int:
    """Id operations to filter `n` custom entries of which every other one is excluded."""
    pool = counted_pool(n)
    options = ExerciseOptions.model_construct(custom=pool, exclude=[e.id for e in pool[::2]])
    CountedId.reset(budget=100 * n)  # linear is a few per entry
    kept = eligible(options)
    explain = explainer(options)
    reasons = [explain(e) for e in pool]
    assert sum(isinstance(e.id, CountedId) for e in kept) == n // 2
    assert reasons.count("excluded") == n // 2
    return CountedId.ops


def test_filtering_twenty_thousand_entries_with_a_long_exclude_list_is_linear() -> None:
    small, large = _filter_ops(5_000), _filter_ops(20_000)
    assert large / small < 6, (small, large)


@pytest.mark.parametrize(
    "data",
    [{}, {"include_only": ["leg-swings", "couch-stretch"]}, {"equipment": ["chair"]}],
)
def test_eligible_agrees_with_the_explanations(data: dict[str, object]) -> None:
    options = ExerciseOptions.model_validate(
        {**data, "positions": ["standing", "seated", "floor"], "weights": {CATEGORIES[2]: 0}}
    )
    explain = explainer(options)
    assert eligible(options) == [e for e in options.catalogue() if explain(e) is None]
