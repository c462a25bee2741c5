"""Orders in the Wagtail admin: shop staff handle their organisation's orders, animators every organisation's.

Views only parse the input, call baskets.services and show their DomainError (next to the field it names and
as a message); which orders someone sees comes from baskets.selectors. Every change is a POST (CSRF-checked);
a GET only shows the order or the form of an action.
"""

import django_filters
from django import forms
from django.db.models import BooleanField, Case, Count, F, Prefetch, Q, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy
from django.views.generic import FormView, TemplateView
from wagtail.admin import messages
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn, TitleColumn
from wagtail.admin.views import generic
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import BooleanRadioSelect
from wagtail.permissions import policy_registry

from pivot_site.exceptions import DomainError
from shops.models import Organisation, Shop
from shops.permissions import sees_everything
from shops.viewsets import ScopedFilterSet

from .choices import HANDS_OVER, TRANSITIONS, Fulfilment, PaymentMethod, ReservationStatus
from .deadlines import deadlines_for
from .models import LineReturn, Reservation, ReservationLine, StatusChange
from .selectors import may_handle, may_reassign, reservation_list_handled
from .services import (
    LINE_CANCELLABLE,
    REASSIGNABLE,
    line_return_record,
    reservation_line_cancel,
    reservation_reassign,
    reservation_reassign_options,
    reservation_transition,
)

S = ReservationStatus
# Steps with a deadline the shop (or the customer) must meet: past it, the order is overdue.
WITH_DEADLINE = (S.PLACED, S.ACCEPTED, S.READY)
# Orders a shop still has something to do with.
TO_HANDLE = (S.PLACED, S.ACCEPTED, S.READY, S.SHIPPED)
# Overdue first, then the nearest deadline; orders without one (done, or shipped) last, newest first.
URGENCY_ORDER = (F("is_overdue").desc(), F("due_at").asc(nulls_last=True), "-placed_at", "-pk")
DASHBOARD_ORDERS = 10


def overdue_condition(now):
    return Q(due_at__lt=now, status__in=WITH_DEADLINE)


