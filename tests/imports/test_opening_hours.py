from datetime import time

import pytest
from django.utils import translation

from shops.opening_hours import format_weekly_hours, parse_weekly_hours


def test_french_codes_ranges_and_several_periods():
    periods = parse_weekly_hours("lu-ve 09:00-12:00,14:00-18:00; sa 10:00-17:00")
    assert len(periods) == 11
    assert periods[0] == (0, time(9), time(12))
    assert periods[1] == (0, time(14), time(18))
    assert periods[-1] == (5, time(10), time(17))


@pytest.mark.parametrize(
    "text",
    [
        "Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-17:00",
        "lundi au vendredi 9h-12h, 14h-18h ; samedi 10h-17h ; di fermé",
        "LU-VE 9:00-12:00 / 14:00-18:00\nsa 10h00-17h00",
    ],
)
def test_osm_full_names_and_loose_spellings_read_the_same(text):
    assert parse_weekly_hours(text) == parse_weekly_hours("lu-ve 09:00-12:00,14:00-18:00; sa 10:00-17:00")


def test_format_groups_days_and_round_trips():
    text = "lu,me,ve 09:00-12:00; ma 10:00-11:00; sa-di 08:30-12:30"
    periods = parse_weekly_hours(text)
    with translation.override("fr"):
        assert format_weekly_hours(periods) == "lu,me,ve 09:00-12:00; ma 10:00-11:00; sa-di 08:30-12:30"
    with translation.override("en"):
        assert format_weekly_hours(periods) == "Mo,We,Fr 09:00-12:00; Tu 10:00-11:00; Sa-Su 08:30-12:30"
    assert parse_weekly_hours(format_weekly_hours(periods)) == periods


def test_empty_text_means_no_periods():
    assert parse_weekly_hours("") == []
    assert parse_weekly_hours(None) == []
    assert format_weekly_hours([]) == ""


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("xx 09:00-10:00", "xx"),
        ("lu 10:00-09:00", "10:00-09:00"),
        ("lu 09:00-12:00,11:00-13:00", "overlap"),
        ("lu", "lu"),
        ("lu 25:00-26:00", "25:00"),
        ("lu 9h", "9h"),
    ],
)
def test_unreadable_hours_say_what_is_wrong(text, fragment):
    with translation.override("en"), pytest.raises(ValueError) as error:
        parse_weekly_hours(text)
    assert fragment in str(error.value)
