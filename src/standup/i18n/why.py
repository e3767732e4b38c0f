"""Which language a standup process speaks, and why: for `standup doctor`, which asks it of
the running daemon, or works it out from the user manager's environment when none answers."""

from __future__ import annotations

import gettext
from collections.abc import Mapping
from typing import NamedTuple

from standup.i18n import DOMAIN, LANGUAGE_VARIABLES, localedir

# Each language's own name for itself, as a user who reads it would look for it.
NAMES = {
    "en": "English",
    "de": "Deutsch",
    "fr": "Français",
    "es": "Español",
    "it": "Italiano",
    "pt_BR": "Português (Brasil)",
    "nl": "Nederlands",
    "pl": "Polski",
    "ru": "Русский",
    "uk": "Українська",
    "tr": "Türkçe",
    "ja": "日本語",
    "zh_CN": "简体中文",
}


class Spoken(NamedTuple):
    language: str  # the catalogue's code ("de", "pt_BR"), or "en" where none is found
    source: str  # what chose it: '[general] language = "de"', "LANG=de_DE.UTF-8", or ""
    asked: str  # the language asked for ("sv_SE.UTF-8"), "" when nothing asked for one

    @property
    def name(self) -> str:
        return NAMES.get(self.language, self.language)


def spoken(chosen: str | None, environ: Mapping[str, str]) -> Spoken:
    """What a process with `[general] language` = `chosen` (None: "auto") and the environment
    `environ` speaks: the config's language first, else the first of LANGUAGE, LC_ALL,
    LC_MESSAGES and LANG that is set, as gettext reads them."""
    if chosen:
        asked, source = [chosen], f'[general] language = "{chosen}"'
    else:
        name = next((n for n in LANGUAGE_VARIABLES if environ.get(n)), None)
        if name is None:
            return Spoken("en", "", "")
        value = environ[name]
        asked = [part for part in value.split(":") if part] if name == "LANGUAGE" else [value]
        source = f"{name}={value}"
    # gettext's own search (de_DE.UTF-8 finds "de"); "C" and "POSIX" find nothing: English.
    found = gettext.find(DOMAIN, localedir(), languages=asked)
    if found is None:
        return Spoken("en", source, ":".join(asked))
    code = found.split("/")[-3]  # .../<code>/LC_MESSAGES/standup.mo
    return Spoken(code, source, ":".join(asked))


def available() -> list[str]:
    """The languages this install has a catalogue for, English (built in) first."""
    folder = localedir()
    found = sorted(p.parent.parent.name for p in folder.glob(f"*/LC_MESSAGES/{DOMAIN}.mo"))
    return ["en", *found]
