from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.widgets import AdminDateTimeInput

from shops.viewsets import ScopedModelForm

from . import services


class ProducerForm(ScopedModelForm):
    def service_save(self, instance):
        return services.producer_save(producer=instance, actor=self.user)


class ProductCategoryForm(ScopedModelForm):
    def service_save(self, instance):
        return services.product_category_save(category=instance, actor=self.user)


class ProductForm(ScopedModelForm):
    def service_validate(self):
        services.product_validate(product=self.instance)

    def service_save(self, instance):
        return services.product_save(product=instance, actor=self.user)


class OfferForm(ScopedModelForm):
    """Either price may be typed: the other is derived by the pricing service."""

    price_incl_tax = forms.DecimalField(
        label=_("Price incl. tax"),
        required=False,
        min_value=Decimal("0"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Type this price or the one excluding tax; the other is computed."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price_excl_tax"].required = False
        self.fields["price_excl_tax"].help_text = _("Type this price or the one including tax; the other is computed.")
        if self.instance.pk:
            self.initial["price_incl_tax"] = self.instance.price_incl_tax
            self.initial["price_excl_tax"] = self.instance.price_excl_tax.quantize(Decimal("0.01"))

    def clean(self):
        cleaned_data = super().clean()
        vat_rate = cleaned_data.get("vat_rate")
        if vat_rate is None:
            return cleaned_data
        vat_rate = Decimal(str(vat_rate))
        cleaned_data["vat_rate"] = vat_rate
        excl, incl = cleaned_data.get("price_excl_tax"), cleaned_data.get("price_incl_tax")
        if "price_excl_tax" not in self.changed_data:
            if "price_incl_tax" in self.changed_data and incl is not None:
                excl = None  # the price including tax was typed: derive the other one from it
            elif self.instance.pk:
                excl = self.instance.price_excl_tax  # untouched: keep the stored 4 decimals
        if excl is None and incl is None:
            self.add_error("price_excl_tax", _("Give the price excluding or including tax."))
            return cleaned_data
        cleaned_data["price_excl_tax"], cleaned_data["price_incl_tax"] = services.offer_prices(
            price_excl_tax=excl, price_incl_tax_value=incl, vat_rate=vat_rate
        )
        return cleaned_data

    def service_validate(self):
        services.offer_validate(
            offer=self.instance,
            reserved_categories=self.cleaned_data.get("reserved_categories"),
            allowed_depots=self.cleaned_data.get("allowed_depots"),
        )

    def service_save(self, instance):
        return services.offer_save(
            offer=instance,
            reserved_categories=self.cleaned_data.get("reserved_categories"),
            allowed_depots=self.cleaned_data.get("allowed_depots"),
            actor=self.user,
        )


class OfferMarkSoldForm(forms.Form):
    """How many units left and when; offers.services.offer_mark_sold checks them against the offer."""

    quantity = forms.IntegerField(label=_("Units sold"), min_value=1, initial=1)
    sold_at = forms.DateTimeField(label=_("Sold on"), widget=AdminDateTimeInput, initial=timezone.now)
