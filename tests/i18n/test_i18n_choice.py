"""Which language: `[general] language` over the environment, and what `doctor` says of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from standup.config.settings import load_config
from standup.errors import ConfigError
from standup.i18n import _, chosen_language, language
from standup.i18n.why import available, spoken


def _config(xdg_dirs: Any, text: str) -> Path:
    path = Path(xdg_dirs.config_home) / "standup" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("environ", "language", "source"),
    [
        ({"LANG": "de_DE.UTF-8"}, "de", "LANG=de_DE.UTF-8"),
        ({"LANGUAGE": "sv:pt_BR:de", "LANG": "C.UTF-8"}, "pt_BR", "LANGUAGE=sv:pt_BR:de"),
        ({"LC_ALL": "ja_JP.UTF-8", "LANG": "de_DE.UTF-8"}, "ja", "LC_ALL=ja_JP.UTF-8"),
        ({"LC_MESSAGES": "zh_CN.UTF-8"}, "zh_CN", "LC_MESSAGES=zh_CN.UTF-8"),
        ({"LANG": "C.UTF-8"}, "en", "LANG=C.UTF-8"),
        ({"LANG": "sv_SE.UTF-8"}, "en", "LANG=sv_SE.UTF-8"),
        ({}, "en", ""),
    ],
)
def test_the_environment_s_language_as_gettext_reads_it(
    speak: Any, environ: dict[str, str], language: str, source: str
) -> None:
    speak("en")  # the catalogues of the tree; `environ` is the environment asked about
    said = spoken(None, environ)
    assert (said.language, said.source) == (language, source)


def test_the_config_s_language_wins_over_the_environment(speak: Any) -> None:
    speak("en")
    said = spoken("fr", {"LANG": "de_DE.UTF-8"})
    assert (said.language, said.source, said.name) == (
        "fr",
        '[general] language = "fr"',
        "Français",
    )
    assert available()[0] == "en" and {"de", "fr", "ja", "zh_CN"} <= set(available())


def test_a_config_naming_a_language_makes_the_process_speak_it(xdg_dirs: Any, speak: Any) -> None:
    speak("C")  # as a session without a language
    assert _("Done") == "Done"
    _config(xdg_dirs, '[general]\nlanguage = "de"\n')
    load_config()
    assert (chosen_language(), language(), _("Done")) == ("de", "de", "Erledigt")
    _config(xdg_dirs, '[general]\nlanguage = "auto"\n')
    load_config()
    assert (chosen_language(), _("Done")) == (None, "Done")


@pytest.mark.parametrize(
    ("written", "read"), [("pt-br", "pt_BR"), ("DE", "de"), ("zh_cn", "zh_CN")]
)
def test_a_language_code_is_read_as_gettext_names_it(
    xdg_dirs: Any, written: str, read: str
) -> None:
    _config(xdg_dirs, f'[general]\nlanguage = "{written}"\n')
    assert load_config().settings.general.language == read


def test_a_language_standup_lacks_is_english_and_no_error(xdg_dirs: Any, speak: Any) -> None:
    speak("C")
    _config(xdg_dirs, '[general]\nlanguage = "sv"\n')
    load_config()
    assert (chosen_language(), language(), _("Done")) == ("sv", "en", "Done")


def test_a_bad_language_names_the_file_the_key_and_what_is_allowed(xdg_dirs: Any) -> None:
    path = _config(xdg_dirs, '[general]\nlanguage = "Deutsch!"\n')
    with pytest.raises(ConfigError) as info:
        load_config()
    message = str(info.value)
    assert str(path) in message and "general.language" in message
    assert '"auto"' in message and "pt_BR" in message
    assert chosen_language() is None  # a refused config changes nothing
