"""`standup config set` and `standup config edit`, and the line editor under them."""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from standup import paths
from standup.cli.main import main
from standup.config import edit as config_edit
from standup.control.server import ControlServer

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "src/standup/data/config.example.toml").read_text()


@pytest.fixture
def user_file(xdg_dirs) -> Path:
    return xdg_dirs.config_home / "standup" / "config.toml"


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    import difflib

    diff = list(difflib.ndiff(before.splitlines(True), after.splitlines(True)))
    return [d[2:] for d in diff if d[0] == "-"], [d[2:] for d in diff if d[0] == "+"]


# -- the line editor -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "literal", "value"),
    [
        ("5", "5", 5),
        ("true", "true", True),
        ('["a"]', '["a"]', ["a"]),
        ('"50m"', '"50m"', "50m"),
        ("50m", '"50m"', "50m"),
        ("hello world", '"hello world"', "hello world"),
        ('say "hi"', '"say \\"hi\\""', 'say "hi"'),
        ("#ff0000", '"#ff0000"', "#ff0000"),
    ],
)
def test_value_is_toml_when_it_parses_else_a_string(typed: str, literal: str, value: Any) -> None:
    assert config_edit.value_literal(typed) == literal
    assert tomllib.loads(f"v = {literal}")["v"] == value


def test_replacing_keeps_indentation_spacing_and_trailing_comment() -> None:
    text = '[schedule]  # mine\n  sit   =   "50m"   # why\r\nsnooze = "5m"\n'
    out = config_edit.set_value(text, ("schedule", "sit"), '"45m"')
    assert out == '[schedule]  # mine\n  sit   =   "45m"   # why\r\nsnooze = "5m"\n'


def test_a_multi_line_value_is_replaced_whole() -> None:
    text = (
        '[exercises]\npositions = [\n  "standing",  # desk\n  "seated",\n]  # end\n'
        'focus = "balanced"\n'
    )
    out = config_edit.set_value(text, ("exercises", "positions"), '["floor"]')
    assert out == '[exercises]\npositions = ["floor"]  # end\nfocus = "balanced"\n'


def test_lines_inside_a_multi_line_string_are_not_keys_or_headers() -> None:
    text = '[a]\nnote = """\n[schedule]\nsit = "1m"\n"""\n[schedule]\nsit = "2m"\n'
    out = config_edit.set_value(text, ("schedule", "sit"), '"3m"')
    assert out == text.replace('sit = "2m"', 'sit = "3m"')


def test_keys_under_an_array_of_tables_are_not_the_tables_keys() -> None:
    text = '[[exercises.custom]]\nid = "x"\n'
    out = config_edit.set_value(text, ("exercises", "custom", "id"), '"y"')
    assert out.startswith(text)
    assert "[exercises.custom]\nid" in out


def test_a_quoted_header_and_dotted_key_are_found() -> None:
    text = '[ "exercises" . weights ]\nhamstrings.strength = 0.1\n'
    out = config_edit.set_value(text, ("exercises", "weights", "hamstrings", "strength"), "0.5")
    assert out == '[ "exercises" . weights ]\nhamstrings.strength = 0.5\n'


def test_a_new_key_goes_after_the_tables_last_key() -> None:
    text = '[schedule]\nsit = "50m"\n\n# about history\n[history]\nkeep_days = 3\n'
    out = config_edit.set_value(text, ("schedule", "snooze"), '"5m"')
    assert (
        out
        == '[schedule]\nsit = "50m"\nsnooze = "5m"\n\n# about history\n[history]\nkeep_days = 3\n'
    )


def test_a_missing_table_is_appended_and_a_file_without_newline_is_mended() -> None:
    out = config_edit.set_value('[schedule]\nsit = "50m"', ("history", "keep_days"), "30")
    assert out == '[schedule]\nsit = "50m"\n\n[history]\nkeep_days = 30\n'
    assert (
        config_edit.set_value("", ("history", "keep_days"), "30") == "[history]\nkeep_days = 30\n"
    )


# -- config set ------------------------------------------------------------------------------


def test_set_changes_one_line_and_keeps_every_other_byte(user_file, capsys) -> None:
    assert main(["config", "init"]) == 0
    assert main(["config", "set", "schedule.sit", "45m"]) == 0
    after = user_file.read_text()
    assert changed_lines(EXAMPLE, after) == (['sit = "50m"\n'], ['sit = "45m"\n'])
    out = capsys.readouterr().out
    assert f'schedule.sit = "45m" in {user_file}' in out


# -- config init over a file that `config set` wrote ------------------------------------------


