"""The CSA in the Wagtail admin: subscriptions and their deliveries, doubled baskets by date, depot closures.

Views only parse the input, call subscriptions.services and show their refusal (DomainError) on the form, with
nothing changed. Every object is looked up in the user's organisations (shops.permissions): another
organisation's subscription, delivery, plan or closure does not exist (404). Every change is a POST.
"""

import datetime as dt
from itertools import groupby

import django_filters
from django.db.models import BooleanField, Case, Count, F, Q, Value, When
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets.button import Button, HeaderButton, ListingButton

from pivot_site.exceptions import DomainError
from shops.models import Closure, Depot
from shops.permissions import WRITE, can_change, scope_queryset
from shops.viewsets import ScopedEditView, ScopedFilterSet, ScopedIndexView

from . import services
from .admin_forms import (
    AbsenceForm,
    ChangeDayForm,
    ChangeDepotForm,
    ClosureDeclareForm,
    DoublingCapForm,
    OverrideForm,
    PostponeForm,
    SubscriptionCreateForm,
    SubscriptionTermsForm,
)
from .choices import DeliveryStatus
from .models import Delivery, DeliveryChange, DoublingCount, Plan, Subscription
from .selectors import subscription_counters


def day(value: dt.date) -> str:
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def actor_name(user) -> str:
    if user is None:
        return _("Automatic")
    return user.get_full_name() or user.get_username()


def refusal_message(error: DomainError) -> str:
    """The service's message, and the dates that still have room when a date's cap of doubled baskets is full."""
    dates = error.details.get("dates_with_room")
    if not dates:
        return error.message
    listed = ", ".join(day(dt.date.fromisoformat(value)) for value in dates)
    return _("%(message)s Dates with room: %(dates)s.") % {"message": error.message, "dates": listed}


def add_refusal(form, error: DomainError) -> None:
    form.add_error(error.field if error.field in form.fields else None, refusal_message(error))


def period_display(subscription: Subscription) -> str:
    if subscription.is_count_based:
        return ngettext(
            "%(count)s basket from %(start)s", "%(count)s baskets from %(start)s", subscription.delivery_count
        ) % {"count": subscription.delivery_count, "start": day(subscription.starts_on)}
    return _("%(start)s – %(end)s") % {"start": day(subscription.starts_on), "end": day(subscription.ends_on)}


def delivery_label(delivery: Delivery, today: dt.date) -> str:
    if delivery.status == DeliveryStatus.PLANNED:
        if delivery.date < today:
            return _("Delivered ×2") if delivery.is_doubled else _("Delivered")
        return _("Doubled") if delivery.is_doubled else _("Planned")
    if delivery.status == DeliveryStatus.POSTPONED and delivery.postponed_to is not None:
        return _("Postponed to %(date)s") % {"date": formats.date_format(delivery.postponed_to.date, "j F")}
    return delivery.get_status_display()


# Seasons, plans and funders: Wagtail's model views, whose forms save through a service.


class ServiceErrorsMixin:
    """A service checks and saves in one transaction: a refusal at save time goes back on the form."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except DomainError as error:
            add_refusal(form, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)


class ServiceCreateView(ServiceErrorsMixin, generic.CreateView):
    pass


class ServiceEditView(ServiceErrorsMixin, ScopedEditView):
    pass


class PlanEditView(ServiceEditView):
    doubling_url_name = None

    @cached_property
    def header_more_buttons(self):
        return [
            *super().header_more_buttons,
            Button(
                _("Doubled baskets by date"),
                url=reverse(self.doubling_url_name, args=[self.object.pk]),
                icon_name="calendar-alt",
                priority=15,
            ),
        ]


# Pages about one object of the user's organisations.


class ScopedObjectPageMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """Loads the object from the user's organisations (else 404) before anything else."""

    index_url_name = None
    queryset = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(scope_queryset(request.user, self.get_queryset(), mode=WRITE), pk=kwargs["pk"])

    def get_queryset(self):
        return self.queryset.all()


# Subscriptions