def with_urgency(reservations, now=None):
    return reservations.annotate(
        is_overdue=Case(
            When(overdue_condition(now or timezone.now()), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    )


def is_overdue(reservation, now=None) -> bool:
    return (
        reservation.status in WITH_DEADLINE
        and reservation.due_at is not None
        and reservation.due_at < (now or timezone.now())
    )


def customer_name(reservation) -> str:
    customer = reservation.customer
    if customer is None:
        return _("Deleted account")
    return customer.get_full_name() or customer.email or customer.get_username()


def actor_name(user) -> str:
    if user is None:
        return _("Automatic")
    return user.get_full_name() or user.get_username()


def money(amount) -> str:
    return f"{number_format(amount, decimal_pos=2, use_l10n=True)} €"


def may_view_orders(user) -> bool:
    return policy_registry.get_by_type(Reservation).user_has_any_permission(user, ["view", "change"])


# Forms: they parse what staff typed; the services decide whether it is allowed.


def reason_field(help_text=""):
    return forms.CharField(label=gettext_lazy("Reason"), max_length=300, required=False, help_text=help_text)


CUSTOMER_READS_IT = gettext_lazy("The customer reads it in the e-mail we send.")


class ServiceForm(forms.Form):
    def add_domain_error(self, error: DomainError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class TransitionForm(ServiceForm):
    """What a status change needs: a reason to refuse or cancel, the carrier and tracking number to ship, how
    the customer paid when the order is handed over."""

    def __init__(self, *args, to_status, reservation, **kwargs):
        kwargs.setdefault("auto_id", f"id_{to_status}_%s")
        super().__init__(*args, **kwargs)
        if to_status in (S.REFUSED, S.CANCELLED):
            self.fields["reason"] = reason_field(CUSTOMER_READS_IT)
        elif to_status == S.SHIPPED:
            self.fields["carrier"] = forms.CharField(label=gettext_lazy("Carrier"), max_length=100, required=False)
            self.fields["tracking_number"] = forms.CharField(
                label=gettext_lazy("Tracking number"), max_length=100, required=False
            )
        elif to_status == S.COLLECTED and reservation.amount_paid is None:
            self.fields["payment_method"] = forms.ChoiceField(
                label=gettext_lazy("Payment method"),
                choices=[("", "---------"), *PaymentMethod.choices],
                required=False,
            )

    def service_kwargs(self) -> dict:
        return {name: self.cleaned_data.get(name) or "" for name in self.fields}


class LineCancelForm(ServiceForm):
    reason = reason_field(CUSTOMER_READS_IT)


class ReassignForm(ServiceForm):
    """Another shop of the organisation holding the items (nearest first), or the nearest one not tried yet."""

    shop = forms.ChoiceField(label=gettext_lazy("Move to"), required=False)
    reason = reason_field()

    def __init__(self, *args, shops, **kwargs):
        kwargs.setdefault("auto_id", "id_reassign_%s")
        super().__init__(*args, **kwargs)
        self.fields["shop"].choices = [
            ("", _("Automatic: the nearest shop holding the items")),
            *((shop.pk, f"{shop.name} · {shop.postcode} {shop.city}") for shop in shops),
        ]

    def service_kwargs(self) -> dict:
        shop = self.cleaned_data.get("shop")
        return {"shop_id": int(shop) if shop else None, "reason": self.cleaned_data.get("reason") or ""}


class LineReturnForm(ServiceForm):
    line = forms.ModelChoiceField(label=gettext_lazy("Item"), queryset=ReservationLine.objects.none(), empty_label=None)
    quantity = forms.IntegerField(label=gettext_lazy("Units returned"), initial=1)
    restock = forms.TypedChoiceField(
        label=gettext_lazy("Back on sale?"),
        choices=[
            ("yes", gettext_lazy("Yes: the units go back in stock")),
            ("no", gettext_lazy("No: they cannot be sold again")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        initial="yes",
    )
    reason = reason_field()

    def __init__(self, *args, lines, **kwargs):
        kwargs.setdefault("auto_id", "id_return_%s")
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["line"].label_from_instance = lambda line: (
            _("%(item)s (%(left)s of %(quantity)s)")
            % {
                "item": line.offer.product.name,
                "left": line.quantity - line.returned_quantity,
                "quantity": line.quantity,
            }
        )


# The list.


class ReservationFilterSet(ScopedFilterSet):
    status = django_filters.ChoiceFilter(
        label=gettext_lazy("Status"), choices=S.choices, widget=forms.RadioSelect, empty_label=gettext_lazy("All")
    )
    overdue = django_filters.BooleanFilter(
        label=gettext_lazy("Overdue"), method="filter_overdue", widget=BooleanRadioSelect
    )
    fulfilment = django_filters.ChoiceFilter(
        label=gettext_lazy("Fulfilment"),
        choices=Fulfilment.choices,
        widget=forms.RadioSelect,
        empty_label=gettext_lazy("All"),
    )
    shop = django_filters.ModelChoiceFilter(label=gettext_lazy("Shop"), queryset=Shop.objects.all())
    organisation = django_filters.ModelChoiceFilter(
        label=gettext_lazy("Organisation"), queryset=Organisation.objects.all()
    )

    class Meta:
        model = Reservation
        fields = []

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        if not sees_everything(getattr(request, "user", None)):
            del self.filters["organisation"]

    def filter_overdue(self, queryset, name, value):
        if value is None:
            return queryset
        condition = overdue_condition(timezone.now())
        return queryset.filter(condition) if value else queryset.exclude(condition)


class DueColumn(Column):
    cell_template_name = "baskets/admin/due_cell.html"


class ReservationIndexView(generic.IndexView):
    any_permission_required = ["view", "change"]
    detail_url_name = None
    page_title = gettext_lazy("Orders")
    header_icon = "clipboard-list"

    def get_base_queryset(self):
        return with_urgency(reservation_list_handled(user=self.request.user)).select_related(
            "customer", "shop", "organisation"
        )

    def order_queryset(self, queryset):
        if not self.ordering:
            return queryset.order_by(*URGENCY_ORDER)
        field = F(self.ordering.lstrip("-"))
        field = field.desc(nulls_last=True) if self.ordering.startswith("-") else field.asc(nulls_last=True)
        return queryset.order_by(field, "-pk")

    def search_queryset(self, queryset):
        """By order number, or by the customer's name or e-mail address (every word must match)."""
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()
        condition = Q()
        for word in query.split():
            condition &= (
                Q(customer__email__icontains=word)
                | Q(customer__first_name__icontains=word)
                | Q(customer__last_name__icontains=word)
                | Q(delivery_name__icontains=word)
            )
        number = query.lstrip("#").strip()
        if number.isdigit():
            condition |= Q(pk=int(number))
        return queryset.filter(condition)

    def get_detail_url(self, instance):
        return reverse(self.detail_url_name, args=[instance.pk])

    @cached_property
    def columns(self):
        columns = [
            TitleColumn(
                "number", label=pgettext("order", "Number"), accessor="pk", sort_key="pk", get_url=self.get_detail_url
            ),
            DateColumn("placed_at", label=_("Placed on"), sort_key="placed_at"),
            Column("customer", label=_("Customer"), accessor=customer_name),
            Column("shop", label=_("Shop"), accessor="shop.name"),
            Column("fulfilment", label=_("Fulfilment"), accessor="get_fulfilment_display"),
            StatusTagColumn(
                "status",
                label=_("Status"),
                accessor="get_status_display",
                sort_key="status",
                primary=lambda reservation: reservation.status in TO_HANDLE,
            ),
            DueColumn("due_at", label=_("Due by"), sort_key="due_at"),
            Column("total", label=_("Total incl. tax"), accessor=lambda reservation: money(reservation.total_incl_tax)),
        ]
        if sees_everything(self.request.user):
            columns.insert(4, Column("organisation", label=_("Organisation"), accessor="organisation.name"))
        return columns

    # Orders are placed by customers and changed through their actions only: no generic add, edit or delete.
    def get_edit_url(self, instance):
        return self.get_detail_url(instance)

    def get_add_url(self):
        return None

    def get_copy_url(self, instance):
        return None

    def get_inspect_url(self, instance):
        return None

    def get_delete_url(self, instance):
        return None

    def get_list_more_buttons(self, instance):
        return []


# One order.


class ReservationMixin(PermissionCheckedMixin, WagtailAdminTemplateMixin):
    """A page about one order the user may see; another organisation's order does not exist (404)."""

    model = Reservation
    any_permission_required = ["view", "change"]
    index_url_name = None
    detail_url_name = None
    header_icon = "clipboard-list"
    is_detail_page = False

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = get_object_or_404(
            reservation_list_handled(user=request.user).select_related(
                "customer", "shop", "organisation", "pickup_shop"
            ),
            pk=kwargs["pk"],
        )

    def get_page_subtitle(self):
        return str(self.object)

    @property
    def detail_url(self):
        return reverse(self.detail_url_name, args=[self.object.pk])

    def get_breadcrumbs_items(self):
        items = [*self.breadcrumbs_items, {"url": reverse(self.index_url_name), "label": _("Orders")}]
        if self.is_detail_page:
            return [*items, {"url": "", "label": str(self.object)}]
        return [
            *items,
            {"url": self.detail_url, "label": str(self.object)},
            {"url": "", "label": self.get_page_title(), "sublabel": str(self.object)},
        ]


ACTION_LABELS = {
    S.ACCEPTED: gettext_lazy("Accept the order"),
    S.REFUSED: gettext_lazy("Refuse the order"),
    S.READY: gettext_lazy("Ready for pickup"),
    S.SHIPPED: gettext_lazy("Shipped"),
    S.COLLECTED: gettext_lazy("Collected by the customer"),
    S.DELIVERED: gettext_lazy("Delivered"),
    S.CANCELLED: gettext_lazy("Cancel the order"),
}
# Changes that cannot be undone: they go through a page asking for the reason and a confirmation.
CONFIRMED = frozenset({S.REFUSED, S.CANCELLED})
# Their form sits on the order page.
INLINE_FORM = frozenset({S.SHIPPED, S.COLLECTED})
# Each kind of order takes one of the two ways out of "accepted".
NOT_FOR = {Fulfilment.PICKUP: S.SHIPPED, Fulfilment.DELIVERY: S.READY}


class ReservationDetailView(ReservationMixin, TemplateView):
    template_name = "baskets/admin/reservation_detail.html"
    page_title = pgettext_lazy("a customer's order", "Order")
    is_detail_page = True
    transition_url_name = None
    line_cancel_url_name = None
    reassign_url_name = None
    line_reassign_url_name = None
    line_return_url_name = None

    def actions(self):
        if not (self.user_has_permission("change") and may_handle(user=self.request.user, reservation=self.object)):
            return []
        actions = []
        for status in S.values:
            if status not in TRANSITIONS[self.object.status] or status == NOT_FOR.get(self.object.fulfilment):
                continue
            actions.append(
                {
                    "status": status,
                    "label": ACTION_LABELS[status],
                    "url": reverse(self.transition_url_name, args=[self.object.pk, status]),
                    "confirmed": status in CONFIRMED,
                    "form": TransitionForm(to_status=status, reservation=self.object)
                    if status in INLINE_FORM
                    else None,
                }
            )
        return actions

    def get_context_data(self, **kwargs):
        reservation = self.object
        user = self.request.user
        lines = list(
            reservation.lines.select_related("offer__product", "shop").prefetch_related(
                Prefetch("returns", queryset=LineReturn.objects.select_related("actor"))
            )
        )
        can_handle = self.user_has_permission("change") and may_handle(user=user, reservation=reservation)
        can_reassign = can_handle and may_reassign(user=user) and reservation.status in REASSIGNABLE
        can_record_returns = can_handle and reservation.status in HANDS_OVER
        returnable = [line for line in lines if line.handed_over_at and line.returned_quantity < line.quantity]
        context = super().get_context_data(**kwargs)
        context.update(
            {
                "reservation": reservation,
                "customer_name": customer_name(reservation),
                "is_overdue": is_overdue(reservation),
                "deadline_hours": {
                    step: int(delay.total_seconds() // 3600)
                    for step, delay in vars(deadlines_for(organisation=reservation.organisation)).items()
                },
                "lines": [
                    {
                        "line": line,
                        "total": money(line.total_incl_tax),
                        "unit_price": money(line.unit_price_incl_tax),
                        "cancel_url": reverse(self.line_cancel_url_name, args=[reservation.pk, line.pk])
                        if can_handle and line.holds_stock and reservation.status in LINE_CANCELLABLE
                        else None,
                        "reassign_url": reverse(self.line_reassign_url_name, args=[reservation.pk, line.pk])
                        if can_reassign and line.holds_stock
                        else None,
                    }
                    for line in lines
                ],
                "total": money(reservation.total_incl_tax),
                "amount_paid": money(reservation.amount_paid) if reservation.amount_paid is not None else "",
                "returns": [
                    {"record": record, "actor": actor_name(record.actor), "item": line.offer.product.name}
                    for line in lines
                    for record in line.returns.all()
                ],
                "history": [
                    {
                        "change": change,
                        # Placing an order without an actor is the customer's doing; other changes, the sweep's.
                        "actor": customer_name(reservation)
                        if change.actor is None and not change.from_status
                        else actor_name(change.actor),
                    }
                    for change in StatusChange.objects.filter(reservation=reservation).select_related(
                        "actor", "line__offer__product"
                    )
                ],
                "reassignments": [
                    {"move": move, "actor": actor_name(move.actor)}
                    for move in reservation.reassignments.select_related("from_shop", "to_shop", "actor")
                ],
                "other_parts": [
                    {"reservation": part, "url": reverse(self.detail_url_name, args=[part.pk])}
                    for part in reservation_list_handled(user=user)
                    .filter(checkout=reservation.checkout)
                    .exclude(pk=reservation.pk)
                    .select_related("shop")
                    .prefetch_related(None)
                    .order_by("pk")
                ],
                "actions": self.actions(),
                "sees_everything": sees_everything(user),
                "reassign_form": ReassignForm(shops=reservation_reassign_options(reservation=reservation))
                if can_reassign
                else None,
                "reassign_url": reverse(self.reassign_url_name, args=[reservation.pk]),
                "return_form": LineReturnForm(
                    lines=reservation.lines.filter(pk__in=[line.pk for line in returnable]).select_related(
                        "offer__product"
                    )
                )
                if can_record_returns and returnable
                else None,
                "return_url": reverse(self.line_return_url_name, args=[reservation.pk]),
            }
        )
        return context


class ForbiddenMixin:
    """Refuses with 403 Forbidden (rather than Wagtail's redirect to the dashboard) users the action is not for."""

    forbidden_message = ""

    def is_allowed(self) -> bool:
        return True

    def dispatch(self, request, *args, **kwargs):
        if not self.is_allowed():
            return TemplateResponse(
                request,
                "baskets/admin/forbidden.html",
                {"page_title": _("Not allowed"), "header_icon": "warning", "message": self.forbidden_message},
                status=403,
            )
        return super().dispatch(request, *args, **kwargs)


class ReservationActionView(ForbiddenMixin, ReservationMixin, FormView):
    """A form acting on one order through a service; success and errors come back as messages."""

    any_permission_required = None
    permission_required = "change"
    template_name = "baskets/admin/action_form.html"
    form_class = ServiceForm
    submit_label = gettext_lazy("Confirm")
    intro = ""
    destructive = False
    forbidden_message = gettext_lazy("Only the staff of the order's organisation and the animators handle it.")

    def is_allowed(self):
        return may_handle(user=self.request.user, reservation=self.object)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "reservation": self.object,
            "intro": self.intro,
            "submit_label": self.submit_label,
            "destructive": self.destructive,
            "cancel_url": self.detail_url,
        }

    def form_valid(self, form):
        try:
            response = self.apply(form)
        except DomainError as error:
            messages.error(self.request, _("Nothing was changed: %(error)s") % {"error": error.message})
            if not form.fields:
                return redirect(self.detail_url)
            form.add_domain_error(error)
            return self.form_invalid(form)
        return response or redirect(self.detail_url)

    def apply(self, form):
        raise NotImplementedError

    def customer_informed(self) -> str:
        customer = self.object.customer
        return _("The customer is told by e-mail.") if customer is not None and customer.email else ""


class ReservationTransitionView(ReservationActionView):
    form_class = TransitionForm

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        if kwargs["to_status"] not in ACTION_LABELS:
            raise Http404
        self.to_status = S(kwargs["to_status"])

    def get_page_title(self):
        return ACTION_LABELS[self.to_status]

    @property
    def submit_label(self):
        return ACTION_LABELS[self.to_status]

    @property
    def destructive(self):
        return self.to_status in CONFIRMED

    @property
    def intro(self):
        if self.to_status == S.REFUSED:
            return _("The order is refused and its items go back on sale. Say why: the customer reads it.")
        if self.to_status == S.CANCELLED:
            return _("The whole order is cancelled and its items go back on sale. Say why: the customer reads it.")
        return ""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "to_status": self.to_status, "reservation": self.object}

    def apply(self, form):
        reservation_transition(
            reservation=self.object, to_status=self.to_status, actor=self.request.user, **form.service_kwargs()
        )
        messages.success(
            self.request,
            " ".join(
                filter(
                    None,
                    [
                        _("%(order)s is now “%(status)s”.") % {"order": self.object, "status": self.to_status.label},
                        self.customer_informed(),
                    ],
                )
            ),
        )


class LineActionMixin:
    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.line = get_object_or_404(self.object.lines.select_related("offer__product"), pk=kwargs["line_pk"])

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "line": self.line}


class LineCancelView(LineActionMixin, ReservationActionView):
    form_class = LineCancelForm
    page_title = gettext_lazy("Cancel a line")
    submit_label = gettext_lazy("Cancel this line")
    destructive = True

    @property
    def intro(self):
        return _("“%(item)s” × %(quantity)s is cancelled and goes back on sale. Say why: the customer reads it.") % {
            "item": self.line.offer.product.name,
            "quantity": self.line.quantity,
        }

    def apply(self, form):
        reservation_line_cancel(line=self.line, actor=self.request.user, reason=form.cleaned_data["reason"])
        messages.success(
            self.request,
            " ".join(
                filter(
                    None,
                    [
                        _("The line “%(item)s” is cancelled.") % {"item": self.line.offer.product.name},
                        self.customer_informed(),
                    ],
                )
            ),
        )


class AnimatorActionMixin:
    forbidden_message = gettext_lazy("Only the animators move orders between shops.")

    def is_allowed(self):
        return may_reassign(user=self.request.user)


class ReassignView(AnimatorActionMixin, ReservationActionView):
    form_class = ReassignForm
    page_title = gettext_lazy("Move the order to another shop")
    submit_label = gettext_lazy("Move")
    line = None

    @property
    def intro(self):
        return _("Shops of the organisation holding the items, nearest first.")

    def lines(self):
        return [self.line] if self.line is not None else None

    def get_form_kwargs(self):
        shops = reservation_reassign_options(reservation=self.object, lines=self.lines())
        return {**super().get_form_kwargs(), "shops": shops}

    def apply(self, form):
        holder = reservation_reassign(
            reservation=self.object,
            line_ids=[self.line.pk] if self.line is not None else None,
            actor=self.request.user,
            **form.service_kwargs(),
        )
        if holder is None:
            message = _("No other shop of the organisation holds these items: nothing was moved.")
            messages.error(self.request, message)
            form.add_error("shop", message)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(order)s is now handled by %(shop)s.") % {"order": holder, "shop": holder.shop.name},
        )
        return redirect(self.detail_url_name, holder.pk)


class LineReassignView(LineActionMixin, ReassignView):
    page_title = gettext_lazy("Move a line to another shop")

    @property
    def intro(self):
        return _("“%(item)s” × %(quantity)s becomes an order of its own in the chosen shop.") % {
            "item": self.line.offer.product.name,
            "quantity": self.line.quantity,
        }


class LineReturnView(ReservationActionView):
    form_class = LineReturnForm
    page_title = gettext_lazy("Record a return")
    submit_label = gettext_lazy("Record the return")

    def get_form_kwargs(self):
        lines = self.object.lines.filter(handed_over_at__isnull=False).select_related("offer__product")
        return {**super().get_form_kwargs(), "lines": lines}

    def apply(self, form):
        data = form.cleaned_data
        line_return_record(
            line=data["line"],
            quantity=data["quantity"],
            restock=data["restock"],
            reason=data["reason"],
            actor=self.request.user,
        )
        messages.success(
            self.request,
            _("Return of %(quantity)s × “%(item)s” recorded.")
            % {"quantity": data["quantity"], "item": data["line"].offer.product.name},
        )


# The dashboard.


class OrdersToHandlePanel(Component):
    """Counts of the orders waiting in the user's shops, then the most urgent ones, in four queries at most."""

    name = "orders_to_handle"
    template_name = "baskets/admin/dashboard_panel.html"
    order = 50

    def __init__(self, *, request, index_url_name, detail_url_name):
        self.request = request
        self.index_url_name = index_url_name
        self.detail_url_name = detail_url_name

    def get_context_data(self, parent_context=None):
        now = timezone.now()
        reservations = reservation_list_handled(user=self.request.user).prefetch_related(None)
        counts = reservations.aggregate(
            **{status: Count("pk", filter=Q(status=status)) for status in TO_HANDLE},
            overdue=Count("pk", filter=overdue_condition(now)),
        )
        urgent = (
            with_urgency(reservations.filter(status__in=TO_HANDLE), now)
            .select_related("customer", "shop")
            .order_by(*URGENCY_ORDER)[:DASHBOARD_ORDERS]
        )
        index_url = reverse(self.index_url_name)
        return {
            "counts": [
                {"label": S(status).label, "count": counts[status], "url": f"{index_url}?status={status}"}
                for status in TO_HANDLE
            ],
            "overdue": counts["overdue"],
            "overdue_url": f"{index_url}?overdue=true",
            "index_url": index_url,
            "orders": [
                {
                    "reservation": reservation,
                    "customer_name": customer_name(reservation),
                    "url": reverse(self.detail_url_name, args=[reservation.pk]),
                }
                for reservation in urgent
            ],
        }
