"""The `[hooks]` table: for each event, the commands to run, each a list of arguments."""

from __future__ import annotations

import json
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict

from standup.i18n import _

# Every variable a hook may get (README, "Hooks"); none of them is a setting, so standup run
# from a hook does not take them for misspelt ones.
VARIABLES = frozenset(
    f"STANDUP_{name}"
    for name in (
        "EVENT",
        "TIME",
        "EXERCISE",
        "EXERCISE_NAME",
        "SITTING_SECONDS",
        "SNOOZES",
        "ANSWER",
        "RATING",
        "UNTIL",
        "REASON",
        "AWAY_SECONDS",
    )
)

# The events a hook can follow, in the order the README and the example list them.
EVENTS = ("reminder", "answered", "away", "back", "paused", "resumed")

_EXAMPLE = '[["brightnessctl", "set", "30%"]]'


def _commands(value: object) -> list[list[str]]:
    """Check the shape by hand: pydantic's own words ("Input should be a valid list") do not
    tell a user who wrote one command, or one string, what to write instead."""
    if isinstance(value, str):
        # Translators: {example} is a TOML value, kept as it is.
        said = _(
            "write a list of commands, each a list of arguments, e.g. {example} "
            "(no shell: each argument is its own string)"
        )
        raise ValueError(said.format(example=_EXAMPLE))
    if not isinstance(value, list):
        said = _("write a list of commands, each a list of arguments, e.g. {example}")
        raise ValueError(said.format(example=_EXAMPLE))
    if value and all(isinstance(item, str) for item in value):
        one = json.dumps(value, ensure_ascii=False)
        said = _("this is one command: put it in a list of its own, as [{command}]")
        raise ValueError(said.format(command=one))
    commands: list[list[str]] = []
    for number, command in enumerate(value, 1):
        if not isinstance(command, list) or not command:
            said = _(
                "command {number} is not a list of arguments: write a list of commands, "
                "each a list of arguments, e.g. {example}"
            )
            raise ValueError(said.format(number=number, example=_EXAMPLE))
        if not all(isinstance(arg, str) for arg in command):
            said = _("command {number}: every argument must be a string, in quotes")
            raise ValueError(said.format(number=number))
        if not command[0].strip():
            raise ValueError(_("command {number}: the program name is empty").format(number=number))
        commands.append(list(command))
    return commands


Commands = Annotated[list[list[str]], BeforeValidator(_commands)]


class HooksOptions(BaseModel):
    """The `[hooks]` table: commands run on each event, with the event in STANDUP_* variables."""

    model_config = ConfigDict(extra="forbid")

    reminder: Commands = []
    answered: Commands = []
    away: Commands = []
    back: Commands = []
    paused: Commands = []
    resumed: Commands = []

    def commands(self, event: str) -> list[list[str]]:
        commands: list[list[str]] = getattr(self, event)
        return commands

    def configured(self) -> bool:
        """Whether any event has a command: without one, hooks cost nothing."""
        return any(self.commands(event) for event in EVENTS)