class SubscriptionFilterSet(ScopedFilterSet):
    plan = django_filters.ModelChoiceFilter(label=gettext_lazy("Plan"), queryset=Plan.objects.all())
    depot = django_filters.ModelChoiceFilter(label=gettext_lazy("Depot"), queryset=Depot.objects.all())

    class Meta:
        model = Subscription
        fields = []


class SubscriptionIndexView(ScopedIndexView):
    page_title = gettext_lazy("Subscriptions")
    detail_url_name = None

    def get_base_queryset(self):
        return super().get_base_queryset().select_related("member", "plan__offer__product", "depot")

    def search_queryset(self, queryset):
        """By the member's name or e-mail address: every word must match."""
        if not self.is_searching:
            return queryset
        condition = Q()
        for word in self.search_query.split():
            condition &= (
                Q(member__first_name__icontains=word)
                | Q(member__last_name__icontains=word)
                | Q(member__email__icontains=word)
            )
        return queryset.filter(condition)

    @cached_property
    def columns(self):
        return [
            TitleColumn(
                "member",
                label=_("Member"),
                accessor=lambda subscription: f"{subscription.member.first_name} {subscription.member.last_name}",
                sort_key="member__last_name",
                get_url=self.get_detail_url,
            ),
            Column("plan", label=_("Plan"), accessor="plan"),
            Column("quantity", label=_("Quantity"), accessor="quantity"),
            Column("depot", label=_("Depot"), accessor="depot.name", sort_key="depot__name"),
            Column("weekday", label=_("Delivery day"), accessor="get_weekday_display", sort_key="weekday"),
            Column("period", label=_("Period or number"), accessor=period_display),
            Column(
                "starts_on",
                label=_("Start"),
                accessor=lambda subscription: day(subscription.starts_on),
                sort_key="starts_on",
            ),
        ]

    def get_detail_url(self, instance):
        return reverse(self.detail_url_name, args=[instance.pk])

    # Subscriptions change through their detail page; nobody deletes them by hand.
    def get_edit_url(self, instance):
        return self.get_detail_url(instance)

    def get_delete_url(self, instance):
        return None

    def get_list_more_buttons(self, instance):
        return []


class SubscriptionCreateView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    model = Subscription
    permission_required = "add"
    template_name = "subscriptions/admin/form.html"
    form_class = SubscriptionCreateForm
    page_title = gettext_lazy("New subscription")
    header_icon = "calendar-alt"
    index_url_name = None
    detail_url_name = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Subscriptions")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "submit_label": _("Subscribe"),
            "cancel_url": reverse(self.index_url_name),
        }

    def form_valid(self, form):
        try:
            subscription = services.subscription_create(**form.subscription(), actor=self.request.user)
        except DomainError as error:
            add_refusal(form, error)
            return self.form_invalid(form)
        planned = subscription.deliveries.count()
        messages.success(
            self.request,
            ngettext(
                "%(subscription)s: subscribed, %(count)s delivery planned.",
                "%(subscription)s: subscribed, %(count)s deliveries planned.",
                planned,
            )
            % {"subscription": subscription, "count": planned},
        )
        return redirect(self.detail_url_name, subscription.pk)


