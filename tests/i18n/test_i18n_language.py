"""The language standup speaks: the environment's, as gettext reads it; English without one."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from standup.i18n import N_, _, choose_language, language, ngettext, npgettext, pgettext


@pytest.fixture(autouse=True)
def _environment_language() -> Iterator[None]:
    yield
    choose_language(None)


def test_a_language_standup_lacks_is_english_with_no_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STANDUP_LOCALEDIR", str(tmp_path))
    monkeypatch.setenv("LANGUAGE", "xx:yy")
    assert _("Done") == "Done"
    assert ngettext("{count} break today", "{count} breaks today", 2) == "{count} breaks today"
    assert ngettext("{count} break today", "{count} breaks today", 1) == "{count} break today"
    assert pgettext("tray", "Skip") == "Skip"
    assert npgettext("tray", "a", "b", 3) == "b"
    assert N_("Before you start") == "Before you start"
    assert language() == "en"
    choose_language("zz")
    assert _("Done") == "Done"


@pytest.mark.parametrize(
    ("language", "before", "after"),
    [("C.UTF-8", "False", "False"), ("en_US.UTF-8", "False", "False"), ("de", "False", "True")],
)
def test_gettext_is_read_only_when_a_message_needs_it(
    language: str, before: str, after: str, compiled: Path
) -> None:
    """A client command pays for the catalogue only when it prints a message, and in English
    not even then: the text in the code is the English."""
    probe = (
        "import sys\n"
        "import standup.i18n, standup.i18n.clock\n"
        "print('gettext' in sys.modules)\n"
        "print(standup.i18n._('Done'), 'gettext' in sys.modules)\n"
    )
    env = {"LANG": language, "STANDUP_LOCALEDIR": str(compiled), "PATH": os.environ["PATH"]}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True
    )
    lines = result.stdout.split("\n")
    assert lines[0] == before
    assert lines[1].split()[-1] == after
    assert lines[1].split()[0] == ("Erledigt" if language == "de" else "Done")


def test_the_translations_folder_is_not_taken_for_a_setting(
    xdg_dirs: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STANDUP_LOCALEDIR moves the catalogues (tests, a build tree); the config still loads."""
    from standup.config.settings import load_config

    monkeypatch.setenv("STANDUP_LOCALEDIR", str(tmp_path))
    assert load_config().settings is not None