def commented_example() -> str:
    """The example with each of its values commented out: it then sets nothing."""
    import re

    return re.sub(r"(?m)^(?=[a-z_]+ = )", "# ", EXAMPLE)


def test_init_after_set_writes_the_example_with_the_values_kept(user_file, capsys) -> None:
    assert main(["config", "set", "schedule.sit", "40m"]) == 0
    key = 'exercises.weights."hamstrings.strength"'
    assert main(["config", "set", key, "0.5"]) == 0
    assert main(["config", "init"]) == 0
    after = user_file.read_text()
    removed, added = changed_lines(commented_example(), after)
    assert (removed, added) == (
        ['# sit = "50m"\n'],
        ['sit = "40m"\n', '"hamstrings.strength" = 0.5\n'],
    )
    out = capsys.readouterr().out
    assert f"wrote {user_file}: the commented example, keeping schedule.sit, {key}" in out


def test_init_after_set_leaves_the_admin_layer_in_force(user_file, xdg_dirs, capsys) -> None:
    admin = xdg_dirs.config_dirs / "standup" / "config.toml"
    admin.parent.mkdir(parents=True)
    admin.write_text('[schedule]\nsit = "30m"\n\n[notifications]\nurgency = "low"\n')
    assert main(["config", "set", "schedule.snooze", "5m"]) == 0
    capsys.readouterr()
    assert main(["config", "show"]) == 0
    before = capsys.readouterr().out
    assert 'sit = "30m"' in before and 'snooze = "5m"' in before

    assert main(["config", "init"]) == 0
    assert tomllib.loads(user_file.read_text())["schedule"] == {"snooze": "5m"}
    capsys.readouterr()
    assert main(["config", "show"]) == 0
    assert capsys.readouterr().out == before


def test_init_that_would_change_the_settings_in_force_changes_nothing(
    user_file, monkeypatch, capsys
) -> None:
    assert main(["config", "set", "schedule.sit", "40m"]) == 0
    held = user_file.read_text()
    real = config_edit.carry_over
    monkeypatch.setattr(  # a carry-over that lost the value on its way
        config_edit, "carry_over", lambda text, example: (real("", example)[0], [])
    )
    assert main(["config", "init"]) != 0
    assert "schedule.sit" in capsys.readouterr().err
    assert user_file.read_text() == held


@pytest.mark.parametrize(
    ("text", "why"),
    [
        ('# mine\n[schedule]\nsit = "40m"\n', "it has comments of its own"),
        ('[schedule]\nsit = "40m"  # shorter\n', "it has comments of its own"),
        ('[schedule]\nactive_days = [\n  "mon",  # Mondays\n]\n', "it has comments of its own"),
        ('[[exercises.custom]]\nid = "mine"\n', "a list of tables ([[exercises.custom]])"),
        ("[schedule\n", "it is not valid TOML"),
    ],
)
def test_init_keeps_a_file_it_cannot_carry_over_whole(user_file, capsys, text, why) -> None:
    user_file.parent.mkdir(parents=True)
    user_file.write_text(text)
    assert main(["config", "init"]) == 1
    err = capsys.readouterr().err
    assert f"{user_file} exists, and init cannot keep what it holds: " in err and why in err
    assert "`standup config set KEY VALUE`" in err and "--force" in err
    assert user_file.read_text() == text


def test_init_over_the_example_says_so_and_force_keeps_the_old_file(user_file, capsys) -> None:
    assert main(["config", "init"]) == 0
    assert main(["config", "init"]) == 1
    assert f"{user_file} is the commented example already" in capsys.readouterr().err
    assert main(["config", "set", "schedule.sit", "40m"]) == 0
    edited = user_file.read_text()
    assert main(["config", "init"]) == 1
    err = capsys.readouterr().err
    assert f"{user_file} looks like the example, with changes of its own" in err
    assert "already" not in err and user_file.read_text() == edited
    assert main(["config", "init", "--force"]) == 0
    old = user_file.with_name("config.toml.old")
    assert f"what it held before is in {old}" in capsys.readouterr().out
    assert user_file.read_text() == EXAMPLE and old.read_text() == edited
    assert main(["config", "init", "--force"]) == 0  # over the example: nothing to keep
    assert "held before" not in capsys.readouterr().out and old.read_text() == edited


