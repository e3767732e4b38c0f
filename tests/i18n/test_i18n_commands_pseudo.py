"""`config`, `exercises`, `service` and the daemon's replies speak the user's language.

Each command runs for real (`python -m standup ...`) in a pseudo-language, "xx", in which every
message of the code and every text of the exercise catalogue is wrapped in angle quotes: a line a
user reads without its marks was never asked of gettext. Lines that are pure data are excepted
where they are met, each saying why: ids, paths, TOML, the unit file, systemd's own words, the
commands `service` echoes as it runs them; and, worded elsewhere than these commands, the
filters' reasons (exercises/options.py) and a setting's origin in a variable (settings.py).
"standup: " before an error is the program's name, not a word.
"""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from config_daemon import daemon_on_config
from standup.control.client import request
from standup.daemon.commands import REFUSALS, refusal
from standup.errors import StandupError
from standup.exercises import GENERAL_CUE, GLOSSARY, SAFETY_NOTICE, builtin_catalogue
from standup.i18n import _, catalogue_text
from standup.service import install as service, installed, systemd

import pokit
from systemctl_fake import fake_manager, write_fake_systemctl

OPEN, CLOSE = pokit.OPEN, pokit.CLOSE
SRC = pokit.ROOT / "src" / "standup"


def _mark(text: str) -> str:
    return f"{OPEN}{text}{CLOSE}" if text else text


def _marked(line: str) -> bool:
    return line.startswith(OPEN) and line.endswith(CLOSE)


@pytest.fixture
def pseudo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """ "xx": every message and exercise text between OPEN and CLOSE (pokit.pseudo_tree)."""
    pokit.pseudo_tree(tmp_path / "locale")
    monkeypatch.setenv("STANDUP_LOCALEDIR", str(tmp_path / "locale"))
    monkeypatch.setenv("LANGUAGE", "xx")
    # The daemon, and each command, log their reminders and watch no idle source.
    monkeypatch.setenv("STANDUP_NOTIFICATIONS__BACKEND", "log")
    monkeypatch.setenv("STANDUP_IDLE__SOURCE", "none")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)


