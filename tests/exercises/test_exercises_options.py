"""The `[exercises]` options: defaults, filters, custom entries and their error messages."""

from __future__ import annotations

from pathlib import Path

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
    "reach-up-lunge-stretch",
    "standing-quad-hip-flexor-stretch",
    "desk-lunge-stretch",
    "standing-pelvic-tilts",
    "lunge-rocks",
    "standing-hip-circles",
    "two-minute-walk",
    "standing-knee-raise",
    "lunge-knee-drive",
    "standing-straight-leg-raise",
    "heel-dig-hamstring-stretch",
    "desk-hinge-hamstring-stretch",
    "soft-knee-forward-fold",
    "wall-heel-press",
    "standing-leg-curl",
    "split-stance-rdl",
    "single-leg-deadlift",
    "leg-swings",
    "good-morning-hinge",
    "cross-body-toe-reaches",
}
SEATED = {"seated-hip-flexor-stretch", "seated-knee-lift", "seated-hamstring-stretch"}
# Nothing but the body: no desk to hold and no wall to press.
BARE = {
    "split-stance-hip-flexor-stretch",
    "reach-up-lunge-stretch",
    "standing-pelvic-tilts",
    "two-minute-walk",
    "heel-dig-hamstring-stretch",
    "soft-knee-forward-fold",
    "split-stance-rdl",
    "good-morning-hinge",
    "cross-body-toe-reaches",
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
        ({"positions": ["seated"]}, {"seated-knee-lift"}),
        (
            {"positions": ["seated"], "equipment": ["none", "chair", "steady_chair"]},
            SEATED,
        ),
        ({"positions": ["standing", "seated"]}, DESK_DEFAULT | {"seated-knee-lift"}),
        ({"positions": ["standing"], "equipment": ["none"]}, BARE),
        (
            {"equipment": ["none", "desk", "wall", "step", "dumbbell"]},
            DESK_DEFAULT | {"standing-hamstring-step-stretch", "romanian-deadlift"},
        ),
        (
            {"positions": ["standing", "seated", "floor"], "equipment": ["none", "swiss_ball"]},
            {e.id for e in builtin_catalogue() if set(e.equipment) <= {"none", "swiss_ball"}},
        ),
        (
            {"positions": ["floor"], "equipment": ["sofa", "bed", "strap", "machine"]},
            {
                "half-kneeling-hip-flexor-stretch",
                "couch-stretch",
                "supine-hip-flexor-stretch",
                "supine-hamstring-stretch",
                "glute-bridge",
                "bridge-walk-outs",
                "prone-leg-curl",
                "machine-leg-curl",
            },
        ),
        (
            {"focus": "anterior-tilt"},
            DESK_DEFAULT
            - {"standing-knee-raise", "lunge-knee-drive", "standing-straight-leg-raise"},
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
        (
            "seated-hamstring-stretch",
            {"positions": ["seated"], "equipment": ["steady_chair"]},
            None,
        ),
        ("seated-hamstring-stretch", {"equipment": ["steady_chair"]}, "done seated"),
        ("leg-swings", {"positions": ["seated", "floor"]}, "done standing"),
        ("leg-swings", {"exclude": ["leg-swings"]}, "excluded"),
        ("leg-swings", {"include_only": ["lunge-rocks"]}, "not in include_only"),
        ("leg-swings", {"equipment": ["none"]}, "needs a desk to hold"),
        ("wall-heel-press", {"equipment": ["desk"]}, "needs a wall"),
        (
            "seated-hamstring-stretch",
            {"positions": ["seated"], "equipment": ["chair"]},
            "needs a steady chair (no wheels)",
        ),
        ("couch-stretch", {"positions": ["floor"]}, "needs a sofa"),
        ("supine-hip-flexor-stretch", {"positions": ["floor"]}, "needs a bed"),
        # Hands behind the thigh do what a strap does: it needs nothing.
        ("supine-hamstring-stretch", {"positions": ["floor"]}, None),
        ("machine-leg-curl", {"positions": ["floor"]}, "needs a lying leg-curl machine"),
        (
            "leg-swings",
            {"weights": {"hamstrings.mobility": 0}},
            "hamstrings.mobility has weight 0 in [exercises.weights]",
        ),
        (
            "standing-knee-raise",
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


def test_explain_ineligible_names_the_position_and_the_equipment() -> None:
    options = ExerciseOptions()
    assert explain_ineligible(options.find("glute-bridge"), options) == "done lying or kneeling"  # type: ignore[arg-type]
    assert explain_ineligible(options.find("romanian-deadlift"), options) == "needs a dumbbell"  # type: ignore[arg-type]
    both = explain_ineligible(options.find("swiss-ball-curl"), options)  # type: ignore[arg-type]
    assert both == "done lying or kneeling; needs a Swiss ball"
    seated = explain_ineligible(options.find("seated-hip-flexor-stretch"), options)  # type: ignore[arg-type]
    assert seated == "done seated; needs a steady chair (no wheels)"


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
    [
        {},
        {"include_only": ["leg-swings", "couch-stretch"]},
        {"equipment": ["chair"]},
        {"equipment": ["steady_chair", "sofa", "bed", "strap"]},
    ],
)
def test_eligible_agrees_with_the_explanations(data: dict[str, object]) -> None:
    options = ExerciseOptions.model_validate(
        {**data, "positions": ["standing", "seated", "floor"], "weights": {CATEGORIES[2]: 0}}
    )
    explain = explainer(options)
    assert eligible(options) == [e for e in options.catalogue() if explain(e) is None]


OLD_EXAMPLE = """[exercises]
focus = "balanced"
positions = ["standing", "seated"]
equipment = ["none", "chair"]
exclude = ["chair-supported-lunge-stretch"]
include_only = []

[exercises.weights]
"""


def test_a_config_written_before_the_new_tags_still_loads(xdg_dirs: object, tmp_path: Path) -> None:
    """The [exercises] part as `config init` wrote it, plus an exclude of a renamed id."""
    from standup.config.settings import load_config

    path = tmp_path / "config.toml"
    path.write_text(OLD_EXAMPLE)
    options = load_config(path).settings.exercises
    assert options.equipment == ["none", "chair"]
    # The renamed entry is still the one excluded.
    assert options.exclude == ["desk-lunge-stretch"]
    kept = ids(options)
    # "chair" still means a chair to sit on: the seated knee lift comes up, as before.
    assert "seated-knee-lift" in kept
    # What needs a desk or a wall now says so, and waits for the tag.
    assert kept == BARE | {"seated-knee-lift"}
    reason = explain_ineligible(options.find("leg-swings"), options)  # type: ignore[arg-type]
    assert reason == "needs a desk to hold"


def test_the_defaults_are_office_safe() -> None:
    options = ExerciseOptions()
    assert options.positions == ["standing"]
    assert options.equipment == ["none", "desk", "wall", "chair"]
    assert "steady_chair" not in options.equipment


@pytest.mark.parametrize(
    ("change", "text"),
    [
        (
            {"harder": "no-such-one"},
            "custom exercise 'wall-sit', harder = 'no-such-one': no exercise",
        ),
        ({"easier": "couch-stretch"}, "that one trains hip_flexors, this one hamstrings"),
    ],
)
def test_a_custom_link_must_name_a_known_entry_of_the_same_target(
    change: dict[str, str], text: str
) -> None:
    loc, message = only_error({"custom": [{**CUSTOM, **change}]})
    assert loc == ("exercises", "custom")
    assert text in message


def test_a_custom_link_may_point_one_way_to_a_built_in_or_another_custom_entry() -> None:
    second = {**CUSTOM, "id": "wall-sit-long", "easier": "wall-sit"}
    options = ExerciseOptions.model_validate(
        {"custom": [{**CUSTOM, "harder": "wall-sit-long", "easier": "standing-leg-curl"}, second]}
    )
    assert options.find("wall-sit").easier == "standing-leg-curl"  # type: ignore[union-attr]
    assert options.find("standing-leg-curl").harder == "glute-bridge"  # type: ignore[union-attr]


def test_a_custom_entry_without_the_new_fields_is_fine() -> None:
    options = ExerciseOptions.model_validate({"custom": [CUSTOM]})
    entry = options.find("wall-sit")
    assert entry is not None
    assert (entry.why, entry.sides, entry.hold, entry.easier, entry.harder) == (
        "",
        1,
        None,
        None,
        None,
    )