def test_force_keeps_the_old_file_with_its_mode_and_never_over_an_earlier_one(
    user_file, capsys
) -> None:
    import os

    os.umask(old_umask := os.umask(0o022))
    try:
        assert main(["config", "set", "hooks.reminder", '[["desk", "up"]]']) == 0
        user_file.chmod(0o600)  # hook commands: the user's alone
        first = user_file.read_text()
        assert main(["config", "init", "--force"]) == 0
        old = user_file.with_name("config.toml.old")
        assert old.read_text() == first and old.stat().st_mode & 0o777 == 0o600
        assert main(["config", "set", "schedule.sit", "40m"]) == 0
        second = user_file.read_text()
        assert main(["config", "init", "--force"]) == 0
        newer = user_file.with_name("config.toml.old.1")
        assert f"what it held before is in {newer}" in capsys.readouterr().out
        assert old.read_text() == first and newer.read_text() == second
        assert newer.stat().st_mode & 0o777 == 0o600
    finally:
        os.umask(old_umask)


def test_set_into_an_empty_table_goes_under_its_comments(user_file) -> None:
    assert main(["config", "init"]) == 0
    # Category names hold a dot, so the key part is quoted (as in TOML).
    key = 'exercises.weights."hamstrings.strength"'
    assert main(["config", "set", key, "0.5"]) == 0
    after = user_file.read_text()
    removed, added = changed_lines(EXAMPLE, after)
    assert (removed, added) == ([], ['"hamstrings.strength" = 0.5\n'])
    assert (
        '[exercises.weights]\n# "hamstrings.strength" = 0.5\n"hamstrings.strength" = 0.5\n' in after
    )


def test_set_into_a_missing_table_and_a_missing_file(user_file) -> None:
    assert main(["config", "set", "notifications.backend", "log"]) == 0
    assert user_file.read_text() == '[notifications]\nbackend = "log"\n'
    assert main(["config", "set", "schedule.max_snoozes", "2"]) == 0
    assert user_file.read_text() == (
        '[notifications]\nbackend = "log"\n\n[schedule]\nmax_snoozes = 2\n'
    )


def test_set_an_invalid_value_exits_2_and_leaves_the_file_alone(user_file, capsys) -> None:
    assert main(["config", "init"]) == 0
    assert main(["config", "set", "schedule.sit", "soon"]) == 2
    assert user_file.read_text() == EXAMPLE
    err = capsys.readouterr().err
    # The refused value is in no file: no line number, which would point at the old value.
    assert f'{user_file}: schedule.sit = "soon": expected a duration' in err
    assert ", line " not in err
    assert f"nothing was written to {user_file}" in err
    assert list(user_file.parent.iterdir()) == [user_file]  # no temporary file left


def test_set_an_unknown_key_is_refused_like_a_config_error(user_file, capsys) -> None:
    assert main(["config", "set", "schedule.sitt", "5m"]) == 2
    err = capsys.readouterr().err
    assert f"{user_file}: unknown key schedule.sitt (allowed here: " in err
    assert "natural_break, remind_again, sit, snooze)" in err
    assert not user_file.exists()
    assert main(["config", "set", "schedul.sit", "5m"]) == 2
    err = capsys.readouterr().err
    assert "unknown key schedul (allowed here: " in err
    assert "schedule" in err.split("allowed here: ")[1]


def test_set_a_table_or_an_array_of_tables_is_refused(user_file, capsys) -> None:
    assert main(["config", "set", "schedule", "5"]) == 2
    assert "schedule is a table, not a value" in capsys.readouterr().err
    assert main(["config", "set", "exercises.custom", "[]"]) == 2
    assert "standup config edit" in capsys.readouterr().err


def test_set_on_a_file_that_is_not_toml_names_it(user_file, capsys) -> None:
    user_file.parent.mkdir(parents=True)
    user_file.write_text("[schedule\n")
    assert main(["config", "set", "schedule.sit", "5m"]) == 2
    assert f"{user_file}: invalid TOML" in capsys.readouterr().err
    assert user_file.read_text() == "[schedule\n"


@pytest.fixture
def fake_daemon(xdg_dirs) -> Iterator[list[str]]:
    """A control server on the real socket path that records the commands it gets."""
    received: list[str] = []

    def handle(cmd: str, args: dict[str, Any]) -> dict[str, Any]:
        received.append(cmd)
        return {"message": "config reloaded"}

    server = ControlServer(paths.control_socket(), handle, ["reload", "status"])
    server.start()
    try:
        yield received
    finally:
        server.stop()


def test_set_asks_a_running_daemon_to_reload(user_file, fake_daemon, capsys) -> None:
    assert main(["config", "set", "schedule.sit", "30m"]) == 0
    assert fake_daemon == ["reload"]
    assert "the running standup reloaded its config" in capsys.readouterr().out


# -- config edit -----------------------------------------------------------------------------


