"""Collected and delivered order lines count in the impact totals; returned units do not."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baskets.choices import ReservationStatus
from baskets.services import (
    DeliveryAddress,
    LineRequest,
    line_return_record,
    reservation_create,
    reservation_transition,
)
from offers.impact import impact_summary
from tests import factories

pytestmark = pytest.mark.django_db
S = ReservationStatus


def collect(customer, offer, units):
    reservation = reservation_create(
        customer=customer, lines=[LineRequest(offer.pk, units)], fulfilment="pickup", pickup_shop_id=offer.shop_id
    )
    for status in (S.ACCEPTED, S.READY):
        reservation_transition(reservation=reservation, to_status=status)
    reservation_transition(reservation=reservation, to_status=S.COLLECTED, payment_method="cash")
    return reservation


def test_sales_through_orders_add_to_the_customer_shop_and_platform_totals():
    jackets = factories.ProductCategoryFactory(co2e_per_item_kg=Decimal("20.0"), waste_per_item_kg=Decimal("1.5"))
    product = factories.ProductFactory(category=jackets, condition="good")
    jacket = factories.OfferFactory(organisation=product.organisation, product=product, stock_on_hand=10)
    new_shoes = factories.OfferFactory(
        organisation=product.organisation,
        shop=jacket.shop,
        product=factories.ProductFactory(organisation=product.organisation, category=jackets, condition="new"),
    )
    camille, dominique = factories.UserFactory(), factories.UserFactory()
    reservation = collect(camille, jacket, 3)
    collect(dominique, new_shoes, 1)  # new goods avoid nothing
    placed_only = reservation_create(
        customer=dominique,
        lines=[LineRequest(jacket.pk, 2)],
        fulfilment="delivery",
        address=DeliveryAddress(name="D", address="1 rue", postcode="75002", city="Paris"),
    )
    assert placed_only.status == S.PLACED  # not handed over: not counted
    line_return_record(line=reservation.lines.get(), quantity=1, restock=True)
    expected = (Decimal("40.0"), Decimal("3.0"), 2)
    for scope in (
        {"customer_id": camille.pk},
        {"shop_id": jacket.shop_id},
        {"organisation_id": jacket.organisation_id},
        {},
    ):
        totals = impact_summary(**scope)
        assert (totals.co2e_kg, totals.waste_kg, totals.items) == expected, scope
    assert impact_summary(customer_id=dominique.pk).items == 0
    with CaptureQueriesContext(connection) as queries:
        impact_summary()
    assert len(queries) <= 2
