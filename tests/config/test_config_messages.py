"""Config errors in our words (what is allowed, with an example), and line numbers that count
lines of the file the message names."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from standup.cli.main import main


@pytest.fixture
def user_file(xdg_dirs) -> Path:
    return xdg_dirs.config_home / "standup" / "config.toml"


# (file text, what the message must say); each is checked with `config check FILE`.
BAD_VALUES = [
    (
        '[notifications]\nurgency = "loud"\n',
        'line 2: notifications.urgency = "loud": the value must be one of "low", "normal", '
        '"critical"; e.g. urgency = "normal"',
    ),
    (
        '[exercises]\npositions = "standing"\n',
        'exercises.positions = "standing": a list goes in square brackets; '
        'e.g. positions = ["standing"]',
    ),
    (
        "[history]\nkeep_days = 0\n",
        "history.keep_days = 0: the value must be at least 1; e.g. keep_days = 365",
    ),
    (
        "[history]\nkeep_days = 99999\n",
        "history.keep_days = 99999: the value must be at most 36500; e.g. keep_days = 365",
    ),
    (
        '[schedule]\nactive_days = ["monday"]\n',
        'schedule.active_days[0] = "monday": each entry must be one of "mon", "tue", "wed", '
        '"thu", "fri", "sat", "sun"; e.g. active_days = ["mon", ',
    ),
    (
        "[schedule]\nactive_hours = []\n",
        'schedule.active_hours = []: the list needs at least 1 entry; e.g. active_hours = ["00:',
    ),
    (
        "[schedule]\nmax_snoozes = 2.5\n",
        "schedule.max_snoozes = 2.5: the value must be a whole number, without quotes; "
        "e.g. max_snoozes = 3",
    ),
    (
        '[history]\nkeep_days = "a year"\n',
        'history.keep_days = "a year": the value must be a whole number, without quotes',
    ),
    (
        '[busy]\ncamera = "yes please"\n',
        'busy.camera = "yes please": the value must be true or false, without quotes; '
        "e.g. camera = true",
    ),
    (
        "[busy]\ndnd_modes = [3]\n",
        "busy.dnd_modes[0] = 3: each entry must be text in double quotes; "
        'e.g. dnd_modes = ["do-not-disturb"]',
    ),
    (
        '[exercises.weights]\n"hamstrings.strength" = -1\n',
        'exercises.weights."hamstrings.strength" = -1: the value must be at least 0; '
        'e.g. "hamstrings.strength" = 0',
    ),
    (
        '[exercises.weights]\n"hamstrings.strength" = nan\n',
        'exercises.weights."hamstrings.strength" = NaN: the value must be a finite number',
    ),
    ("notifications = 5\n", "notifications is a table: write [notifications] with its keys"),
]


@pytest.mark.parametrize(("text", "message"), BAD_VALUES)
def test_each_kind_of_bad_value_says_what_is_allowed(
    tmp_path: Path, capsys, xdg_dirs, text: str, message: str
) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(text)
    assert main(["config", "check", str(bad)]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert "Input should" not in err and "valid list" not in err
    assert f"{bad}" in err


def test_config_set_words_a_bad_choice_the_same_way(user_file, capsys) -> None:
    assert main(["config", "set", "notifications.urgency", "loud"]) == 2
    err = capsys.readouterr().err
    assert (
        f'standup: {user_file}: notifications.urgency = "loud": the value must be one of "low", '
        '"normal", "critical"; e.g. urgency = "normal"\n'
    ) in err
    assert not user_file.exists()


def test_a_refused_new_key_names_no_line_of_a_file_without_it(user_file, capsys) -> None:
    # Before: "config.toml, line 80" (the [exercises.weights] header), counted in the text
    # that was refused, not in the file named.
    assert main(["config", "init"]) == 0
    before = user_file.read_text()
    assert main(["config", "set", 'exercises.weights."hamstrings.strength"', "-1"]) == 2
    err = capsys.readouterr().err
    assert f'{user_file}: exercises.weights."hamstrings.strength" = -1: ' in err
    assert ", line" not in err
    assert user_file.read_text() == before


def test_an_error_in_another_layer_keeps_its_own_line(user_file, xdg_dirs, capsys) -> None:
    admin = xdg_dirs.config_dirs / "standup" / "config.toml"
    admin.parent.mkdir(parents=True)
    admin.write_text('# site policy\n\n[notifications]\nurgency = "urgent"\n')
    assert main(["config", "set", "schedule.sit", "30m"]) == 2
    err = capsys.readouterr().err
    assert f'{admin}, line 4: notifications.urgency = "urgent"' in err
    assert not user_file.exists()


def editor_writing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    script = tmp_path / "editor.py"
    script.write_text(f"import pathlib, sys\npathlib.Path(sys.argv[-1]).write_text({text!r})\n")
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", f"{sys.executable} {script}")


def test_edit_at_a_terminal_counts_lines_in_the_edit(
    user_file, tmp_path, monkeypatch, capsys
) -> None:
    assert main(["config", "init"]) == 0
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    editor_writing(tmp_path, monkeypatch, '# mine\n[busy]\ncamera = "maybe"\n')
    assert main(["config", "edit"]) == 2
    err = capsys.readouterr().err
    expected = 'standup: your edit, line 3: busy.camera = "maybe": the value must be true or false'
    assert expected in err
    assert f"{user_file}, line" not in err
    kept = user_file.with_name("config.toml.rejected")
    assert kept.read_text().splitlines()[2] == 'camera = "maybe"'
