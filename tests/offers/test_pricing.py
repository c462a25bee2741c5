"""Price derivation: stored excluding tax with 4 decimals, shown including tax rounded half-up to the cent."""

from decimal import Decimal

import pytest
from django.conf import settings
from hypothesis import given
from hypothesis import strategies as st

from offers.exceptions import InvalidOffer
from offers.pricing import price_excl_tax_from_incl, price_incl_tax
from offers.services import offer_prices
from pivot_site.exceptions import DomainError

D = Decimal
FRENCH_RATES = [D("20.0"), D("10.0"), D("5.5"), D("2.1")]


def test_the_settings_list_the_french_rates():
    assert settings.PIVOT_VAT_RATES == FRENCH_RATES


@pytest.mark.parametrize(
    ("excl", "rate", "incl"),
    [
        # 20 %
        (D("10.0000"), D("20.0"), D("12.00")),
        (D("0.0000"), D("20.0"), D("0.00")),
        (D("1.0375"), D("20.0"), D("1.25")),  # 1.245: half-up, not half-even (1.24)
        (D("1.0374"), D("20.0"), D("1.24")),  # 1.24488
        (D("0.0042"), D("20.0"), D("0.01")),  # 0.00504
        # 10 %
        (D("10.0000"), D("10.0"), D("11.00")),
        (D("1.1500"), D("10.0"), D("1.27")),  # 1.265: half-up, not half-even (1.26)
        (D("0.0045"), D("10.0"), D("0.00")),  # 0.00495
        # 5.5 %
        (D("10.0000"), D("5.5"), D("10.55")),
        (D("3.0000"), D("5.5"), D("3.17")),  # 3.165: half-up, not half-even (3.16)
        (D("0.9479"), D("5.5"), D("1.00")),
        # 2.1 %
        (D("10.0000"), D("2.1"), D("10.21")),
        (D("5.0000"), D("2.1"), D("5.11")),  # 5.105: half-up, not half-even (5.10)
        (D("0.9794"), D("2.1"), D("1.00")),
    ],
)
def test_price_incl_tax_rounds_half_up_to_the_cent(excl, rate, incl):
    result = price_incl_tax(price_excl_tax=excl, vat_rate=rate)
    assert result == incl
    assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("incl", "rate", "excl"),
    [
        (D("12.00"), D("20.0"), D("10.0000")),
        (D("1.00"), D("20.0"), D("0.8333")),
        (D("11.00"), D("10.0"), D("10.0000")),
        (D("1.00"), D("10.0"), D("0.9091")),
        (D("10.55"), D("5.5"), D("10.0000")),
        (D("1.00"), D("5.5"), D("0.9479")),
        (D("10.21"), D("2.1"), D("10.0000")),
        (D("1.00"), D("2.1"), D("0.9794")),
        (D("0.00"), D("20.0"), D("0.0000")),
        # A price typed with a half cent is first rounded half-up to the cent: 1.005 -> 1.01.
        (D("1.005"), D("20.0"), D("0.8417")),
        (D("2.345"), D("5.5"), D("2.2275")),
    ],
)
def test_price_excl_tax_from_incl_keeps_four_decimals(incl, rate, excl):
    result = price_excl_tax_from_incl(price_incl_tax=incl, vat_rate=rate)
    assert result == excl
    assert result.as_tuple().exponent == -4
    assert price_incl_tax(price_excl_tax=result, vat_rate=rate) == incl.quantize(D("0.01"), rounding="ROUND_HALF_UP")


@given(
    cents=st.integers(min_value=0, max_value=10_000_000),
    rate=st.sampled_from(FRENCH_RATES),
)
def test_a_price_typed_including_tax_survives_the_round_trip(cents, rate):
    typed = D(cents) / 100
    stored = price_excl_tax_from_incl(price_incl_tax=typed, vat_rate=rate)
    assert stored.as_tuple().exponent == -4
    assert price_incl_tax(price_excl_tax=stored, vat_rate=rate) == typed


@given(
    cents=st.integers(min_value=0, max_value=10_000_000),
    rate=st.sampled_from(FRENCH_RATES),
)
def test_offer_prices_from_incl_round_trips(cents, rate):
    typed = D(cents) / 100
    excl, incl = offer_prices(price_incl_tax_value=typed, vat_rate=rate)
    assert incl == typed
    assert price_incl_tax(price_excl_tax=excl, vat_rate=rate) == incl


class TestOfferPrices:
    def test_from_price_excl_tax(self):
        assert offer_prices(price_excl_tax=D("10"), vat_rate=D("5.5")) == (D("10.0000"), D("10.55"))

    def test_from_price_excl_tax_keeps_the_stored_precision(self):
        excl, incl = offer_prices(price_excl_tax=D("1.03749"), vat_rate=D("20.0"))
        assert excl == D("1.0375")
        assert excl.as_tuple().exponent == -4
        assert incl == D("1.25")

    def test_from_price_incl_tax(self):
        assert offer_prices(price_incl_tax_value=D("12.00"), vat_rate=D("20.0")) == (D("10.0000"), D("12.00"))

    @pytest.mark.parametrize("rate", FRENCH_RATES)
    def test_a_half_cent_incl_tax_is_rounded_half_up_both_ways(self, rate):
        excl, incl = offer_prices(price_incl_tax_value=D("1.005"), vat_rate=rate)
        assert incl == D("1.01")
        assert price_incl_tax(price_excl_tax=excl, vat_rate=rate) == incl

    def test_excl_tax_wins_when_both_are_given(self):
        excl, incl = offer_prices(price_excl_tax=D("10.0000"), price_incl_tax_value=D("99.99"), vat_rate=D("10.0"))
        assert (excl, incl) == (D("10.0000"), D("11.00"))

    def test_no_price_is_refused(self):
        with pytest.raises(InvalidOffer) as excinfo:
            offer_prices(vat_rate=D("20.0"))
        assert isinstance(excinfo.value, DomainError)
        assert excinfo.value.field == "price_excl_tax"


@pytest.mark.django_db
def test_the_database_lists_every_offer_at_the_price_it_shows():
    """Offer.listed_price (computed by the database, for filtering and sorting) equals price_incl_tax
    (shown) to the cent, ties included, on SQLite's floats as on PostgreSQL's numerics."""
    import random

    from offers.models import Offer
    from tests.factories import OfferFactory

    template = OfferFactory()
    rng = random.Random(2026)
    prices = [(D("1.0375"), D("20.0")), (D("1.1500"), D("10.0")), (D("3.0000"), D("5.5")), (D("5.0000"), D("2.1"))]
    prices += [(D(rng.randint(0, 100_000_000)) / 10_000, rng.choice(FRENCH_RATES)) for _ in range(2000)]
    # Half cents after tax: the ties that binary floating point rounds the wrong way without care.
    prices += [(price_excl_tax_from_incl(price_incl_tax=D(n) / 1000, vat_rate=rate), rate) for n in range(5, 100_000, 97) for rate in FRENCH_RATES]  # fmt: skip
    Offer.objects.bulk_create(
        Offer(
            organisation_id=template.organisation_id,
            product_id=template.product_id,
            category_id=template.category_id,
            price_excl_tax=excl,
            vat_rate=rate,
        )
        for excl, rate in prices
    )
    rows = Offer.objects.exclude(pk=template.pk).values_list("price_excl_tax", "vat_rate", "listed_price")
    wrong = [
        (excl, rate, listed)
        for excl, rate, listed in rows
        if D(listed).quantize(D("0.01")) != price_incl_tax(price_excl_tax=excl, vat_rate=rate)
    ]

    assert len(rows) == len(prices) and wrong == []
