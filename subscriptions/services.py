"""Subscriptions and their deliveries: every change enforces the plan's policy, the same way for the member's
page, the admin and the API. Staff may override a rule with a reason; the override is logged. Bad input
(a date in the past, a day without delivery, a closed depot, a wrong access code) is never overridden.

Locking order: the subscriptions (by primary key), then their deliveries (by primary key), then the date's
doubling counter, whose conditional UPDATE keeps the cap however many members double at once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_q.tasks import async_task

from offers.choices import SaleMode
from shops import services as shop_services
from shops.models import Closure, Depot, Member
from shops.permissions import can_change

from . import notifications
from .calendar import Calendar, monday
from .choices import ChangeKind, DeliveryStatus
from .exceptions import ChangeRefused, InvalidSubscription
from .generation import deliveries_generate
from .models import (
    Delivery,
    DeliveryBreak,
    DeliveryChange,
    DoublingCount,
    Funder,
    Plan,
    PlanPrice,
    Season,
    Subscription,
)
from .selectors import doubling_room, subscription_counters

CENT = Decimal("0.01")
ROOM_DATES_SHOWN = 6


def _day(day: dt.date) -> str:
    return formats.date_format(day, "DATE_FORMAT")


# Who acts, and what they may override


def _acting_staff(*, actor, subscription: Subscription, override: bool, reason: str) -> bool:
    """Whether ``actor`` acts as the organisation's staff (True) or as the subscribed member (False)."""
    if actor is not None and can_change(actor, subscription):
        staff = True
    elif actor is not None and actor.is_active and subscription.member.user_id == actor.pk:
        staff = False
    else:
        raise InvalidSubscription(_("This subscription is not yours."), code="not_yours")
    if override and not staff:
        raise InvalidSubscription(_("Only the garden's staff can override the rules."), code="override_not_allowed")
    if override and not reason.strip():
        raise InvalidSubscription(
            _("Give the reason for overriding the rules."), code="reason_required", field="reason"
        )
    return staff


def _log(delivery: Delivery, kind: str, *, actor, override=False, reason="", **fields) -> DeliveryChange:
    return DeliveryChange(
        subscription_id=delivery.subscription_id,
        delivery=delivery,
        kind=kind,
        date=fields.pop("date", delivery.date),
        actor=actor if actor is not None and actor.is_authenticated else None,
        override=override,
        reason=reason.strip(),
        **fields,
    )


# The policy's checks


def _refuse(code: str, message: str, *, subscription: Subscription | None = None, **details):
    if subscription is not None:
        details["counters"] = subscription_counters(subscription=subscription).as_dict()
    raise ChangeRefused(message, code=code, **details)


def _check_date(day: dt.date, *, field: str = "date") -> None:
    if day < timezone.localdate():
        _refuse("date_in_past", _("The %(date)s is already past.") % {"date": _day(day)}, field=field)


def _check_place(calendar: Calendar, depot: Depot, day: dt.date, *, field: str = "date") -> None:
    code = calendar.refusal(depot.pk, day)
    if code is None:
        return
    messages = {
        "outside_season": _("The %(date)s is outside the delivery season."),
        "no_delivery_that_day": _("There is no delivery at “%(depot)s” on %(date)s."),
        "depot_closed": _("The depot “%(depot)s” is closed on %(date)s."),
    }
    _refuse(code, messages[code] % {"date": _day(day), "depot": depot}, field=field, date=day.isoformat())


def _check_notice(calendar: Calendar, subscription: Subscription, depot_id: int, day: dt.date, *, override) -> None:
    """Changes are allowed until ``notice_hours`` before the delivery is handed over, that moment included."""
    deadline = calendar.starts_at(depot_id, day) - dt.timedelta(hours=subscription.plan.notice_hours)
    if not override and timezone.now() > deadline:
        _refuse(
            "notice_too_short",
            _("The delivery of %(date)s can no longer be changed: changes close %(hours)s hours before.")
            % {"date": _day(day), "hours": subscription.plan.notice_hours},
            subscription=subscription,
            date=day.isoformat(),
            deadline=timezone.localtime(deadline).isoformat(),
        )


def _check_open(calendar: Calendar, subscription: Subscription, delivery: Delivery, *, override) -> None:
    if delivery.status != DeliveryStatus.PLANNED:
        _refuse(
            "not_planned",
            _("The delivery of %(date)s is already %(status)s.")
            % {"date": _day(delivery.date), "status": delivery.get_status_display().lower()},
            date=delivery.date.isoformat(),
        )
    _check_date(delivery.date)
    _check_notice(calendar, subscription, delivery.depot_id, delivery.date, override=override)


