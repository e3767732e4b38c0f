"""The language standup speaks: the environment's, as gettext reads it; English without one."""

from __future__ import annotations

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


def test_importing_it_reads_no_catalogue() -> None:
    """A client command pays for the catalogue only when it prints a message."""
    probe = (
        "import sys, gettext\n"
        "import standup.i18n, standup.i18n.clock\n"
        "print(len(gettext._translations), 'locale' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert result.stdout.split() == ["0", "False"], result.stderr


def test_the_translations_folder_is_not_taken_for_a_setting(
    xdg_dirs: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """STANDUP_LOCALEDIR moves the catalogues (tests, a build tree); the config still loads."""
    from standup.config.settings import load_config

    monkeypatch.setenv("STANDUP_LOCALEDIR", str(tmp_path))
    assert load_config().settings is not None
