"""Validators for French identifiers, built on python-stdnum and phonenumbers."""

import re

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.eu import vat
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.fr import siret

# fullmatch, and [0-9] rather than \d: "$" accepts a trailing newline and \d any Unicode digit.
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
FRENCH_POSTCODE = re.compile(r"[0-9]{5}")


def validate_siret(value):
    try:
        siret.validate(value)
    except StdnumError:
        raise ValidationError(_("“%(value)s” is not a valid SIRET number (14 digits)."), params={"value": value})


def validate_vat_number(value):
    try:
        vat.validate(value)
    except StdnumError:
        raise ValidationError(_("“%(value)s” is not a valid EU VAT number."), params={"value": value})


def validate_gtin(value):
    if not value.isascii() or not value.isdigit():
        raise ValidationError(_("“%(value)s” is not a valid EAN/GTIN: digits only."), params={"value": value})
    if len(value) not in (8, 12, 13, 14):
        raise ValidationError(
            _("“%(value)s” is not a valid EAN/GTIN: it must have 8, 12, 13 or 14 digits."), params={"value": value}
        )
    # The GS1 check digit, computed here: stdnum's ``ean.validate`` (which cleans the code again) took a tenth of a
    # bulk import's time per line. From the right, the digits before the check digit weigh 3, 1, 3, 1…
    weighted = 3 * sum(map(int, value[-2::-2])) + sum(map(int, value[-3::-2]))
    if (weighted + int(value[-1])) % 10:
        raise ValidationError(_("“%(value)s” is not a valid EAN/GTIN: wrong check digit."), params={"value": value})


def validate_phone(value):
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise ValidationError(_("“%(value)s” is not a valid phone number."), params={"value": value})


def validate_postcode(value):
    if not FRENCH_POSTCODE.fullmatch(value):
        raise ValidationError(_("“%(value)s” is not a French postcode (5 digits)."), params={"value": value})


def validate_hex_colour(value):
    if not HEX_COLOUR.fullmatch(value):
        raise ValidationError(_("“%(value)s” is not a colour like #1a7f5a."), params={"value": value})


def normalise_identifier(value):
    """Identifiers arrive with spaces, dots and dashes from spreadsheets: keep the characters that count."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def normalise_phone(value):
    """A valid number in E.164 (+33…); anything else is returned stripped, for ``validate_phone`` to refuse."""
    if not value:
        return ""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value.strip()
    if not phonenumbers.is_valid_number(number):
        return value.strip()
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
