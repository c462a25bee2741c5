"""Admin forms of the CSA: they parse what staff typed, subscriptions.services decide and save.

Choices (members, depots, plans, funders, categories) only list the user's organisations' objects; a service's
refusal comes back on the field it names.
"""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from offers.choices import SaleMode
from pivot_site.exceptions import DomainError
from shops.choices import Weekday
from shops.models import Depot, Member
from shops.permissions import scope_queryset
from shops.viewsets import ScopedModelForm

from . import services
from .models import Funder, Plan

OVERRIDE_HELP = _("Go beyond the plan's notice, quotas and caps. The reason is logged.")


def date_field(label, *, required=True, help_text=""):
    return forms.DateField(label=label, required=required, help_text=help_text, widget=AdminDateInput)


def money_field(label, *, required=True, help_text="", initial=None):
    """French users type decimal commas: a text input that reads them (a number input would refuse them)."""
    field = forms.DecimalField(
        label=label,
        required=required,
        help_text=help_text,
        initial=initial,
        min_value=0,
        max_digits=8,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )
    field.widget.is_localized = True
    return field


def weekday_field(label):
    return forms.TypedChoiceField(label=label, choices=[("", "---------"), *Weekday.choices], coerce=int)


# The calendar, plans and funders: Wagtail's model forms, saved by the services.


class ScopedChildForm(WagtailAdminModelForm):
    """A row of an inline panel (a plan's price by category): its choices are the user's organisations' only."""

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset.model, "organisation_path"):
                field.queryset = scope_queryset(for_user, queryset)
            if isinstance(field, forms.DecimalField):
                field.localize = True
                field.widget = forms.TextInput(attrs={"inputmode": "decimal"})
                field.widget.is_localized = True


class SeasonForm(ScopedModelForm):
    def service_save(self, instance):
        return services.season_save(season=instance, breaks=list(self.formset_instances("breaks")), actor=self.user)


class PlanForm(ScopedModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        offer = self.fields["offer"]
        # Offers sold by subscription that have no plan yet (or are this plan's).
        offer.queryset = (
            offer.queryset.filter(sale_mode=SaleMode.SUBSCRIPTION)
            .filter(Q(plan__isnull=True) | Q(pk=self.instance.offer_id))
            .select_related("product")
        )
        offer.label_from_instance = lambda offer: (
            f"{offer.product} · {number_format(offer.price_incl_tax, decimal_pos=2, use_l10n=True)} €"
        )
        offer.help_text = _("An offer of the catalogue whose sale mode is “Subscription”: its product and price.")

    def service_save(self, instance):
        return services.plan_save(plan=instance, prices=list(self.formset_instances("prices")), actor=self.user)


class FunderForm(ScopedModelForm):
    def service_save(self, instance):
        return services.funder_save(funder=instance, actor=self.user)


# Forms of the custom pages: plain forms whose data go to one service call.


class ServiceForm(forms.Form):
    def add_domain_error(self, error: DomainError) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)


class OverrideForm(ServiceForm):
    """What every staff change to deliveries carries: the override of the plan's rules and its reason."""

    override = forms.BooleanField(label=_("Override the rules"), required=False, help_text=OVERRIDE_HELP)
    reason = forms.CharField(
        label=_("Reason"), max_length=300, required=False, help_text=_("Required when you override the rules.")
    )

    def override_kwargs(self) -> dict:
        return {"override": self.cleaned_data["override"], "reason": self.cleaned_data["reason"]}