def standup(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """A command as a user runs it (no terminal on stdin), in this environment plus `env`."""
    return subprocess.run(
        [sys.executable, "-m", "standup", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        stdin=subprocess.DEVNULL,
        check=False,
    )


def _errors(done: subprocess.CompletedProcess[str]) -> list[str]:
    """stderr's lines, each without the program's name before it."""
    assert done.returncode != 0, done.stdout
    return [line.removeprefix("standup: ") for line in done.stderr.splitlines()]


def _config(xdg_dirs: Any) -> Path:
    return xdg_dirs.config_home / "standup" / "config.toml"


# ---- config ---------------------------------------------------------------------------------


def test_config_path_check_and_show(pseudo: None, xdg_dirs: Any) -> None:
    lines = standup("config", "path").stdout.splitlines()
    assert len(lines) == 2
    for line in lines:  # whether it is there, whose it is: words; then the path: data
        assert re.fullmatch(rf"{OPEN}[^{CLOSE}]+{CLOSE} +{OPEN}[^{CLOSE}]+{CLOSE} +/\S+", line)
    assert lines[1].startswith(f"{_mark('missing')}  {_mark('user')}   ")
    assert (
        standup("config", "check").stdout
        == _mark("config OK: {files}".format(files=_mark("no file (built-in defaults)"))) + "\n"
    )
    config = _config(xdg_dirs)
    config.parent.mkdir(parents=True)
    config.write_text('[schedule]\nsit = "40m"\n')
    assert standup("config", "check").stdout == _mark(f"config OK: {config}") + "\n"
    shown = standup("config", "show", "--sources").stdout
    origins = [line.partition("  # ")[2] for line in shown.splitlines() if " = " in line]
    # The values are TOML (data); where each comes from: the file's path, else our words (the
    # settings' own for the variables this test sets).
    assert origins.count(str(config)) == 1
    origins = [o for o in origins if not o.startswith("environment variable STANDUP_")]
    assert set(origins) == {str(config), _mark("built-in default")}


def test_config_init_and_set(pseudo: None, xdg_dirs: Any) -> None:
    config = _config(xdg_dirs)
    assert standup("config", "init").stdout == _mark(f"wrote {config}") + "\n"
    again = _errors(standup("config", "init"))
    assert again[0] == _mark(f"{config} is the commented example already")
    assert again[1].startswith(OPEN + "hint: " + OPEN + "change keys with ") and _marked(again[1])
    assert standup("config", "set", "schedule.sit", "40m").stdout == (
        _mark(f'schedule.sit = "40m" in {config}') + "\n"
    )
    unknown = _errors(standup("config", "set", "schedule.bogus", "1"))
    assert unknown[0].startswith(OPEN + f"{config}: unknown key schedule.bogus (allowed here: ")
    assert all(_marked(line) for line in unknown), unknown
    # The new text is checked in a file of its own: its name and line are not the config's.
    bound = _errors(standup("config", "set", "schedule.max_snoozes", "--", "-1"))
    rule = _mark("the value must be at least 0; e.g. max_snoozes = 3")
    assert bound[0] == _mark(f"{config}: schedule.max_snoozes = -1: {rule}")
    assert bound[1] == _mark("hint: " + _mark(f"nothing was written to {config}"))


def test_a_bad_config_is_told_in_the_language(pseudo: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(
        '[schedule]\nbogus = 1\nmax_snoozes = -2\nactive_days = []\n[tray]\nlabel = "maybe"\n'
    )
    lines = _errors(standup("config", "check", str(bad)))
    assert lines[0] == _mark(
        f"{_mark(f'{bad}, line 3')}: schedule.max_snoozes = -2: "
        + _mark("the value must be at least 0; e.g. max_snoozes = 3")
    )
    for line in lines[:3]:  # where (file and line) and what is allowed, each in our words
        assert _marked(line) and line.startswith(OPEN * 2), lines
    unknown = f"{_mark(f'{bad}, line 2')}: unknown key schedule.bogus (allowed here: "
    assert any(line.startswith(OPEN + unknown) for line in lines), lines
    assert lines[3] == _mark("(and 1 more)")
    hooks = tmp_path / "hooks.toml"
    hooks.write_text('[hooks]\nreminder = "desk-up"\n[tray]\nlabel = "maybe"\n')
    label, commands = _errors(standup("config", "check", str(hooks)))  # in the model's order
    said = "the value must be true or false, without quotes; e.g. label = true"
    assert label == _mark(f'{_mark(f"{hooks}, line 4")}: tray.label = "maybe": {_mark(said)}')
    assert commands.startswith(OPEN + _mark(f"{hooks}, line 2") + ': hooks.reminder = "desk-up": ')
    assert "write a list of commands" in commands and commands.endswith(CLOSE * 2)


def test_a_rejected_edit_is_kept_and_told_in_the_language(
    pseudo: None, xdg_dirs: Any, tmp_path: Path
) -> None:
    editor = tmp_path / "editor"
    editor.write_text(
        f"#!{sys.executable}\nimport sys\n"
        "open(sys.argv[1], 'w').write('[schedule]\\nbogus = 1\\n')\n"
    )
    editor.chmod(0o755)
    config = _config(xdg_dirs)
    lines = _errors(standup("config", "edit", EDITOR=str(editor), VISUAL=""))
    kept = config.with_name("config.toml.rejected")
    # No terminal: the edit is kept beside the config, and its errors name it, with lines.
    assert lines[0].startswith(
        _mark(f"{_mark(f'{kept}, line 2')}: unknown key schedule.bogus")[:-1]
    )
    assert lines[1] == _mark(f"{config} is unchanged; your edit is kept in {kept}")
    assert lines[2] == _mark(
        "hint: " + _mark(f"fix it there, then `standup config check {kept}` and move it over")
    )


# ---- exercises ------------------------------------------------------------------------------


def test_exercises_list(pseudo: None) -> None:
    lines = standup("exercises", "list").stdout.splitlines()
    assert re.split(r" {2,}", lines[0]) == [_mark(h) for h in ("ID", "CATEGORY", "WHERE", "NEEDS")]
    entries, moves = lines[1:-1:2], lines[2:-1:2]
    catalogue = {e.id: e for e in builtin_catalogue()}
    for entry, move in zip(entries, moves, strict=True):
        # The row: id, category, position and equipment, the config's own words (data).
        exercise = catalogue[entry.split()[0]]
        texts = (_mark(getattr(exercise, field)) for field in ("name", "dose", "cue"))
        assert move == "    " + _mark("{}: {}. {}".format(*texts))
    eligible = len(entries)
    assert lines[-1] == _mark(f"{eligible} of {len(catalogue)} eligible (focus: balanced)")
    listed = standup("exercises", "list", "--all").stdout.splitlines()
    assert listed[0].endswith(_mark("FILTERED OUT"))  # the filters' reasons below: data here
    assert len(listed) == 2 * len(catalogue) + 2
    data = json.loads(standup("exercises", "list", "--json").stdout)
    assert len(data) == eligible  # the JSON keeps the catalogue's English, for scripts
    assert all(row["name"] == catalogue[row["id"]].name for row in data)
    assert OPEN not in json.dumps(data, ensure_ascii=False)


def test_exercises_show_and_next(pseudo: None) -> None:
    tilts = next(e for e in builtin_catalogue() if e.id == "standing-pelvic-tilts")
    lines = standup("exercises", "show", tilts.id).stdout.splitlines()
    assert lines[0] == _mark(f"{_mark(tilts.name)} [{tilts.id}]")
    assert lines[1] == _mark(
        f"hip_flexors.mobility, standing, equipment: none; {_mark('eligible')}"
    )
    for line in filter(None, lines):  # the bubble's lines end with the full stop render adds
        assert line.startswith(OPEN) and line.rstrip(".").endswith(CLOSE), line
    assert _mark(GLOSSARY["tuck"]) in lines and GLOSSARY["hinge"] not in "".join(lines)
    assert _mark("Why: " + _mark(tilts.why)) in lines
    assert _mark("Feel it here: " + _mark(tilts.feel)) in lines
    assert lines[-2:] == [_mark(GENERAL_CUE), _mark(SAFETY_NOTICE)]
    hinge = standup("exercises", "show", "good-morning-hinge").stdout.splitlines()
    assert _mark(GLOSSARY["hinge"]) in hinge
    bridge = standup("exercises", "show", "glute-bridge").stdout.splitlines()
    for label in ("Easier: ", "Harder: "):  # the neighbours' names, from the catalogue
        assert any(line.startswith(OPEN + label + OPEN) for line in bridge), bridge
    deadlift = standup("exercises", "show", "romanian-deadlift").stdout.splitlines()
    status = "hamstrings.strength, standing, equipment: dumbbell; "
    assert deadlift[1].startswith(OPEN + status + _mark("not eligible: ")[:-1])
    assert _errors(standup("exercises", "show", "leg-swing")) == [
        _mark("no exercise with id 'leg-swing'"),
        _mark(
            "hint: "
            + _mark("did you mean 'leg-swings'? `standup exercises list --all` shows every id")
        ),
    ]
    first = standup("exercises", "next").stdout
    assert _marked(first.rstrip("\n")) and "No reminder has been given yet" in first


def test_glossary_words_are_found_in_the_english_steps(speak: Any) -> None:
    """In a real language the steps no longer say "hinge"; the entry explains it all the same."""
    speak("de")
    hinge = next(e for e in builtin_catalogue() if e.id == "good-morning-hinge")
    shown = [catalogue_text(hinge.id, f"step{n}", s) for n, s in enumerate(hinge.steps, 1)]
    assert shown != list(hinge.steps) and "hinge" not in " ".join(shown).lower()
    out = standup("exercises", "show", hinge.id).stdout
    assert f"\n{_(GLOSSARY['hinge'])}\n" in out
    assert f"\n{_(SAFETY_NOTICE)}\n" in out and _(SAFETY_NOTICE) != SAFETY_NOTICE


# ---- service --------------------------------------------------------------------------------


@pytest.fixture
def fake_systemctl(
    pseudo: None, tmp_path: Path, xdg_dirs: Any, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A user manager (tests/systemctl_fake.py) with no display, whose unit failed."""
    (tmp_path / "bin").mkdir()
    log = tmp_path / "systemctl.log"
    env = {"HOME": str(tmp_path), "XDG_CONFIG_HOME": str(xdg_dirs.config_home)}
    show = {"ActiveState": "failed", "Result": "exit-code", "ExecMainCode": "1"}
    active = {"graphical-session.target": "active", "standup.service": "failed"}
    fake_manager(log, env=env, show={**show, "ExecMainStatus": "1"}, active=active)
    write_fake_systemctl(tmp_path / "bin" / "systemctl", log)
    monkeypatch.setenv("PATH", f"{tmp_path / 'bin'}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("HOME", str(tmp_path))
    return log


def _said(lines: list[str]) -> list[str]:
    """The lines that are words: not the commands echoed as they run ("$ systemctl ...")."""
    return [line for line in lines if not line.startswith("$ ")]


def test_service_install_status_and_uninstall(fake_systemctl: Path, xdg_dirs: Any) -> None:
    unit = xdg_dirs.config_home / "systemd" / "user" / "standup.service"
    planned = standup("service", "install", "--dry-run").stdout
    # After "would write UNIT:", the unit file as systemd reads it (data), then a blank line.
    content = service.render_unit(service.exec_line(service.run_argv("linux"))).rstrip("\n")
    heading = _mark(f"would write {unit}:") + "\n" + content + "\n\n"
    assert planned.startswith(heading)
    rest = planned.removeprefix(heading).splitlines()
    assert all(_marked(line) for line in rest), rest
    assert any(line.startswith(OPEN + "warning: " + OPEN) for line in rest)
    done = standup("service", "install").stdout.splitlines()
    assert _said(done)[0] == _mark(f"wrote {unit}")
    assert _said(done)[-1] == _mark("start it now with: systemctl --user start standup.service")
    assert all(_marked(line) for line in _said(done)), done
    status = standup("service", "status").stdout.splitlines()
    labels = ("unit file:", "enabled:", "active:", "", "daemon:", "warning:")
    for line, label in zip(status, labels, strict=True):
        word, value = line[: len(_mark(label))], line[len(_mark(label)) :].lstrip()
        assert word == _mark(label)
        if label in ("enabled:", "active:"):
            assert value in ("enabled", "failed")  # systemd's own words, as systemctl says them
        else:
            assert _marked(value), line
    assert status[3].lstrip() == _mark(
        "it exited with status 1; its log: journalctl --user -u standup.service -e"
    )
    refused = _errors(standup("service", "install", FAIL_ON="enable"))
    assert refused[0] == _mark(
        "`systemctl --user enable standup.service` failed: "
        "Failed to connect to bus: No medium found"
    )
    assert refused[1].startswith(OPEN + "hint: " + OPEN + "no systemd user manager answers here")
    removed = _said(standup("service", "uninstall", FAIL_ON="stop").stdout.splitlines())
    assert removed[0] == "  " + _mark("(Failed to connect to bus: No medium found; carrying on)")
    assert _mark(f"removed {unit}") in removed
    assert all(_marked(line.strip()) for line in removed), removed


def test_service_notes_and_failures_in_the_language(pseudo: None, tmp_path: Path) -> None:
    """What `service` says in other situations, from the functions that word it."""
    states = [
        {"Result": "exit-code", "ExecMainStatus": "2"},
        {"Result": "exit-code", "ExecMainStatus": "203"},
        {"Result": "signal", "ExecMainStatus": "31"},
        {"Result": "core-dump", "ExecMainStatus": "9"},
        {"Result": "watchdog"},
        {"Result": "start-limit-hit"},
        {"Result": ""},
    ]
    said = [systemd.failure_reason({"ActiveState": "failed", **state}) for state in states]
    no_manager = systemd.ManagerFacts(None, None)
    sway = systemd.ManagerFacts({"DISPLAY": ":0"}, "inactive")
    shell = {"XDG_CURRENT_DESKTOP": "sway", "DISPLAY": ":0"}
    said += systemd.install_notes(tmp_path / "a" / "u", tmp_path / "a" / "u", no_manager, {})
    said += systemd.install_notes(tmp_path / "m" / "u", tmp_path / "s" / "u", sway, shell)[:2]
    said.append(systemd.display_warning({}, {"DISPLAY": ":0"}))
    for platform in ("darwin", "win32"):
        said += service.plan_install(platform=platform).advice[::2]
        said += service.plan_uninstall(platform=platform).advice
    (tmp_path / "link").symlink_to(tmp_path)
    (tmp_path / "other").write_text("mine")
    said += [installed.why_kept(tmp_path / "link"), installed.why_kept(tmp_path / "other")]
    for text in said:
        assert text is not None and _marked(text), text
    assert said[2] == _mark(
        "it was killed by SIGSYS: a system call the unit's SystemCallFilter= refuses (please "
        "report it); its log: journalctl --user -u standup.service -e"
    )
    assert said[6].startswith(_mark("result: ")[:-1] + _mark("unknown"))


# ---- the daemon's replies -------------------------------------------------------------------


def test_every_refusal_of_the_core_is_marked_for_the_reply(pseudo: None) -> None:
    """The core's English refusals (it imports nothing of the shell) are all in REFUSALS."""
    found, formatted = set(), 0
    for path in (SRC / "core").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            called = isinstance(node, ast.Call) and getattr(node.func, "id", "")
            if called not in ("Reject", "refuse"):
                continue
            assert isinstance(node, ast.Call)
            if isinstance(node.args[0], ast.Constant):
                found.add(node.args[0].value)
            elif isinstance(node.args[0], ast.JoinedStr):
                formatted += 1  # no snoozes left: seen against the daemon below
    assert found == set(REFUSALS) and formatted == 1
    assert all(refusal(text) == _mark(text) for text in found)


def test_the_daemon_s_error_replies(pseudo: None) -> None:
    with daemon_on_config("[schedule]\nmax_snoozes = 1\n") as (_env, config):
        assert _errors(standup("resume")) == [_mark("not paused")]
        assert standup("pause").returncode == 0
        assert _errors(standup("snooze")) == [_mark("paused: run `standup resume` first")]
        assert standup("resume").returncode == 0
        assert standup("now").returncode == 0 and standup("snooze").returncode == 0
        coming = standup("exercises", "next").stdout.splitlines()  # the daemon's answer
        assert coming[0].startswith(_mark("Next: ")[:-1] + OPEN)
        assert coming[-1] == _mark("(the snoozed reminder comes back with this exercise)")
        assert standup("now").returncode == 0
        assert _errors(standup("snooze")) == [
            _mark(
                "no snoozes left (1 in a row): answer it with Done or Skip "
                "(`standup done`, `standup skip`)"
            )
        ]
        asked = [("pause", {"duration": 0}), ("status", {"bogus": 1})]
        asked += [("pause", {"until": "noon"}), ("done", {"rating": "meh"})]
        for cmd, args in asked:  # what only a client of its own would send
            with pytest.raises(StandupError) as refused:
                request(cmd, args)
            assert _marked(str(refused.value)), str(refused.value)
        done = standup("config", "set", "schedule.sit", "40m").stdout.splitlines()
        assert done[-1] == _mark("the running standup reloaded its config")
        config.write_text("[schedule]\nbogus = 1\n")
        lines = _errors(standup("reload"))
        assert lines[0].startswith(OPEN + "config not reloaded: " + OPEN * 2 + f"{config}, line 2")
