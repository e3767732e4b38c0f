"""The template and each language's file follow the code and the catalogue."""

from __future__ import annotations

import gettext
import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

import pokit
from pokit import po

CATALOGUE = pokit.ROOT / "src" / "standup" / "exercises" / "data" / "exercises.toml"


def test_the_committed_template_is_current() -> None:
    assert pokit.TEMPLATE.read_text("utf-8") == po.template(pokit.ROOT), (
        "po/standup.pot is out of date: run tools/update-pot and commit po/"
    )


@pytest.mark.parametrize("language", pokit.languages())
def test_each_language_has_every_message_of_the_template(language: str) -> None:
    path = pokit.PO_DIR / f"{language}.po"
    text = path.read_text("utf-8")
    template = po.read_po(pokit.TEMPLATE.read_text("utf-8"))
    assert po.render_po(po.merge(template, po.read_po(text))) == text, (
        f"{path.name} is behind po/standup.pot: run tools/update-pot"
    )


def test_every_text_of_the_catalogue_is_in_its_own_context() -> None:
    entries = {e.key: e for e in po.read_po(pokit.TEMPLATE.read_text("utf-8"))}
    for exercise in tomllib.loads(CATALOGUE.read_text("utf-8"))["exercise"]:
        assert entries[(f"{exercise['id']}.name", exercise["name"])]
        assert entries[(f"{exercise['id']}.cue", exercise["cue"])]
        for n, step in enumerate(exercise["steps"], start=1):
            assert entries[(f"{exercise['id']}.step{n}", step)]
        if exercise.get("side"):
            assert entries[(f"{exercise['id']}.side", exercise["side"])]


def test_a_file_reads_back_as_written() -> None:
    text = pokit.TEMPLATE.read_text("utf-8")
    assert po.render_po(po.read_po(text)) == text
    sample = po.Entry('Line one\nline "two"\t\\', "ctx", "{count} lines", ["a\n", "b"])
    assert po.read_po(po.render_po([sample]))[0] == sample


_MSGFMT = shutil.which("msgfmt")
_NO_MSGFMT = "needs GNU gettext's msgfmt (Debian's gettext package)"


@pytest.mark.skipif(_MSGFMT is None and not os.environ.get("CI"), reason=_NO_MSGFMT)
@pytest.mark.parametrize("language", pokit.languages())
def test_gnu_msgfmt_finds_each_file_valid(language: str) -> None:
    """Its checks: the header, the plural rule, and the {placeholders} kept in each msgstr."""
    done = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(pokit.PO_DIR / f"{language}.po")],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(_MSGFMT is None and not os.environ.get("CI"), reason=_NO_MSGFMT)
@pytest.mark.parametrize("language", pokit.languages())
def test_our_compiler_reads_as_gnu_msgfmt_does(language: str, tmp_path: Path) -> None:
    source = pokit.PO_DIR / f"{language}.po"
    subprocess.run(["msgfmt", "-o", str(tmp_path / "gnu.mo"), str(source)], check=True)
    (tmp_path / "ours.mo").write_bytes(po.compile_mo(po.read_po(source.read_text("utf-8"))))
    catalogues = []
    for name in ("gnu.mo", "ours.mo"):
        with (tmp_path / name).open("rb") as mo_file:
            catalogues.append(gettext.GNUTranslations(mo_file)._catalog)
    assert catalogues[0] == catalogues[1]
