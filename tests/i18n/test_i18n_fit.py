"""Each language, complete and within the bubble: every message translated, its placeholders
kept, its plurals valid, and every shipped entry's reminder within the bubble budget."""

from __future__ import annotations

import re
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
from standup.i18n.width import columns, wrap

import pokit
from pokit import po

LANGUAGES = pokit.languages()
_PLACEHOLDER = re.compile(r"\{[a-z_]*\}")


def _entries(language: str) -> list[po.Entry]:
    """A language's messages and exercise texts, without the files' headers."""
    return [e for path in pokit.files(language) for e in po.read_po(path.read_text("utf-8"))[1:]]


def _headers(language: str) -> list[po.Entry]:
    return [po.read_po(path.read_text("utf-8"))[0] for path in pokit.files(language)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated(language: str) -> None:
    untranslated = [e.key for e in _entries(language) if not e.translated]
    assert untranslated == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language: str) -> None:
    for entry in _entries(language):
        wanted = sorted(_PLACEHOLDER.findall(entry.plural or entry.msgid))
        for text in entry.msgstr:
            assert sorted(_PLACEHOLDER.findall(text)) == wanted or not text, entry.key


@pytest.mark.parametrize("language", LANGUAGES)
def test_plural_forms_match_the_rule(language: str) -> None:
    for domain, head in zip(po.DOMAINS, _headers(language), strict=True):
        assert po.header_fields(head)["Project-Id-Version"] == domain
        assert po.header_fields(head)["Language"] == language
        assert po.header_fields(head)["Plural-Forms"] == po.PLURAL_FORMS[language]
    plurals = int(re.search(r"nplurals=(\d+)", po.PLURAL_FORMS[language]).group(1))
    assert all(len(e.msgstr) == plurals for e in _entries(language) if e.plural is not None)


def _problems(exercise: Any) -> list[str]:
    """What does not fit, in the catalogue's own limits (catalogue.py), in display columns."""
    shown = in_language(exercise)
    title, body = render(shown)
    found = []
    if columns(title) > TITLE_WIDTH:
        found.append(f"name is {columns(title)} columns: {title!r}")
    lines = [part for line in body.splitlines() for part in wrap(line, BODY_WIDTH)]
    if len(lines) > BODY_LINES:
        found.append(f"body wraps to {len(lines)} lines at {BODY_WIDTH}: {lines}")
    lead = [p for line in body.splitlines()[:3] for p in wrap(line, TITLE_WIDTH)]
    if len(lead) > LEAD_LINES:
        found.append(f"lead wraps to {len(lead)} lines at {TITLE_WIDTH}: {lead}")
    if columns(shown.side) > SIDE_LIMIT or columns(shown.dose) > DOSE_LIMIT:
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
    assert len(wrap(_(SAFETY_NOTICE), TITLE_WIDTH)) <= 4
