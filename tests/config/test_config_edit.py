"""config_edit on tomlkit: the layouts people write, keys as TOML reads them, and import cost."""

from __future__ import annotations

import subprocess
import sys
import tomllib

import pytest

from standup.cli.main import main
from standup.config import edit as config_edit
from standup.errors import ConfigError

from hostile_toml import HOSTILE


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


# -- a large config: tomlkit reads only the tables on the key's way (issue 19, item 7) --------

CUSTOM = (
    '\n[[exercises.custom]]\nid = "c{n}"\nname = "Custom {n}"\ntarget = "hamstrings"\n'
    'kind = "stretch"\nposition = "standing"\nequipment = ["none"]\ndose = "30 s"\n'
    'steps = ["One.", "Two."]\ncue = "Gently."\nwhy = "Because."\n'
)


def large_config(entries: int) -> str:
    head = (
        '# mine\n[schedule]\nsit = "50m"  # long\n\n# the next one\n[exercises]\n'
        'focus = "balanced"\n'
    )
    tail = '\n[exercises.weights]\n"hamstrings.strength" = 0.5\n\n[history]\nkeep_days = 3\n'
    return head + "".join(CUSTOM.format(n=n) for n in range(entries)) + tail


@pytest.fixture
def parsed_sizes(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    import tomlkit

    sizes: list[int] = []
    parse = tomlkit.parse

    def spy(text: str):  # type: ignore[no-untyped-def]
        sizes.append(len(text))
        return parse(text)

    monkeypatch.setattr(tomlkit, "parse", spy)
    return sizes


@pytest.mark.parametrize(
    ("key", "literal", "old", "new"),
    [
        (("schedule", "sit"), '"40m"', 'sit = "50m"  # long\n', 'sit = "40m"  # long\n'),
        (("schedule", "snooze"), '"5m"', '"50m"  # long\n', '"50m"  # long\nsnooze = "5m"\n'),
        (("exercises", "focus"), '"strength"', '"balanced"', '"strength"'),
        (
            ("exercises", "positions"),
            '["floor"]',
            'focus = "balanced"\n',
            'focus = "balanced"\npositions = ["floor"]\n',
        ),
        (
            ("exercises", "weights", "hamstrings.strength"),
            "0.25",
            '"hamstrings.strength" = 0.5',
            '"hamstrings.strength" = 0.25',
        ),
        (("history", "keep_days"), "30", "keep_days = 3\n", "keep_days = 30\n"),
        (("idle", "source"), '"x11"', "", '\n[idle]\nsource = "x11"\n'),
    ],
)
def test_a_large_config_is_edited_in_one_place_from_a_small_part(
    parsed_sizes: list[int], key: tuple[str, ...], literal: str, old: str, new: str
) -> None:
    text = large_config(2000)
    out = config_edit.set_value(text, key, literal)
    expected = text + new if not old else text.replace(old, new, 1)
    assert out == expected
    assert parsed_sizes and max(parsed_sizes) < 1000  # never the ~400 KB of custom entries


def test_lines_that_only_look_like_headers_do_not_fool_the_part(parsed_sizes) -> None:
    text = HOSTILE + large_config(50)
    out = config_edit.set_value(text, ("a", "new"), "1")
    assert tomllib.loads(out)["a"]["new"] == 1
    # The text holds a CRLF line, so an added line ends in CRLF, as for the whole text.
    assert out == text.replace('"key]" = "]"\n', '"key]" = "]"\nnew = 1\r\n', 1)
    assert max(parsed_sizes) < len(HOSTILE) + 200


@pytest.mark.slow
def test_set_on_a_config_near_the_size_cap_takes_seconds(xdg_dirs) -> None:
    """Before: 67 s of CPU and 970 MB (tomlkit read all 16 MiB); now 7 s and 270 MB, most of
    it tomllib and the model checking the new file, as every load does."""
    import time

    from standup.config.settings import MAX_CONFIG_BYTES

    user_file = xdg_dirs.config_home / "standup" / "config.toml"
    user_file.parent.mkdir(parents=True)
    entries = (MAX_CONFIG_BYTES - 4096) // len(CUSTOM.format(n=99999))
    text = large_config(entries)
    while len(text) > MAX_CONFIG_BYTES:
        entries -= 20
        text = large_config(entries)
    assert len(text) > 0.99 * MAX_CONFIG_BYTES
    user_file.write_text(text)
    started = time.process_time()
    assert main(["config", "set", "schedule.sit", "40m"]) == 0
    spent = time.process_time() - started
    assert user_file.read_text() == text.replace('sit = "50m"', 'sit = "40m"', 1)
    assert spent < 20, f"{spent:.1f} s of CPU"
