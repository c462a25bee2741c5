import phonenumbers
from django import template

register = template.Library()


@register.filter
def phone_display(value):
    """Numbers are stored in E.164; French visitors read them as 01 23 45 67 89."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 33
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


@register.simple_tag(takes_context=True)
def catalogue_url(context):
    """URL of the platform's catalogue page for the menu, or "" when there is none (remembered, see main_url)."""
    from cms.models import CatalogPage

    return CatalogPage.main_url(context.get("request")) or ""