class SubscriptionTermsForm(ServiceForm):
    """What staff may change on a subscription afterwards: its end (or number of baskets) and its price."""

    ends_on = date_field(_("End"), required=False, help_text=_("Either an end date or a number of baskets."))
    delivery_count = forms.IntegerField(label=_("Number of baskets"), min_value=1, required=False)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    price_per_delivery = money_field(_("Price per delivery incl. tax"))
    discount_percent = forms.DecimalField(
        label=_("Solidarity discount (%)"),
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        initial=0,
        localize=True,
        help_text=_("Share of the public price paid by the funder."),
    )
    funder = forms.ModelChoiceField(label=_("Funder"), queryset=Funder.objects.none(), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funder"].queryset = scope_queryset(user, Funder.objects.all())

    def terms(self) -> dict:
        data = self.cleaned_data
        return {
            "ends_on": data["ends_on"],
            "delivery_count": data["delivery_count"],
            "quantity": data["quantity"],
            "price_per_delivery": data["price_per_delivery"],
            "discount_percent": data["discount_percent"],
            "funder": data["funder"],
        }


class SubscriptionCreateForm(SubscriptionTermsForm):
    member = forms.ModelChoiceField(label=_("Member"), queryset=Member.objects.none())
    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.none())
    depot = forms.ModelChoiceField(label=_("Depot"), queryset=Depot.objects.none())
    weekday = weekday_field(_("Delivery day"))
    starts_on = date_field(_("Start"))
    price_per_delivery = money_field(
        _("Price per delivery incl. tax"),
        required=False,
        help_text=_("Empty: the price of the member's category, else the offer's price."),
    )

    field_order = ["member", "plan", "quantity", "depot", "weekday", "starts_on", "ends_on", "delivery_count"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["member"].queryset = scope_queryset(user, Member.objects.all())
        self.fields["plan"].queryset = scope_queryset(user, Plan.objects.select_related("offer__product"))
        self.fields["depot"].queryset = scope_queryset(user, Depot.objects.filter(active=True))

    def subscription(self) -> dict:
        data = self.cleaned_data
        return {
            **self.terms(),
            "member": data["member"],
            "plan": data["plan"],
            "depot": data["depot"],
            "weekday": data["weekday"],
            "starts_on": data["starts_on"],
        }


class PostponeForm(OverrideForm):
    to_date = date_field(_("Postpone to"), help_text=_("A delivery date of another week: two baskets that day."))

    field_order = ["to_date", "override", "reason"]


class Scope:
    ONE = "one"
    PERIOD = "period"
    REST = "rest"


class ChangeDepotForm(OverrideForm):
    depot = forms.ModelChoiceField(label=_("New depot"), queryset=Depot.objects.none())
    scope = forms.ChoiceField(
        label=_("For"),
        choices=[
            (Scope.ONE, _("One date")),
            (Scope.PERIOD, _("A period")),
            (Scope.REST, _("The rest of the subscription")),
        ],
        initial=Scope.REST,
        widget=forms.RadioSelect,
    )
    from_date = date_field(_("From"), help_text=_("The date, or the first day of the period."))
    until_date = date_field(_("Until"), required=False, help_text=_("Last day of the period."))

    field_order = ["depot", "scope", "from_date", "until_date", "override", "reason"]

    def __init__(self, *args, user, subscription, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depot"].queryset = scope_queryset(
            user, Depot.objects.filter(organisation_id=subscription.organisation_id, active=True)
        )

    def clean(self):
        data = super().clean()
        if data.get("scope") == Scope.PERIOD and not data.get("until_date"):
            self.add_error("until_date", _("Give the last day of the period."))
        return data

    def period(self) -> tuple[dt.date, dt.date | None]:
        data = self.cleaned_data
        until = {Scope.ONE: data["from_date"], Scope.PERIOD: data["until_date"], Scope.REST: None}[data["scope"]]
        return data["from_date"], until


class ChangeDayForm(OverrideForm):
    weekday = weekday_field(_("New delivery day"))
    from_date = date_field(_("From"), help_text=_("Deliveries from this date on move to the new day of their week."))
    depot = forms.ModelChoiceField(
        label=_("Depot"),
        queryset=Depot.objects.none(),
        required=False,
        help_text=_("Empty: the subscription's depot."),
    )

    field_order = ["weekday", "from_date", "depot", "override", "reason"]

    def __init__(self, *args, user, subscription, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depot"].queryset = scope_queryset(
            user, Depot.objects.filter(organisation_id=subscription.organisation_id, active=True)
        )


class AbsenceForm(OverrideForm):
    from_date = date_field(_("First day away"))
    until_date = date_field(_("Last day away"))

    field_order = ["from_date", "until_date", "override", "reason"]

    def __init__(self, *args, user, subscription, **kwargs):
        super().__init__(*args, **kwargs)


class DoublingCapForm(ServiceForm):
    date = date_field(_("Delivery date"))
    cap = forms.IntegerField(
        label=_("Doubled baskets at most"), min_value=0, required=False, help_text=_("Empty: the plan's cap.")
    )


class ClosureDeclareForm(ServiceForm):
    depot = forms.ModelChoiceField(label=_("Depot"), queryset=Depot.objects.none())
    starts_on = date_field(_("First closed day"))
    ends_on = date_field(_("Last closed day"))
    replacement = forms.ModelChoiceField(
        label=_("Replacement depot"),
        queryset=Depot.objects.none(),
        required=False,
        help_text=_("The deliveries of the closed days go there. Needed when deliveries are planned then."),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, help_text=_("The members read it in the e-mail.")
    )
    remind_days_before = forms.IntegerField(
        label=_("Reminder (days before)"),
        min_value=0,
        initial=3,
        help_text=_("Members whose deliveries move are e-mailed at once, and again this many days before."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depot"].queryset = scope_queryset(user, Depot.objects.all())
        self.fields["replacement"].queryset = scope_queryset(user, Depot.objects.filter(active=True))
