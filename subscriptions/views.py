"""The member's web pages of CSA subscriptions: /mes-livraisons/ (the calendar of deliveries and the counters),
postpone, cancel and double a delivery, declare an absence, change depot or delivery day, the monthly statement.

They parse input, call ``subscriptions.services`` (which enforces the plan's policy) and render; a refusal is
shown on the page with its message, and with the dates that still have room or the counters when it has them.
Only the signed-in member's own subscriptions and deliveries are found: any other id is a 404.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from shops.models import Depot

from . import services
from .calendar import Calendar
from .choices import DeliveryStatus
from .exceptions import ChangeRefused, InvalidSubscription
from .forms import AbsenceDeliveriesForm, AbsenceForm, DayChangeForm, DepotChangeForm, PostponeForm
from .models import Delivery, Subscription
from .reports import member_statement
from .selectors import (
    Counters,
    counters_of,
    deliveries_visible,
    doubling_room,
    members_of,
    subscription_counters,
    subscriptions_visible,
)

REFUSALS = (ChangeRefused, InvalidSubscription)
# The coming months shown open in the calendar; later ones are folded, so that a season fits a phone's screen.
MONTHS_OPEN = 3
GET_POST = require_http_methods(["GET", "HEAD", "POST"])


def _date(day: dt.date) -> str:
    return formats.date_format(day, "j F Y")


# --- what the member owns --------------------------------------------------------------------------------


def _own_subscriptions(user) -> QuerySet:
    """The subscriptions of every member record of the signed-in user (staff see others' in the admin only)."""
    return subscriptions_visible(user=user).filter(member__in=members_of(user)).select_related("organisation")


def _own_deliveries(user) -> QuerySet:
    return deliveries_visible(user=user).filter(subscription__member__in=members_of(user))


def _own_subscription(request, pk) -> Subscription:
    return get_object_or_404(_own_subscriptions(request.user), pk=pk)


def _own_delivery(request, pk) -> Delivery:
    return get_object_or_404(_own_deliveries(request.user), pk=pk)


def _list_url(anchor: str = "") -> str:
    return reverse("my_deliveries:list") + (f"#{anchor}" if anchor else "")


# --- counters in words -----------------------------------------------------------------------------------


def counters_sentences(counters: Counters) -> list[str]:
    """What the member used of the plan's allowances, in plain words, with only the limits the plan sets."""
    summary = ngettext(
        "You have cancelled %(cancelled)s basket this season and doubled %(doubled)s",
        "You have cancelled %(cancelled)s baskets this season and doubled %(doubled)s",
        counters.cancelled,
    ) % {"cancelled": counters.cancelled, "doubled": counters.doubled}
    if counters.to_make_up and counters.make_up_before:
        make_up = ngettext(
            "%(count)s basket to double before %(date)s",
            "%(count)s baskets to double before %(date)s",
            counters.to_make_up,
        ) % {"count": counters.to_make_up, "date": _date(counters.make_up_before)}
        sentences = [_("%(summary)s: %(make_up)s.") % {"summary": summary, "make_up": make_up}]
    else:
        sentences = [_("%(summary)s.") % {"summary": summary}]
    if counters.postponed:
        sentences.append(
            ngettext(
                "You have postponed %(count)s delivery.", "You have postponed %(count)s deliveries.", counters.postponed
            )
            % {"count": counters.postponed}
        )
    if counters.max_cancellations is not None:
        left = max(counters.max_cancellations - counters.cancelled, 0)
        sentences.append(
            ngettext("%(left)s cancellation left out of %(max)s.", "%(left)s cancellations left out of %(max)s.", left)
            % {"left": left, "max": counters.max_cancellations}
        )
    if counters.window_max is not None and counters.window_starts_on and counters.window_ends_on:
        sentences.append(
            ngettext(
                "Between %(start)s and %(end)s: %(used)s of %(max)s cancellation or postponement used.",
                "Between %(start)s and %(end)s: %(used)s of %(max)s cancellations or postponements used.",
                counters.window_max,
            )
            % {
                "start": _date(counters.window_starts_on),
                "end": _date(counters.window_ends_on),
                "used": counters.window_used,
                "max": counters.window_max,
            }
        )
    return sentences


# --- refusals --------------------------------------------------------------------------------------------


@dataclass
class Refusal:
    """A service's refusal as the page shows it: its message and what may help to choose again."""

    code: str
    message: str
    dates_with_room: list[dt.date] = field(default_factory=list)
    counters: list[str] = field(default_factory=list)


def _refusal(error, subscription: Subscription) -> Refusal:
    counters = []
    if "counters" in error.details:
        counters = counters_sentences(subscription_counters(subscription=subscription))
    return Refusal(
        code=error.code,
        message=error.message,
        dates_with_room=[dt.date.fromisoformat(day) for day in error.details.get("dates_with_room", [])],
        counters=counters,
    )


# --- my deliveries ---------------------------------------------------------------------------------------


@dataclass
class Row:
    delivery: Delivery
    state: str
    label: str
    notes: list[str]
    may_postpone: bool = False
    may_double: bool = False
    may_cancel: bool = False

    @property
    def has_actions(self) -> bool:
        return self.may_postpone or self.may_double or self.may_cancel


@dataclass
class Month:
    first_day: dt.date
    rows: list[Row]


@dataclass
class SubscriptionCalendar:
    """The coming months first (the next ones open, later ones folded), then the past ones folded."""

    subscription: Subscription
    counters: list[str]
    upcoming: list[Month]
    later: list[Month]
    past: list[Month]

    @property
    def later_count(self) -> int:
        return sum(len(month.rows) for month in self.later)

    @property
    def past_count(self) -> int:
        return sum(len(month.rows) for month in self.past)


def _row(delivery: Delivery, today: dt.date) -> Row:
    plan = delivery.subscription.plan
    notes = [
        _("With the basket of %(date)s.") % {"date": _date(earlier.date)} for earlier in delivery.postponed_from.all()
    ]
    if delivery.closure_id:
        notes.append(
            _("“%(depot)s” is closed that day: collect your basket at “%(replacement)s”.")
            % {"depot": delivery.closure.depot.name, "replacement": delivery.depot.name}
        )
    if delivery.status == DeliveryStatus.CANCELLED:
        return Row(delivery, "cancelled", _("Cancelled"), notes)
    if delivery.status == DeliveryStatus.POSTPONED:
        label = _("Postponed to %(date)s") % {"date": _date(delivery.postponed_to.date)}
        return Row(delivery, "postponed", label, notes)
    doubled = delivery.baskets > 1
    if delivery.date < today:
        return Row(delivery, "delivered", _("Delivered: 2 baskets") if doubled else _("Delivered"), notes)
    if doubled:
        return Row(delivery, "doubled", _("Doubled: 2 baskets"), notes, may_cancel=plan.cancellation_allowed)
    return Row(
        delivery,
        "planned",
        _("Planned"),
        notes,
        may_postpone=plan.postponement_allowed,
        may_double=True,
        may_cancel=plan.cancellation_allowed,
    )


def _months(rows: list[Row]) -> list[Month]:
    months: dict[dt.date, list[Row]] = {}
    for row in rows:
        months.setdefault(row.delivery.date.replace(day=1), []).append(row)
    return [Month(first_day, month_rows) for first_day, month_rows in months.items()]


@login_required
def delivery_list(request):
    """Each subscription with its counters and its deliveries by month: coming months first, past ones folded."""
    today = timezone.localdate()
    subscriptions = list(
        _own_subscriptions(request.user).select_related("plan__offer__organisation").order_by("starts_on", "pk")
    )
    rows: dict[int, list[Row]] = defaultdict(list)
    deliveries = (
        _own_deliveries(request.user)
        .select_related("postponed_to", "closure__depot")
        .prefetch_related("postponed_from")
        .order_by("date", "pk")
    )
    by_pk = {subscription.pk: subscription for subscription in subscriptions}
    for delivery in deliveries:
        delivery.subscription = by_pk[delivery.subscription_id]
        rows[delivery.subscription_id].append(_row(delivery, today))
    calendars = []
    counters = counters_of(subscriptions=subscriptions)
    for subscription in subscriptions:
        past = [row for row in rows[subscription.pk] if row.delivery.date < today]
        upcoming = _months([row for row in rows[subscription.pk] if row.delivery.date >= today])
        calendars.append(
            SubscriptionCalendar(
                subscription=subscription,
                counters=counters_sentences(counters[subscription.pk]),
                upcoming=upcoming[:MONTHS_OPEN],
                later=upcoming[MONTHS_OPEN:],
                past=_months(past),
            )
        )
    context = {"calendars": calendars, "today": today}
    return TemplateResponse(request, "subscriptions/delivery_list.html", context)


# --- one delivery: postpone, cancel, double --------------------------------------------------------------


def _postpone_dates(delivery: Delivery) -> tuple[list[dt.date], frozenset]:
    """The subscription's other coming single deliveries (where the basket would be doubled), and those full."""
    dates = list(
        delivery.subscription.deliveries.filter(status=DeliveryStatus.PLANNED, baskets=1, date__gt=timezone.localdate())
        .exclude(pk=delivery.pk)
        .order_by("date")
        .values_list("date", flat=True)
    )
    room = doubling_room(plan=delivery.subscription.plan, dates=dates)
    return dates, frozenset(day for day, left in room.items() if left == 0)


@login_required
@GET_POST
def delivery_postpone(request, pk):
    delivery = _own_delivery(request, pk)
    dates, full = _postpone_dates(delivery)
    form = PostponeForm(request.POST if request.method == "POST" else None, dates=dates, after=delivery.date, full=full)
    refusal = None
    if request.method == "POST" and form.is_valid():
        try:
            target = services.delivery_postpone(
                delivery=delivery, to_date=form.cleaned_data["date"], actor=request.user
            )
        except REFUSALS as error:
            form.add_error(form.error_field(error.field), error.message)
            refusal = _refusal(error, delivery.subscription)
            refusal.dates_with_room = [day for day in refusal.dates_with_room if day != delivery.date]
        else:
            messages.success(
                request,
                ngettext(
                    "The basket of %(date)s is postponed to %(to)s: you will receive %(count)s basket that day.",
                    "The basket of %(date)s is postponed to %(to)s: you will receive %(count)s baskets that day.",
                    target.baskets,
                )
                % {"date": _date(delivery.date), "to": _date(target.date), "count": target.baskets},
            )
            return redirect(_list_url(f"delivery-{target.pk}"))
    context = {"delivery": delivery, "form": form, "refusal": refusal}
    return TemplateResponse(request, "subscriptions/delivery_postpone.html", context)


@login_required
@GET_POST
def delivery_cancel(request, pk):
    """Ask for confirmation (GET, with the counters the cancellation uses), then cancel through the service."""
    delivery = _own_delivery(request, pk)
    refusal = None
    if request.method == "POST":
        try:
            services.delivery_cancel(delivery=delivery, actor=request.user)
        except REFUSALS as error:
            refusal = _refusal(error, delivery.subscription)
        else:
            messages.success(request, _("The delivery of %(date)s is cancelled.") % {"date": _date(delivery.date)})
            return redirect(_list_url(f"delivery-{delivery.pk}"))
    context = {
        "delivery": delivery,
        "counters": counters_sentences(subscription_counters(subscription=delivery.subscription)),
        "refusal": refusal,
    }
    return TemplateResponse(request, "subscriptions/delivery_cancel.html", context)


@login_required
@GET_POST
def delivery_double(request, pk):
    """Ask for confirmation (GET), then double through the service; when the date is full, offer those with room."""
    delivery = _own_delivery(request, pk)
    refusal, alternatives = None, []
    if request.method == "POST":
        try:
            services.delivery_double(delivery=delivery, actor=request.user)
        except REFUSALS as error:
            refusal = _refusal(error, delivery.subscription)
            alternatives = list(
                delivery.subscription.deliveries.filter(date__in=refusal.dates_with_room).order_by("date")
            )
        else:
            messages.success(request, _("You will receive 2 baskets on %(date)s.") % {"date": _date(delivery.date)})
            return redirect(_list_url(f"delivery-{delivery.pk}"))
    context = {"delivery": delivery, "refusal": refusal, "alternatives": alternatives}
    return TemplateResponse(request, "subscriptions/delivery_double.html", context)


# --- absences --------------------------------------------------------------------------------------------


def _absence_deliveries(user, form: AbsenceForm) -> QuerySet:
    """The member's coming planned deliveries in the absence, in every subscription (basket, eggs, cheese...)."""
    data = form.cleaned_data
    return (
        _own_deliveries(user)
        .filter(
            status=DeliveryStatus.PLANNED,
            date__range=(data["from_date"], data["until_date"]),
            date__gte=timezone.localdate(),
        )
        .order_by("date", "subscription_id")
    )


@login_required
@GET_POST
def absence(request):
    """Three steps: the dates (GET), the deliveries found with checkboxes (POST), a confirmation (POST confirm)."""
    dates_form = AbsenceForm(request.GET or None)
    form, step, refusal = None, "dates", None
    if request.method == "POST":
        dates_form = AbsenceForm(request.POST)
        if dates_form.is_valid():
            deliveries = _absence_deliveries(request.user, dates_form)
            form = AbsenceDeliveriesForm(request.POST, deliveries=deliveries)
            step = "choose"
            if form.is_valid():
                step = "confirm"
            if form.is_valid() and request.POST.get("confirm"):
                data = form.cleaned_data
                try:
                    cancelled = services.absence_declare(
                        members=members_of(request.user),
                        from_date=data["from_date"],
                        until_date=data["until_date"],
                        delivery_ids=[delivery.pk for delivery in data["deliveries"]],
                        actor=request.user,
                    )
                except REFUSALS as error:
                    step = "choose"
                    form.add_error(None, error.message)
                    subscription = next(
                        (delivery.subscription for delivery in data["deliveries"]),
                        None,
                    )
                    if "delivery" in error.details:
                        subscription = Delivery.objects.get(pk=error.details["delivery"]).subscription
                    refusal = _refusal(error, subscription)
                else:
                    messages.success(
                        request,
                        ngettext(
                            "%(count)s delivery is cancelled during your absence.",
                            "%(count)s deliveries are cancelled during your absence.",
                            len(cancelled),
                        )
                        % {"count": len(cancelled)},
                    )
                    return redirect(_list_url())
    elif dates_form.is_valid():
        deliveries = _absence_deliveries(request.user, dates_form)
        form = AbsenceDeliveriesForm(initial=dates_form.cleaned_data, deliveries=deliveries)
        step = "choose"
    context = {"dates_form": dates_form, "form": form, "step": step, "refusal": refusal}
    return TemplateResponse(request, "subscriptions/absence.html", context)


# --- depot and day changes -------------------------------------------------------------------------------


def _change_form_kwargs(subscription: Subscription) -> dict:
    depots = Depot.objects.filter(organisation_id=subscription.organisation_id, active=True).order_by("name")
    return {"depots": depots, "depot_days": Calendar.load(subscription.organisation_id).depot_days}


def _next_delivery_date(subscription: Subscription) -> dt.date:
    upcoming = subscription.deliveries.filter(status=DeliveryStatus.PLANNED, date__gte=timezone.localdate())
    return upcoming.order_by("date").values_list("date", flat=True).first() or timezone.localdate()


def _depot_note(request, depot: Depot) -> None:
    """A depot's note (opening hours, how to get in...) is shown once the member has chosen it."""
    if depot.public_note:
        messages.info(request, _("About “%(depot)s”: %(note)s") % {"depot": depot.name, "note": depot.public_note})


def _add_refusal(form, error) -> None:
    form.add_error(error.field if error.field in form.fields else None, error.message)


@login_required
@GET_POST
def change_depot(request, pk):
    """Another depot for one date, a period, or the rest of the subscription."""
    subscription = _own_subscription(request, pk)
    form = DepotChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"depot": subscription.depot_id, "from_date": _next_delivery_date(subscription)},
        **_change_form_kwargs(subscription),
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_change_depot(
                subscription=subscription,
                depot=data["depot"],
                from_date=data["from_date"],
                until_date=data["until_date"],
                access_code=data["access_code"],
                actor=request.user,
            )
        except REFUSALS as error:
            _add_refusal(form, error)
            refusal = _refusal(error, subscription)
        else:
            if data["until_date"] is None:
                message = _("From %(from)s, your baskets are delivered at “%(depot)s”.")
            else:
                message = _("From %(from)s to %(until)s, your baskets are delivered at “%(depot)s”.")
            until = data["until_date"]
            messages.success(
                request,
                message
                % {"from": _date(data["from_date"]), "until": until and _date(until), "depot": data["depot"].name},
            )
            _depot_note(request, data["depot"])
            return redirect(_list_url(f"subscription-{subscription.pk}"))
    context = {"subscription": subscription, "form": form, "refusal": refusal}
    return TemplateResponse(request, "subscriptions/change_depot.html", context)


