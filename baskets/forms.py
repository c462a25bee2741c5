"""Forms of the customer's basket pages: they only parse input. Whether an order may be placed (stock, shop,
address, pickup day) is decided by ``baskets.services.reservation_create``; its errors are shown next to the
field they name (see views.py)."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from shops.geocoding import MAX_QUERY_LENGTH

from .choices import Fulfilment
from .models import Reservation
from .services import MAX_QUANTITY

# Made when the checkout form is rendered (uuid4().hex); the service places one order per key and customer.
IDEMPOTENCY_KEY_RE = re.compile(r"^[0-9a-f]{32}$")


class AddToBasketForm(forms.Form):
    offer = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=MAX_QUANTITY, required=False)


def quantity_field_name(offer_id: int) -> str:
    return f"quantity-{offer_id}"


class BasketForm(forms.Form):
    """One quantity per line of the basket (0 removes the line)."""

    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = lines
        for line in lines:
            name = quantity_field_name(line.offer.pk)
            self.fields[name] = forms.IntegerField(
                label=_("Quantity of “%(name)s”") % {"name": line.offer.product.name},
                min_value=0,
                max_value=line.max_quantity,
                initial=line.quantity,
            )
            self.fields[name].widget.attrs.update({"inputmode": "numeric", "class": "quantity-input"})

    def bound_lines(self):
        """(line, bound quantity field) pairs for the template."""
        return [(line, self[quantity_field_name(line.offer.pk)]) for line in self.lines]

    def quantities(self) -> dict[int, int]:
        return {line.offer.pk: self.cleaned_data[quantity_field_name(line.offer.pk)] for line in self.lines}


class PlaceForm(forms.Form):
    """Where the customer is, to list pickup shops nearest first: a town or postcode, or the browser's position."""

    ou = forms.CharField(label=_("Town or postcode"), max_length=MAX_QUERY_LENGTH, required=False)
    lat = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)
    lon = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)


def pickup_field_name(organisation_id: int) -> str:
    return f"pickup_shop_{organisation_id}"


class CheckoutForm(forms.Form):
    """Pickup (a shop per organisation of the basket, an optional day) or home delivery (an address).

    Nothing is required here: the service says what is missing, in its own words, and the view puts its
    message next to the field it names.
    """

    fulfilment = forms.ChoiceField(
        label=_("How do you want to get your order?"),
        choices=Fulfilment.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    pickup_on = forms.DateField(
        label=_("Pickup day (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("The shop must be open that day. Leave empty to come any day before the deadline."),
    )
    delivery_name = forms.CharField(
        label=_("Recipient"),
        max_length=Reservation._meta.get_field("delivery_name").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    delivery_address = forms.CharField(
        label=_("Address"),
        max_length=Reservation._meta.get_field("delivery_address").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    delivery_postcode = forms.CharField(
        label=_("Postcode"),
        max_length=Reservation._meta.get_field("delivery_postcode").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
    )
    delivery_city = forms.CharField(
        label=_("City"),
        max_length=Reservation._meta.get_field("delivery_city").max_length,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=32)
    # The place the pickup shops were ranked from, to show the same list again after an error.
    ou = forms.CharField(max_length=MAX_QUERY_LENGTH, required=False, widget=forms.HiddenInput)
    lat = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)
    lon = forms.CharField(max_length=32, required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation_ids=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation_ids = list(organisation_ids)
        for organisation_id in self.organisation_ids:
            # Rendered by hand as radio buttons (the shops, nearest first); any shop id is accepted here and
            # checked by the service, so that a shop beyond the ones listed can still be chosen.
            self.fields[pickup_field_name(organisation_id)] = forms.IntegerField(
                label=_("Pickup shop"), min_value=1, required=False, widget=forms.HiddenInput
            )

    def clean_idempotency_key(self):
        key = self.cleaned_data["idempotency_key"].strip().lower()
        if not IDEMPOTENCY_KEY_RE.match(key):
            raise forms.ValidationError(_("This form has expired. Please check your order and confirm again."))
        return key

    def pickup_shop_id(self, organisation_id: int):
        return self.cleaned_data.get(pickup_field_name(organisation_id))

    @property
    def address_fields(self):
        return [self[name] for name in ("delivery_name", "delivery_address", "delivery_postcode", "delivery_city")]