class SubscriptionMixin(ScopedObjectPageMixin):
    """A page about one subscription of the user's organisations; another organisation's does not exist (404)."""

    model = Subscription
    queryset = Subscription.objects.select_related("member", "plan__offer__product", "depot", "funder")
    any_permission_required = ["view", "change"]
    header_icon = "calendar-alt"
    detail_url_name = None
    is_detail_page = False

    def get_page_subtitle(self):
        return str(self.object)

    @property
    def detail_url(self):
        return reverse(self.detail_url_name, args=[self.object.pk])

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": reverse(self.index_url_name), "label": _("Subscriptions")}]
        if self.is_detail_page:
            return [*items, {"url": "", "label": str(self.object)}]
        return [
            *items,
            {"url": self.detail_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": self.get_page_subtitle()},
        ]


class SubscriptionDetailView(SubscriptionMixin, TemplateView):
    """The subscription's terms and counters, its deliveries month by month, the depot and day changes, the log."""

    template_name = "subscriptions/admin/subscription_detail.html"
    page_title = gettext_lazy("Subscription")
    is_detail_page = True
    edit_url_name = None
    delivery_url_name = None
    change_depot_url_name = None
    change_day_url_name = None
    absence_url_name = None
    doubling_url_name = None

    @cached_property
    def may_change(self):
        return self.user_has_permission("change") and can_change(self.request.user, self.object)

    @cached_property
    def header_buttons(self):
        if not self.may_change:
            return []
        return [
            HeaderButton(
                _("Change the terms"), url=reverse(self.edit_url_name, args=[self.object.pk]), icon_name="edit"
            ),
            HeaderButton(
                _("Declare an absence"), url=reverse(self.absence_url_name, args=[self.object.pk]), icon_name="date"
            ),
            HeaderButton(
                _("Doubled baskets by date"),
                url=reverse(self.doubling_url_name, args=[self.object.plan_id]),
                icon_name="calendar-alt",
            ),
        ]

    def months(self):
        today = timezone.localdate()
        deliveries = self.object.deliveries.select_related("depot", "closure", "postponed_to").order_by("date")
        months = []
        for (year, month), items in groupby(deliveries, key=lambda delivery: (delivery.date.year, delivery.date.month)):
            months.append(
                {
                    "first_day": dt.date(year, month, 1),
                    "deliveries": [
                        {
                            "delivery": delivery,
                            "label": delivery_label(delivery, today),
                            "is_active": delivery.status == DeliveryStatus.PLANNED and delivery.date >= today,
                            "change_url": reverse(self.delivery_url_name, args=[self.object.pk, delivery.pk])
                            if self.may_change and delivery.status == DeliveryStatus.PLANNED and delivery.date >= today
                            else None,
                        }
                        for delivery in items
                    ],
                }
            )
        return months

    def get_context_data(self, **kwargs):
        subscription = self.object
        changes = DeliveryChange.objects.filter(subscription=subscription).select_related(
            "actor", "from_depot", "to_depot"
        )
        return {
            **super().get_context_data(**kwargs),
            "subscription": subscription,
            "period": period_display(subscription),
            "counters": subscription_counters(subscription=subscription),
            "months": self.months(),
            "changes": [{"change": change, "actor": actor_name(change.actor)} for change in changes],
            "may_change": self.may_change,
            "depot_form": ChangeDepotForm(user=self.request.user, subscription=subscription, auto_id="id_depot_%s"),
            "day_form": ChangeDayForm(user=self.request.user, subscription=subscription, auto_id="id_day_%s"),
            "change_depot_url": reverse(self.change_depot_url_name, args=[subscription.pk]),
            "change_day_url": reverse(self.change_day_url_name, args=[subscription.pk]),
        }


class SubscriptionActionView(SubscriptionMixin, FormView):
    """A form acting on one subscription through a service; a refusal comes back on the form, nothing changed."""

    any_permission_required = None
    permission_required = "change"
    template_name = "subscriptions/admin/form.html"
    submit_label = gettext_lazy("Confirm")
    intro = ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "intro": self.intro,
            "submit_label": self.submit_label,
            "cancel_url": self.detail_url,
        }

    def form_valid(self, form):
        try:
            message = self.apply(form)
        except DomainError as error:
            add_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.detail_url)

    def apply(self, form) -> str:
        raise NotImplementedError


class SubscriptionTermsView(SubscriptionActionView):
    form_class = SubscriptionTermsForm
    page_title = gettext_lazy("Change the terms")
    submit_label = gettext_lazy("Save")
    intro = gettext_lazy(
        "A shorter end drops the planned deliveries after it; a longer one plans the new weeks. "
        "The depot and the day change from the subscription's page."
    )

    def get_initial(self):
        subscription = self.object
        return {
            "ends_on": subscription.ends_on,
            "delivery_count": subscription.delivery_count,
            "quantity": subscription.quantity,
            "price_per_delivery": subscription.price_per_delivery,
            "discount_percent": subscription.discount_percent,
            "funder": subscription.funder_id,
        }

    def apply(self, form):
        services.subscription_update(subscription=self.object, **form.terms(), actor=self.request.user)
        return _("%(subscription)s: terms saved.") % {"subscription": self.object}


