"""A supplier's price list written in bulk (offers.bulk): the rules of the one-by-one services, a fixed number of
queries per batch, re-imports that change nothing, EAN conflicts and archiving."""

from decimal import Decimal

import pytest

from offers.bulk import CatalogueWriter, catalogue_line, catalogue_offers_missing, offers_archive
from offers.exceptions import InvalidOffer
from offers.models import Offer, Product
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier():
    return factories.ProducerFactory(name="Biocoop Grossiste", is_wholesaler=True)


@pytest.fixture
def shop(supplier):
    return factories.ShopFactory(organisation=supplier.organisation)


def line(n, **changes):
    values = {
        "reference": f"REF-{n:05d}",
        "name": f"Lentilles vertes {n}",
        "price_excl_tax": Decimal("2.50"),
        "vat_rate": Decimal("5.5"),
        "case_size": 6,
        "category": "Légumineuses",
    }
    return catalogue_line(**{**values, **changes})


def writer(supplier, shop, **kwargs):
    return CatalogueWriter(organisation=supplier.organisation, supplier=supplier, shop=shop, **kwargs)


def test_lines_are_checked_with_the_offer_rules():
    assert line(1).vat_rate == Decimal("5.50")
    assert line(1, vat_rate=Decimal("0.055")).vat_rate == Decimal("5.50")  # a percent-formatted cell
    assert line(1, price_excl_tax=None, price_incl_tax=Decimal("2.64")).price_excl_tax == Decimal("2.5024")
    for changes, field in (
        ({"vat_rate": Decimal("7")}, "vat_rate"),
        ({"price_excl_tax": Decimal("-1")}, "price_excl_tax"),
        ({"price_excl_tax": None}, "price_excl_tax"),
        ({"reference": "", "gtin": ""}, "supplier_reference"),
        ({"gtin": "3760000000001"}, "gtin"),  # wrong check digit
        ({"name": ""}, "name"),
        ({"case_size": 0}, "case_size"),
        ({"case_size": Decimal("2.5")}, "case_size"),
        ({"name": "x" * 201}, "name"),
    ):
        with pytest.raises(InvalidOffer) as error:
            line(1, **changes)
        assert error.value.field == field, changes


def test_a_batch_creates_products_and_offers_and_a_second_run_changes_nothing(supplier, shop):
    lines = [line(n) for n in range(20)]
    result = writer(supplier, shop).write(lines)
    assert (result.created, result.updated, result.unchanged) == (20, 0, 0)
    offer = Offer.objects.select_related("product__category").get(product__supplier_reference="REF-00003")
    assert offer.product.name == "Lentilles vertes 3" and offer.product.category.name == "Légumineuses"
    assert offer.listed and offer.unlimited_stock and offer.case_size == 6 and offer.listed_price == Decimal("2.64")
    assert offer.category_id == offer.product.category_id
    assert len(result.reindex_ids) == 20
    again = writer(supplier, shop).write(lines)
    assert (again.created, again.updated, again.unchanged, again.reindex_ids) == (0, 0, 20, [])
    assert Product.objects.count() == 20 and Offer.objects.count() == 20


def test_changed_lines_update_what_changed(supplier, shop):
    writer(supplier, shop).write([line(1), line(2)])
    result = writer(supplier, shop).write([line(1, price_excl_tax=Decimal("3")), line(2, name="Lentilles corail")])
    assert (result.created, result.updated, result.unchanged) == (0, 2, 0)
    assert Offer.objects.get(product__supplier_reference="REF-00001").price_excl_tax == Decimal("3")
    renamed = Offer.objects.get(product__supplier_reference="REF-00002")
    assert renamed.product.name == "Lentilles corail" and result.reindex_ids == [renamed.pk]


def test_queries_do_not_grow_with_the_lines_of_a_batch(supplier, shop, django_assert_max_num_queries):
    """Up to 45 new lines (SQLite's 999 parameters per INSERT; PostgreSQL takes a whole batch at once)."""
    writer(supplier, shop).write([line(0)])  # the category exists from now on
    with django_assert_max_num_queries(8) as small:
        writer(supplier, shop).write([line(n) for n in range(1, 3)] + [line(0, price_excl_tax=Decimal("9"))])
    with django_assert_max_num_queries(len(small.captured_queries)):
        writer(supplier, shop).write(
            [line(n) for n in range(3, 45)] + [line(n, price_excl_tax=Decimal("9")) for n in range(1, 3)]
        )


def test_an_ean_held_by_another_product_refuses_the_line(supplier, shop):
    writer(supplier, shop).write([line(1, gtin="3760000000017")])
    result = writer(supplier, shop).write([line(2, gtin="3760000000017"), line(3)])
    assert list(result.refused) == [0] and "3760000000017" in result.refused[0]
    assert result.created == 1 and not Product.objects.filter(supplier_reference="REF-00002").exists()


def test_lines_without_reference_are_keyed_on_the_ean(supplier, shop):
    writer(supplier, shop).write([line(1, reference="", gtin="3760000000017")])
    result = writer(supplier, shop).write([line(1, reference="", gtin="3760000000017", name="Pois chiches")])
    assert (result.created, result.updated) == (0, 1)
    assert Product.objects.get().name == "Pois chiches"


def test_offers_absent_from_the_new_list_can_be_archived_and_come_back(supplier, shop):
    writer(supplier, shop).write([line(n) for n in range(5)])
    other_supplier = factories.ProducerFactory(organisation=supplier.organisation)
    writer(other_supplier, shop).write([line(9)])
    keys = {line(n).key for n in range(3)}
    missing = catalogue_offers_missing(organisation=supplier.organisation, supplier=supplier, shop=shop, keys=keys)
    assert sorted(Offer.objects.filter(pk__in=missing).values_list("product__supplier_reference", flat=True)) == [
        "REF-00003",
        "REF-00004",
    ]
    assert offers_archive(offer_ids=missing) == 2
    assert set(Offer.objects.filter(pk__in=missing).values_list("status", "listed")) == {("archived", False)}
    result = writer(supplier, shop).write([line(4)])
    assert result.updated == 1 and Offer.objects.get(product__supplier_reference="REF-00004").listed


def test_another_organisation_products_are_never_touched(supplier, shop):
    other = factories.ProductFactory(gtin="3760000000017")
    result = writer(supplier, shop).write([line(1, gtin="3760000000017")])
    assert result.created == 1 and not result.refused
    other.refresh_from_db()
    assert other.name != "Lentilles vertes 1"
