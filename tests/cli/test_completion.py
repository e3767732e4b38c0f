"""`standup completion SHELL`, run in the real shells, and installed by `service install`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from standup.cli import completion as cli_completion
from standup.cli.main import build_parser, main
from standup.service import install as service


def completion(shell: str, capsys) -> str:
    assert main(["completion", shell]) == 0
    return capsys.readouterr().out


def needs(shell: str) -> str:
    found = shutil.which(shell)
    if found is None:
        import os

        if os.environ.get("CI"):
            pytest.fail(f"{shell} is missing; .ci/run installs it")
        pytest.skip(f"{shell} is not installed")
    return found


BASH_PROBE = """
source "$1"
read -ra COMP_WORDS <<< "$2"
[[ $2 == *" " ]] && COMP_WORDS+=("")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
_standup
printf '%s\\n' "${COMPREPLY[@]}"
"""

# Stand-ins for zsh's compadd and _files that print the candidates matching the word typed,
# so the script's own walk of the command line is checked without an interactive shell.
ZSH_PROBE = """
compadd() { shift; local w; for w in "$@"; do [[ $w == ${PREFIX}* ]] && print -r -- $w; done }
_files() { print -r -- FILES }
words=()
source "$1" >/dev/null
words=(${=2}); [[ $2 == *' ' ]] && words+=('')
CURRENT=${#words}; PREFIX=${words[CURRENT]}
_standup || true  # the stand-in fails on its last non-match
"""

CASES = [
    ("standup con", ["config"]),
    ("standup config s", ["set", "show"]),
    ("standup service ", ["install", "status", "uninstall"]),
    ("standup --log-level ", ["debug", "error", "info", "warning"]),
    ("standup --config x.toml conf", ["config"]),
    ("standup completion ", ["bash", "fish", "zsh"]),
    # The global options are accepted after a command too.
    ("standup exercises list --", ["--all", "--config", "--help", "--json", "--log-level"]),
    ("standup status --log-level ", ["debug", "error", "info", "warning"]),
]


@pytest.mark.parametrize(("line", "expected"), CASES)
def test_bash_completes_commands_options_and_choices(
    tmp_path: Path, capsys, line: str, expected: list[str]
) -> None:
    bash = needs("bash")
    script = tmp_path / "standup.bash"
    script.write_text(completion("bash", capsys))
    out = subprocess.run(
        [bash, "--norc", "-c", BASH_PROBE, "probe", str(script), line],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert sorted(out.split()) == expected


@pytest.mark.parametrize(("line", "expected"), CASES)
def test_zsh_completes_the_same(tmp_path: Path, capsys, line: str, expected: list[str]) -> None:
    zsh = needs("zsh")
    script = tmp_path / "_standup"
    text = completion("zsh", capsys)
    assert text.startswith("#compdef standup\n")
    script.write_text(text)
    out = subprocess.run(
        [zsh, "-f", "-c", ZSH_PROBE, "probe", str(script), line],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert sorted(out.split()) == expected


@pytest.mark.parametrize(("line", "expected"), CASES)
def test_fish_completes_the_same(tmp_path: Path, capsys, line: str, expected: list[str]) -> None:
    fish = needs("fish")
    script = tmp_path / "standup.fish"
    script.write_text(completion("fish", capsys))
    out = subprocess.run(
        [fish, "--no-config", "-c", f"source {script}; complete -C {line!r}"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert sorted(row.split("\t")[0] for row in out.splitlines()) == expected


def test_fish_shows_each_commands_help(tmp_path: Path, capsys) -> None:
    fish = needs("fish")
    script = tmp_path / "standup.fish"
    script.write_text(completion("fish", capsys))
    out = subprocess.run(
        [fish, "--no-config", "-c", f"source {script}; complete -C 'standup doc'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert out == "doctor\tcheck everything standup needs, with hints\n"


def test_an_unknown_shell_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["completion", "tcsh"])
    assert exited.value.code == 1
    assert "invalid choice: 'tcsh'" in capsys.readouterr().err


def test_service_install_writes_each_shells_file_and_uninstall_removes_them(xdg_dirs) -> None:
    data, config = xdg_dirs.data_home, xdg_dirs.config_home
    expected = [
        data / "bash-completion" / "completions" / "standup",
        data / "zsh" / "site-functions" / "_standup",
        config / "fish" / "completions" / "standup.fish",
    ]
    assert list(cli_completion.install_paths().values()) == expected
    plan = service.plan_install(
        platform="linux", shell_files=cli_completion.install_files(build_parser())
    )
    written = dict(plan.extra)
    for path in expected:
        assert b"standup" in written[path]
    assert written[expected[0]].decode().endswith("complete -F _standup standup\n")
    lines = service.describe(plan)
    assert f"would write {expected[2]}" in lines
    service._touch_file(plan, echo=lambda line: None)
    assert all(path.is_file() for path in expected)
    removal = service.plan_uninstall(platform="linux", shell_files=cli_completion.removal_files())
    service._touch_file(removal, echo=lambda line: None)
    assert not any(path.exists() for path in expected)


def test_the_service_commands_bring_the_completion_files(xdg_dirs, run_main, capsys) -> None:
    fish = xdg_dirs.config_home / "fish" / "completions" / "standup.fish"
    if sys.platform.startswith("linux"):
        assert run_main(["service", "install", "--dry-run"]) == 0
        assert f"would write {fish}" in capsys.readouterr().out
        assert run_main(["service", "uninstall", "--dry-run"]) == 0
        assert f"would remove {fish}" in capsys.readouterr().out
