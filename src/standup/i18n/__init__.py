"""The user's language: standup's messages through gettext, the catalogue loaded when first asked.

Strings are marked where they are written: `_()` for a message, `ngettext()` for one that
counts something, `pgettext()` for one whose meaning needs a context (each exercise field has
its own), and `N_()` for a module-level constant, translated where it is shown. The language
comes from LANGUAGE, LC_ALL, LC_MESSAGES and LANG, as gettext reads them; one standup does not
have falls back to English with no error. Nothing is read at import, so a client command pays
for the catalogue only when it prints a message; where only English is asked for (C, POSIX,
en_*), gettext is not even imported: English is the text in the code.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

DOMAIN = "standup"
# The exercise texts are a catalogue of their own, read only where an exercise is shown: a
# `status` then loads its few dozen messages, not every step of every move.
EXERCISES_DOMAIN = "standup-exercises"
# What gettext reads, in its order; the first one set names the language (LANGUAGE may list
# several, separated by colons).
LANGUAGE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_chosen: str | None = None  # `[general] language`, where the config names one


def localedir() -> Path:
    """$STANDUP_LOCALEDIR (tests, a build tree), else the package's own `locale` folder, where
    building the wheel puts the compiled catalogues."""
    override = os.environ.get("STANDUP_LOCALEDIR")
    return Path(override) if override else Path(__file__).resolve().parent.parent / "locale"


def choose_language(language: str | None) -> None:
    """Speak `language` ("de", "pt_BR") whatever the environment says; None: the environment."""
    global _chosen
    _chosen = language or None


def chosen_language() -> str | None:
    """The language `[general] language` names; None: the environment's."""
    return _chosen


def environment_language() -> str:
    """The first of LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set, as gettext reads them
    ("" when none is): what this process speaks unless the config names a language."""
    return next((value for name in LANGUAGE_VARIABLES if (value := os.environ.get(name))), "")


if TYPE_CHECKING:  # a Protocol class costs `status` a tenth of a millisecond at import

    class Catalogue(Protocol):
        """What standup asks of a catalogue: gettext's translations, or English as written."""

        def gettext(self, message: str, /) -> str: ...
        def ngettext(self, singular: str, plural: str, n: int, /) -> str: ...
        def pgettext(self, context: str, message: str, /) -> str: ...
        def npgettext(self, context: str, singular: str, plural: str, n: int, /) -> str: ...
        def info(self) -> dict[str, str]: ...


class _English:
    """The texts as written in the code, with English plurals: no catalogue to read."""

    def gettext(self, message: str, /) -> str:
        return message

    def ngettext(self, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural

    def pgettext(self, context: str, message: str, /) -> str:
        return message

    def npgettext(self, context: str, singular: str, plural: str, n: int, /) -> str:
        return singular if n == 1 else plural

    def info(self) -> dict[str, str]:
        return {}


_ENGLISH = _English()


def _only_english(languages: list[str]) -> bool:
    """Whether none of `languages` could find a catalogue: each is C, POSIX or English (gettext
    tries them in order and stops at C; English has no catalogue: it is the code's)."""
    for code in languages:
        if code in ("C", "POSIX") or code.startswith("C."):
            return True
        if not (code == "en" or code.startswith(("en_", "en."))):
            return False
    return True


def translations(domain: str = DOMAIN) -> Catalogue:
    """The catalogue for the language wanted now: read once per language and folder."""
    wanted = (domain, _chosen, os.environ.get("STANDUP_LOCALEDIR"))
    return _load(*wanted, *(os.environ.get(name) for name in LANGUAGE_VARIABLES))


@functools.lru_cache(maxsize=16)
def _load(
    domain: str, chosen: str | None, _folder: str | None, *environment: str | None
) -> Catalogue:
    # The folder and the environment are the key so that a change of them is seen (tests).
    first = next((value for value in environment if value), "")
    languages = [chosen] if chosen else [code for code in first.split(":") if code]
    if _only_english(languages):
        return _ENGLISH
    import gettext

    return gettext.translation(domain, localedir(), languages=languages, fallback=True)


def language() -> str:
    """The language standup speaks now: the catalogue's ("de"), or "en" without one."""
    return translations().info().get("language", "") or "en"


def _(message: str) -> str:
    return translations().gettext(message)


def ngettext(singular: str, plural: str, count: int) -> str:
    return translations().ngettext(singular, plural, count)


def pgettext(context: str, message: str) -> str:
    return translations().pgettext(context, message)


def npgettext(context: str, singular: str, plural: str, count: int) -> str:
    return translations().npgettext(context, singular, plural, count)


def catalogue_text(exercise_id: str, field: str, text: str) -> str:
    """A built-in exercise's `field` ("name", "step1", "cue", ...) in the user's language; a
    custom exercise's text, which no catalogue knows, as the user wrote it."""
    if not text:
        return text
    return translations(EXERCISES_DOMAIN).pgettext(f"{exercise_id}.{field}", text)


def N_(message: str) -> str:
    """Mark `message` for the catalogue without translating it here: a constant made at import,
    translated with `_()` where it is shown."""
    return message
