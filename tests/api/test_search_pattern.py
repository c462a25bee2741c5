"""The accent-insensitive pattern behind ``q``: valid everywhere, literal except for accents and case."""

import re

from hypothesis import given
from hypothesis import strategies as st

from offers.selectors import accent_insensitive_pattern


def matches(word, text):
    return re.search("(?i)" + accent_insensitive_pattern(word), text) is not None


def test_accents_case_and_ligatures():
    assert matches("cafe", "Un CAFÉ serré")
    assert matches("CAFÉ", "cafe")
    assert matches("noel", "Bûche de Noël")
    assert matches("oeuvre", "Chef-d'Œuvre")
    assert matches("œuvre", "chef-d'oeuvre")
    assert not matches("cafe", "caf")
    assert not matches("c.t", "cat")


@given(st.text(st.characters(exclude_categories=["Cs"]), max_size=40))
def test_any_word_gives_a_valid_pattern_that_finds_itself(word):
    pattern = accent_insensitive_pattern(word)

    re.compile(pattern)
    folded_word_is_empty = pattern == ""
    if not folded_word_is_empty and word.isprintable() and word == word.casefold() and word.isascii():
        assert re.search("(?i)" + pattern, word)
