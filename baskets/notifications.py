"""E-mails about orders, sent once the change is committed (a rolled-back change sends nothing).

Customers hear of every status change of their order; shops of new, reassigned and cancelled orders;
animators of what the deadline sweep did. The site's default language is used: the customer has no
stored language preference.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from shops.choices import ANIMATORS_GROUP
from shops.opening_hours import format_weekly_hours

from .choices import Fulfilment

CUSTOMER, SHOP, ANIMATORS = "customer", "shop", "animators"


def _recipients(reservation, audience) -> list[str]:
    if audience == CUSTOMER:
        customer = reservation.customer
        return [customer.email] if customer is not None and customer.email else []
    if audience == SHOP:
        address = reservation.shop.email or reservation.organisation.email
        return [address] if address else []
    return list(
        get_user_model()
        .objects.filter(groups__name=ANIMATORS_GROUP, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )


def _message(reservation, *, event, audience, reason):
    shop = reservation.shop
    hours = shop.opening_hours.values_list("weekday", "opens", "closes")
    context = {
        "reservation": reservation,
        "event": event,
        "audience": audience,
        "reason": reason,
        "lines": list(reservation.lines.select_related("offer__product")),
        "is_pickup": reservation.fulfilment == Fulfilment.PICKUP,
        "shop": shop,
        "site_url": settings.WAGTAILADMIN_BASE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        context["opening_hours"] = format_weekly_hours(hours)
        subject = render_to_string("baskets/email/subject.txt", context).strip()
        body = render_to_string("baskets/email/order_update.txt", context)
    return subject, body


def notify(reservation, *, event: str, audiences=(CUSTOMER,), reason: str = "") -> None:
    """E-mail ``audiences`` about ``event`` on ``reservation`` after the transaction commits."""

    def send():
        messages = []
        for audience in audiences:
            recipients = _recipients(reservation, audience)
            if recipients:
                subject, body = _message(reservation, event=event, audience=audience, reason=reason)
                messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
        send_mass_mail(messages, fail_silently=False)

    transaction.on_commit(send)
