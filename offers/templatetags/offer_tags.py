from decimal import Decimal, InvalidOperation

from django import template
from django.urls import reverse
from django.utils.formats import number_format

from offers.impact import impact_summary

register = template.Library()


@register.filter
def measure(value):
    """A stored measure without its trailing zeros, in the visitor's number format: 12.500 → "12,5", 45.0 → "45"."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return value
    number = number.quantize(Decimal(1)) if number == number.to_integral_value() else number.normalize()
    return number_format(number, use_l10n=True, force_grouping=True)


@register.inclusion_tag("offers/includes/impact_panel.html")
def impact_panel(shop=None):
    """The platform's (or ``shop``'s) kg diverted and kg CO2e avoided, linking to its impact page (2 queries)."""
    totals = impact_summary(shop_id=shop.pk if shop else None)
    url = reverse("impact_shop", args=[shop.slug]) if shop else reverse("impact")
    return {"shop": shop, "totals": totals, "url": url}