def _check_quota(subscription: Subscription, kind: str, day: dt.date, *, override) -> None:
    if override:
        return
    plan = subscription.plan
    counters = subscription_counters(subscription=subscription)
    if kind == ChangeKind.CANCEL and plan.max_cancellations is not None:
        if counters.cancelled >= plan.max_cancellations:
            _refuse(
                "quota_exceeded",
                ngettext(
                    "This subscription allows %(max)s cancellation, already used.",
                    "This subscription allows %(max)s cancellations, all already used.",
                    plan.max_cancellations,
                )
                % {"max": plan.max_cancellations},
                subscription=subscription,
            )
    window = plan.quota_window_starts_on, plan.quota_window_ends_on
    if plan.quota_window_max is not None and window[0] and window[1] and window[0] <= day <= window[1]:
        if counters.window_used >= plan.quota_window_max:
            _refuse(
                "quota_exceeded",
                _(
                    "Between %(start)s and %(end)s, %(max)s cancellations or postponements are allowed; "
                    "you have used them all."
                )
                % {"start": _day(window[0]), "end": _day(window[1]), "max": plan.quota_window_max},
                subscription=subscription,
            )


# Doubled baskets and their cap per date


def _take_doubling_place(subscription: Subscription, day: dt.date, *, override: bool) -> None:
    plan = subscription.plan
    DoublingCount.objects.bulk_create([DoublingCount(plan=plan, date=day)], ignore_conflicts=True)
    if override:
        room = Q()
    elif plan.doubling_cap is None:
        room = Q(cap__isnull=True) | Q(doubled__lt=F("cap"))
    else:
        room = Q(doubled__lt=Coalesce(F("cap"), Value(plan.doubling_cap)))
    if DoublingCount.objects.filter(room, plan=plan, date=day).update(doubled=F("doubled") + 1):
        return
    _refuse(
        "doubling_cap_reached",
        _("No more baskets can be doubled on %(date)s.") % {"date": _day(day)},
        subscription=subscription,
        date=day.isoformat(),
        dates_with_room=[other.isoformat() for other in _dates_with_room(subscription, exclude=day)],
    )


def _dates_with_room(subscription: Subscription, *, exclude: dt.date) -> list[dt.date]:
    calendar = Calendar.load(subscription.organisation_id)
    now = timezone.now()
    notice = dt.timedelta(hours=subscription.plan.notice_hours)
    candidates = [
        (day, depot_id)
        for day, depot_id in subscription.deliveries.filter(
            status=DeliveryStatus.PLANNED, baskets=1, date__gte=timezone.localdate()
        )
        .exclude(date=exclude)
        .values_list("date", "depot_id")
        if calendar.starts_at(depot_id, day) - notice >= now
    ]
    room = doubling_room(plan=subscription.plan, dates=[day for day, _depot in candidates])
    return [day for day, _depot in candidates if room[day] is None or room[day] > 0][:ROOM_DATES_SHOWN]


def _release_doubling_place(plan: Plan, day: dt.date) -> None:
    DoublingCount.objects.filter(plan=plan, date=day, doubled__gt=0).update(doubled=F("doubled") - 1)


@transaction.atomic
def doubling_cap_set(*, plan: Plan, date: dt.date, cap: int | None, actor) -> DoublingCount:
    """Staff raise (or lower) the cap of doubled baskets for one date; None goes back to the plan's cap."""
    if not can_change(actor, plan):
        raise InvalidSubscription(_("This plan is not yours."), code="not_yours")
    DoublingCount.objects.bulk_create([DoublingCount(plan=plan, date=date)], ignore_conflicts=True)
    count = DoublingCount.objects.select_for_update().get(plan=plan, date=date)
    if cap is not None and cap < count.doubled:
        raise InvalidSubscription(
            _("%(count)s baskets are already doubled on %(date)s: the cap cannot be lower.")
            % {"count": count.doubled, "date": _day(date)},
            code="cap_below_doubled",
            field="cap",
        )
    count.cap = cap
    count.save(update_fields=["cap"])
    return count


# The calendar, plans and funders