class ChangeDepotView(SubscriptionActionView):
    form_class = ChangeDepotForm
    page_title = gettext_lazy("Change the depot")
    submit_label = gettext_lazy("Change the depot")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subscription": self.object, "auto_id": "id_depot_%s"}

    def apply(self, form):
        from_date, until_date = form.period()
        moved = services.subscription_change_depot(
            subscription=self.object,
            depot=form.cleaned_data["depot"],
            from_date=from_date,
            until_date=until_date,
            actor=self.request.user,
            **form.override_kwargs(),
        )
        return ngettext(
            "%(count)s delivery now goes to “%(depot)s”.",
            "%(count)s deliveries now go to “%(depot)s”.",
            len(moved),
        ) % {"count": len(moved), "depot": form.cleaned_data["depot"]}


class ChangeDayView(SubscriptionActionView):
    form_class = ChangeDayForm
    page_title = gettext_lazy("Change the delivery day")
    submit_label = gettext_lazy("Change the day")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subscription": self.object, "auto_id": "id_day_%s"}

    def apply(self, form):
        data = form.cleaned_data
        moved = services.subscription_change_day(
            subscription=self.object,
            weekday=data["weekday"],
            from_date=data["from_date"],
            depot=data["depot"],
            actor=self.request.user,
            **form.override_kwargs(),
        )
        return ngettext(
            "%(count)s delivery moved to the new day.", "%(count)s deliveries moved to the new day.", len(moved)
        ) % {"count": len(moved)}


class AbsenceView(SubscriptionActionView):
    """The member is away: their deliveries of those dates are cancelled, in every subscription they have."""

    form_class = AbsenceForm
    page_title = gettext_lazy("Declare an absence")
    submit_label = gettext_lazy("Cancel these deliveries")
    intro = gettext_lazy(
        "Every delivery of the member between these dates is cancelled, in all their subscriptions (basket, eggs, "
        "cheese…), under their plans' rules unless you override them."
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "subscription": self.object, "auto_id": "id_absence_%s"}

    def apply(self, form):
        data = form.cleaned_data
        cancelled = services.absence_declare(
            members=[self.object.member],
            from_date=data["from_date"],
            until_date=data["until_date"],
            actor=self.request.user,
            **form.override_kwargs(),
        )
        return ngettext(
            "%(member)s: %(count)s delivery cancelled.", "%(member)s: %(count)s deliveries cancelled.", len(cancelled)
        ) % {"member": self.object.member, "count": len(cancelled)}


# One delivery: postpone, cancel or double it.


class DeliveryAction:
    POSTPONE = "postpone"
    CANCEL = "cancel"
    DOUBLE = "double"


DELIVERY_ACTIONS = {
    DeliveryAction.POSTPONE: (PostponeForm, gettext_lazy("Postpone")),
    DeliveryAction.CANCEL: (OverrideForm, gettext_lazy("Cancel this delivery")),
    DeliveryAction.DOUBLE: (OverrideForm, gettext_lazy("Double")),
}
DELIVERY_ACTION_HELP = {
    DeliveryAction.POSTPONE: gettext_lazy("The basket moves to another week, where the member receives two."),
    DeliveryAction.CANCEL: gettext_lazy("No basket that day; the delivery is no longer billed."),
    DeliveryAction.DOUBLE: gettext_lazy("Two baskets that day, within the cap of doubled baskets for the date."),
}


