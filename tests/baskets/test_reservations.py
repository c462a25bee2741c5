"""Placing orders against the stock and moving them through their statuses (baskets.services)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from baskets.choices import HANDS_OVER, HOLDS_STOCK, RELEASES, TRANSITIONS, ReservationStatus
from baskets.exceptions import InvalidReservation, InvalidTransition
from baskets.models import ReservationLine, StatusChange
from baskets.services import DeliveryAddress, LineRequest, reservation_create, reservation_transition
from offers.exceptions import InsufficientStock
from offers.models import Offer
from pivot_site.exceptions import DomainError
from tests import factories

pytestmark = pytest.mark.django_db
S = ReservationStatus


@pytest.fixture
def customer():
    return factories.UserFactory(username="camille")


@pytest.fixture
def shop():
    return factories.ShopFactory()


def offer_in(shop, **kwargs):
    return factories.OfferFactory(organisation=shop.organisation, shop=shop, **kwargs)


def stock(offer):
    return Offer.objects.values_list("stock_on_hand", "stock_allocated").get(pk=offer.pk)


HOME = DeliveryAddress(name="Camille Martin", address="3 rue des Lilas", postcode="69003", city="Lyon")


def place(customer, *pairs, shop=None, **kwargs):
    kwargs.setdefault("fulfilment", "pickup" if shop else "delivery")
    if kwargs["fulfilment"] == "delivery":
        kwargs.setdefault("address", HOME)
    return reservation_create(
        customer=customer,
        lines=[LineRequest(offer.pk, n) for offer, n in pairs],
        pickup_shop_id=shop.pk if shop else None,
        **kwargs,
    )


def test_the_pipeline_is_consistent():
    assert set(TRANSITIONS) == set(S.values)
    assert HOLDS_STOCK | HANDS_OVER | RELEASES == set(S.values)
    assert not (HOLDS_STOCK & HANDS_OVER) and not (HOLDS_STOCK & RELEASES) and not (HANDS_OVER & RELEASES)
    for status in HANDS_OVER | RELEASES:
        assert TRANSITIONS[status] == frozenset(), f"{status} is final"


def test_placing_an_order_allocates_its_units_at_the_price_of_the_day(customer, shop):
    chair = offer_in(shop, stock_on_hand=5, price_excl_tax=Decimal("10.0000"), vat_rate=Decimal("20.0"))
    reservation = place(customer, (chair, 2), shop=shop)
    assert reservation.status == S.PLACED
    assert stock(chair) == (5, 2)
    (line,) = reservation.lines.all()
    assert (line.shop_id, line.organisation_id, line.quantity) == (shop.pk, shop.organisation_id, 2)
    assert (line.unit_price_incl_tax, line.total_incl_tax) == (Decimal("12.00"), Decimal("24.00"))
    chair.price_excl_tax = Decimal("50")
    chair.save()
    line.refresh_from_db()
    assert line.unit_price_incl_tax == Decimal("12.00")
    assert list(reservation.history.values_list("from_status", "to_status")) == [("", S.PLACED)]


def test_a_short_line_refuses_the_whole_order_and_says_which(customer, shop):
    plenty = offer_in(shop, stock_on_hand=10)
    scarce = offer_in(shop, stock_on_hand=2, stock_allocated=0)
    with pytest.raises(InsufficientStock) as excinfo:
        place(customer, (plenty, 3), (scarce, 5), shop=shop)
    assert isinstance(excinfo.value, DomainError)
    assert excinfo.value.as_dict()["code"] == "insufficient_stock"
    assert excinfo.value.details["lines"] == [{"offer": scarce.pk, "requested": 5, "available": 2}]
    assert stock(plenty) == (10, 0) and stock(scarce) == (2, 0)
    assert not ReservationLine.objects.exists()


def test_the_same_offer_twice_adds_up(customer, shop):
    chair = offer_in(shop, stock_on_hand=3)
    with pytest.raises(InsufficientStock):
        place(customer, (chair, 2), (chair, 2), shop=shop)
    reservation = place(customer, (chair, 1), (chair, 2), shop=shop)
    assert [line.quantity for line in reservation.lines.all()] == [3]


def test_a_unique_item_goes_to_one_customer_only(customer, shop):
    sofa = offer_in(shop, stock_on_hand=1, product__is_unique_item=True, product__condition="good")
    place(customer, (sofa, 1), shop=shop)
    with pytest.raises(InsufficientStock):
        place(factories.UserFactory(), (sofa, 1), shop=shop)
    with pytest.raises(InvalidReservation):
        place(customer, (sofa, 2), shop=shop)


def test_the_database_refuses_a_second_active_line_for_a_unique_item(customer, shop):
    sofa = offer_in(shop, stock_on_hand=1, product__is_unique_item=True, product__condition="good")
    first = place(customer, (sofa, 1), shop=shop).lines.get()
    first.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        first.save()


def test_unlimited_stock_never_runs_short(customer, shop):
    bread = offer_in(shop, unlimited_stock=True, stock_on_hand=0)
    place(customer, (bread, 40), shop=shop)
    assert stock(bread) == (0, 40)


@pytest.mark.parametrize("quantity", [0, -1, 1000, True, 2.5, "3"])
def test_bad_quantities_are_refused(customer, shop, quantity):
    chair = offer_in(shop, stock_on_hand=5000)
    with pytest.raises(InvalidReservation) as excinfo:
        reservation_create(customer=customer, lines=[LineRequest(chair.pk, quantity)], fulfilment="delivery")
    assert excinfo.value.field == "quantity"
    assert stock(chair) == (5000, 0)


def test_offers_not_on_sale_are_refused(customer, shop):
    now = timezone.now()
    cases = {
        "draft": offer_in(shop, status="draft"),
        "later": offer_in(shop, available_from=now + timedelta(days=1)),
        "over": offer_in(shop, available_until=now - timedelta(days=1)),
        "closed shop": offer_in(factories.ShopFactory(organisation=shop.organisation, active=False)),
    }
    for label, offer in cases.items():
        with pytest.raises(InvalidReservation) as excinfo:
            place(customer, (offer, 1))
        assert excinfo.value.details["offer"] == offer.pk, label
    with pytest.raises(InvalidReservation):
        reservation_create(customer=customer, lines=[LineRequest(987654, 1)], fulfilment="delivery")
    with pytest.raises(InvalidReservation):
        reservation_create(customer=customer, lines=[], fulfilment="delivery")


def test_an_offer_reserved_to_a_category_is_for_its_members(customer, shop):
    category = factories.CustomerCategoryFactory(organisation=shop.organisation, name="Adhérents")
    offer = offer_in(shop, stock_on_hand=3)
    offer.reserved_categories.set([category])
    with pytest.raises(InvalidReservation):
        place(customer, (offer, 1))
    member = factories.MemberFactory(organisation=shop.organisation, user=customer)
    member.categories.set([category])
    assert place(customer, (offer, 1)).lines.count() == 1


def test_pickup_needs_a_shop_that_holds_the_offer(customer, shop):
    chair = offer_in(shop, stock_on_hand=3)
    with pytest.raises(InvalidReservation) as excinfo:
        place(customer, (chair, 1), fulfilment="pickup")
    assert excinfo.value.field == "pickup_shop"
    with pytest.raises(InvalidReservation) as excinfo:
        place(customer, (chair, 1), shop=factories.ShopFactory(organisation=shop.organisation))
    assert excinfo.value.field == "pickup_shop"
    shop.active = False
    shop.save()
    with pytest.raises(InvalidReservation) as excinfo:
        place(customer, (chair, 1), shop=shop)
    assert excinfo.value.field == "pickup_shop"
    assert stock(chair) == (3, 0)


def test_a_retried_request_returns_the_first_order(customer, shop):
    chair = offer_in(shop, stock_on_hand=3)
    first = place(customer, (chair, 1), shop=shop, idempotency_key="abc-123")
    again = place(customer, (chair, 1), shop=shop, idempotency_key="abc-123")
    assert again.pk == first.pk and stock(chair) == (3, 1)
    other = place(factories.UserFactory(), (chair, 1), shop=shop, idempotency_key="abc-123")
    assert other.pk != first.pk


def test_collecting_hands_the_units_over(customer, shop):
    chair = offer_in(shop, stock_on_hand=5)
    reservation = place(customer, (chair, 2), shop=shop)
    staff = factories.make_staff(shop.organisation, username="vendeuse")
    for status in (S.ACCEPTED, S.READY, S.COLLECTED):
        reservation_transition(reservation=reservation, to_status=status, actor=staff, payment_method="card")
    assert stock(chair) == (3, 0)
    reservation.refresh_from_db()
    assert (reservation.payment_status, reservation.payment_method, reservation.amount_paid) == (
        "paid",
        "card",
        chair.price_incl_tax * 2,
    )
    assert reservation.lines.get().handed_over_at is not None
    assert not reservation.lines.get().holds_stock
    assert list(reservation.history.values_list("from_status", "to_status", "actor")) == [
        ("", S.PLACED, None),
        (S.PLACED, S.ACCEPTED, staff.pk),
        (S.ACCEPTED, S.READY, staff.pk),
        (S.READY, S.COLLECTED, staff.pk),
    ]


@pytest.mark.parametrize("path", [[S.CANCELLED], [S.REFUSED], [S.ACCEPTED, S.READY, S.CANCELLED]])
def test_cancelling_or_refusing_gives_the_units_back(customer, shop, path):
    chair = offer_in(shop, stock_on_hand=5)
    reservation = place(customer, (chair, 2), shop=shop)
    for status in path:
        reservation_transition(reservation=reservation, to_status=status, reason="Client absent")
    assert stock(chair) == (5, 0)
    assert StatusChange.objects.filter(reservation=reservation).last().reason == "Client absent"


def test_impossible_transitions_are_refused_and_change_nothing(customer, shop):
    chair = offer_in(shop, stock_on_hand=5)
    reservation = place(customer, (chair, 2), shop=shop)
    for status in (S.COLLECTED, S.SHIPPED, S.DELIVERED, S.PLACED, "nonsense"):
        with pytest.raises(InvalidTransition) as excinfo:
            reservation_transition(reservation=reservation, to_status=status)
        assert excinfo.value.details == {"from_status": S.PLACED, "to_status": status}
    reservation_transition(reservation=reservation, to_status=S.CANCELLED)
    with pytest.raises(InvalidTransition):
        reservation_transition(reservation=reservation, to_status=S.CANCELLED)
    assert stock(chair) == (5, 0)
    assert reservation.history.count() == 2


def test_pickup_orders_are_not_shipped_and_deliveries_not_left_ready(customer, shop):
    chair = offer_in(shop, stock_on_hand=5)
    pickup, delivery = place(customer, (chair, 1), shop=shop), place(customer, (chair, 1))
    for reservation, wrong in ((pickup, S.SHIPPED), (delivery, S.READY)):
        reservation_transition(reservation=reservation, to_status=S.ACCEPTED)
        with pytest.raises(InvalidTransition):
            reservation_transition(reservation=reservation, to_status=wrong)
    reservation_transition(reservation=delivery, to_status=S.SHIPPED, carrier="La Poste", tracking_number="6A123")
    reservation_transition(reservation=delivery, to_status=S.DELIVERED)
    assert stock(chair) == (4, 1)