@login_required
@GET_POST
def change_day(request, pk):
    """Another delivery day (and maybe another depot) from a date on."""
    subscription = _own_subscription(request, pk)
    kwargs = _change_form_kwargs(subscription)
    weekdays = {day for days in kwargs["depot_days"].values() for day in days}
    form = DayChangeForm(
        request.POST if request.method == "POST" else None,
        initial={"weekday": subscription.weekday, "from_date": _next_delivery_date(subscription)},
        weekdays=weekdays,
        current_depot=subscription.depot.name,
        **kwargs,
    )
    refusal = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.subscription_change_day(
                subscription=subscription,
                weekday=data["weekday"],
                from_date=data["from_date"],
                depot=data["depot"],
                access_code=data["access_code"],
                actor=request.user,
            )
        except REFUSALS as error:
            _add_refusal(form, error)
            refusal = _refusal(error, subscription)
        else:
            subscription.refresh_from_db()
            messages.success(
                request,
                _("From %(from)s, your baskets are delivered on %(day)s at “%(depot)s”.")
                % {
                    "from": _date(data["from_date"]),
                    "day": subscription.get_weekday_display().lower(),
                    "depot": subscription.depot.name,
                },
            )
            if data["depot"] is not None:
                _depot_note(request, data["depot"])
            return redirect(_list_url(f"subscription-{subscription.pk}"))
    context = {"subscription": subscription, "form": form, "refusal": refusal}
    return TemplateResponse(request, "subscriptions/change_day.html", context)


# --- monthly statement -----------------------------------------------------------------------------------


def _shift_month(first_day: dt.date, months: int) -> dt.date:
    index = first_day.year * 12 + first_day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@login_required
def statement_current(request):
    today = timezone.localdate()
    return redirect("my_deliveries:statement", year=f"{today.year:04d}", month=f"{today.month:02d}")


@login_required
def statement(request, year, month):
    """The billable deliveries of a month: delivered or due, with fees and solidarity discounts."""
    first_day = dt.date(int(year), int(month), 1)
    result = member_statement(members=members_of(request.user), year=first_day.year, month=first_day.month)
    previous_month, next_month = _shift_month(first_day, -1), _shift_month(first_day, 1)
    context = {
        "statement": result,
        "month": first_day,
        "previous_month": previous_month,
        "next_month": next_month,
    }
    return TemplateResponse(request, "subscriptions/statement.html", context)
