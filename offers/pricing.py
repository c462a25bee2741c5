"""Price arithmetic. Prices are stored excluding tax with 4 decimals so that a price typed
including tax survives the round trip to the cent; amounts shown are rounded half-up to the cent."""

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
STORED = Decimal("0.0001")
HUNDRED = Decimal("100")
# Prices are non-negative and have at most 8 decimals before rounding, so this nudge turns SQL ROUND
# (half away from zero on PostgreSQL, binary floats on SQLite) into the half-up rounding of
# price_incl_tax without ever changing a result that is not a tie (Offer.listed_price).
HALF_UP_NUDGE = Decimal("0.000000001")


def price_incl_tax(*, price_excl_tax: Decimal, vat_rate: Decimal) -> Decimal:
    return (price_excl_tax * (HUNDRED + vat_rate) / HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)


def price_excl_tax_from_incl(*, price_incl_tax: Decimal, vat_rate: Decimal) -> Decimal:
    """The stored price excluding tax whose derived price including tax is exactly ``price_incl_tax``."""
    price_incl_tax = price_incl_tax.quantize(CENT, rounding=ROUND_HALF_UP)
    return (price_incl_tax * HUNDRED / (HUNDRED + vat_rate)).quantize(STORED, rounding=ROUND_HALF_UP)
