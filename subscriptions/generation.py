"""The planned deliveries of subscriptions, made from the delivery calendar.

Idempotent: a subscription gets at most one generated delivery per week (and the database allows one per
date), so that a re-run, a nightly run and the run after a change only add what is missing. A week that
already holds a delivery of the subscription, cancelled or moved to another day, is never filled again.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction
from django.db.models import QuerySet

from offers.bulk import insert_rows
from shops.models import Depot

from .calendar import Calendar, monday
from .choices import DeliveryStatus, Frequency
from .models import Delivery, Subscription

CHUNK = 2000
EVERY = {Frequency.WEEKLY: 1, Frequency.FORTNIGHTLY: 2}


def _existing(subscription_ids: list[int]):
    """Per subscription: the weeks it has deliveries in, and how many baskets its planned ones bring."""
    weeks: dict[int, set[dt.date]] = defaultdict(set)
    baskets: dict[int, int] = defaultdict(int)
    rows = Delivery.objects.filter(subscription_id__in=subscription_ids).values_list(
        "subscription_id", "date", "status", "baskets"
    )
    for subscription_id, date, status, count in rows.iterator(chunk_size=CHUNK * 10):
        weeks[subscription_id].add(monday(date))
        if status == DeliveryStatus.PLANNED:
            baskets[subscription_id] += count
    return weeks, baskets


def planned_dates(subscription: Subscription, calendar: Calendar, *, taken_weeks=(), baskets: int = 0):
    """The dates (with their place) the calendar gives ``subscription`` in weeks that have no delivery yet."""
    every = EVERY[subscription.plan.frequency]
    for week in calendar.weeks(subscription.starts_on, every=every):
        if subscription.delivery_count is not None and baskets >= subscription.delivery_count:
            return
        day = week + dt.timedelta(days=subscription.weekday)
        if subscription.ends_on is not None and day > subscription.ends_on:
            return
        if day < subscription.starts_on or week in taken_weeks:
            continue
        place = calendar.place(subscription.depot_id, day)
        if place is None:
            continue
        baskets += 1
        yield day, place


def deliveries_generate(*, subscriptions: QuerySet | Iterable[Subscription] | None = None) -> int:
    """Create the missing planned deliveries of ``subscriptions`` (all when None); returns how many."""
    if subscriptions is None:
        subscriptions = Subscription.objects.all()
    if isinstance(subscriptions, QuerySet):
        subscriptions = subscriptions.select_related("plan").order_by("organisation_id", "pk")
    by_organisation: dict[int, list[Subscription]] = defaultdict(list)
    for subscription in subscriptions:
        by_organisation[subscription.organisation_id].append(subscription)
    created = 0
    for organisation_id, members in by_organisation.items():
        calendar = Calendar.load(organisation_id)
        fees = dict(Depot.objects.filter(organisation_id=organisation_id).values_list("pk", "delivery_fee"))
        for start in range(0, len(members), CHUNK):
            created += _generate_chunk(members[start : start + CHUNK], calendar, fees)
    return created


@transaction.atomic
def _generate_chunk(subscriptions: list[Subscription], calendar: Calendar, fees: dict) -> int:
    weeks, baskets = _existing([subscription.pk for subscription in subscriptions])
    new = []
    for subscription in subscriptions:
        for day, place in planned_dates(
            subscription, calendar, taken_weeks=weeks[subscription.pk], baskets=baskets[subscription.pk]
        ):
            new.append(
                {
                    "subscription_id": subscription.pk,
                    "organisation_id": subscription.organisation_id,
                    "date": day,
                    "depot_id": place.depot_id,
                    "closure_id": place.closure_id,
                    "fee": fees[place.depot_id],
                }
            )
    # A concurrent run may have added the same dates: the unique constraint keeps one of each.
    insert_rows(Delivery, new, ignore_conflicts=True)
    return len(new)
