"""Reads with rules about shops' stock feeds: which feeds a caller sees, and which shops' stock is stale."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import (
    BooleanField,
    Case,
    DateTimeField,
    Exists,
    ExpressionWrapper,
    F,
    JSONField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import IntegerField as IntegerOutput
from django.utils import timezone

from shops.models import Shop
from shops.permissions import organisation_ids, scope_queryset, sees_everything

from .choices import ImportStatus
from .models import ImportJob, StockFeedToken
from .stock_kind import StockKind


def stock_feed_jobs_visible(*, user):
    """Stock feeds ``user`` may read: a shop key its own shop's; staff their organisations'; animators and
    platform admins all; anyone else none."""
    from .authentication import ShopKey

    jobs = ImportJob.objects.filter(resource=StockKind.key).select_related("shop")
    if isinstance(user, ShopKey):
        return jobs.filter(shop=user.shop)
    if sees_everything(user):
        return jobs
    ids = organisation_ids(user)
    if not ids:
        return jobs.none()
    return jobs.filter(organisation_id__in=ids)


def stale_cutoff(*, stale_after: timedelta | None = None, now=None):
    stale_after = timedelta(hours=settings.PIVOT_STOCK_STALE_HOURS) if stale_after is None else stale_after
    return (now or timezone.now()) - stale_after


def shops_feed_status(*, user, stale_after: timedelta | None = None):
    """The shops ``user`` may see (their organisations'; every one for animators and platform admins), each with
    its last done stock feed (``last_feed_id``, ``last_feed_at``, ``last_feed_totals``, ``last_feed_options``),
    its last feed attempt when that one failed or was refused (``last_attempt_id``, ``last_attempt_status``),
    whether it ``uses_feeds`` (an active key, or any feed so far) and whether its stock is ``stale``: a shop
    that uses feeds and has had no done feed within ``stale_after`` (``settings.PIVOT_STOCK_STALE_HOURS``).

    Stale shops come first, the longest without a feed first. One query, whatever the number of shops."""
    cutoff = stale_cutoff(stale_after=stale_after)
    feeds = ImportJob.objects.filter(shop=OuterRef("pk"), resource=StockKind.key)
    done = feeds.filter(status=ImportStatus.DONE).order_by("-finished_at", "-pk")
    attempts = feeds.order_by("-created_at", "-pk")
    active_key = StockFeedToken.objects.filter(shop=OuterRef("pk"), revoked_at__isnull=True)
    shops = scope_queryset(user, Shop.objects.select_related("organisation"))
    shops = shops.annotate(
        last_feed_id=Subquery(done.values("pk")[:1], output_field=IntegerOutput()),
        last_feed_at=Subquery(done.values("finished_at")[:1], output_field=DateTimeField()),
        last_feed_totals=Subquery(done.values("totals")[:1], output_field=JSONField()),
        last_feed_options=Subquery(done.values("options")[:1], output_field=JSONField()),
        last_attempt_id=Subquery(attempts.values("pk")[:1], output_field=IntegerOutput()),
        last_attempt_status=Subquery(attempts.values("status")[:1]),
        uses_feeds=ExpressionWrapper(Exists(active_key) | Exists(feeds), output_field=BooleanField()),
    ).annotate(
        stale=Case(
            When(Q(uses_feeds=True) & (Q(last_feed_at__isnull=True) | Q(last_feed_at__lt=cutoff)), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )
    return shops.order_by(
        "-stale", "-uses_feeds", F("last_feed_at").asc(nulls_first=True), "organisation__name", "name", "pk"
    )
