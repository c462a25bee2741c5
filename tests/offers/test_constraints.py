"""Stock rules, enforced by the services and, when a service is bypassed, by the database."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone

from offers.choices import Condition
from offers.exceptions import InsufficientStock, InvalidOffer
from offers.models import Offer
from offers.services import offer_save, offer_stock_adjust, offer_stock_set
from tests.factories import OfferFactory, ProductFactory

pytestmark = pytest.mark.django_db


def stock(offer):
    return Offer.objects.values_list("stock_on_hand", "stock_allocated").get(pk=offer.pk)


def allocate(offer, units):
    """What a reservation does: one conditional UPDATE of the allocated stock."""
    Offer.objects.filter(pk=offer.pk).update(stock_allocated=units)


def refused_by_database(offer, **values):
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(**values)


class TestDatabaseConstraints:
    def test_negative_stock_on_hand_is_refused(self):
        offer = OfferFactory(stock_on_hand=5)
        refused_by_database(offer, stock_on_hand=-1)
        assert stock(offer) == (5, 0)

    def test_negative_allocated_stock_is_refused(self):
        offer = OfferFactory(stock_on_hand=5)
        refused_by_database(offer, stock_allocated=-1)
        assert stock(offer) == (5, 0)

    def test_allocated_above_on_hand_is_refused(self):
        offer = OfferFactory(stock_on_hand=5)
        refused_by_database(offer, stock_allocated=6)
        assert stock(offer) == (5, 0)

    def test_lowering_on_hand_below_allocated_is_refused(self):
        offer = OfferFactory(stock_on_hand=5)
        allocate(offer, 4)
        refused_by_database(offer, stock_on_hand=3)
        assert stock(offer) == (5, 4)

    def test_allocated_equal_to_on_hand_is_accepted(self):
        offer = OfferFactory(stock_on_hand=5)
        allocate(offer, 5)
        assert stock(offer) == (5, 5)

    def test_unlimited_stock_may_allocate_beyond_on_hand(self):
        offer = OfferFactory(stock_on_hand=0, unlimited_stock=True)
        allocate(offer, 1000)
        assert stock(offer) == (0, 1000)
        refused_by_database(offer, stock_on_hand=-1)

    def test_leaving_unlimited_stock_with_too_many_allocated_is_refused(self):
        offer = OfferFactory(stock_on_hand=0, unlimited_stock=True)
        allocate(offer, 3)
        refused_by_database(offer, unlimited_stock=False)

    def test_negative_price_is_refused(self):
        offer = OfferFactory()
        refused_by_database(offer, price_excl_tax=Decimal("-0.0001"))

    def test_negative_vat_rate_is_refused(self):
        offer = OfferFactory()
        refused_by_database(offer, vat_rate=Decimal("-1"))

    def test_vat_rate_of_100_percent_or_more_is_refused(self):
        # A CHECK constraint on SQLite; PostgreSQL's numeric(4, 2) already overflows.
        offer = OfferFactory()
        with pytest.raises((IntegrityError, DataError)), transaction.atomic():
            Offer.objects.filter(pk=offer.pk).update(vat_rate=Decimal("100"))
        assert Offer.objects.get(pk=offer.pk).vat_rate == Decimal("20.0")

    def test_case_size_zero_is_refused(self):
        offer = OfferFactory()
        refused_by_database(offer, case_size=0)

    def test_sale_ending_before_it_starts_is_refused(self):
        offer = OfferFactory()
        now = timezone.now()
        refused_by_database(offer, available_from=now, available_until=now - timedelta(days=1))
        refused_by_database(offer, available_from=now, available_until=now)

    def test_creating_an_offer_with_negative_stock_bypassing_the_service_is_refused(self):
        offer = OfferFactory()
        with pytest.raises(IntegrityError), transaction.atomic():
            Offer.objects.create(
                organisation=offer.organisation,
                product=offer.product,
                price_excl_tax=Decimal("1"),
                stock_on_hand=-2,
            )


class TestStockAdjust:
    def test_adds_and_removes_units(self):
        offer = OfferFactory(stock_on_hand=5)
        assert offer_stock_adjust(offer=offer, delta=3) == 8
        assert offer_stock_adjust(offer=offer, delta=-8) == 0
        assert offer.stock_on_hand == 0
        assert stock(offer) == (0, 0)

    def test_refuses_to_go_below_allocated(self):
        offer = OfferFactory(stock_on_hand=5)
        allocate(offer, 3)
        assert offer_stock_adjust(offer=offer, delta=-2) == 3
        with pytest.raises(InsufficientStock) as excinfo:
            offer_stock_adjust(offer=offer, delta=-1)
        error = excinfo.value
        assert error.code == "insufficient_stock"
        assert error.details == {"offer": offer.pk, "on_hand": 3, "allocated": 3}
        assert error.as_dict()["allocated"] == 3
        assert stock(offer) == (3, 3)

    def test_refuses_negative_stock(self):
        offer = OfferFactory(stock_on_hand=2)
        with pytest.raises(InsufficientStock) as excinfo:
            offer_stock_adjust(offer=offer, delta=-3)
        assert excinfo.value.details["on_hand"] == 2
        assert stock(offer) == (2, 0)

    def test_uses_the_database_value_not_a_stale_instance(self):
        offer = OfferFactory(stock_on_hand=5)
        Offer.objects.filter(pk=offer.pk).update(stock_on_hand=1)
        with pytest.raises(InsufficientStock):
            offer_stock_adjust(offer=offer, delta=-2)
        assert offer.stock_on_hand == 1
        assert offer_stock_adjust(offer=offer, delta=2) == 3

    def test_unlimited_stock_ignores_allocations_but_not_negative_counts(self):
        offer = OfferFactory(stock_on_hand=2, unlimited_stock=True)
        allocate(offer, 50)
        assert offer_stock_adjust(offer=offer, delta=-2) == 0
        with pytest.raises(InsufficientStock):
            offer_stock_adjust(offer=offer, delta=-1)
        assert stock(offer) == (0, 50)
        assert offer.stock_available is None

    def test_a_unique_item_never_exceeds_one_unit(self):
        product = ProductFactory(is_unique_item=True, condition=Condition.GOOD)
        offer = OfferFactory(product=product, organisation=product.organisation, stock_on_hand=1)
        with pytest.raises(InvalidOffer) as excinfo:
            offer_stock_adjust(offer=offer, delta=1)
        assert excinfo.value.field == "stock_on_hand"
        assert stock(offer) == (1, 0)
        assert offer_stock_adjust(offer=offer, delta=-1) == 0
        assert offer_stock_adjust(offer=offer, delta=1) == 1


class TestStockSet:
    def test_sets_the_counted_stock(self):
        offer = OfferFactory(stock_on_hand=5)
        assert offer_stock_set(offer=offer, on_hand=12) == 12
        assert offer.stock_on_hand == 12
        assert stock(offer) == (12, 0)

    def test_refuses_to_go_below_allocated(self):
        offer = OfferFactory(stock_on_hand=5)
        allocate(offer, 3)
        with pytest.raises(InsufficientStock) as excinfo:
            offer_stock_set(offer=offer, on_hand=2)
        error = excinfo.value
        assert error.field == "stock_on_hand"
        assert error.details["allocated"] == 3
        assert error.details["offer"] == offer.pk
        assert stock(offer) == (5, 3)
        assert offer_stock_set(offer=offer, on_hand=3) == 3
        assert stock(offer) == (3, 3)
        assert offer.stock_available == 0

    def test_refuses_negative_stock(self):
        offer = OfferFactory(stock_on_hand=5)
        with pytest.raises(InsufficientStock):
            offer_stock_set(offer=offer, on_hand=-1)
        assert stock(offer) == (5, 0)

    def test_unlimited_stock_may_be_set_below_allocated(self):
        offer = OfferFactory(stock_on_hand=5, unlimited_stock=True)
        allocate(offer, 8)
        assert offer_stock_set(offer=offer, on_hand=0) == 0
        assert stock(offer) == (0, 8)

    def test_a_unique_item_cannot_be_counted_twice(self):
        product = ProductFactory(is_unique_item=True, condition=Condition.GOOD)
        offer = OfferFactory(product=product, organisation=product.organisation, stock_on_hand=1)
        with pytest.raises(InvalidOffer):
            offer_stock_set(offer=offer, on_hand=2)
        assert stock(offer) == (1, 0)
        assert offer_stock_set(offer=offer, on_hand=0) == 0


class TestOfferSaveAndAllocatedStock:
    def test_a_stale_instance_never_overwrites_the_allocated_stock(self):
        offer = OfferFactory(stock_on_hand=5)
        stale = Offer.objects.get(pk=offer.pk)
        allocate(offer, 3)  # a reservation happens meanwhile
        stale.price_excl_tax = Decimal("12.5000")
        offer_save(offer=stale)
        assert stock(offer) == (5, 3)
        assert stale.stock_allocated == 3
        assert Offer.objects.get(pk=offer.pk).price_excl_tax == Decimal("12.5000")

    def test_a_forged_allocated_value_is_ignored(self):
        offer = OfferFactory(stock_on_hand=5)
        allocate(offer, 2)
        offer.stock_allocated = 0
        offer_save(offer=offer)
        assert stock(offer) == (5, 2)

    def test_the_stock_on_hand_cannot_be_saved_below_what_was_allocated_meanwhile(self):
        offer = OfferFactory(stock_on_hand=5)
        stale = Offer.objects.get(pk=offer.pk)
        allocate(offer, 4)
        stale.stock_on_hand = 3
        with pytest.raises(InsufficientStock) as excinfo:
            offer_save(offer=stale)
        assert excinfo.value.field == "stock_on_hand"
        assert excinfo.value.details["allocated"] == 4
        assert stock(offer) == (5, 4)

    def test_a_new_offer_starts_with_nothing_allocated(self):
        template = OfferFactory(stock_on_hand=5)
        offer = Offer(
            organisation=template.organisation,
            product=template.product,
            shop=template.shop,
            price_excl_tax=Decimal("3"),
            stock_on_hand=5,
            stock_allocated=4,
        )
        offer_save(offer=offer)
        assert stock(offer) == (5, 0)
        assert offer.stock_allocated == 0
