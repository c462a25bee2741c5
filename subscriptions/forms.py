"""Forms of the member's delivery pages: they only parse input. Whether a change is allowed (notice, quotas,
caps, the calendar, access codes) is decided by ``subscriptions.services``; its refusals are shown next to the
field they name (see views.py)."""

import datetime as dt

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from shops.choices import Weekday

DATE_WIDGET = {"widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


def day_label(day: dt.date) -> str:
    return formats.date_format(day, "l j F Y")


def depot_label(depot, weekdays) -> str:
    """A depot as members choose it: its days, its fee, and whether it asks an access code."""
    parts = [depot.name]
    days = ", ".join(str(Weekday(day).label).lower() for day in sorted(weekdays))
    if days:
        parts.append(days)
    if depot.delivery_fee:
        parts.append(_("fee %(fee)s € per delivery") % {"fee": formats.number_format(depot.delivery_fee, 2)})
    if depot.restricted:
        parts.append(_("access code needed"))
    return " — ".join(str(part) for part in parts)


class PostponeForm(forms.Form):
    """One of the subscription's other planned dates (where the basket is doubled), or any other date."""

    OTHER = "other"

    to_date = forms.ChoiceField(
        label=_("Receive this basket on"), help_text=_("One of your coming deliveries, or another date.")
    )
    other_date = forms.DateField(
        label=_("Other date"), required=False, help_text=_("If you chose “another date”."), **DATE_WIDGET
    )

    def __init__(self, *args, dates: list[dt.date], after: dt.date, full: frozenset = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = []
        for day in dates:
            label = day_label(day)
            if day in full:
                label = _("%(date)s — no more baskets can be doubled that day") % {"date": label}
            choices.append((day.isoformat(), label))
        self.fields["to_date"].choices = [*choices, (self.OTHER, _("Another date"))]
        self.fields["to_date"].initial = next((day.isoformat() for day in dates if day > after), self.OTHER)

    def clean(self):
        data = super().clean()
        choice = data.get("to_date")
        if choice == self.OTHER:
            if data.get("other_date") is None and "other_date" not in self.errors:
                self.add_error("other_date", _("Give the date you want this basket."))
            data["date"] = data.get("other_date")
        elif choice:
            data["date"] = dt.date.fromisoformat(choice)
        return data

    def error_field(self, service_field: str | None) -> str | None:
        """Where a service's refusal about ``to_date`` belongs: next to the date the member typed or chose."""
        if service_field == "to_date" and self.cleaned_data.get("to_date") == self.OTHER:
            return "other_date"
        return service_field if service_field in self.fields else None


class AbsenceForm(forms.Form):
    """The dates of an absence, then which of the deliveries found in them to cancel (all checked at first)."""

    from_date = forms.DateField(label=_("Away from"), **DATE_WIDGET)
    until_date = forms.DateField(label=_("Back after"), help_text=_("The last day you are away."), **DATE_WIDGET)

    def clean(self):
        data = super().clean()
        if data.get("from_date") and data.get("until_date") and data["until_date"] < data["from_date"]:
            self.add_error("until_date", _("The last day comes after the first one."))
        return data


class AbsenceDeliveriesForm(AbsenceForm):
    deliveries = forms.ModelMultipleChoiceField(
        label=_("Deliveries to cancel"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one delivery.")},
    )

    def __init__(self, *args, deliveries, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["deliveries"]
        field.queryset = deliveries
        field.label_from_instance = lambda delivery: " — ".join(
            [day_label(delivery.date), str(delivery.subscription.plan), delivery.depot.name]
        )
        field.initial = [delivery.pk for delivery in deliveries]
        for name in ("from_date", "until_date"):
            self.fields[name].widget = forms.HiddenInput()


class _ChangeForm(forms.Form):
    access_code = forms.CharField(
        label=_("Access code"),
        required=False,
        max_length=128,
        help_text=_("Only for a depot marked “access code needed”: ask the garden for it."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )

    def __init__(self, *args, depots, depot_days, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["depot"]
        field.queryset = depots
        field.label_from_instance = lambda depot: depot_label(depot, depot_days.get(depot.pk, ()))


class DepotChangeForm(_ChangeForm):
    PERIOD, REST = "period", "rest"

    depot = forms.ModelChoiceField(label=_("New depot"), queryset=None, empty_label=None, widget=forms.RadioSelect)
    from_date = forms.DateField(label=_("From"), **DATE_WIDGET)
    scope = forms.ChoiceField(
        label=_("Until"),
        choices=[(REST, _("For the rest of my subscription")), (PERIOD, _("Until a date"))],
        initial=REST,
        widget=forms.RadioSelect,
    )
    until_date = forms.DateField(label=_("Last date at this depot"), required=False, **DATE_WIDGET)
    field_order = ["depot", "access_code", "from_date", "scope", "until_date"]

    def clean(self):
        data = super().clean()
        if data.get("scope") == self.PERIOD and data.get("until_date") is None and "until_date" not in self.errors:
            self.add_error("until_date", _("Give the last date, or choose the rest of your subscription."))
        if data.get("scope") == self.REST:
            data["until_date"] = None
        return data


class DayChangeForm(_ChangeForm):
    weekday = forms.TypedChoiceField(label=_("New delivery day"), coerce=int)
    depot = forms.ModelChoiceField(label=_("Depot"), queryset=None, required=False)
    from_date = forms.DateField(label=_("From"), **DATE_WIDGET)
    field_order = ["weekday", "depot", "access_code", "from_date"]

    def __init__(self, *args, weekdays, current_depot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["weekday"].choices = [(day, label) for day, label in Weekday.choices if day in weekdays]
        self.fields["depot"].empty_label = _("Keep my depot (%(depot)s)") % {"depot": current_depot}
