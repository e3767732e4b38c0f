"""Config layering and error messages, against real files."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from standup.cli.main import main
from standup.config.settings import defaults, load_config
from standup.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "config.example.toml"


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_example_yields_exactly_the_built_in_defaults(xdg_dirs) -> None:
    loaded = load_config(EXAMPLE)
    assert loaded.settings.model_dump() == defaults().model_dump()
    assert loaded.files == (EXAMPLE,)


def test_the_packaged_example_is_the_documented_one() -> None:
    packaged = ROOT / "src/standup/data/config.example.toml"
    assert packaged.read_text() == EXAMPLE.read_text()


def test_the_commented_custom_exercise_in_the_example_is_valid(xdg_dirs, tmp_path) -> None:
    lines = EXAMPLE.read_text().splitlines()
    start = lines.index("# [[exercises.custom]]")
    block = []
    for line in lines[start:]:
        if not line.startswith("# "):
            break
        block.append(line[2:])
    path = write(tmp_path / "c.toml", "\n".join(block) + "\n")
    options = load_config(path).settings.exercises
    assert [e.id for e in options.custom] == ["doorway-lunge-stretch"]


def test_no_file_at_all_gives_the_defaults(xdg_dirs) -> None:
    loaded = load_config()
    assert loaded.files == ()
    assert loaded.settings.schedule.sit == timedelta(minutes=50)


def test_layers_later_wins_per_key(xdg_dirs, monkeypatch) -> None:
    system = write(
        xdg_dirs.config_dirs / "standup/config.toml", '[schedule]\nsit = "40m"\nsnooze = "5m"\n'
    )
    user = write(xdg_dirs.config_home / "standup/config.toml", '[schedule]\nsit = "30m"\n')
    loaded = load_config()
    assert loaded.files == (system, user)
    assert loaded.settings.schedule.sit == timedelta(minutes=30)
    assert loaded.settings.schedule.snooze == timedelta(minutes=5)
    monkeypatch.setenv("STANDUP_SCHEDULE__SIT", "20m")
    assert load_config().settings.schedule.sit == timedelta(minutes=20)


def test_the_first_xdg_config_dir_is_the_most_important(tmp_path, xdg_dirs, monkeypatch) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    write(first / "standup/config.toml", "[schedule]\nmax_snoozes = 1\n")
    write(second / "standup/config.toml", "[schedule]\nmax_snoozes = 2\n")
    monkeypatch.setenv("XDG_CONFIG_DIRS", f"{first}:{second}")
    assert load_config().settings.schedule.max_snoozes == 1


def test_standup_config_variable_names_the_user_file(xdg_dirs, tmp_path, monkeypatch) -> None:
    path = write(tmp_path / "mine.toml", '[schedule]\nsit = "25m"\n')
    monkeypatch.setenv("STANDUP_CONFIG", str(path))
    assert load_config().settings.schedule.sit == timedelta(minutes=25)


def test_a_named_file_that_is_missing_is_an_error(xdg_dirs, tmp_path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(tmp_path / "nope.toml")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[schedule]\nsit = "-5m"\n', ['line 2: schedule.sit = "-5m"', "longer than zero"]),
        ("[schedule]\nsit = 0\n", ["line 2: schedule.sit = 0", "longer than zero"]),
        ('[schedule]\n\nsitt = "5m"\n', ["line 3: unknown key schedule.sitt", "allowed here: "]),
        ("[sched]\nsit = 1\n", ["line 1", "unknown key sched"]),
        ('[notifications]\nbackend = "dbus"\n', ['backend = "dbus"', '"freedesktop"']),
        ("[schedule]\nmax_snoozes = -1\n", ["line 2: schedule.max_snoozes = -1", "at least 0"]),
        ('[schedule\nsit = "5m"\n', ["invalid TOML", "line 1, column"]),
        ('[schedule]\nsit = "fifty"\n', ['"fifty"', 'like "50m"']),
        (
            '[schedule]\nactive_hours = ["9-17"]\n',
            ['line 2: schedule.active_hours[0] = "9-17"', 'like "09:00-17:30"'],
        ),
        ('[schedule]\nactive_days = ["monday"]\n', ['active_days[0] = "monday"', '"mon"']),
        ('[idle]\nsource = "kde"\n', ['idle.source = "kde"', '"mutter"']),
        ('[busy]\nrecheck = "0s"\n', ['line 2: busy.recheck = "0s"', "longer than zero"]),
        (
            '[exercises]\ninclude_only = ["romanian-deadlift"]\n',
            ["line 1: exercises", "no exercise is left", "include_only"],
        ),
        (
            '[exercises]\nexclude = []\n\n[[exercises.custom]]\nid = "c-one"\nname = "One"\n'
            'target = "hamstrings"\nkind = "stretch"\nposition = "standing"\n'
            'equipment = ["none"]\ndose = "30 s"\nsteps = ["Stand."]\ncue = "Gently."\n\n'
            '[[exercises.custom]]\nid = "c-two"\nname = "Two"\ntarget = "knees"\n',
            ["line 18: exercises.custom[1].target", '"knees"'],
        ),
    ],
)
def test_errors_name_file_line_key_value_and_rule(xdg_dirs, tmp_path, text, expected) -> None:
    path = write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert str(path) in message
    for part in expected:
        assert part in message


def test_busy_recheck_is_how_soon_a_held_reminder_looks_again(xdg_dirs, monkeypatch) -> None:
    assert load_config().settings.policy().busy_recheck == timedelta(seconds=30)
    monkeypatch.setenv("STANDUP_BUSY__RECHECK", "5s")
    assert load_config().settings.policy().busy_recheck == timedelta(seconds=5)


def test_an_environment_error_names_the_variable(xdg_dirs, monkeypatch) -> None:
    monkeypatch.setenv("STANDUP_SCHEDULE__SNOOZE", "soon")
    with pytest.raises(
        ConfigError,
        match=r'environment variable STANDUP_SCHEDULE__SNOOZE: schedule\.snooze = "soon"',
    ):
        load_config()


def test_config_check_exits_2_with_a_message_and_no_traceback(xdg_dirs, tmp_path, capsys) -> None:
    path = write(tmp_path / "bad.toml", '[schedule]\nsit = "-5m"\n')
    assert main(["config", "check", str(path)]) == 2
    err = capsys.readouterr().err
    assert f"standup: {path}, line 2: schedule.sit" in err
    assert "Traceback" not in err
    good = write(tmp_path / "good.toml", '[schedule]\nsit = "45m"\n')
    assert main(["config", "check", str(good)]) == 0
    assert "config OK" in capsys.readouterr().out


def test_config_show_prints_valid_toml_of_the_effective_config(xdg_dirs, tmp_path, capsys) -> None:
    import tomllib

    write(xdg_dirs.config_home / "standup/config.toml", '[schedule]\nsit = "45m"\n')
    assert main(["config", "show", "--sources"]) == 0
    out = capsys.readouterr().out
    data = tomllib.loads(out)
    assert data["schedule"]["sit"] == "45m"
    assert data["schedule"]["snooze"] == "10m"
    assert "config.toml" in next(ln for ln in out.splitlines() if ln.startswith("sit ="))
    assert "built-in default" in next(ln for ln in out.splitlines() if ln.startswith("snooze ="))


def test_config_init_writes_the_example_and_refuses_to_overwrite(xdg_dirs, capsys) -> None:
    target = xdg_dirs.config_home / "standup/config.toml"
    assert main(["config", "init"]) == 0
    assert target.read_text() == EXAMPLE.read_text()
    assert main(["config", "init"]) == 1
    assert "--force" in capsys.readouterr().err
    target.write_text("# mine\n")
    assert main(["config", "init", "--force"]) == 0
    assert target.read_text() == EXAMPLE.read_text()


def test_config_path_lists_files_in_order(xdg_dirs, capsys) -> None:
    write(xdg_dirs.config_home / "standup/config.toml", "")
    assert main(["config", "path"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("missing  admin") and str(xdg_dirs.config_dirs) in lines[0]
    assert lines[-1].startswith("exists   user") and str(xdg_dirs.config_home) in lines[-1]


def test_the_example_documents_every_key(xdg_dirs) -> None:
    import tomllib

    documented = tomllib.loads(EXAMPLE.read_text())
    text = EXAMPLE.read_text()
    for section, table in defaults().model_dump(mode="json").items():
        for key in table:
            present = key in documented.get(section, {}) or f"[{section}.{key}]" in text
            assert present, f"{section}.{key} is not in config.example.toml"


def test_the_commented_weights_example_in_the_example_is_valid(xdg_dirs, tmp_path) -> None:
    text = EXAMPLE.read_text()
    line = next(ln for ln in text.splitlines() if ln.startswith('# "hamstrings.strength"'))
    path = write(tmp_path / "w.toml", f"[exercises.weights]\n{line[2:]}\n")
    weights = load_config(path).settings.exercises.category_weights()
    assert weights["hamstrings.strength"] == 0.5


def test_a_list_in_the_environment_must_be_json_and_the_error_names_the_variable(
    xdg_dirs, monkeypatch
) -> None:
    monkeypatch.setenv("STANDUP_SCHEDULE__ACTIVE_DAYS", "mon,tue")
    with pytest.raises(ConfigError, match="environment variable STANDUP_SCHEDULE__ACTIVE_DAYS"):
        load_config()
    monkeypatch.setenv("STANDUP_SCHEDULE__ACTIVE_DAYS", '["mon", "tue"]')
    assert load_config().settings.schedule.active_days == ["mon", "tue"]


def test_a_directory_named_as_the_config_file_says_so(xdg_dirs, tmp_path) -> None:
    with pytest.raises(ConfigError, match="is a directory"):
        load_config(tmp_path)


def test_a_variable_does_not_hide_a_mistake_in_the_file(xdg_dirs, monkeypatch) -> None:
    path = write(xdg_dirs.config_home / "standup/config.toml", '[schedule]\nsit = "fifty"\n')
    monkeypatch.setenv("STANDUP_SCHEDULE__SIT", "5s")
    with pytest.raises(ConfigError) as caught:
        load_config()
    assert str(caught.value).startswith(f'{path}, line 2: schedule.sit = "fifty"')


def test_a_huge_bad_value_is_quoted_only_in_part(xdg_dirs, tmp_path) -> None:
    path = write(tmp_path / "bad.toml", f'[schedule]\nsit = "{"9" * 1_000_000}x"\n')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "line 2: schedule.sit = " in message
    assert "…" in message
    assert len(message) < 1_000


def test_a_fifo_in_place_of_the_config_is_refused_without_blocking(xdg_dirs, tmp_path) -> None:
    import os

    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="is not a regular file"):
        load_config(fifo)  # no writer ever comes: a blocking open would hang here


def test_a_link_to_an_endless_device_is_refused(xdg_dirs, tmp_path) -> None:
    link = tmp_path / "config.toml"
    link.symlink_to("/dev/zero")
    with pytest.raises(ConfigError, match="is not a regular file"):
        load_config(link)


def test_a_huge_file_is_refused_unread(xdg_dirs, tmp_path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# " + "x" * (17 * 1024 * 1024) + "\n")
    with pytest.raises(ConfigError, match="larger than 16 MiB"):
        load_config(path)


def test_deeply_nested_toml_is_a_config_error(xdg_dirs, tmp_path) -> None:
    path = write(tmp_path / "deep.toml", "x = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ConfigError, match="nested too deeply"):
        load_config(path)


def test_a_symlink_loop_is_a_config_error(xdg_dirs, tmp_path) -> None:
    loop = tmp_path / "config.toml"
    loop.symlink_to(loop)
    with pytest.raises(ConfigError, match=r"symlink loop|does not exist"):
        load_config(loop)


@pytest.mark.parametrize("name", ["STANDUP_BOGUS", "STANDUP_BOGUS__SIT", "STANDUP_SIT"])
def test_a_variable_that_names_no_setting_is_reported(xdg_dirs, monkeypatch, name) -> None:
    monkeypatch.setenv(name, "45m")
    with pytest.raises(ConfigError) as caught:
        load_config()
    message = str(caught.value)
    assert message.startswith(f"environment variable {name} is not a standup setting")
    assert "STANDUP_<TABLE>__<KEY>" in message and "schedule" in message
    assert "STANDUP_SCHEDULE__SIT=45m" in caught.value.hint


def test_a_variable_for_a_whole_table_asks_for_one_key(xdg_dirs, monkeypatch) -> None:
    monkeypatch.setenv("STANDUP_SCHEDULE", "45m")
    with pytest.raises(ConfigError, match=r"STANDUP_SCHEDULE sets the whole \[schedule\] table"):
        load_config()


def test_variables_that_are_not_settings_are_left_alone(xdg_dirs, monkeypatch) -> None:
    monkeypatch.setenv("STANDUP_LOG_LEVEL", "debug")
    monkeypatch.setenv("STANDUP_PROC_ROOT", "/proc")
    monkeypatch.setenv("STANDUP_SCHEDULE__SIT", "45m")
    assert load_config().settings.schedule.sit == timedelta(minutes=45)


def test_config_check_reports_an_unknown_variable_with_exit_2(xdg_dirs, monkeypatch, capsys):
    monkeypatch.setenv("STANDUP_NOTIFICATION__URGENCY", "low")  # the table is "notifications"
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("standup: environment variable STANDUP_NOTIFICATION__URGENCY is not")
