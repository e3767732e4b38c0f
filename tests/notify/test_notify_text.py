"""Text cleaning and escaping for notifications and the log, without a bus."""

from __future__ import annotations

import pytest

from standup.notify.text import clean_line, clean_text, escape_markup, quote_bounded


def test_escape_markup_escapes_the_three_syntax_characters_and_nothing_else() -> None:
    assert escape_markup("a & b < c > d \"e\" 'f'") == "a &amp; b &lt; c &gt; d \"e\" 'f'"
    # An already escaped text is escaped again: it shows exactly as written.
    assert escape_markup("&amp;") == "&amp;amp;"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\x85", "\x9f"])
def test_clean_text_removes_control_characters(char: str) -> None:
    assert clean_text(f"a{char}b") == "ab"


def test_clean_text_keeps_newlines_and_turns_tabs_and_separators_into_spaces() -> None:
    assert clean_text("one\r\ntwo\tthree\u2028four\ufeff") == "one\ntwo three four "


def test_clean_line_is_one_line() -> None:
    assert clean_line("  Hold\n 30 s\x00 \n") == "Hold 30 s"


def test_quote_bounded_keeps_short_values_and_cuts_long_ones() -> None:
    assert quote_bounded("<10m") == "<10m"
    quoted = quote_bounded("x" * 20_000_000)
    assert len(quoted) == 60
    assert quoted.endswith("…")
    assert quote_bounded("a\nb\x00c", limit=10) == "a bc"
