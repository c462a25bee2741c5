from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

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