def editor(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *texts: str) -> Path:
    """$EDITOR = a python script writing texts[n] on its n-th run (the last one from then on)."""
    script = tmp_path / "fake editor.py"
    runs = tmp_path / "runs"
    script.write_text(
        "import sys, pathlib\n"
        f"texts = {list(texts)!r}\n"
        f"runs = pathlib.Path({str(runs)!r})\n"
        "n = int(runs.read_text()) if runs.exists() else 0\n"
        "runs.write_text(str(n + 1))\n"
        "pathlib.Path(sys.argv[-1]).write_text(texts[min(n, len(texts) - 1)])\n"
    )
    monkeypatch.delenv("VISUAL", raising=False)
    # Quoted, to check the variable is split like a shell would.
    monkeypatch.setenv("EDITOR", f"{sys.executable} '{script}'")
    return runs


def test_edit_saves_a_valid_file(user_file, tmp_path, monkeypatch, capsys) -> None:
    assert main(["config", "init"]) == 0
    new = EXAMPLE.replace('sit = "50m"', 'sit = "40m"')
    editor(tmp_path, monkeypatch, new)
    assert main(["config", "edit"]) == 0
    assert user_file.read_text() == new
    assert f"saved {user_file}" in capsys.readouterr().out


def test_edit_starts_from_the_example_when_there_is_no_file(
    user_file, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("VISUAL", f"{sys.executable} -c pass")  # VISUAL wins; saves unchanged
    monkeypatch.setenv("EDITOR", "false")
    assert main(["config", "edit"]) == 0
    assert not user_file.exists()  # nothing changed, nothing written


def test_edit_with_an_error_and_no_terminal_exits_2_untouched(
    user_file, tmp_path, monkeypatch, capsys
) -> None:
    assert main(["config", "init"]) == 0
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    editor(tmp_path, monkeypatch, '[schedule]\nsit = "never"\n')
    assert main(["config", "edit"]) == 2
    assert user_file.read_text() == EXAMPLE
    err = capsys.readouterr().err
    kept = user_file.with_name("config.toml.rejected")
    # Line 2 of the edit, which is kept; the config file's line 2 holds something else.
    assert f"{kept}, line 2: schedule.sit" in err
    assert f"{user_file}, line" not in err
    assert f"{user_file} is unchanged" in err
    assert f"your edit is kept in {kept}" in err
    assert kept.read_text() == '[schedule]\nsit = "never"\n'


def test_a_rejected_edit_is_kept_with_the_configs_mode(
    user_file, tmp_path, monkeypatch, capsys
) -> None:
    import os

    assert main(["config", "set", "hooks.reminder", '[["desk", "up"]]']) == 0
    user_file.chmod(0o600)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    editor(tmp_path, monkeypatch, '[schedule]\nsit = "never"\n')
    os.umask(old_umask := os.umask(0o022))
    try:
        assert main(["config", "edit"]) == 2
    finally:
        os.umask(old_umask)
    kept = user_file.with_name("config.toml.rejected")
    assert kept.stat().st_mode & 0o777 == 0o600
    capsys.readouterr()
    assert main(["config", "edit"]) == 2  # a second rejected edit says it replaces the first
    assert "replacing the one kept there before" in capsys.readouterr().err


def test_edit_again_after_an_error(user_file, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    answers = iter([""])  # Enter means yes
    monkeypatch.setattr("builtins.input", lambda prompt: next(answers))
    runs = editor(tmp_path, monkeypatch, "[schedule\n", '[schedule]\nsit = "20m"\n')
    assert main(["config", "edit"]) == 0
    assert runs.read_text() == "2"
    assert user_file.read_text() == '[schedule]\nsit = "20m"\n'


def test_edit_again_declined(user_file, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    editor(tmp_path, monkeypatch, "[schedule\n")
    assert main(["config", "edit"]) == 2
    assert not user_file.exists()


def test_edit_when_the_editor_fails_or_is_missing(user_file, tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "false")
    assert main(["config", "edit"]) == 1
    assert "the editor exited with status 1" in capsys.readouterr().err
    monkeypatch.setenv("EDITOR", str(tmp_path / "no-such-editor"))
    assert main(["config", "edit"]) == 1
    assert "set $VISUAL or $EDITOR" in capsys.readouterr().err
    assert not user_file.exists()


@pytest.fixture
def no_editor_set(monkeypatch, tmp_path) -> Path:
    """Neither $VISUAL nor $EDITOR, and a PATH of one empty folder, where a test puts the
    fallback editors it wants installed."""
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    return bin_dir


def install(bin_dir: Path, name: str, body: str) -> None:
    script = bin_dir / name
    script.write_text(f"#!{sys.executable}\n{body}")
    script.chmod(0o755)


def test_edit_with_no_editor_installed_says_so_in_one_line(
    user_file, no_editor_set, capsys
) -> None:
    assert main(["config", "edit"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "standup: no editor to open: $VISUAL and $EDITOR are not set and none of editor, "
        "nano, vi is installed"
    ]
    assert not user_file.exists()


def test_edit_with_a_fallback_editor_but_no_terminal_says_so_in_one_line(
    user_file, no_editor_set, monkeypatch, capsys
) -> None:
    install(no_editor_set, "vi", "raise SystemExit('vi ran without a terminal')\n")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    assert main(["config", "edit"]) == 1
    [line] = capsys.readouterr().err.splitlines()
    assert "$VISUAL and $EDITOR are not set, and vi needs a terminal" in line
    assert "EDITOR='code --wait'" in line


def test_edit_in_a_terminal_falls_back_to_the_first_editor_installed(
    user_file, no_editor_set, monkeypatch
) -> None:
    for name in ("nano", "vi"):
        install(no_editor_set, name, f"import sys; open(sys.argv[1], 'w').write('# {name}\\n')\n")
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(["config", "edit"]) == 0
    assert user_file.read_text() == "# nano\n"


def test_edit_asks_a_running_daemon_to_reload(
    user_file, tmp_path, monkeypatch, fake_daemon
) -> None:
    editor(tmp_path, monkeypatch, '[schedule]\nsit = "20m"\n')
    assert main(["config", "edit"]) == 0
    assert fake_daemon == ["reload"]


def test_set_keeps_a_symlinked_config_a_symlink(user_file, tmp_path) -> None:
    dotfiles = tmp_path / "dotfiles" / "standup.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text('[schedule]\nsit = "50m"\n')
    user_file.parent.mkdir(parents=True, exist_ok=True)
    user_file.symlink_to(dotfiles)
    assert main(["config", "set", "schedule.sit", "40m"]) == 0
    assert user_file.is_symlink()
    assert dotfiles.read_text() == '[schedule]\nsit = "40m"\n'


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ('vim "x', "cannot read $EDITOR='vim \"x': No closing quotation"),
        ("   ", "$EDITOR='   ' names no command"),
        ("vim \\", "cannot read $EDITOR='vim \\\\'"),
    ],
)
def test_edit_with_an_editor_that_cannot_be_split_is_a_usage_error(
    user_file, monkeypatch, capsys, value: str, message: str
) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", value)
    assert main(["config", "edit"]) == 1
    err = capsys.readouterr().err
    assert message in err
    assert "hint: set $EDITOR to your editor's command" in err
    assert not user_file.exists()


def test_edit_names_visual_when_it_is_the_one_used(user_file, monkeypatch, capsys) -> None:
    monkeypatch.setenv("VISUAL", " \t ")
    monkeypatch.setenv("EDITOR", "nano")
    assert main(["config", "edit"]) == 1
    assert "$VISUAL=' \\t ' names no command" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv", [["--config", "/dev/zero", "config", "check"], ["config", "check", "/dev/zero"]]
)
def test_check_refuses_a_device_at_once(argv: list[str], capsys) -> None:
    assert main(argv) == 2
    assert "config file /dev/zero is not a regular file" in capsys.readouterr().err


# -- writes that cannot be redirected (issue 19, item 4) -------------------------------------


def test_init_and_set_never_follow_a_link_at_a_temporary_name(user_file, tmp_path) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    user_file.parent.mkdir(parents=True)
    import os

    for name in ("config.toml.tmp", f".config.toml.{os.getpid()}.tmp"):
        (user_file.parent / name).symlink_to(victim)
    assert main(["config", "init"]) == 0
    assert main(["config", "set", "schedule.sit", "40m"]) == 0
    assert main(["config", "init", "--force"]) == 0
    assert victim.read_text() == "precious\n"
    assert user_file.read_text() == EXAMPLE and not user_file.is_symlink()


def test_a_rejected_edit_is_kept_without_following_a_link(user_file, tmp_path, monkeypatch) -> None:
    victim = tmp_path / "victim"
    victim.write_text("precious\n")
    user_file.parent.mkdir(parents=True)
    kept = user_file.with_name("config.toml.rejected")
    kept.symlink_to(victim)
    monkeypatch.setattr(sys.stdin, "isatty", lambda: False)
    editor(tmp_path, monkeypatch, "[schedule\n")
    assert main(["config", "edit"]) == 2
    assert victim.read_text() == "precious\n"
    assert not kept.is_symlink() and kept.read_text() == "[schedule\n"
