"""config_edit on tomlkit: the layouts people write, keys as TOML reads them, and import cost."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from standup.cli.main import main
from standup.config import edit as config_edit
from standup.errors import ConfigError


@pytest.mark.parametrize(
    ("typed", "parts"),
    [
        ("schedule.sit", ("schedule", "sit")),
        (" schedule . sit ", ("schedule", "sit")),
        (
            'exercises.weights."hamstrings.strength"',
            ("exercises", "weights", "hamstrings.strength"),
        ),
        (
            "exercises.weights.'hip_flexors.stretch'",
            ("exercises", "weights", "hip_flexors.stretch"),
        ),
    ],
)
def test_keys_are_read_as_toml_reads_them(typed: str, parts: tuple[str, ...]) -> None:
    assert config_edit.parse_key(typed) == parts


@pytest.mark.parametrize(
    "typed", ["schedule..sit", '""', "schedule.sit = 0 #", "a\nb", "[schedule]", "x = 1\ny", ""]
)
def test_text_that_is_not_one_key_is_refused(typed: str) -> None:
    with pytest.raises(ConfigError, match="is not a config key"):
        config_edit.parse_key(typed)


def test_a_value_in_an_inline_table_is_replaced_there() -> None:
    out = config_edit.set_value('schedule = { sit = "50m" }  # mine\n', ("schedule", "sit"), "60")
    assert out == "schedule = { sit = 60 }  # mine\n"


def test_a_new_key_in_a_crlf_file_ends_in_crlf() -> None:
    text = '[schedule]\r\nsit = "50m"\r\n\r\n[history]\r\nkeep_days = 3\r\n'
    out = config_edit.set_value(text, ("schedule", "snooze"), '"5m"')
    assert out == text.replace('"50m"\r\n', '"50m"\r\nsnooze = "5m"\r\n')
    appended = config_edit.set_value('[schedule]\r\nsit = "50m"\r\n', ("idle", "source"), '"x11"')
    assert appended == '[schedule]\r\nsit = "50m"\r\n\r\n[idle]\r\nsource = "x11"\r\n'


def test_a_missing_subtable_becomes_a_dotted_key_after_the_last_key() -> None:
    text = '[exercises]\nfocus = "balanced"  # mine\n\n# history next\n[history]\nkeep_days = 3\n'
    out = config_edit.set_value(text, ("exercises", "weights", "hamstrings.strength"), "0.5")
    assert out == text.replace("# mine\n", '# mine\nweights."hamstrings.strength" = 0.5\n')
    assert tomllib.loads(out)["exercises"]["weights"] == {"hamstrings.strength": 0.5}


def test_a_table_made_by_dotted_keys_gets_one_more() -> None:
    text = '[exercises]\nweights.x = 1\nfocus = "balanced"\n'
    out = config_edit.set_value(text, ("exercises", "weights", "y"), "2")
    assert out == '[exercises]\nweights.x = 1\nweights.y = 2\nfocus = "balanced"\n'


def test_key_order_and_every_other_byte_survive_a_replacement() -> None:
    text = (
        "# my standup\n\n[notifications]\nurgency = 'low'   # quiet\n"
        "backend = \"log\"\n\n[schedule]\nactive_days = [\n  'mon',\n  'tue',  # gym\n]\n"
        'sit = """50m"""\n'
    )
    out = config_edit.set_value(text, ("schedule", "active_days"), '["wed"]')
    assert out == text.replace("[\n  'mon',\n  'tue',  # gym\n]", '["wed"]')
    out = config_edit.set_value(text, ("notifications", "urgency"), '"critical"')
    assert out == text.replace("'low'", '"critical"')


def test_a_value_in_the_way_of_a_table_is_left_for_the_loader_to_refuse() -> None:
    text = '[schedule]\nsit = "50m"\n'
    out = config_edit.set_value(text, ("schedule", "sit", "x"), "1")
    assert out.startswith(text)
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(out)


def test_set_then_show_reads_back_what_was_typed(xdg_dirs, capsys) -> None:
    assert main(["config", "set", "schedule.active_days", '["mon", "fri"]']) == 0
    assert main(["config", "set", "notifications.urgency", "critical"]) == 0
    capsys.readouterr()
    assert main(["config", "show"]) == 0
    shown = tomllib.loads(capsys.readouterr().out)
    assert shown["schedule"]["active_days"] == ["mon", "fri"]
    assert shown["notifications"]["urgency"] == "critical"


def test_client_commands_do_not_import_tomlkit_or_shtab(xdg_dirs) -> None:
    probe = (
        "import sys\n"
        "from standup.cli.main import main\n"
        "for argv in (['status'], ['config', 'path'], ['--help']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "print(sorted(m for m in ('tomlkit', 'shtab') if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60
    ).stdout
    assert out.splitlines()[-1] == "[]"
