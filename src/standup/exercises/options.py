"""The `[exercises]` options: focus and weights, filters, custom entries, and what is eligible."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from standup.exercises.catalogue import (
    CATEGORIES,
    Equipment,
    Exercise,
    Position,
    builtin_catalogue,
    link_problem,
)
from standup.i18n import N_, _

Focus = Literal["balanced", "anterior-tilt", "posterior-tilt"]

# How often each category comes up under each focus, as relative weights (each row sums to 1, so
# a weight reads as a share). Categories without an eligible exercise drop out and the rest are
# scaled up to fill their share.
#
# - balanced: half hip flexors, half hamstrings, so reminders alternate between the two. Within
#   the hip flexors mostly stretches (sitting shortens them); the hamstrings split between
#   stretching and strengthening, with some mobility.
# - anterior-tilt: long sitting has shortened the hip flexors and weakened the hamstrings, tipping
#   the pelvis forward. Stretch the front of the hip and strengthen the hamstrings; no hip-flexor
#   strengthening, and little hamstring stretching (they are long and weak, not tight).
# - posterior-tilt: the hamstrings are tight and pull the pelvis under. Lengthen them (stretches
#   and mobility) and give the hip flexors some strength work; few hip-flexor stretches.
FOCUS_WEIGHTS: dict[str, dict[str, float]] = {
    "balanced": {
        "hip_flexors.stretch": 0.35,
        "hip_flexors.mobility": 0.10,
        "hip_flexors.strength": 0.05,
        "hamstrings.stretch": 0.20,
        "hamstrings.strength": 0.20,
        "hamstrings.mobility": 0.10,
    },
    "anterior-tilt": {
        "hip_flexors.stretch": 0.40,
        "hip_flexors.mobility": 0.10,
        "hip_flexors.strength": 0.00,
        "hamstrings.stretch": 0.05,
        "hamstrings.strength": 0.35,
        "hamstrings.mobility": 0.10,
    },
    "posterior-tilt": {
        "hip_flexors.stretch": 0.05,
        "hip_flexors.mobility": 0.15,
        "hip_flexors.strength": 0.15,
        "hamstrings.stretch": 0.45,
        "hamstrings.strength": 0.05,
        "hamstrings.mobility": 0.15,
    },
}

# "floor" is every move done off the chair lying or kneeling, on a bed or a machine too.
# Each marked for the catalogue here and translated where a reason is made.
_POSITION_REASON = {
    "standing": N_("done standing"),
    "seated": N_("done seated"),
    "floor": N_("done lying or kneeling"),
}
# The readable names in "needs a ..." explanations.
EQUIPMENT_NAMES = {
    "desk": N_("a desk to hold"),
    "wall": N_("a wall"),
    "chair": N_("a chair"),
    "steady_chair": N_("a steady chair (no wheels)"),
    "step": N_("a step"),
    "strap": N_("a strap (a belt or towel will do)"),
    "sofa": N_("a sofa"),
    "bed": N_("a bed"),
    "swiss_ball": N_("a Swiss ball"),
    "dumbbell": N_("a dumbbell"),
    "machine": N_("a lying leg-curl machine"),
}

# Ids that were renamed: an old id in exclude or include_only still means the same entry.
RENAMED_IDS = {"chair-supported-lunge-stretch": "desk-lunge-stretch"}

# Where and with what, unless the config says otherwise. Standing only: a reminder's first job
# is to get you off the chair. What an office has: a desk, a wall and a chair. Not a steady
# chair: office chairs roll, and a move that leans on a rolling chair can end in a fall.
DEFAULT_POSITIONS: tuple[Position, ...] = ("standing",)
DEFAULT_EQUIPMENT: tuple[Equipment, ...] = ("none", "desk", "wall", "chair")

Weight = Annotated[float, Field(ge=0, allow_inf_nan=False)]


def _invalid(message: str) -> PydanticCustomError:
    return PydanticCustomError("exercises", message)


class ExerciseOptions(BaseModel):
    """The `[exercises]` table of the configuration."""

    model_config = ConfigDict(extra="forbid")

    focus: Focus = "balanced"
    weights: dict[str, Weight] = Field(default_factory=dict)
    positions: list[Position] = Field(default_factory=lambda: list(DEFAULT_POSITIONS))
    equipment: list[Equipment] = Field(default_factory=lambda: list(DEFAULT_EQUIPMENT))
    # custom comes before exclude and include_only so that their check can see custom ids.
    custom: list[Exercise] = Field(default_factory=list)
    exclude: list[str] = Field(default_factory=list)
    include_only: list[str] = Field(default_factory=list)

    @field_validator("weights")
    @classmethod
    def _check_weights(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = [key for key in value if key not in CATEGORIES]
        if unknown:
            raise _invalid(
                f"unknown category {unknown[0]!r}; categories are {', '.join(CATEGORIES)}"
            )
        return value

    @field_validator("custom")
    @classmethod
    def _check_custom_ids(cls, value: list[Exercise]) -> list[Exercise]:
        first: dict[str, int] = {}
        for index, entry in enumerate(value):
            if entry.id in first:
                raise _invalid(
                    f"id {entry.id!r} is used by entries {first[entry.id]} and {index}; "
                    "ids must be unique"
                )
            first[entry.id] = index
        # Only that the ids exist and match: a custom entry cannot make a built-in link back.
        known = {e.id: e for e in builtin_catalogue()}
        problem = link_problem(value, known, symmetric=False)
        if problem:
            raise _invalid(f"custom {problem}")
        return value

    @field_validator("exclude", "include_only", mode="before")
    @classmethod
    def _follow_renames(cls, value: object) -> object:
        if isinstance(value, list):
            return [RENAMED_IDS.get(i, i) if isinstance(i, str) else i for i in value]
        return value

    @field_validator("exclude", "include_only")
    @classmethod
    def _check_ids(cls, value: list[str], info: ValidationInfo) -> list[str]:
        if "custom" not in info.data:
            return value  # custom entries are invalid; that error is reported on its own
        known = [e.id for e in builtin_catalogue()] + [e.id for e in info.data["custom"]]
        known_set = set(known)  # a set: many ids against many custom entries stays linear
        for exercise_id in value:
            if exercise_id not in known_set:
                close = difflib.get_close_matches(exercise_id, known, n=1)
                guess = f" (did you mean {close[0]!r}?)" if close else ""
                raise _invalid(
                    f"unknown exercise id {exercise_id!r}{guess}; "
                    "`standup exercises list --all` shows every id"
                )
        return value

    @model_validator(mode="after")
    def _check_eligibility(self) -> ExerciseOptions:
        if not eligible(self):
            raise _invalid(_nothing_eligible_message(self))
        return self

    def catalogue(self) -> list[Exercise]:
        """Built-in exercises with custom ones applied: same id replaces, new ids are appended."""
        custom = {e.id: e for e in self.custom}
        merged = [custom.pop(e.id, e) for e in builtin_catalogue()]
        return merged + list(custom.values())

    def category_weights(self) -> dict[str, float]:
        """The focus's weights with any `[exercises.weights]` overrides applied."""
        return {**FOCUS_WEIGHTS[self.focus], **self.weights}

    def find(self, exercise_id: str) -> Exercise | None:
        """The exercise with this id (custom ones included), or None."""
        return next((e for e in self.catalogue() if e.id == exercise_id), None)


