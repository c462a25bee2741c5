"""E-mails about orders, queued once the change is committed (a rolled-back change sends nothing) and sent by
the django-q2 worker, so that placing an order never waits for a mail server.

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
from django_q.tasks import async_task

from shops.choices import ANIMATORS_GROUP
from shops.opening_hours import format_weekly_hours

from .choices import Fulfilment, ReservationStatus
from .models import Reservation

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


def _message(reservation, *, event, audience, reason, status):
    shop = reservation.shop
    hours = shop.opening_hours.values_list("weekday", "opens", "closes")
    context = {
        "reservation": reservation,
        "event": event,
        "audience": audience,
        "reason": reason,
        # The status the event brought, which the order may have left by the time the worker sends this.
        "status_label": ReservationStatus(status).label,
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
    """E-mail ``audiences`` about ``event`` on ``reservation``, once the transaction commits."""
    arguments = (reservation.pk, event, list(audiences), reason, reservation.status)
    transaction.on_commit(lambda: async_task("baskets.notifications.send", *arguments, group="order e-mails"))


def send(reservation_id: int, event: str, audiences: list[str], reason: str, status: str) -> int:
    """The worker's half of ``notify``: render and send; returns the number of e-mails sent."""
    reservation = Reservation.objects.select_related("customer", "shop", "organisation").get(pk=reservation_id)
    messages = []
    for audience in audiences:
        recipients = _recipients(reservation, audience)
        if recipients:
            subject, body = _message(reservation, event=event, audience=audience, reason=reason, status=status)
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, recipients))
    return send_mass_mail(messages, fail_silently=False)