class DeliveryView(SubscriptionMixin, TemplateView):
    """One delivery and its three changes, each its own form posting to ``<action>/``; the refused one comes back
    with its error."""

    any_permission_required = None
    permission_required = "change"
    template_name = "subscriptions/admin/delivery.html"
    page_title = gettext_lazy("Delivery")
    delivery_action_url_name = None

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.delivery = get_object_or_404(
            self.object.deliveries.select_related("depot", "closure"), pk=kwargs["delivery_pk"]
        )
        self.action = kwargs.get("action")

    def get_page_subtitle(self):
        return f"{self.object} — {day(self.delivery.date)}"

    def form(self, action, data=None):
        form_class, _label = DELIVERY_ACTIONS[action]
        return form_class(data, auto_id=f"id_{action}_%s")

    def render_forms(self, bound=None, status=200):
        forms = []
        for action, (_form_class, label) in DELIVERY_ACTIONS.items():
            forms.append(
                {
                    "action": action,
                    "label": label,
                    "help": DELIVERY_ACTION_HELP[action],
                    "form": bound if bound is not None and action == self.action else self.form(action),
                    "url": reverse(self.delivery_action_url_name, args=[self.object.pk, self.delivery.pk, action]),
                }
            )
        context = self.get_context_data(delivery=self.delivery, forms=forms, cancel_url=self.detail_url)
        return self.render_to_response(context, status=status)

    def get(self, request, *args, **kwargs):
        return self.render_forms()

    def post(self, request, *args, **kwargs):
        if self.action not in DELIVERY_ACTIONS:
            return self.http_method_not_allowed(request, *args, **kwargs)
        form = self.form(self.action, request.POST)
        if not form.is_valid():
            return self.render_forms(form)
        try:
            message = self.apply(form)
        except DomainError as error:
            add_refusal(form, error)
            return self.render_forms(form)
        messages.success(request, message)
        return redirect(self.detail_url)

    def apply(self, form) -> str:
        kwargs = {"delivery": self.delivery, "actor": self.request.user, **form.override_kwargs()}
        when = day(self.delivery.date)
        if self.action == DeliveryAction.POSTPONE:
            target = services.delivery_postpone(to_date=form.cleaned_data["to_date"], **kwargs)
            return _("The basket of %(date)s is postponed to %(to_date)s.") % {
                "date": when,
                "to_date": day(target.date),
            }
        if self.action == DeliveryAction.CANCEL:
            services.delivery_cancel(**kwargs)
            return _("The delivery of %(date)s is cancelled.") % {"date": when}
        services.delivery_double(**kwargs)
        return _("The delivery of %(date)s is doubled.") % {"date": when}


# Doubled baskets by date, on a plan


