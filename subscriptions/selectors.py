"""Reads with rules: whose deliveries a user sees, and a subscription's counters against its plan's quotas."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import BooleanField, Case, Count, F, Max, Q, QuerySet, Value, When

from shops.models import Member
from shops.permissions import is_signed_in, organisation_ids, sees_everything

from .choices import ChangeKind
from .models import Delivery, DeliveryChange, DoublingCount, Subscription


@dataclass(frozen=True)
class Counters:
    """What a member has used of a subscription's allowances; None where the plan sets no limit."""

    cancelled: int
    max_cancellations: int | None
    postponed: int
    doubled: int
    window_starts_on: dt.date | None
    window_ends_on: dt.date | None
    window_used: int
    window_max: int | None
    to_make_up: int
    make_up_before: dt.date | None

    def as_dict(self) -> dict:
        return {key: value.isoformat() if isinstance(value, dt.date) else value for key, value in asdict(self).items()}


def subscription_counters(*, subscription: Subscription) -> Counters:
    return counters_of(subscriptions=[subscription])[subscription.pk]


def counters_of(*, subscriptions) -> dict[int, Counters]:
    """The counters of many subscriptions (with their plans) in two queries, whatever their number."""
    subscriptions = list(subscriptions)
    ids = [subscription.pk for subscription in subscriptions]
    kinds = {
        (row["subscription_id"], row["kind"], row["in_window"]): row["n"]
        for row in DeliveryChange.objects.filter(subscription_id__in=ids, kind__in=COUNTED)
        .annotate(in_window=_in_window())
        .values("subscription_id", "kind", "in_window")
        .annotate(n=Count("pk"))
        .order_by()
    }
    last_dates = dict(
        Delivery.objects.filter(subscription_id__in=[s.pk for s in subscriptions if s.ends_on is None])
        .values("subscription_id")
        .annotate(last=Max("date"))
        .values_list("subscription_id", "last")
        .order_by()
    )
    counters = {}
    for subscription in subscriptions:
        plan = subscription.plan

        def count(kind, *, window=None, pk=subscription.pk):
            flags = (True, False) if window is None else (window,)
            return sum(kinds.get((pk, kind, flag), 0) for flag in flags)

        limited = plan.quota_window_max is not None
        cancelled, doubled = count(ChangeKind.CANCEL), count(ChangeKind.DOUBLE)
        to_make_up = max(cancelled - doubled, 0) if plan.cancellation_needs_doubling else 0
        counters[subscription.pk] = Counters(
            cancelled=cancelled,
            max_cancellations=plan.max_cancellations,
            postponed=count(ChangeKind.POSTPONE),
            doubled=doubled,
            window_starts_on=plan.quota_window_starts_on if limited else None,
            window_ends_on=plan.quota_window_ends_on if limited else None,
            window_used=(
                count(ChangeKind.CANCEL, window=True) + count(ChangeKind.POSTPONE, window=True) if limited else 0
            ),
            window_max=plan.quota_window_max,
            to_make_up=to_make_up,
            make_up_before=(subscription.ends_on or last_dates.get(subscription.pk)) if to_make_up else None,
        )
    return counters


COUNTED = [ChangeKind.CANCEL, ChangeKind.POSTPONE, ChangeKind.DOUBLE]


def _in_window():
    """Whether a change's delivery date lies in its plan's limited period."""
    return Case(
        When(
            date__gte=F("subscription__plan__quota_window_starts_on"),
            date__lte=F("subscription__plan__quota_window_ends_on"),
            then=Value(True),
        ),
        default=Value(False),
        output_field=BooleanField(),
    )


def members_of(user) -> QuerySet:
    """The member records of a signed-in customer, in every organisation they subscribe to."""
    if not is_signed_in(user):
        return Member.objects.none()
    return Member.objects.filter(user=user)


def subscriptions_visible(*, user) -> QuerySet:
    """Staff: their organisations' subscriptions (animators and admins: all); others: their own."""
    queryset = Subscription.objects.select_related("member", "plan__offer__product", "depot")
    if sees_everything(user):
        return queryset
    if not is_signed_in(user):
        return queryset.none()
    return queryset.filter(Q(member__user=user) | Q(organisation_id__in=organisation_ids(user)))


def deliveries_visible(*, user) -> QuerySet:
    queryset = Delivery.objects.select_related("subscription__member", "subscription__plan__offer__product", "depot")
    if sees_everything(user):
        return queryset
    if not is_signed_in(user):
        return queryset.none()
    return queryset.filter(Q(subscription__member__user=user) | Q(organisation_id__in=organisation_ids(user)))


def doubling_room(*, plan, dates) -> dict[dt.date, int | None]:
    """Per date: how many more baskets of ``plan`` may be doubled (None: no limit)."""
    rows = {
        row.date: row
        for row in DoublingCount.objects.filter(plan=plan, date__in=list(dates)).only("date", "doubled", "cap")
    }
    room = {}
    for day in dates:
        row = rows.get(day)
        cap = row.cap if row is not None and row.cap is not None else plan.doubling_cap
        doubled = row.doubled if row is not None else 0
        room[day] = None if cap is None else max(cap - doubled, 0)
    return room
