"""Reads with rules: whose deliveries a user sees, and a subscription's counters against its plan's quotas."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.db.models import Count, Q, QuerySet

from shops.models import Member
from shops.permissions import organisation_ids, sees_everything

from .choices import ChangeKind
from .models import Delivery, DoublingCount, Subscription


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
    plan = subscription.plan
    window = plan.quota_window_starts_on, plan.quota_window_ends_on
    in_window = Q(kind__in=[ChangeKind.CANCEL, ChangeKind.POSTPONE])
    if window[0] and window[1]:
        in_window &= Q(date__range=window)
    else:
        in_window = Q(pk__in=[])
    counts = subscription.changes.aggregate(
        cancelled=Count("pk", filter=Q(kind=ChangeKind.CANCEL)),
        postponed=Count("pk", filter=Q(kind=ChangeKind.POSTPONE)),
        doubled=Count("pk", filter=Q(kind=ChangeKind.DOUBLE)),
        window_used=Count("pk", filter=in_window),
    )
    to_make_up = max(counts["cancelled"] - counts["doubled"], 0) if plan.cancellation_needs_doubling else 0
    make_up_before = subscription.ends_on
    if make_up_before is None:
        make_up_before = subscription.deliveries.order_by("-date").values_list("date", flat=True).first()
    return Counters(
        cancelled=counts["cancelled"],
        max_cancellations=plan.max_cancellations,
        postponed=counts["postponed"],
        doubled=counts["doubled"],
        window_starts_on=window[0] if plan.quota_window_max is not None else None,
        window_ends_on=window[1] if plan.quota_window_max is not None else None,
        window_used=counts["window_used"],
        window_max=plan.quota_window_max,
        to_make_up=to_make_up,
        make_up_before=make_up_before if to_make_up else None,
    )


def members_of(user) -> QuerySet:
    """The member records of a signed-in customer, in every organisation they subscribe to."""
    if not (user and user.is_authenticated and user.is_active):
        return Member.objects.none()
    return Member.objects.filter(user=user)


def subscriptions_visible(*, user) -> QuerySet:
    """Staff: their organisations' subscriptions (animators and admins: all); others: their own."""
    queryset = Subscription.objects.select_related("member", "plan__offer__product", "depot")
    if sees_everything(user):
        return queryset
    return queryset.filter(Q(member__user=user) | Q(organisation_id__in=organisation_ids(user)))


def deliveries_visible(*, user) -> QuerySet:
    queryset = Delivery.objects.select_related("subscription__member", "subscription__plan__offer__product", "depot")
    if sees_everything(user):
        return queryset
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
