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


@pytest.mark.parametrize("domain", po.DOMAINS)
def test_the_committed_template_is_current(domain: str) -> None:
    path = po.template_path(pokit.ROOT, domain)
    assert path.read_text("utf-8") == po.template(pokit.ROOT, domain), (
        f"{path.name} is out of date: run tools/update-pot and commit po/"
    )


@pytest.mark.parametrize("domain", po.DOMAINS)
@pytest.mark.parametrize("language", pokit.languages())
def test_each_language_has_every_message_of_the_template(language: str, domain: str) -> None:
    path = pokit.folders()[domain] / f"{language}.po"
    text = path.read_text("utf-8")
    template = po.read_po(po.template_path(pokit.ROOT, domain).read_text("utf-8"))
    assert po.render_po(po.merge(template, po.read_po(text))) == text, (
        f"{path} is behind its template: run tools/update-pot"
    )


def test_the_catalogue_and_the_messages_are_apart() -> None:
    """A client command that prints a status loads the messages only, never the steps."""
    messages = po.read_po(pokit.TEMPLATE.read_text("utf-8"))
    exercises = po.read_po(pokit.EXERCISES_TEMPLATE.read_text("utf-8"))
    assert {e.key for e in messages[1:]}.isdisjoint(e.key for e in exercises[1:])
    assert all(e.places == ["src/standup/exercises/data/exercises.toml"] for e in exercises[1:])
    assert not [e for e in messages[1:] if "exercises.toml" in " ".join(e.places)]


def test_every_text_of_the_catalogue_is_in_its_own_context() -> None:
    entries = {e.key: e for e in po.read_po(pokit.EXERCISES_TEMPLATE.read_text("utf-8"))}
    for exercise in tomllib.loads(CATALOGUE.read_text("utf-8"))["exercise"]:
        assert entries[(f"{exercise['id']}.name", exercise["name"])]
        assert entries[(f"{exercise['id']}.cue", exercise["cue"])]
        for n, step in enumerate(exercise["steps"], start=1):
            assert entries[(f"{exercise['id']}.step{n}", step)]
        if exercise.get("side"):
            assert entries[(f"{exercise['id']}.side", exercise["side"])]


def test_a_file_reads_back_as_written() -> None:
    for path in (pokit.TEMPLATE, pokit.EXERCISES_TEMPLATE):
        text = path.read_text("utf-8")
        assert po.render_po(po.read_po(text)) == text
    sample = po.Entry('Line one\nline "two"\t\\', "ctx", "{count} lines", ["a\n", "b"])
    assert po.read_po(po.render_po([sample]))[0] == sample


_MSGFMT = shutil.which("msgfmt")
_NO_MSGFMT = "needs GNU gettext's msgfmt (Debian's gettext package)"


_EVERY_FILE = [p.relative_to(pokit.ROOT).as_posix() for p in pokit.every_file()]


@pytest.mark.skipif(_MSGFMT is None and not os.environ.get("CI"), reason=_NO_MSGFMT)
@pytest.mark.parametrize("name", _EVERY_FILE)
def test_gnu_msgfmt_finds_each_file_valid(name: str) -> None:
    """Its checks: the header, the plural rule, and the {placeholders} kept in each msgstr."""
    done = subprocess.run(
        ["msgfmt", "--check", "-o", "/dev/null", str(pokit.ROOT / name)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.skipif(_MSGFMT is None and not os.environ.get("CI"), reason=_NO_MSGFMT)
@pytest.mark.parametrize("name", _EVERY_FILE)
def test_our_compiler_reads_as_gnu_msgfmt_does(name: str, tmp_path: Path) -> None:
    source = pokit.ROOT / name
    subprocess.run(["msgfmt", "-o", str(tmp_path / "gnu.mo"), str(source)], check=True)
    (tmp_path / "ours.mo").write_bytes(po.compile_mo(po.read_po(source.read_text("utf-8"))))
    catalogues = []
    for name in ("gnu.mo", "ours.mo"):
        with (tmp_path / name).open("rb") as mo_file:
            catalogues.append(gettext.GNUTranslations(mo_file)._catalog)
    assert catalogues[0] == catalogues[1]
