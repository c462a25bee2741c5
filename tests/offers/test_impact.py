"""Environmental impact of a second-hand purchase: factors, inheritance, rounding, totals."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from offers.impact import CategoryFactors, impact_totals, product_impact, unit_impact
from offers.models import Offer
from tests import factories

pytestmark = pytest.mark.django_db


def category(**kwargs):
    return factories.ProductCategoryFactory(**kwargs)


def product(**kwargs):
    kwargs.setdefault("condition", "good")
    return factories.ProductFactory(**kwargs)


def test_per_item_factor():
    chair = category(co2e_per_item_kg=Decimal("19"), waste_per_item_kg=Decimal("6"), impact_source="ADEME")
    impact = product_impact(product=product(category=chair))
    assert impact.co2e_kg == Decimal("19.0")
    assert impact.waste_kg == Decimal("6.0")
    assert impact.source == "ADEME"


def test_per_kg_factor_uses_the_weight():
    metal = category(co2e_per_kg=Decimal("2.5"), impact_source="Base Empreinte")
    impact = product_impact(product=product(category=metal, weight_kg=Decimal("12.4")))
    assert impact.co2e_kg == Decimal("31.0")
    assert impact.waste_kg == Decimal("12.4")
    assert impact.source == "Base Empreinte"


def test_per_kg_factor_without_weight_falls_back_to_an_ancestor():
    parent = category(co2e_per_item_kg=Decimal("40"), impact_source="parent")
    child = category(parent=parent, co2e_per_kg=Decimal("2"))
    assert product_impact(product=product(category=child)).co2e_kg == Decimal("40.0")


def test_factors_are_inherited_from_the_nearest_ancestor():
    root = category(co2e_per_item_kg=Decimal("100"), waste_per_item_kg=Decimal("50"), impact_source="root")
    furniture = category(
        parent=root, co2e_per_item_kg=Decimal("80"), waste_per_item_kg=Decimal("30"), impact_source="ADEME"
    )
    tables = category(parent=furniture)
    garden_tables = category(parent=tables)
    impact = product_impact(product=product(category=garden_tables))
    assert (impact.co2e_kg, impact.waste_kg, impact.source) == (Decimal("80.0"), Decimal("30.0"), "ADEME")


def test_the_weight_overrides_the_category_waste_default():
    wardrobes = category(co2e_per_item_kg=Decimal("907"), waste_per_item_kg=Decimal("80"))
    impact = product_impact(product=product(category=wardrobes, weight_kg=Decimal("62.35")))
    assert impact.co2e_kg == Decimal("907.0")
    assert impact.waste_kg == Decimal("62.4")


def test_new_goods_have_no_avoided_impact():
    shoes = category(co2e_per_item_kg=Decimal("13.4"), waste_per_item_kg=Decimal("1"))
    assert product_impact(product=product(category=shoes, condition="new")) is None
    assert product_impact(product=product(category=shoes, condition="")) is None
    # A unique item is second-hand whatever its condition.
    assert product_impact(product=product(category=shoes, condition="new", is_unique_item=True)).co2e_kg == Decimal(
        "13.4"
    )


def test_no_factor_anywhere_gives_none():
    assert product_impact(product=product(category=category())) is None


@pytest.mark.parametrize(
    ("weight", "per_kg", "expected"),
    [
        (Decimal("1.25"), Decimal("1"), Decimal("1.3")),  # half-up, not half-even
        (Decimal("1.35"), Decimal("1"), Decimal("1.4")),
        (Decimal("0.333"), Decimal("3"), Decimal("1.0")),  # 0.999
        (Decimal("0.02"), Decimal("2"), Decimal("0.0")),  # 0.04
        (Decimal("0.5"), Decimal("0.15"), Decimal("0.1")),  # 0.075
    ],
)
def test_rounding_to_a_tenth_half_up(weight, per_kg, expected):
    chain = [CategoryFactors(pk=1, path="1/", co2e_per_kg=per_kg)]
    impact = unit_impact(condition="good", is_unique_item=False, weight_kg=weight, chain=chain)
    assert impact.co2e_kg == expected
    assert impact.waste_kg == weight.quantize(Decimal("0.1"), rounding="ROUND_HALF_UP")


def make_offers(count, organisation, shop, categories):
    for n in range(count):
        kind = n % 4
        factories.OfferFactory(
            organisation=organisation,
            shop=shop,
            product__category=categories[n % len(categories)],
            product__condition="new" if kind == 3 else "good",
            product__weight_kg=Decimal("2.5") if kind == 1 else None,
        )


def count_queries(function):
    with CaptureQueriesContext(connection) as queries:
        result = function()
    return result, len(queries)


def test_totals_add_up_second_hand_offers_only():
    parent = category(co2e_per_item_kg=Decimal("10"), waste_per_item_kg=Decimal("4"))
    child = category(parent=parent)
    per_kg = category(co2e_per_kg=Decimal("2"), waste_per_item_kg=Decimal("1"))
    organisation = factories.OrganisationFactory()
    shop = factories.ShopFactory(organisation=organisation)
    factories.OfferFactory(organisation=organisation, shop=shop, product__category=child, product__condition="good")
    factories.OfferFactory(
        organisation=organisation, shop=shop, product__category=per_kg, product__condition="fair",
        product__weight_kg=Decimal("3"),
    )  # fmt: skip
    factories.OfferFactory(organisation=organisation, shop=shop, product__category=parent, product__condition="new")
    totals = impact_totals(offers_queryset=Offer.objects.all())
    assert totals.co2e_kg == Decimal("16.0")  # 10 + 2 × 3
    assert totals.waste_kg == Decimal("7.0")  # 4 + 3
    assert totals.items == 2


def test_totals_run_a_constant_number_of_queries():
    root = category(co2e_per_item_kg=Decimal("10"), waste_per_item_kg=Decimal("4"))
    categories = [category(parent=root), category(parent=root, co2e_per_kg=Decimal("3")), root]
    organisation = factories.OrganisationFactory()
    shop = factories.ShopFactory(organisation=organisation)
    make_offers(3, organisation, shop, categories)
    small, small_queries = count_queries(lambda: impact_totals(offers_queryset=Offer.objects.all()))
    make_offers(27, organisation, shop, categories)
    large, large_queries = count_queries(lambda: impact_totals(offers_queryset=Offer.objects.all()))
    assert small_queries == large_queries <= 2
    assert small.items == 3 and large.items == 24  # among the 27 added, one in four is new
    assert large.co2e_kg > small.co2e_kg
