"""Each language, complete and within the bubble: every message translated, its placeholders
kept, its plurals valid, and every shipped entry's reminder within the bubble budget."""

from __future__ import annotations

import re
import textwrap
import unicodedata
from typing import Any

import pytest

from standup.exercises import builtin_catalogue
from standup.exercises.catalogue import (
    BODY_LINES,
    BODY_WIDTH,
    DOSE_LIMIT,
    LEAD_LINES,
    SAFETY_NOTICE,
    SIDE_LIMIT,
    TITLE_WIDTH,
    in_language,
    render,
)
from standup.i18n import _

import pokit
from pokit import po

LANGUAGES = pokit.languages()
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def columns(text: str) -> int:
    """Display columns: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _entries(language: str) -> list[po.Entry]:
    return po.read_po((pokit.PO_DIR / f"{language}.po").read_text("utf-8"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    untranslated = [e.key for e in _entries(language)[1:] if not e.translated]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    for entry in _entries(language)[1:]:
        wanted = sorted(_PLACEHOLDER.findall(entry.plural or entry.msgid))
        for text in entry.msgstr:
            assert sorted(_PLACEHOLDER.findall(text)) == wanted or not text, entry.key


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_match_the_rule(language: str) -> None:
    entries = _entries(language)
    rule = po.header_fields(entries[0])["Plural-Forms"]
    assert rule == po.PLURAL_FORMS[language]
    plurals = int(re.search(r"nplurals=(\d+)", rule).group(1))
    assert all(len(e.msgstr) == plurals for e in entries if e.plural is not None)


def _problems(exercise: Any) -> list[str]:
    """What does not fit, in the catalogue's own limits (catalogue.py), in display columns."""
    shown = in_language(exercise)
    title, body = render(shown)
    found = []
    if columns(title) > TITLE_WIDTH:
        found.append(f"name is {columns(title)} columns: {title!r}")
    lines = [part for line in body.splitlines() for part in textwrap.wrap(line, BODY_WIDTH)]
    if len(lines) > BODY_LINES:
        found.append(f"body wraps to {len(lines)} lines at {BODY_WIDTH}: {lines}")
    lead = [p for line in body.splitlines()[:3] for p in textwrap.wrap(line, TITLE_WIDTH)]
    if len(lead) > LEAD_LINES:
        found.append(f"lead wraps to {len(lead)} lines at {TITLE_WIDTH}: {lead}")
    if len(shown.side) > SIDE_LIMIT or len(shown.dose) > DOSE_LIMIT:
        found.append(f"side or dose too long: {shown.side!r}, {shown.dose!r}")
    if not any(c.isdigit() for c in shown.dose):
        found.append(f"dose without a number: {shown.dose!r}")
    return found


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_shipped_entry_fits_the_bubble(language: str, speak: Any) -> None:
    speak(language)
    problems = {e.id: p for e in builtin_catalogue() if (p := _problems(e))}
    assert problems == {}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_safety_notice_fits_mako_s_small_bubble(language: str, speak: Any) -> None:
    speak(language)
    assert _(SAFETY_NOTICE) != SAFETY_NOTICE
    assert len(textwrap.wrap(_(SAFETY_NOTICE), TITLE_WIDTH)) <= 4
