"""The cap of doubled baskets under real concurrency: members doubling on the same date at the same moment, on
PostgreSQL, which runs the transactions in parallel (SQLite serialises every writer, so the race cannot happen)."""

import threading

import pytest
from django.db import connection

from subscriptions import services
from subscriptions.exceptions import ChangeRefused
from subscriptions.models import Delivery, DoublingCount
from tests.conftest import is_postgresql
from tests.factories import MemberFactory, UserFactory

from .conftest import make_plan, tuesday

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not is_postgresql(),
        reason="needs PostgreSQL's concurrent transactions; runs in CI with DATABASE_URL=postgres://…",
    ),
]

MEMBERS = 50
PLACES_LEFT = 10
ALREADY_DOUBLED = 5


def test_fifty_members_doubling_at_once_on_a_date_with_ten_places_left(garden, subscribe):
    plan = make_plan(garden, doubling_cap=ALREADY_DOUBLED + PLACES_LEFT, notice_hours=48)
    day = tuesday(10)
    for _ in range(ALREADY_DOUBLED):
        user = UserFactory()
        subscription = subscribe(MemberFactory(organisation=garden, user=user), plan)
        services.delivery_double(delivery=subscription.deliveries.get(date=day), actor=user)
    racers = []
    for _ in range(MEMBERS):
        user = UserFactory()
        subscription = subscribe(MemberFactory(organisation=garden, user=user), plan)
        racers.append((user, subscription.deliveries.get(date=day)))

    barrier = threading.Barrier(MEMBERS)
    outcomes = [""] * MEMBERS

    def member(index):
        user, delivery = racers[index]
        try:
            barrier.wait()
            services.delivery_double(delivery=delivery, actor=user)
            outcomes[index] = "won"
        except ChangeRefused as refusal:
            outcomes[index] = refusal.code
        except Exception as error:  # a deadlock or anything else fails the test below
            outcomes[index] = repr(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=member, args=(index,)) for index in range(MEMBERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(outcomes)) == ["doubling_cap_reached", "won"], set(outcomes)
    assert outcomes.count("won") == PLACES_LEFT
    assert DoublingCount.objects.get(plan=plan, date=day).doubled == ALREADY_DOUBLED + PLACES_LEFT
    assert (
        Delivery.objects.filter(subscription__plan=plan, date=day, baskets=2).count() == ALREADY_DOUBLED + PLACES_LEFT
    )
