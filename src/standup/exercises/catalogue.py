"""The exercise model, the built-in catalogue shipped as TOML, and notification rendering.

An exercise is validated the same way whether it comes from the shipped catalogue or from a
user's `[[exercises.custom]]` table, including the check that it fits a notification.
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources
from typing import Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from standup.i18n import N_, catalogue_text
from standup.i18n.width import columns, wrap

Target = Literal["hip_flexors", "hamstrings"]
Kind = Literal["stretch", "strength", "mobility"]
Position = Literal["standing", "seated", "floor"]
# What an entry needs at hand. "chair" is any chair, an office chair on wheels included;
# "steady_chair" is one without wheels, for moves that lean on it or sit on its edge.
Equipment = Literal[
    "none",
    "desk",
    "wall",
    "chair",
    "steady_chair",
    "step",
    "strap",
    "sofa",
    "bed",
    "swiss_ball",
    "dumbbell",
    "machine",
]

TARGETS: tuple[str, ...] = get_args(Target)
KINDS: tuple[str, ...] = get_args(Kind)
POSITIONS: tuple[str, ...] = get_args(Position)
EQUIPMENT: tuple[str, ...] = get_args(Equipment)
CATEGORIES: tuple[str, ...] = tuple(f"{t}.{k}" for t in TARGETS for k in KINDS)

# The title is the move, and nothing else: beside a 64 px picture mako's default bubble (300 x
# 100 px) has room for 26 columns, and a title that wraps takes a line from the body. A custom
# entry may keep a longer name (NAME_LIMIT, the limit of 0.1).
TITLE_WIDTH = 26
NAME_LIMIT = 42
# A bigger bubble (dunst's default, about four lines of forty columns) shows the whole body:
# the first instruction, the dose, the cue, then the remaining steps.
BODY_WIDTH = 40
BODY_LINES = 4
# The small bubble shows four body lines of TITLE_WIDTH columns: the lead (the instruction that
# makes the move, the dose and the cue) must fit there whole.
LEAD_LINES = 4
# A custom entry may run longer (a big bubble shows it whole): the limit of 0.1, so a config
# written for it still loads. The built-in catalogue keeps to BODY_LINES and LEAD_LINES.
BODY_LIMIT = 240
DOSE_LIMIT = 40
MAX_STEPS = 3
SIDE_LIMIT = 20
MAX_HOLD = 120

# Words the steps use that a user may not know, explained where they learn them (`exercises
# show` of an entry that uses them, and the README). Keyed on the word as the English steps
# write it (found there whatever the language shown); each text is translated where shown.
GLOSSARY = {
    # Translators: each explains a term of the exercise steps (`exercises show`); name it as
    # the steps' translation does.
    "hinge": N_(
        "Hinge: bend at the hips, not the waist: push the hips back and tip the trunk forward "
        "with the back long, knees soft."
    ),
    # Translators: explains "tuck" in the exercise steps; name it as their translation does.
    "tuck": N_(
        "Tuck the pelvis: tip it under, as if to flatten the lower back, buttocks firm; the "
        "front of the hip opens."
    ),
}

# Said once, in a notice of its own before the very first reminder, in `exercises show` and in
# the README; never in every bubble. The safety sentence comes first and fits four lines of 26
# columns, so even mako's small default bubble shows it whole.
# Each is marked for translation here and translated where it is shown.
SAFETY_NOTICE = N_(
    "Ask a clinician first after surgery, in pregnancy, or with sharp pain or pain down a leg."
)
GENERAL_CUE = N_("Move only as far as is comfortable, and ease off at any pain.")
WHY_STAND_UP = N_(
    "Each reminder is a break from sitting: stand up, do the move it shows, then Done."
)

_KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _invalid(message: str) -> PydanticCustomError:
    # A custom error keeps pydantic from prefixing the text with "Value error, ".
    return PydanticCustomError("exercise", message)


class Exercise(BaseModel):
    """One exercise: what it trains, where and with what it is done, and its short text."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str
    name: str
    target: Target
    kind: Kind
    position: Position
    equipment: tuple[Equipment, ...]
    dose: str
    steps: tuple[str, ...]
    cue: str
    # What it does and why it helps, in one line for `exercises show`; optional for custom ones.
    why: str = ""
    # Where the move is felt ("Back of the thigh of the front leg."), the place the picture
    # marks; for `exercises show`, optional for custom ones.
    feel: str = ""
    # One side or both: a two-sided hold is timed once per side.
    sides: Literal[1, 2] = 1
    # What a side means for a two-sided move, after "Left"/"Right": "leg back" makes the
    # countdown say "Left leg back: 12 s". Optional: without it, "12 s left, left side".
    side: str = ""
    # Seconds to hold (per side) for a timed hold; None for moves counted in reps.
    hold: int | None = None
    # Neighbours on a progression: the id of an easier and of a harder variant, if any.
    easier: str | None = None
    harder: str | None = None
    # A picture of the pose: a file name shipped with standup, or a custom entry's own file.
    image: str | None = None

    @property
    def category(self) -> str:
        """`"<target>.<kind>"`, the unit that selection weights apply to."""
        return f"{self.target}.{self.kind}"

    @property
    def needs(self) -> tuple[str, ...]:
        """The equipment actually required (without the `none` marker)."""
        return tuple(e for e in self.equipment if e != "none")

    @field_validator("id")
    @classmethod
    def _check_id(cls, value: str) -> str:
        if not _KEBAB.fullmatch(value):
            raise _invalid(
                f"{value!r} is not kebab-case: use lowercase letters, digits and single hyphens, "
                "like 'wall-calf-stretch'"
            )
        return value

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        if not value:
            raise _invalid("must not be empty")
        if len(value) > NAME_LIMIT:
            raise _invalid(
                f"is {len(value)} characters; at most {NAME_LIMIT} fit in the notification title"
            )
        return value

    @field_validator("dose")
    @classmethod
    def _check_dose(cls, value: str) -> str:
        if not any(c.isdigit() for c in value):
            raise _invalid(
                f"{value!r} should say how long or how many, like '30 s each side' or '2 x 10 reps'"
            )
        if len(value) > DOSE_LIMIT:
            raise _invalid(f"is {len(value)} characters; keep it under {DOSE_LIMIT}")
        return value

    @field_validator("steps")
    @classmethod
    def _check_steps(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not 1 <= len(value) <= MAX_STEPS:
            raise _invalid(f"needs 1 to {MAX_STEPS} short steps, got {len(value)}")
        if any(not step for step in value):
            raise _invalid("a step must not be empty")
        return value

    @field_validator("cue")
    @classmethod
    def _check_cue(cls, value: str) -> str:
        if not value:
            raise _invalid("must not be empty: give a short safety cue")
        return value

    @field_validator("side")
    @classmethod
    def _check_side(cls, value: str) -> str:
        if len(value) > SIDE_LIMIT:
            raise _invalid(f"is {len(value)} characters; keep it under {SIDE_LIMIT}")
        if value[:1].isupper():
            raise _invalid(f"{value!r} follows 'Left' or 'Right': start it lower-case")
        return value

    @field_validator("hold")
    @classmethod
    def _check_hold(cls, value: int | None) -> int | None:
        if value is not None and not 5 <= value <= MAX_HOLD:
            raise _invalid(f"is {value} s; a timed hold lasts 5 to {MAX_HOLD} seconds")
        return value

    @field_validator("equipment")
    @classmethod
    def _check_equipment(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if not value:
            raise _invalid('must list what is needed, or be ["none"]')
        if len(set(value)) != len(value):
            raise _invalid("lists the same item twice")
        if "none" in value and len(value) > 1:
            raise _invalid("'none' cannot be combined with other equipment")
        return value

    @model_validator(mode="after")
    def _check_fits_notification(self) -> Exercise:
        body = render(self)[1]
        if len(body) > BODY_LIMIT:
            raise _invalid(
                f"the notification text for {self.id!r} is {len(body)} characters; at most "
                f"{BODY_LIMIT} fit: shorten the dose, cue or steps"
            )
        if self.side and self.sides != 2:
            raise _invalid(f"{self.id!r} names a side ({self.side!r}) but has sides = 1")
        if self.easier is not None and self.easier == self.harder:
            raise _invalid(f"{self.id!r} names {self.easier!r} as both easier and harder")
        if self.id in (self.easier, self.harder):
            raise _invalid(f"{self.id!r} cannot be its own easier or harder variant")
        return self


def _sentence(text: str) -> str:
    """`text` ended as a sentence: with "." or, after Japanese or Chinese, with "。"."""
    if text[-1] in ".!?\u3002\uff01\uff1f":
        return text
    return f"{text}\u3002" if columns(text[-1]) == 2 else f"{text}."


def render(exercise: Exercise) -> tuple[str, str]:
    """The notification (title, body). The title is the move's name; the body leads with what to
    do (the first step), then the dose, then the move's own cue, then the other steps: what a
    cut-off bubble keeps comes first."""
    lines = [_sentence(exercise.steps[0]), _sentence(exercise.dose), _sentence(exercise.cue)]
    rest = " ".join(_sentence(step) for step in exercise.steps[1:])
    return exercise.name, "\n".join([*lines, rest] if rest else lines)


def in_language(exercise: Exercise) -> Exercise:
    """`exercise` with its texts in the user's language, each through its own context (the
    id and the field); unvalidated, so a long translation still shows rather than failing."""
    steps = tuple(
        catalogue_text(exercise.id, f"step{n}", step) for n, step in enumerate(exercise.steps, 1)
    )
    fields = ("name", "dose", "cue", "why", "feel", "side")
    texts = {name: catalogue_text(exercise.id, name, getattr(exercise, name)) for name in fields}
    return exercise.model_copy(update={**texts, "steps": steps})


def lead_lines(exercise: Exercise, width: int = TITLE_WIDTH) -> int:
    """How many lines the lead of the body (instruction, dose, cue) takes at `width` columns."""
    return body_lines("\n".join(render(exercise)[1].splitlines()[:3]), width)


def glossary(exercise: Exercise) -> list[str]:
    """The GLOSSARY lines for the words this entry's name and steps use, in GLOSSARY's order:
    `exercise` in English, as the catalogue holds it; the lines in English, for `_()`."""
    words = set(re.findall(r"[a-z]+", " ".join([exercise.name, *exercise.steps]).lower()))
    return [text for word, text in GLOSSARY.items() if word in words]


def body_lines(body: str, width: int = BODY_WIDTH) -> int:
    """How many lines `body` takes wrapped at `width` columns, each of its lines on its own."""
    return sum(len(wrap(line, width)) or 1 for line in body.splitlines())


class CatalogueError(ValueError):
    """The catalogue file cannot be used; the message names the entry and field."""


_CATALOGUE_ADAPTER = TypeAdapter(list[Exercise])


def parse_catalogue(
    text: str, source: str = "<catalogue>", *, strict: bool = True
) -> tuple[Exercise, ...]:
    """Parse and validate a catalogue: a TOML document of `[[exercise]]` tables with unique ids.
    `strict`: each body fits a small bubble (BODY_LINES), as the shipped catalogue must."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{source}: {exc}") from exc
    unknown = sorted(set(data) - {"exercise"})
    if unknown:
        raise CatalogueError(f"{source}: unknown top-level key(s): {', '.join(unknown)}")
    try:
        entries = _CATALOGUE_ADAPTER.validate_python(data.get("exercise", []))
    except ValidationError as exc:
        lines = [
            f"exercise[{err['loc'][0]}]"
            + "".join(f".{part}" for part in err["loc"][1:])
            + f": {err['msg']}"
            for err in exc.errors()
        ]
        raise CatalogueError(f"{source}: " + "; ".join(lines)) from exc
    for entry in entries if strict else ():
        problem = _small_bubble_problem(entry)
        if problem:
            raise CatalogueError(f"{source}: {problem}")
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise CatalogueError(f"{source}: id {entry.id!r} appears more than once")
        seen.add(entry.id)
    if not entries:
        raise CatalogueError(f"{source}: no [[exercise]] entries")
    problem = link_problem(entries)
    if problem:
        raise CatalogueError(f"{source}: {problem}")
    return tuple(entries)


def _small_bubble_problem(entry: Exercise) -> str | None:
    """Why `entry` would be cut in a small bubble, or None: the shipped catalogue's rule."""
    if columns(entry.name) > TITLE_WIDTH:
        return (
            f"the name of {entry.id!r} is {columns(entry.name)} columns; at most {TITLE_WIDTH} "
            "fit on one line beside the picture"
        )
    lines = body_lines(render(entry)[1])
    if lines > BODY_LINES:
        return (
            f"the notification text for {entry.id!r} wraps to {lines} lines at {BODY_WIDTH} "
            f"columns; at most {BODY_LINES} fit: shorten the dose, cue or steps"
        )
    lead = lead_lines(entry)
    if lead > LEAD_LINES:
        return (
            f"the first step, dose and cue of {entry.id!r} wrap to {lead} lines at {TITLE_WIDTH} "
            f"columns; at most {LEAD_LINES} fit in a small bubble: shorten them"
        )
    return None


_BACK_LINK = {"easier": "harder", "harder": "easier"}


def link_problem(
    entries: list[Exercise], known: dict[str, Exercise] | None = None, *, symmetric: bool = True
) -> str | None:
    """What is wrong with the `easier`/`harder` links of `entries`, or None. A link names an
    exercise of `entries` or `known` with the same target; with `symmetric`, the one it names
    links back (A.harder == B means B.easier == A)."""
    by_id = {**(known or {}), **{e.id: e for e in entries}}
    for entry in entries:
        for field, back in _BACK_LINK.items():
            other_id = getattr(entry, field)
            if other_id is None:
                continue
            other = by_id.get(other_id)
            where = f"exercise {entry.id!r}, {field} = {other_id!r}"
            if other is None:
                return f"{where}: no exercise has that id"
            if other.target != entry.target:
                return f"{where}: that one trains {other.target}, this one {entry.target}"
            if symmetric and getattr(other, back) != entry.id:
                return f"{where}: {other_id!r} must name {entry.id!r} as its {back} variant"
    return None


@functools.cache
def builtin_catalogue() -> tuple[Exercise, ...]:
    """The catalogue shipped in the package, loaded and validated on first use."""
    text = (
        resources.files("standup.exercises").joinpath("data", "exercises.toml").read_text("utf-8")
    )
    return parse_catalogue(text, source="standup/exercises/data/exercises.toml")
