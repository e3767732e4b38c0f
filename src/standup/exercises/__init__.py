"""The exercise programme: catalogue, options and filters, rotation, rendering.

One import point for the rest of standup; the work lives in `catalogue`,
`options` and `rotation`. Nothing is loaded until first asked for.
"""

from __future__ import annotations

from standup.exercises.catalogue import (
    BODY_LIMIT,
    BODY_LINES,
    BODY_WIDTH,
    CATEGORIES,
    EQUIPMENT,
    GENERAL_CUE,
    GLOSSARY,
    LEAD_LINES,
    NAME_LIMIT,
    POSITIONS,
    SAFETY_NOTICE,
    TITLE_WIDTH,
    CatalogueError,
    Exercise,
    body_lines,
    builtin_catalogue,
    glossary,
    lead_lines,
    parse_catalogue,
    render,
)
from standup.exercises.options import (
    EQUIPMENT_NAMES,
    FOCUS_WEIGHTS,
    ExerciseOptions,
    eligible,
    explain_ineligible,
    explainer,
)
from standup.exercises.rotation import Rotation, load_rotation

__all__ = [
    "BODY_LIMIT",
    "BODY_LINES",
    "BODY_WIDTH",
    "CATEGORIES",
    "EQUIPMENT",
    "EQUIPMENT_NAMES",
    "FOCUS_WEIGHTS",
    "GENERAL_CUE",
    "GLOSSARY",
    "LEAD_LINES",
    "NAME_LIMIT",
    "POSITIONS",
    "SAFETY_NOTICE",
    "TITLE_WIDTH",
    "CatalogueError",
    "Exercise",
    "ExerciseOptions",
    "Rotation",
    "body_lines",
    "builtin_catalogue",
    "eligible",
    "explain_ineligible",
    "explainer",
    "glossary",
    "lead_lines",
    "load_rotation",
    "parse_catalogue",
    "pick",
    "render",
]


def pick(rotation: Rotation, options: ExerciseOptions, *, advance: bool = True) -> Exercise:
    """The next exercise under `options`; `advance=False` only peeks and leaves `rotation` as is."""
    choose = rotation.next if advance else rotation.peek
    return choose(eligible(options), options.category_weights())
