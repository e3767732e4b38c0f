"""The man pages made from the command table and the settings model: every command, option
and key is there with its default, and man(1) renders both pages without a warning."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from standup.cli.main import build_parser
from standup.commands import COMMANDS, OneOf
from standup.config.settings import USER_VARIABLES
from standup.i18n import _, choose_language
from standup.manpages import __main__ as manpages_main, command_page, config_page

import pokit
from rig import rig_unavailable


def plain(roff_text: str) -> str:
    """The words of a page as a reader sees them, without font changes and escapes."""
    for escape, char in (("\\-", "-"), ("\\fB", ""), ("\\fI", ""), ("\\fR", ""), ("\\&", "")):
        roff_text = roff_text.replace(escape, char)
    return roff_text.replace("\\e", "\\")


@pytest.fixture(scope="module")
def standup_1() -> str:
    return command_page.render("2025-01-01")


@pytest.fixture(scope="module")
def standup_toml_5() -> str:
    return config_page.render("2025-01-01")


def sections(page: str) -> dict[str, str]:
    """The page's .SH sections by name (quotes dropped)."""
    parts = re.split(r"^\.SH (.*)$", page, flags=re.M)
    return {name.strip('"'): body for name, body in zip(parts[1::2], parts[2::2], strict=True)}


def test_every_command_and_subcommand_has_its_own_heading(standup_1: str) -> None:
    headings = [plain(h) for h in re.findall(r'^\.SS "(.*)"$', standup_1, flags=re.M)]
    paths = [path for path, _ in command_page.walk()]
    assert len(paths) == len(headings)
    for path, heading in zip(paths, headings, strict=True):
        assert heading.startswith(path), (path, heading)
    assert {p.split()[1] for p in paths} == {c.name for c in COMMANDS}


def test_every_option_and_argument_of_the_table_is_there_with_its_help(standup_1: str) -> None:
    parts = re.split(r'^\.SS "(.*)"$', plain(standup_1), flags=re.M)[1:]
    commands = [command for _, command in command_page.walk()]
    for heading, body, command in zip(parts[::2], parts[1::2], commands, strict=True):
        assert command.about.replace("`", "") in " ".join(body.replace("\n", " ").split())
        for item in command.args:
            for one in item.args if isinstance(item, OneOf) else (item,):
                name = one.names[0]
                word = name if name.startswith("-") else one.options.get("metavar", name.upper())
                assert word in heading, (heading, word)
                assert f"\n{word}" in body, (heading, word)
                assert one.options["help"].replace("`", "") in body


def test_the_global_options_exit_codes_variables_and_files_are_there(standup_1: str) -> None:
    parts = {name: plain(body) for name, body in sections(standup_1).items()}
    for action in build_parser()._actions:
        for option in action.option_strings:
            if option not in ("-h", "--help"):
                assert option in parts["OPTIONS"]
    for code in ("0", "1", "2", "3", "130"):
        assert f".TP\n{code}\n" in parts["EXIT STATUS"]
    for name in USER_VARIABLES:
        assert f".TP\n{name}\n" in parts["ENVIRONMENT"]
    assert "/usr/lib/systemd/user/standup.service" in parts["FILES"]


def test_every_key_is_there_under_its_table_with_its_default(standup_toml_5: str) -> None:
    parts = {name: plain(body) for name, body in sections(standup_toml_5).items()}
    keys = list(config_page.iter_keys())
    assert len(keys) > 30
    for name, default in keys:
        table, _, key = name.rpartition(".")
        body = parts[f"[{table}]"]
        if isinstance(default, dict):
            assert f".TP\n[{name}]\n" in body
        elif key == "custom":
            assert f".TP\n[[{name}]]\n" in body
        else:
            assert f".TP\n{key} = {config_page._toml(default)}\n" in body, name
        assert f"STANDUP_{table.upper()}__{key.upper()}" in body


def test_the_defaults_are_the_ones_the_example_config_holds() -> None:
    import tomllib

    example = tomllib.loads(config_page.example_text())
    for name, default in config_page.iter_keys():
        table, _, key = name.rpartition(".")
        if key in example.get(table, {}) and not isinstance(default, dict):
            assert example[table][key] == default, name


def test_a_key_the_example_does_not_explain_stops_the_build(monkeypatch) -> None:
    lines = config_page.example_text().splitlines()
    at = lines.index("keep_days = 365")
    assert lines[at - 1].startswith("# ")
    without = "\n".join(lines[: at - 1] + lines[at:])  # its comment taken out
    monkeypatch.setattr(config_page, "example_text", lambda: without)
    with pytest.raises(LookupError, match=r"history\.keep_days"):
        config_page.render()


def test_the_module_writes_both_pages_dated_by_source_date_epoch(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")  # 2025-01-01
    out = tmp_path / "man"
    assert manpages_main.main([str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["standup.1", "standup.toml.5"]
    assert '.TH STANDUP 1 "2025-01-01"' in (out / "standup.1").read_text()


def test_the_pages_are_english_whatever_the_build_s_locale(tmp_path, monkeypatch) -> None:
    """The package ships English pages: a build in a German session makes the same ones."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1735689600")
    english = tmp_path / "en"
    assert manpages_main.main([str(english)]) == 0
    choose_language(None)  # as a new process: the session's language
    monkeypatch.setenv("STANDUP_LOCALEDIR", str(pokit.compile_tree(tmp_path / "locale")))
    monkeypatch.setenv("LANGUAGE", "de")
    assert _("Done") == "Erledigt"  # the session speaks German
    german = tmp_path / "de"
    try:
        assert manpages_main.main([str(german)]) == 0
    finally:
        choose_language(None)
    for name in ("standup.1", "standup.toml.5"):
        assert (german / name).read_text() == (english / name).read_text()


@pytest.mark.parametrize("name", ["standup.1", "standup.toml.5"])
def test_man_renders_the_page_without_a_warning(tmp_path: Path, name: str) -> None:
    if shutil.which("man") is None:
        rig_unavailable("man (man-db) is not installed")
    manpages_main.main([str(tmp_path / "man")])
    done = subprocess.run(
        ["man", "--warnings", "-E", "UTF-8", "-l", str(tmp_path / "man" / name)],
        capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "MANWIDTH": "80", "MAN_KEEP_FORMATTING": "0", "PAGER": "cat"},
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert "standup" in done.stdout
