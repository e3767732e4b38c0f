"""split_sections: the tables of a TOML text, found without reading its values (issue 19,
item 7: `config set` on a large config hands tomlkit only the tables on the key's way)."""

from __future__ import annotations

import tomllib

import pytest

from standup.config.sections import split_sections

from hostile_toml import HOSTILE


def test_only_real_headers_begin_sections() -> None:
    tomllib.loads(HOSTILE)  # the fixture is well-formed TOML
    sections = split_sections(HOSTILE)
    assert sections is not None
    assert [(s.key, s.array) for s in sections] == [
        ((), False),
        (("a",), False),
        (("b", "c]"), False),
        (("a", "list"), True),
    ]
    assert "".join(HOSTILE[s.start : s.end] for s in sections) == HOSTILE
    assert HOSTILE[sections[2].start :].startswith('  [ "b"')


@pytest.mark.parametrize(
    "text",
    ['a = "open\n', "a = '''\nnever closed\n", "a = [1,\n", "[a\n", "a = 1]\n", 'a = """open\n'],
)
def test_text_it_cannot_follow_is_given_up(text: str) -> None:
    assert split_sections(text) is None