class DoublingCapsView(ScopedObjectPageMixin, FormView):
    """The dates of a plan with doubled baskets, against their cap; staff set the cap of one date."""

    model = Plan
    queryset = Plan.objects.select_related("offer__product")
    permission_required = "change"
    template_name = "subscriptions/admin/doubling_caps.html"
    form_class = DoublingCapForm
    page_title = gettext_lazy("Doubled baskets by date")
    header_icon = "calendar-alt"
    edit_url_name = None

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Plans")},
            {"url": reverse(self.edit_url_name, args=[self.object.pk]), "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    def get_context_data(self, **kwargs):
        plan = self.object
        rows = []
        for count in DoublingCount.objects.filter(plan=plan, date__gte=timezone.localdate()):
            cap = count.cap if count.cap is not None else plan.doubling_cap
            rows.append({"count": count, "cap": cap, "own_cap": count.cap is not None})
        return {**super().get_context_data(**kwargs), "plan": plan, "rows": rows}

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            services.doubling_cap_set(plan=self.object, date=data["date"], cap=data["cap"], actor=self.request.user)
        except DomainError as error:
            add_refusal(form, error)
            return self.form_invalid(form)
        if data["cap"] is None:
            message = _("On %(date)s, the plan's cap applies again.") % {"date": day(data["date"])}
        else:
            message = _("On %(date)s, at most %(cap)s doubled baskets.") % {
                "date": day(data["date"]),
                "cap": data["cap"],
            }
        messages.success(self.request, message)
        return redirect(self.request.path)


# Depot closures


class ClosureIndexView(ScopedIndexView):
    """Upcoming closures first (nearest first), then past ones (latest first)."""

    page_title = gettext_lazy("Depot closures")
    cancel_url_name = None
    default_ordering = None

    def get_base_queryset(self):
        today = timezone.localdate()
        return (
            super()
            .get_base_queryset()
            .select_related("depot", "replacement")
            .annotate(
                is_past=Case(
                    When(ends_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField()
                ),
                moved=Count("deliveries", filter=Q(deliveries__status=DeliveryStatus.PLANNED)),
            )
        )

    def order_queryset(self, queryset):
        if self.ordering:
            return super().order_queryset(queryset)
        upcoming_first = Case(When(is_past=False, then=F("starts_on")))
        return queryset.order_by("is_past", upcoming_first.asc(), F("starts_on").desc(), "pk")

    @cached_property
    def columns(self):
        return [
            self._get_title_column_class(TitleColumn)("depot", label=_("Depot"), accessor="depot.name"),
            Column(
                "starts_on",
                label=_("First closed day"),
                accessor=lambda closure: day(closure.starts_on),
                sort_key="starts_on",
            ),
            Column(
                "ends_on", label=_("Last closed day"), accessor=lambda closure: day(closure.ends_on), sort_key="ends_on"
            ),
            Column("replacement", label=_("Replacement depot"), accessor="replacement"),
            Column("moved", label=_("Deliveries moved"), accessor="moved"),
            Column("reason", label=_("Reason"), accessor="reason"),
        ]

    def get_cancel_url(self, instance):
        if not instance.is_past and self.user_has_permission("delete") and can_change(self.request.user, instance):
            return reverse(self.cancel_url_name, args=[instance.pk])

    # A closure changes through closure_declare and closure_cancel only.
    def get_edit_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_list_more_buttons(self, instance):
        url = self.get_cancel_url(instance)
        if url is None:
            return []
        return [ListingButton(_("Cancel the closure"), url=url, priority=10)]


class ClosureDeclareView(PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView):
    model = Closure
    permission_required = "add"
    template_name = "subscriptions/admin/form.html"
    form_class = ClosureDeclareForm
    page_title = gettext_lazy("Declare a closure")
    header_icon = "site"
    index_url_name = None

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Depot closures")},
            {"url": "", "label": self.get_page_title()},
        ]

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "intro": _(
                "The deliveries planned at the depot on the closed days go to the replacement depot; "
                "their members are e-mailed."
            ),
            "submit_label": _("Declare the closure"),
            "cancel_url": reverse(self.index_url_name),
        }

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            closure = services.closure_declare(
                depot=data["depot"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                replacement=data["replacement"],
                reason=data["reason"],
                remind_days_before=data["remind_days_before"],
                actor=self.request.user,
            )
        except DomainError as error:
            add_refusal(form, error)
            return self.form_invalid(form)
        moved = closure.deliveries.count()
        if moved:
            message = ngettext(
                "%(depot)s is closed from %(start)s to %(end)s: %(count)s delivery moved to %(replacement)s, "
                "its member is e-mailed.",
                "%(depot)s is closed from %(start)s to %(end)s: %(count)s deliveries moved to %(replacement)s, "
                "their members are e-mailed.",
                moved,
            )
        else:
            message = _("%(depot)s is closed from %(start)s to %(end)s; no delivery was planned there.")
        messages.success(
            self.request,
            message
            % {
                "depot": closure.depot,
                "start": day(closure.starts_on),
                "end": day(closure.ends_on),
                "count": moved,
                "replacement": closure.replacement,
            },
        )
        return redirect(self.index_url_name)


class ClosureCancelView(ScopedObjectPageMixin, TemplateView):
    """Asks for confirmation, saying how many deliveries come back, then reopens the depot."""

    model = Closure
    queryset = Closure.objects.select_related("depot", "replacement")
    permission_required = "delete"
    template_name = "subscriptions/admin/closure_cancel.html"
    page_title = gettext_lazy("Cancel the closure")
    header_icon = "site"

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Depot closures")},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]

    def get_context_data(self, **kwargs):
        # What closure_cancel moves back: the planned deliveries still ahead.
        coming_back = Delivery.objects.filter(
            closure=self.object, status=DeliveryStatus.PLANNED, date__gte=timezone.localdate()
        ).count()
        return {
            **super().get_context_data(**kwargs),
            "closure": self.object,
            "coming_back": coming_back,
            "cancel_url": reverse(self.index_url_name),
        }

    def post(self, request, *args, **kwargs):
        moved = services.closure_cancel(closure=self.object, actor=request.user)
        messages.success(
            request,
            ngettext(
                "The closure is cancelled: %(count)s delivery is back at %(depot)s.",
                "The closure is cancelled: %(count)s deliveries are back at %(depot)s.",
                moved,
            )
            % {"count": moved, "depot": self.object.depot},
        )
        return redirect(self.index_url_name)