@transaction.atomic
def season_save(*, season: Season, breaks: Iterable[DeliveryBreak] | None = None, actor=None) -> Season:
    """Seasons of one organisation never overlap; breaks lie within their season. Plans the weeks it opens."""
    if breaks is not None:
        season.breaks = list(breaks)
    if season.starts_on > season.ends_on:
        raise InvalidSubscription(_("A season must end on or after its first day."), field="ends_on")
    overlapping = Season.objects.filter(
        organisation_id=season.organisation_id, starts_on__lte=season.ends_on, ends_on__gte=season.starts_on
    ).exclude(pk=season.pk)
    if overlapping.exists():
        raise InvalidSubscription(
            _("This season overlaps “%(season)s”.") % {"season": overlapping.first()}, field="starts_on"
        )
    for pause in season.breaks.all():
        if pause.starts_on > pause.ends_on or pause.starts_on < season.starts_on or pause.ends_on > season.ends_on:
            raise InvalidSubscription(
                _("The days without delivery from %(date)s must lie within the season, in order.")
                % {"date": _day(pause.starts_on)},
                field="breaks",
            )
    season.full_clean()
    season.save()
    organisation_id = season.organisation_id
    transaction.on_commit(lambda: async_task("subscriptions.tasks.deliveries_plan", organisation_id=organisation_id))
    return season


@transaction.atomic
def plan_save(*, plan: Plan, prices: Iterable[PlanPrice] | None = None, actor=None) -> Plan:
    if prices is not None:
        plan.prices = list(prices)
    offer = plan.offer
    if offer.sale_mode != SaleMode.SUBSCRIPTION:
        raise InvalidSubscription(_("Choose an offer sold by subscription."), field="offer")
    plan.organisation_id = offer.organisation_id
    for price in plan.prices.all():
        if price.category.organisation_id != plan.organisation_id:
            raise InvalidSubscription(
                _("“%(object)s” belongs to another organisation.") % {"object": price.category}, field="prices"
            )
    window = (plan.quota_window_starts_on, plan.quota_window_ends_on)
    if (window[0] is None) != (window[1] is None) or (plan.quota_window_max is not None and None in window):
        raise InvalidSubscription(
            _("A limited period needs its first and last day and its maximum."), field="quota_window_starts_on"
        )
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def funder_save(*, funder: Funder, actor=None) -> Funder:
    funder.full_clean()
    funder.save()
    return funder


# Subscriptions


def price_for(*, plan: Plan, member: Member) -> Decimal:
    """The member's price per delivery: the lowest of their categories' prices, else the offer's public price."""
    prices = plan.prices.filter(category__in=member.categories.all()).values_list("price", flat=True)
    return min(prices, default=plan.offer.price_incl_tax)


