"""The [hooks] table: what it accepts, and what it says about what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from standup.config.settings import defaults, load_config
from standup.errors import ConfigError
from standup.hooks.options import EVENTS, HooksOptions


def load(tmp_path: Path, table: str) -> HooksOptions:
    path = tmp_path / "config.toml"
    path.write_text(f"[hooks]\n{table}\n")
    return load_config(path).settings.hooks


def refusal(tmp_path: Path, table: str) -> str:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, table)
    return str(caught.value)


def test_no_hooks_by_default_and_so_nothing_to_run() -> None:
    hooks = defaults().hooks
    assert not hooks.configured()
    assert all(hooks.commands(event) == [] for event in EVENTS)


def test_each_event_takes_commands_of_arguments(xdg_dirs, tmp_path: Path) -> None:
    hooks = load(
        tmp_path,
        'reminder = [["brightnessctl", "set", "30%"], ["~/bin/desk", "up"]]\n'
        'answered = [["notify-send", ""]]\n'  # an empty argument is an argument
        "away = []\n",
    )
    assert hooks.configured()
    assert hooks.commands("reminder") == [["brightnessctl", "set", "30%"], ["~/bin/desk", "up"]]
    assert hooks.commands("answered") == [["notify-send", ""]]
    assert hooks.commands("back") == []


def test_a_variable_sets_an_event_as_json(xdg_dirs, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STANDUP_HOOKS__BACK", '[["notify-send", "welcome back"]]')
    assert load_config().settings.hooks.back == [["notify-send", "welcome back"]]


@pytest.mark.parametrize(
    ("table", "said"),
    [
        (
            'reminder = "notify-send hi"',
            'line 2: hooks.reminder = "notify-send hi": write a list of commands, each a list of '
            'arguments, e.g. [["brightnessctl", "set", "30%"]] (no shell',
        ),
        (
            'reminder = ["notify-send", "hi"]',
            'this is one command: put it in a list of its own, as [["notify-send", "hi"]]',
        ),
        ("reminder = [[]]", "command 1 is not a list of arguments"),
        ('reminder = [["a"], "b"]', "command 2 is not a list of arguments"),
        ('reminder = [["", "x"]]', "command 1: the program name is empty"),
        ('reminder = [["sleep", 5]]', "command 1: every argument must be a string, in quotes"),
        ("reminder = 3", "hooks.reminder = 3: write a list of commands"),
        (
            "stood_up = []",
            "unknown key hooks.stood_up (allowed here: answered, away, back, paused, reminder, "
            "resumed)",
        ),
    ],
)
def test_a_wrong_shape_is_refused_saying_what_to_write(
    xdg_dirs, tmp_path: Path, table: str, said: str
) -> None:
    assert said in refusal(tmp_path, table)
