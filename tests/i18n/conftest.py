"""The tree's translations compiled once per run, for the tests that speak a language."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from standup.i18n import choose_language

import pokit


@pytest.fixture(autouse=True)
def _language_as_the_environment_says() -> Iterator[None]:
    """A test that loads a config naming a language leaves the next one the environment's."""
    yield
    choose_language(None)


@pytest.fixture(scope="session")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A locale folder with every po/<lang>.po compiled, as the installed package has one."""
    return pokit.compile_tree(tmp_path_factory.mktemp("locale"))


@pytest.fixture
def speak(compiled: Path, monkeypatch: pytest.MonkeyPatch):
    """Switch to a language: `speak("de")`, with the tree's catalogues."""
    monkeypatch.setenv("STANDUP_LOCALEDIR", str(compiled))
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(name, raising=False)

    def switch(language: str) -> None:
        monkeypatch.setenv("LANGUAGE", language)

    return switch
