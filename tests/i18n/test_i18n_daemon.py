"""A real `standup run` whose config names a language, in a session that asks for none: the
daemon's reminders, the clients' lines and doctor's words are all in the config's language."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from config_daemon import standup
from standup.i18n import _, catalogue_text, choose_language


@pytest.fixture
def german(xdg_dirs: Any, compiled: Path, tmp_path: Path) -> Iterator[tuple[dict[str, str], Path]]:
    """The daemon on `[general] language = "de"`, LANG=C.UTF-8; its environment and log."""
    env = {**os.environ, "STANDUP_NOTIFICATIONS__BACKEND": "log", "STANDUP_IDLE__SOURCE": "none"}
    env |= {"STANDUP_LOCALEDIR": str(compiled), "LANG": "C.UTF-8"}
    for name in ("DBUS_SESSION_BUS_ADDRESS", "LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        env.pop(name, None)
    config = Path(env["XDG_CONFIG_HOME"]) / "standup" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[general]\nlanguage = "de"\n')
    log = tmp_path / "daemon.log"
    with log.open("w") as sink:
        proc = subprocess.Popen(
            [sys.executable, "-m", "standup", "run"], env=env, stdout=sink, stderr=sink
        )
    try:
        deadline = time.monotonic() + 20
        while standup(env, "status").returncode != 0:
            assert proc.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.1)
        yield env, log
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _in_german(message: str) -> str:
    choose_language("de")
    try:
        return _(message)
    finally:
        choose_language(None)


def test_the_daemon_and_its_clients_speak_the_config_s_language(
    german: tuple[dict[str, str], Path], speak: Any
) -> None:
    env, log = german
    speak("C")  # this process: only to read the catalogue for the expected words
    status = standup(env, "status")
    assert status.returncode == 0, status.stderr
    sitting = _in_german("Sitting for {duration}; next reminder at {time} (in {wait}).")
    assert sitting != "Sitting for {duration}; next reminder at {time} (in {wait})."
    assert status.stdout.startswith(sitting.split("{")[0]), status.stdout
    assert standup(env, "now").returncode == 0
    shown = json.loads(standup(env, "status", "--json").stdout)["exercise"]
    choose_language("de")
    try:
        name = catalogue_text(shown["id"], "name", shown["name"])
    finally:
        choose_language(None)
    assert name != shown["name"]  # German, while the JSON keeps the English for scripts
    deadline = time.monotonic() + 10
    while name not in log.read_text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert name in log.read_text()


def test_doctor_says_the_daemon_speaks_the_config_s_language(
    german: tuple[dict[str, str], Path], speak: Any
) -> None:
    env, _log = german
    speak("C")
    report = json.loads(standup(env, "doctor", "--json").stdout)
    language = next(c for c in report["checks"] if c["name"] == "language")
    details = language["details"]
    assert (details["language"], details["source"]) == ("de", '[general] language = "de"')
    speaks = _in_german("the daemon speaks {language}").format(language="Deutsch (de)")
    assert language["finding"].startswith(speaks), language["finding"]


def test_a_refused_reload_keeps_the_language(
    german: tuple[dict[str, str], Path], speak: Any
) -> None:
    env, _log = german
    speak("C")
    config = Path(env["XDG_CONFIG_HOME"]) / "standup" / "config.toml"
    config.write_text('[general]\nlanguage = "Deutsch!"\n')
    reload = standup(env, "reload")
    assert reload.returncode != 0 and "general.language" in reload.stderr
    status = json.loads(standup(env, "status", "--json").stdout)
    assert status["language"] == "de"
    sitting = _in_german("Sitting for {duration}; next reminder at {time} (in {wait}).")
    assert standup(env, "status").stdout.startswith(sitting.split("{")[0])
