"""Lines measured as a screen shows them: wide characters take two columns and may break
anywhere; Latin text wraps exactly as textwrap wraps it."""

from __future__ import annotations

import textwrap

from hypothesis import given, strategies as st

from standup.i18n.width import columns, wrap


def test_wide_characters_take_two_columns() -> None:
    assert columns("hip") == 3
    assert columns("股関節") == 6
    assert columns("\uff48\uff49\uff50") == 6  # full-width Latin letters
    assert columns("Hüfte") == 5


def test_japanese_breaks_between_characters_within_the_width() -> None:
    text = "脚を後ろに引いて、骨盤を前に押し出します。太ももの前が伸びます。"
    lines = wrap(text, 26)
    assert "".join(lines) == text
    assert [columns(line) for line in lines] == [26, 26, 12]


def test_mixed_text_keeps_latin_words_whole() -> None:
    lines = wrap("30 秒 キープ、左右 each side 交互に", 10)
    assert lines == ["30 秒 キー", "プ、左右", "each side", "交互に"]
    assert all(columns(line) <= 10 for line in lines)


def test_a_word_longer_than_the_line_is_cut_at_the_line() -> None:
    assert wrap("Oberschenkelrückseite dehnen", 10) == ["Oberschenk", "elrückseit", "e dehnen"]


_WORDS = st.lists(st.text(alphabet="abcdeéfgh", min_size=1, max_size=5), max_size=30)


@given(_WORDS, st.integers(5, 40))
def test_latin_text_wraps_as_textwrap_does(words: list[str], width: int) -> None:
    """Words apart by single spaces, as every catalogue text is."""
    text = " ".join(words)
    assert wrap(text, width) == textwrap.wrap(text, width)


def test_a_japanese_line_ends_with_a_japanese_full_stop() -> None:
    from standup.exercises.catalogue import _sentence

    assert _sentence("左右30秒") == "左右30秒\u3002"
    assert _sentence("左右 30 s") == "左右 30 s."
    assert _sentence("ゆっくり戻す\uff01") == "ゆっくり戻す\uff01"
    assert _sentence("Hold 30 s") == "Hold 30 s."


def test_a_no_break_space_joins_the_words_around_it() -> None:
    """French puts one before ":" and ";": the line never ends there."""
    text = "Picotement\u00a0: relâcher tant qu'il y en a."
    assert wrap(text, 12) == ["Picotement\u00a0:", "relâcher", "tant qu'il y", "en a."]
    assert wrap("a\u202fb c", 3) == ["a\u202fb", "c"]
