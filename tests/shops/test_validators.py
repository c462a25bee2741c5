"""Validators of French identifiers (pivot_site.validators)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from pivot_site.validators import (
    normalise_identifier,
    normalise_phone,
    validate_gtin,
    validate_hex_colour,
    validate_phone,
    validate_postcode,
    validate_siret,
    validate_vat_number,
)


@pytest.fixture(autouse=True)
def english():
    """These tests read the messages' wording: pin the source language."""
    with translation.override("en"):
        yield


def assert_valid(validator, value):
    validator(value)


def assert_invalid(validator, value):
    with pytest.raises(ValidationError):
        validator(value)


@pytest.mark.parametrize("value", ["73282932000074", "35600000000048"])
def test_valid_siret(value):
    assert_valid(validate_siret, value)


@pytest.mark.parametrize("value", ["73282932000075", "7328293200007", "732829320000740", "ABCDEFGHIJKLMN", ""])
def test_invalid_siret(value):
    assert_invalid(validate_siret, value)


@pytest.mark.parametrize("value", ["FR40303265045", "DE136695976", "BE0403019261"])
def test_valid_eu_vat_number(value):
    assert_valid(validate_vat_number, value)


@pytest.mark.parametrize("value", ["FR41303265045", "FR4030326504", "XX40303265045", "40303265045"])
def test_invalid_eu_vat_number(value):
    assert_invalid(validate_vat_number, value)


@pytest.mark.parametrize(
    "value",
    [
        "4006381333931",  # EAN-13
        "96385074",  # EAN-8
        "036000291452",  # UPC-A
        "10614141000415",  # GTIN-14
    ],
)
def test_valid_gtin(value):
    assert_valid(validate_gtin, value)


@pytest.mark.parametrize("value", ["4006381333932", "96385075", "036000291453", "10614141000416"])
def test_gtin_with_a_wrong_check_digit(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_gtin(value)
    assert "check digit" in str(excinfo.value.message)


@pytest.mark.parametrize("value", ["123", "400638133393", "40063813339310", "400638133393100"])
def test_gtin_with_a_wrong_length(value):
    # 12 and 14 digits are valid lengths: those two fail on their check digit instead.
    assert_invalid(validate_gtin, value)


@pytest.mark.parametrize("value", ["1234567", "123456789", "12345678901", "123456789012345"])
def test_gtin_length_message(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_gtin(value)
    assert "8, 12, 13 or 14" in str(excinfo.value.message)


@pytest.mark.parametrize("value", ["400638133393A", "4006381 33393", "٤٠٠٦٣٨١٣٣٣٩٣١"])
def test_gtin_with_other_characters(value):
    with pytest.raises(ValidationError) as excinfo:
        validate_gtin(value)
    assert "digits only" in str(excinfo.value.message)


@pytest.mark.parametrize(
    "value", ["01 42 68 53 00", "0612345678", "+33 6 12 34 56 78", "+33142685300", "+32 2 555 12 12"]
)
def test_valid_phone(value):
    assert_valid(validate_phone, value)


@pytest.mark.parametrize("value", ["12", "06 12 34", "not a phone", "+33 0 00 00 00 00", ""])
def test_invalid_phone(value):
    assert_invalid(validate_phone, value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("01 42 68 53 00", "+33142685300"),
        ("06.12.34.56.78", "+33612345678"),
        ("+33 (0)6 12 34 56 78", "+33612345678"),
        ("", ""),
        # Not numbers: returned as typed (stripped) for validate_phone to refuse, never an exception.
        ("not a phone", "not a phone"),
        (" 12 ", "12"),
    ],
)
def test_normalise_phone(value, expected):
    assert normalise_phone(value) == expected


@pytest.mark.parametrize("value", ["75002", "97400", "20000", "01000"])
def test_valid_postcode(value):
    assert_valid(validate_postcode, value)


@pytest.mark.parametrize("value", ["7500", "750021", "75 002", "ABCDE", "75002\n", "٧٥٠٠٢", ""])
def test_invalid_postcode(value):
    assert_invalid(validate_postcode, value)


@pytest.mark.parametrize("value", ["#1a7f5a", "#FFFFFF", "#000000"])
def test_valid_colour(value):
    assert_valid(validate_hex_colour, value)


@pytest.mark.parametrize("value", ["1a7f5a", "#1a7f5", "#1a7f5a0", "#1g7f5a", "#1a7f5a\n", "red", ""])
def test_invalid_colour(value):
    assert_invalid(validate_hex_colour, value)


def test_normalise_identifier():
    assert normalise_identifier(" fr 40-303.265 045 ") == "FR40303265045"
    assert normalise_identifier(None) == ""
