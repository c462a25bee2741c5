"""Oversell under real concurrency: many buyers at once on PostgreSQL, which locks rows (SQLite serialises
every writer, so the race cannot happen there). 2 × 125 rounds × 40 simultaneous buyers = 10,000 attempts."""

import threading

import pytest
from django.db import connection

from baskets.models import ReservationLine
from baskets.services import LineRequest, reservation_create
from offers.exceptions import InsufficientStock
from offers.models import Offer
from tests import factories
from tests.conftest import is_postgresql

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not is_postgresql(), reason="needs PostgreSQL's row locks; runs in CI with DATABASE_URL=postgres://…"
    ),
]

BUYERS = 40
ROUNDS = 125


def race(rounds: list, attempt) -> list[list[str]]:
    """For each round, every buyer calls ``attempt(round, buyer)`` at the same moment (a barrier)."""
    barrier = threading.Barrier(BUYERS)
    outcomes = [[""] * BUYERS for _ in rounds]

    def buyer(index):
        try:
            for number, data in enumerate(rounds):
                barrier.wait()
                try:
                    attempt(data, index)
                    outcomes[number][index] = "won"
                except InsufficientStock:
                    outcomes[number][index] = "lost"
                except Exception as error:  # a deadlock or anything else fails the test below
                    outcomes[number][index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=buyer, args=(index,)) for index in range(BUYERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def buyers():
    return [factories.UserFactory(username=f"buyer{n}") for n in range(BUYERS)]


def test_each_unique_item_has_exactly_one_winner(buyers):
    shop = factories.ShopFactory()
    sofas = [
        factories.OfferFactory(
            organisation=shop.organisation,
            shop=shop,
            stock_on_hand=1,
            product__is_unique_item=True,
            product__condition="good",
        )  # fmt: skip
        for _ in range(ROUNDS)
    ]

    def attempt(sofa, index):
        reservation_create(
            customer=buyers[index], lines=[LineRequest(sofa.pk, 1)], fulfilment="pickup", pickup_shop_id=shop.pk
        )

    outcomes = race(sofas, attempt)
    errors = {outcome for round_ in outcomes for outcome in round_} - {"won", "lost"}
    assert errors == set()
    assert [round_.count("won") for round_ in outcomes] == [1] * ROUNDS
    assert set(Offer.objects.filter(pk__in=[s.pk for s in sofas]).values_list("stock_on_hand", "stock_allocated")) == {
        (1, 1)
    }
    assert ReservationLine.objects.count() == ROUNDS


def test_offers_with_n_units_have_exactly_n_winners_and_multi_line_orders_never_deadlock(buyers):
    shop = factories.ShopFactory()
    pairs = []
    for _ in range(ROUNDS):
        shoes = factories.OfferFactory(organisation=shop.organisation, shop=shop, stock_on_hand=7)
        socks = factories.OfferFactory(organisation=shop.organisation, shop=shop, stock_on_hand=5)
        pairs.append((shoes, socks))

    def attempt(pair, index):
        # Half the buyers list the lines the other way round: locks are still taken in one order.
        lines = [LineRequest(offer.pk, 1) for offer in (pair if index % 2 else reversed(pair))]
        reservation_create(customer=buyers[index], lines=lines, fulfilment="pickup", pickup_shop_id=shop.pk)

    outcomes = race(pairs, attempt)
    errors = {outcome for round_ in outcomes for outcome in round_} - {"won", "lost"}
    assert errors == set()
    assert [round_.count("won") for round_ in outcomes] == [5] * ROUNDS
    for shoes, socks in pairs:
        assert Offer.objects.get(pk=shoes.pk).stock_allocated == 5
        assert Offer.objects.get(pk=socks.pk).stock_allocated == 5


def test_a_retried_order_sent_twice_at_once_is_placed_once(buyers):
    """Every buyer sends the same Idempotency-Key as buyer 0, at the same moment: one order, one allocation."""
    shop = factories.ShopFactory()
    chair = factories.OfferFactory(organisation=shop.organisation, shop=shop, stock_on_hand=100)
    placed = [None] * BUYERS

    def attempt(_data, index):
        placed[index] = reservation_create(
            customer=buyers[0],
            lines=[LineRequest(chair.pk, 1)],
            fulfilment="pickup",
            pickup_shop_id=shop.pk,
            idempotency_key="retry-7",
        ).pk

    outcomes = race([None], attempt)
    assert outcomes == [["won"] * BUYERS]
    assert len(set(placed)) == 1
    assert Offer.objects.get(pk=chair.pk).stock_allocated == 1


def test_two_sweeps_at_once_handle_each_overdue_order_once(buyers):
    """Two workers run the deadline sweep at the same moment, three times over: every overdue order is moved or
    cancelled once, its units released once, its customer e-mailed once."""
    from datetime import timedelta

    from django.core import mail
    from django.db.models import Sum
    from django.utils import timezone

    from baskets.choices import ReservationStatus
    from baskets.models import Reassignment, Reservation
    from baskets.services import reservation_transition, reservations_sweep

    organisation = factories.OrganisationFactory()
    near, far = (factories.ShopFactory(organisation=organisation) for _ in range(2))
    product = factories.ProductFactory(organisation=organisation)
    offers = [
        factories.OfferFactory(organisation=organisation, shop=shop, product=product, stock_on_hand=100)
        for shop in (near, far)
    ]
    unaccepted = [
        reservation_create(
            customer=buyer, lines=[LineRequest(offers[0].pk, 1)], fulfilment="pickup", pickup_shop_id=near.pk
        )
        for buyer in buyers[:20]
    ]
    uncollected = []
    for buyer in buyers[20:]:
        reservation = reservation_create(
            customer=buyer, lines=[LineRequest(offers[1].pk, 1)], fulfilment="pickup", pickup_shop_id=far.pk
        )
        reservation_transition(reservation=reservation, to_status=ReservationStatus.ACCEPTED)
        uncollected.append(reservation_transition(reservation=reservation, to_status=ReservationStatus.READY))
    Reservation.objects.update(due_at=timezone.now() - timedelta(minutes=1))
    mail.outbox.clear()
    barrier = threading.Barrier(2)
    errors = []

    def worker():
        try:
            for _ in range(3):
                barrier.wait()
                reservations_sweep()
        except Exception as error:
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert Reassignment.objects.count() == 20
    assert set(Reservation.objects.filter(pk__in=[r.pk for r in unaccepted]).values_list("shop_id", "status")) == {
        (far.pk, ReservationStatus.PLACED)
    }
    assert set(Reservation.objects.filter(pk__in=[r.pk for r in uncollected]).values_list("status", flat=True)) == {
        ReservationStatus.CANCELLED
    }
    held = ReservationLine.objects.filter(holds_stock=True).values("offer").annotate(units=Sum("quantity"))
    assert {row["offer"]: row["units"] for row in held} == {offers[1].pk: 20}
    assert [Offer.objects.get(pk=offer.pk).stock_allocated for offer in offers] == [0, 20]
    to_customers = [message.to[0] for message in mail.outbox if message.to[0] in {b.email for b in buyers}]
    assert sorted(to_customers) == sorted(buyer.email for buyer in buyers)