def discount_per_basket(subscription: Subscription) -> Decimal:
    """What the funder pays per basket: the discount's share of the public price."""
    public = subscription.plan.offer.price_incl_tax
    return (public * subscription.discount_percent / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _validate_subscription(subscription: Subscription, calendar: Calendar, *, access_code: str, staff: bool) -> None:
    plan, member, depot = subscription.plan, subscription.member, subscription.depot
    if plan.offer.sale_mode != SaleMode.SUBSCRIPTION:
        raise InvalidSubscription(_("This offer is not sold by subscription."), field="plan")
    for related, field in ((member, "member"), (depot, "depot"), (subscription.funder, "funder")):
        if related is not None and related.organisation_id != plan.organisation_id:
            raise InvalidSubscription(
                _("“%(object)s” belongs to another organisation.") % {"object": related}, field=field
            )
    if not depot.active:
        raise InvalidSubscription(_("The depot “%(depot)s” is closed for good.") % {"depot": depot}, field="depot")
    if (
        depot.restricted
        and not staff
        and not shop_services.depot_check_access_code(depot=depot, access_code=access_code)
    ):
        raise ChangeRefused(_("The access code of this depot is wrong."), code="wrong_access_code", field="access_code")
    if not calendar.delivers_on_weekday(depot.pk, subscription.weekday):
        raise InvalidSubscription(
            _("There is no delivery at “%(depot)s” on %(day)s.")
            % {"depot": depot, "day": subscription.get_weekday_display().lower()},
            code="no_delivery_that_day",
            field="weekday",
        )
    if (subscription.ends_on is None) == (subscription.delivery_count is None):
        raise InvalidSubscription(_("Give either an end date or a number of baskets."), field="ends_on")
    if subscription.ends_on is not None and subscription.ends_on < subscription.starts_on:
        raise InvalidSubscription(_("The end must come after the start."), field="ends_on")
    if not calendar.in_season(subscription.starts_on):
        raise InvalidSubscription(
            _("The %(date)s is outside the delivery season.") % {"date": _day(subscription.starts_on)},
            code="outside_season",
            field="starts_on",
        )


@transaction.atomic
def subscription_create(
    *,
    member: Member,
    plan: Plan,
    depot: Depot,
    weekday: int,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    delivery_count: int | None = None,
    quantity: int = 1,
    price_per_delivery: Decimal | None = None,
    discount_percent: Decimal = Decimal("0"),
    funder=None,
    access_code: str = "",
    actor,
) -> Subscription:
    """Subscribe ``member`` and plan their deliveries from the calendar."""
    staff = actor is not None and can_change(actor, plan)
    if not staff and (actor is None or member.user_id != actor.pk):
        raise InvalidSubscription(_("This member is not you."), code="not_yours")
    subscription = Subscription(
        organisation_id=plan.organisation_id,
        member=member,
        plan=plan,
        depot=depot,
        weekday=weekday,
        starts_on=starts_on,
        ends_on=ends_on,
        delivery_count=delivery_count,
        quantity=quantity,
        price_per_delivery=price_per_delivery
        if price_per_delivery is not None
        else price_for(plan=plan, member=member),
        discount_percent=discount_percent,
        funder=funder,
    )
    calendar = Calendar.load(plan.organisation_id)
    _validate_subscription(subscription, calendar, access_code=access_code, staff=staff)
    subscription.full_clean()
    subscription.save()
    deliveries_generate(subscriptions=[subscription])
    return subscription


@transaction.atomic
def subscription_update(
    *,
    subscription: Subscription,
    ends_on: dt.date | None = None,
    delivery_count: int | None = None,
    quantity: int | None = None,
    price_per_delivery: Decimal | None = None,
    discount_percent: Decimal | None = None,
    funder=None,
    actor,
) -> Subscription:
    """Staff change a subscription's terms; a shorter end drops the planned deliveries after it, a longer one
    plans the new weeks. Depot and day change through their own services, which keep the deliveries."""
    if not can_change(actor, subscription):
        raise InvalidSubscription(_("This subscription is not yours."), code="not_yours")
    subscription = _lock(subscription.pk)
    subscription.ends_on, subscription.delivery_count = ends_on, delivery_count
    for name, value in (
        ("quantity", quantity),
        ("price_per_delivery", price_per_delivery),
        ("discount_percent", discount_percent),
    ):
        if value is not None:
            setattr(subscription, name, value)
    subscription.funder = funder
    _validate_subscription(subscription, Calendar.load(subscription.organisation_id), access_code="", staff=True)
    subscription.full_clean()
    if ends_on is not None:
        dropped = subscription.deliveries.filter(date__gt=ends_on)
        if dropped.exclude(status=DeliveryStatus.PLANNED, baskets=1, changes__isnull=True).exists():
            raise InvalidSubscription(
                _("Some deliveries after the new end were changed; cancel them first."),
                code="deliveries_after_end",
                field="ends_on",
            )
        dropped.delete()
    else:
        _trim_count_based(subscription)
    subscription.save()
    deliveries_generate(subscriptions=[subscription])
    return subscription


def _trim_count_based(subscription: Subscription) -> None:
    """Drop the last untouched planned deliveries that bring more baskets than the subscription counts."""
    planned = subscription.deliveries.filter(status=DeliveryStatus.PLANNED)
    extra = sum(planned.values_list("baskets", flat=True)) - subscription.delivery_count
    if extra <= 0:
        return
    droppable = list(
        planned.filter(baskets=1, changes__isnull=True, date__gte=timezone.localdate())
        .order_by("-date")
        .values_list("pk", flat=True)[:extra]
    )
    if len(droppable) < extra:
        raise InvalidSubscription(
            _("More baskets are already delivered or changed than the new number."),
            code="deliveries_after_end",
            field="delivery_count",
        )
    Delivery.objects.filter(pk__in=droppable).delete()


def _lock(subscription_id: int) -> Subscription:
    return Subscription.objects.select_for_update().select_related("plan__offer", "member").get(pk=subscription_id)


def _lock_delivery(delivery: Delivery) -> tuple[Subscription, Delivery]:
    subscription = _lock(delivery.subscription_id)
    return subscription, Delivery.objects.select_for_update().select_related("depot").get(pk=delivery.pk)


# Changes to one delivery


@transaction.atomic
def delivery_cancel(*, delivery: Delivery, actor, override: bool = False, reason: str = "") -> Delivery:
    """Cancel a delivery: it is no longer billed (a count-based subscription gets one more at its end)."""
    subscription, delivery = _lock_delivery(delivery)
    _acting_staff(actor=actor, subscription=subscription, override=override, reason=reason)
    calendar = Calendar.load(subscription.organisation_id)
    _cancel(calendar, subscription, delivery, actor=actor, override=override, reason=reason)
    if subscription.is_count_based:
        deliveries_generate(subscriptions=[subscription])
    return delivery


def _cancel(calendar, subscription, delivery, *, actor, override, reason) -> None:
    _check_open(calendar, subscription, delivery, override=override)
    if not subscription.plan.cancellation_allowed and not override:
        _refuse(
            "cancellation_not_allowed",
            _("This subscription does not allow cancelling a delivery."),
            subscription=subscription,
        )
    if delivery.baskets > 1 and not override:
        _refuse(
            "delivery_doubled",
            _("The delivery of %(date)s is doubled; ask the garden to cancel it.") % {"date": _day(delivery.date)},
            subscription=subscription,
            date=delivery.date.isoformat(),
        )
    _check_quota(subscription, ChangeKind.CANCEL, delivery.date, override=override)
    if delivery.baskets > 1:
        _release_doubling_place(subscription.plan, delivery.date)
    delivery.status = DeliveryStatus.CANCELLED
    delivery.save(update_fields=["status"])
    _log(delivery, ChangeKind.CANCEL, actor=actor, override=override, reason=reason).save()


@transaction.atomic
def delivery_postpone(
    *, delivery: Delivery, to_date: dt.date, actor, override: bool = False, reason: str = ""
) -> Delivery:
    """Move a delivery's basket to another week, where it is doubled; returns the delivery that receives it."""
    subscription, delivery = _lock_delivery(delivery)
    _acting_staff(actor=actor, subscription=subscription, override=override, reason=reason)
    calendar = Calendar.load(subscription.organisation_id)
    _check_open(calendar, subscription, delivery, override=override)
    if not subscription.plan.postponement_allowed and not override:
        _refuse(
            "postponement_not_allowed",
            _("This subscription does not allow postponing a delivery."),
            subscription=subscription,
        )
    if delivery.baskets > 1:
        _refuse(
            "delivery_doubled",
            _("The delivery of %(date)s is already doubled: it cannot be postponed.") % {"date": _day(delivery.date)},
            subscription=subscription,
            date=delivery.date.isoformat(),
        )
    if monday(to_date) == monday(delivery.date):
        _refuse("same_week", _("Choose a date in another week."), field="to_date")
    _check_date(to_date, field="to_date")
    if subscription.ends_on is not None and not subscription.starts_on <= to_date <= subscription.ends_on:
        _refuse(
            "outside_period",
            _("The %(date)s is outside your subscription (%(start)s – %(end)s).")
            % {"date": _day(to_date), "start": _day(subscription.starts_on), "end": _day(subscription.ends_on)},
            field="to_date",
        )
    target = Delivery.objects.select_for_update().filter(subscription=subscription, date=to_date).first()
    if target is None:
        _check_place(calendar, subscription.depot, to_date, field="to_date")
        depot_id = calendar.place(subscription.depot_id, to_date).depot_id
    else:
        if target.status != DeliveryStatus.PLANNED:
            _refuse(
                "not_planned",
                _("The delivery of %(date)s is %(status)s.")
                % {"date": _day(to_date), "status": target.get_status_display().lower()},
                field="to_date",
                date=to_date.isoformat(),
            )
        if target.baskets > 1:
            _refuse(
                "already_doubled",
                _("The delivery of %(date)s is already doubled.") % {"date": _day(to_date)},
                field="to_date",
                date=to_date.isoformat(),
            )
        depot_id = target.depot_id
    _check_notice(calendar, subscription, depot_id, to_date, override=override)
    _check_quota(subscription, ChangeKind.POSTPONE, delivery.date, override=override)
    if target is None:
        place = calendar.place(subscription.depot_id, to_date)
        target = Delivery.objects.create(
            subscription=subscription,
            organisation_id=subscription.organisation_id,
            date=to_date,
            depot_id=place.depot_id,
            closure_id=place.closure_id,
            fee=Depot.objects.values_list("delivery_fee", flat=True).get(pk=place.depot_id),
        )
    else:
        _take_doubling_place(subscription, to_date, override=override)
        target.baskets += 1
        target.save(update_fields=["baskets"])
    delivery.status = DeliveryStatus.POSTPONED
    delivery.postponed_to = target
    delivery.save(update_fields=["status", "postponed_to"])
    _log(delivery, ChangeKind.POSTPONE, actor=actor, override=override, reason=reason, to_date=to_date).save()
    return target


@transaction.atomic
def delivery_double(*, delivery: Delivery, actor, override: bool = False, reason: str = "") -> Delivery:
    """Receive two baskets on this date, within the plan's cap of doubled baskets for the date."""
    subscription, delivery = _lock_delivery(delivery)
    _acting_staff(actor=actor, subscription=subscription, override=override, reason=reason)
    calendar = Calendar.load(subscription.organisation_id)
    _check_open(calendar, subscription, delivery, override=override)
    if delivery.baskets > 1:
        _refuse(
            "already_doubled",
            _("The delivery of %(date)s is already doubled.") % {"date": _day(delivery.date)},
            date=delivery.date.isoformat(),
        )
    _take_doubling_place(subscription, delivery.date, override=override)
    delivery.baskets += 1
    delivery.save(update_fields=["baskets"])
    _log(delivery, ChangeKind.DOUBLE, actor=actor, override=override, reason=reason).save()
    return delivery


@transaction.atomic
def absence_declare(
    *,
    members: Iterable[Member],
    from_date: dt.date,
    until_date: dt.date,
    delivery_ids: Sequence[int] | None = None,
    actor,
    override: bool = False,
    reason: str = "",
) -> list[Delivery]:
    """Cancel the member's deliveries between two dates, in every subscription (basket, eggs, cheese...), or only
    those chosen. All or nothing: one refused delivery refuses the absence, and says which."""
    if until_date < from_date:
        raise InvalidSubscription(_("The absence must end on or after its first day."), code="invalid_dates")
    _check_date(until_date, field="until_date")
    subscriptions = list(
        Subscription.objects.select_for_update()
        .select_related("plan__offer", "member")
        .filter(member__in=list(members))
        .order_by("pk")
    )
    deliveries = list(
        Delivery.objects.select_for_update()
        .filter(subscription__in=subscriptions, date__range=(from_date, until_date), status=DeliveryStatus.PLANNED)
        .order_by("pk")
    )
    if delivery_ids is not None:
        unknown = set(delivery_ids) - {delivery.pk for delivery in deliveries}
        if unknown:
            raise InvalidSubscription(
                _("Some chosen deliveries are not planned during the absence."),
                code="not_in_absence",
                field="deliveries",
                deliveries=sorted(unknown),
            )
        deliveries = [delivery for delivery in deliveries if delivery.pk in set(delivery_ids)]
    if not deliveries:
        raise InvalidSubscription(_("No delivery is planned during these dates."), code="no_delivery_in_period")
    by_pk = {subscription.pk: subscription for subscription in subscriptions}
    calendars: dict[int, Calendar] = {}
    for subscription in subscriptions:
        _acting_staff(actor=actor, subscription=subscription, override=override, reason=reason)
    for delivery in deliveries:
        subscription = by_pk[delivery.subscription_id]
        calendar = calendars.setdefault(subscription.organisation_id, Calendar.load(subscription.organisation_id))
        try:
            _cancel(calendar, subscription, delivery, actor=actor, override=override, reason=reason)
        except ChangeRefused as refusal:
            refusal.details.update(delivery=delivery.pk, subscription=str(subscription))
            raise
    count_based = [subscription for subscription in subscriptions if subscription.is_count_based]
    if count_based:
        deliveries_generate(subscriptions=count_based)
    return deliveries


# Depot and day changes


def _check_depot(subscription: Subscription, depot: Depot, *, access_code: str, staff: bool) -> None:
    if depot.organisation_id != subscription.organisation_id or not depot.active:
        raise InvalidSubscription(_("Choose one of the garden's open depots."), code="invalid_depot", field="depot")
    if (
        depot.restricted
        and not staff
        and not shop_services.depot_check_access_code(depot=depot, access_code=access_code)
    ):
        raise ChangeRefused(_("The access code of this depot is wrong."), code="wrong_access_code", field="access_code")


@transaction.atomic
def subscription_change_depot(
    *,
    subscription: Subscription,
    depot: Depot,
    from_date: dt.date,
    until_date: dt.date | None = None,
    access_code: str = "",
    actor,
    override: bool = False,
    reason: str = "",
) -> list[Delivery]:
    """Deliver to ``depot`` for one date, a period, or (``until_date`` None) the rest of the subscription."""
    subscription = _lock(subscription.pk)
    staff = _acting_staff(actor=actor, subscription=subscription, override=override, reason=reason)
    _check_depot(subscription, depot, access_code=access_code, staff=staff)
    if until_date is not None and until_date < from_date:
        raise InvalidSubscription(_("The period must end on or after its first day."), code="invalid_dates")
    _check_date(from_date, field="from_date")
    calendar = Calendar.load(subscription.organisation_id)
    deliveries = subscription.deliveries.select_for_update().filter(status=DeliveryStatus.PLANNED, date__gte=from_date)
    if until_date is not None:
        deliveries = deliveries.filter(date__lte=until_date)
    deliveries = [delivery for delivery in deliveries.order_by("pk") if delivery.depot_id != depot.pk]
    if not deliveries and until_date is not None:
        raise InvalidSubscription(_("No delivery is planned during these dates."), code="no_delivery_in_period")
    fees = dict(Depot.objects.filter(organisation_id=subscription.organisation_id).values_list("pk", "delivery_fee"))
    changes = []
    for delivery in deliveries:
        _check_place(calendar, depot, delivery.date)
        _check_notice(calendar, subscription, delivery.depot_id, delivery.date, override=override)
        place = calendar.place(depot.pk, delivery.date)
        changes.append(
            _log(
                delivery,
                ChangeKind.DEPOT,
                actor=actor,
                override=override,
                reason=reason,
                from_depot_id=delivery.depot_id,
                to_depot_id=place.depot_id,
            )
        )
        delivery.depot_id, delivery.closure_id, delivery.fee = place.depot_id, place.closure_id, fees[place.depot_id]
    Delivery.objects.bulk_update(deliveries, ["depot", "closure", "fee"])
    DeliveryChange.objects.bulk_create(changes)
    if until_date is None:
        subscription.depot = depot
        subscription.save(update_fields=["depot"])
    return deliveries


@transaction.atomic
def subscription_change_day(
    *,
    subscription: Subscription,
    weekday: int,
    from_date: dt.date,
    depot: Depot | None = None,
    access_code: str = "",
    actor,
    override: bool = False,
    reason: str = "",
) -> list[Delivery]:
    """Deliver on another weekday (and maybe at another depot) from ``from_date`` on: each planned delivery moves
    to the new day of its week; one the calendar has no delivery for that day is cancelled without counting."""
    subscription = _lock(subscription.pk)
    staff = _acting_staff(actor=actor, subscription=subscription, override=override, reason=reason)
    depot = depot or subscription.depot
    _check_depot(subscription, depot, access_code=access_code, staff=staff)
    _check_date(from_date, field="from_date")
    calendar = Calendar.load(subscription.organisation_id)
    if not calendar.delivers_on_weekday(depot.pk, weekday):
        raise ChangeRefused(
            _("There is no delivery at “%(depot)s” on that day.") % {"depot": depot},
            code="no_delivery_that_day",
            field="weekday",
        )
    deliveries = list(
        subscription.deliveries.select_for_update()
        .filter(status=DeliveryStatus.PLANNED, date__gte=from_date)
        .order_by("date")
    )
    taken = set(subscription.deliveries.filter(date__gte=monday(from_date)).values_list("date", flat=True))
    fees = dict(Depot.objects.filter(organisation_id=subscription.organisation_id).values_list("pk", "delivery_fee"))
    moved, changes = [], []
    for delivery in deliveries:
        new_day = monday(delivery.date) + dt.timedelta(days=weekday)
        _check_notice(calendar, subscription, delivery.depot_id, delivery.date, override=override)
        place = calendar.place(depot.pk, new_day)
        if place is not None and new_day != delivery.date:
            _check_date(new_day)
            _check_notice(calendar, subscription, place.depot_id, new_day, override=override)
            if new_day in taken:
                _refuse(
                    "date_taken",
                    _("You already have a delivery on %(date)s.") % {"date": _day(new_day)},
                    date=new_day.isoformat(),
                )
        log = _log(
            delivery, ChangeKind.DAY, actor=actor, override=override, reason=reason, from_depot_id=delivery.depot_id
        )
        if place is None:
            if delivery.baskets > 1:
                _refuse(
                    "no_delivery_that_day",
                    _("The doubled delivery of %(date)s has no new day that week.") % {"date": _day(delivery.date)},
                    date=delivery.date.isoformat(),
                )
            delivery.status = DeliveryStatus.CANCELLED
        else:
            if delivery.baskets > 1 and new_day != delivery.date:
                _release_doubling_place(subscription.plan, delivery.date)
                _take_doubling_place(subscription, new_day, override=override)
            taken.discard(delivery.date)
            taken.add(new_day)
            delivery.date, delivery.depot_id, delivery.closure_id = new_day, place.depot_id, place.closure_id
            delivery.fee = fees[place.depot_id]
            log.to_date, log.to_depot_id = new_day, place.depot_id
        moved.append(delivery)
        changes.append(log)
    # Each week's delivery moves within its week, and ``taken`` refused the days already used: no two rows meet.
    Delivery.objects.bulk_update(moved, ["date", "status", "depot", "closure", "fee"])
    DeliveryChange.objects.bulk_create(changes)
    subscription.weekday, subscription.depot = weekday, depot
    subscription.save(update_fields=["weekday", "depot"])
    deliveries_generate(subscriptions=[subscription])
    return moved


# Depot closures


@transaction.atomic
def closure_declare(
    *,
    depot: Depot,
    starts_on: dt.date,
    ends_on: dt.date,
    replacement: Depot | None = None,
    reason: str = "",
    remind_days_before: int = 3,
    actor,
) -> Closure:
    """Close a depot for some days: its deliveries then go to the replacement depot, and their members are
    e-mailed at once and again ``remind_days_before`` days before."""
    closure = shop_services.closure_create(
        depot=depot, starts_on=starts_on, ends_on=ends_on, reason=reason, replacement=replacement, actor=actor
    )
    if closure.remind_days_before != remind_days_before:
        closure.remind_days_before = remind_days_before
        closure.save(update_fields=["remind_days_before"])
    affected = list(
        Delivery.objects.select_for_update()
        .filter(depot=depot, date__range=(starts_on, ends_on), status=DeliveryStatus.PLANNED)
        .order_by("pk")
    )
    if affected and replacement is None:
        raise ChangeRefused(
            ngettext(
                "%(count)s delivery is planned at this depot then: choose a replacement depot.",
                "%(count)s deliveries are planned at this depot then: choose a replacement depot.",
                len(affected),
            )
            % {"count": len(affected)},
            code="replacement_required",
            field="replacement",
            deliveries=len(affected),
        )
    _move(affected, to=replacement, closure=closure, kind=ChangeKind.CLOSURE, actor=actor, reason=reason)
    if affected:
        notifications.closure_declared(closure)
    return closure


@transaction.atomic
def closure_cancel(*, closure: Closure, actor) -> int:
    """Reopen a depot: the deliveries its closure moved come back to it; their members are told. Returns how many."""
    closure = Closure.objects.select_for_update().select_related("depot").get(pk=closure.pk)
    moved = list(
        Delivery.objects.select_for_update()
        .filter(closure=closure, status=DeliveryStatus.PLANNED, date__gte=timezone.localdate())
        .order_by("pk")
    )
    _move(moved, to=closure.depot, closure=None, kind=ChangeKind.REOPENING, actor=actor, reason=closure.reason)
    if moved:
        member_ids = set(
            Subscription.objects.filter(deliveries__in=moved).values_list("member_id", flat=True).distinct()
        )
        notifications.closure_cancelled(closure, member_ids=member_ids)
    closure.delete()
    return len(moved)


def _move(deliveries: list[Delivery], *, to: Depot, closure, kind, actor, reason) -> None:
    changes = [
        _log(delivery, kind, actor=actor, reason=reason, from_depot_id=delivery.depot_id, to_depot_id=to.pk)
        for delivery in deliveries
    ]
    for delivery in deliveries:
        delivery.depot, delivery.closure, delivery.fee = to, closure, to.delivery_fee
    Delivery.objects.bulk_update(deliveries, ["depot", "closure", "fee"])
    DeliveryChange.objects.bulk_create(changes)