class _Filters:
    """The options' filters, as sets built once: a check per exercise must not scan the
    exclude or include_only lists, or thousands of custom entries make listing quadratic."""

    def __init__(self, options: ExerciseOptions) -> None:
        self.options = options
        self.include = frozenset(options.include_only)
        self.exclude = frozenset(options.exclude)
        self.positions = frozenset(options.positions)
        self.equipment = frozenset(options.equipment)
        self.weights = options.category_weights()
        self._usable = self.equipment | {"none"}

    def passes(self, exercise: Exercise) -> bool:
        """`explain(exercise) is None`, without building the reasons: eligible() runs this on
        the whole catalogue before every reminder."""
        return (
            (not self.include or exercise.id in self.include)
            and exercise.id not in self.exclude
            and exercise.position in self.positions
            and self._usable.issuperset(exercise.equipment)
            and self.weights.get(exercise.category, 0.0) > 0
        )

    def reasons(self, exercise: Exercise) -> list[str]:
        """Why the filters (not the weights) leave this exercise out, in the user's language."""
        reasons = []
        if self.include and exercise.id not in self.include:
            reasons.append(_("not in include_only"))
        if exercise.id in self.exclude:
            reasons.append(_("excluded"))
        if exercise.position not in self.positions:
            reasons.append(_(_POSITION_REASON[exercise.position]))
        missing = [_(EQUIPMENT_NAMES[e]) for e in exercise.needs if e not in self.equipment]
        if len(missing) > 1:
            # Translators: what an exercise needs: "{things} and {last}" ("a wall and a chair").
            missing = [
                _("{things} and {last}").format(things=", ".join(missing[:-1]), last=missing[-1])
            ]
        if missing:
            # Translators: why an exercise is left out; {things}: "a wall and a chair".
            reasons.append(_("needs {things}").format(things=missing[0]))
        return reasons

    def explain(self, exercise: Exercise) -> str | None:
        """Why this exercise will not come up, or None when it can."""
        reasons = self.reasons(exercise)
        category = exercise.category
        if not reasons and self.weights.get(category, 0.0) <= 0:
            if category in self.options.weights:
                text = _("{category} has weight 0 in [exercises.weights]")
            else:
                text = _("{category} has weight 0 for focus {focus}")
            reasons.append(text.format(category=category, focus=self.options.focus))
        return "; ".join(reasons) or None


def explainer(options: ExerciseOptions) -> Callable[[Exercise], str | None]:
    """`explain_ineligible` for many exercises under the same options, in linear time."""
    return _Filters(options).explain


def explain_ineligible(exercise: Exercise, options: ExerciseOptions) -> str | None:
    """Why this exercise will not come up under these options, or None when it can."""
    return _Filters(options).explain(exercise)


def eligible(options: ExerciseOptions) -> list[Exercise]:
    """The exercises that can come up: they pass every filter and their category weighs > 0."""
    passes = _Filters(options).passes
    return [e for e in options.catalogue() if passes(e)]


def _nothing_eligible_message(options: ExerciseOptions) -> str:
    checks = _Filters(options)
    passing = [e for e in options.catalogue() if not checks.reasons(e)]
    if passing:
        categories = sorted({e.category for e in passing})
        return (
            f"the filters leave only exercises in categories weighted 0 for focus "
            f"{options.focus} ({', '.join(categories)}): give one of them a positive weight in "
            "[exercises.weights], or change focus"
        )
    filters = [f"positions = {options.positions}", f"equipment = {options.equipment}"]
    if options.include_only:
        filters.append(f"include_only = {options.include_only}")
    if options.exclude:
        filters.append(f"exclude = {options.exclude}")
    return (
        f"no exercise is left by the filters {', '.join(filters)}: allow more positions or "
        "equipment, or exclude fewer exercises"
    )
