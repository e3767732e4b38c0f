"""The `[general]` table: the language standup speaks, when the environment's is not wanted."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

_CODE = re.compile(r"[a-z]{2,3}(_[A-Z]{2})?")


def _language(value: object) -> str:
    """ "auto", or a language code as gettext names its catalogues: "de", "pt_BR" ("pt-BR" and
    "pt_br" are taken for it). A code standup has no translation for is not an error: gettext
    falls back to English, as it does for an environment's language."""
    if not isinstance(value, str):
        raise ValueError('expected "auto" or a language code like "de" or "pt_BR"')
    text = value.strip()
    if text.lower() == "auto":
        return "auto"
    language, _sep, region = text.replace("-", "_").partition("_")
    code = f"{language.lower()}_{region.upper()}" if region else language.lower()
    if not _CODE.fullmatch(code):
        raise ValueError(f'{value!r} is not a language code: use "auto", or one like "de", "pt_BR"')
    return code


Language = Annotated[str, BeforeValidator(_language)]


class GeneralOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)

    language: Language = Field(
        "auto", description='"auto" (LANGUAGE, LC_ALL, LC_MESSAGES, LANG), or a code: "de"'
    )

    @property
    def chosen(self) -> str | None:
        """The language to speak whatever the environment says; None: the environment's."""
        return None if self.language == "auto" else self.language
