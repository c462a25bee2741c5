"""E-mails to members whose deliveries a depot closure moves: at once, and again a few days before.

Queued after commit and sent by the django-q2 worker; a closure's reminder is sent once (``reminded_on``).
"""

import datetime as dt

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django_q.tasks import async_task

from shops.models import Closure, Member

from .choices import DeliveryStatus
from .models import Delivery

DECLARED, REMINDER, CANCELLED = "declared", "reminder", "cancelled"


def closure_declared(closure: Closure) -> None:
    transaction.on_commit(lambda: async_task("subscriptions.notifications.send_closure", closure.pk, DECLARED))


def closure_cancelled(closure: Closure, *, member_ids) -> None:
    """The closure is deleted once committed: the message carries what it needs."""
    context = {
        "depot": closure.depot.name,
        "starts_on": closure.starts_on.isoformat(),
        "ends_on": closure.ends_on.isoformat(),
    }
    member_ids = sorted(member_ids)
    transaction.on_commit(
        lambda: async_task("subscriptions.notifications.send_reopening", member_ids, context, group="closure e-mails")
    )


def _send(members, context) -> int:
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string("subscriptions/email/closure_subject.txt", context).strip()
        for member in members:
            if not (member.email and member.contact_by_email):
                continue
            body = render_to_string("subscriptions/email/closure.txt", {**context, "member": member})
            messages.append((subject, body, settings.DEFAULT_FROM_EMAIL, [member.email]))
    return send_mass_mail(messages, fail_silently=False)


def send_closure(closure_id: int, event: str) -> int:
    """The worker's half: e-mail each member with a delivery moved by the closure, with their dates."""
    closure = Closure.objects.select_related("depot", "replacement").filter(pk=closure_id).first()
    if closure is None:  # cancelled before the worker came to it
        return 0
    deliveries = Delivery.objects.filter(closure=closure, status=DeliveryStatus.PLANNED).values_list(
        "subscription__member_id", "date"
    )
    dates: dict[int, set] = {}
    for member_id, day in deliveries:
        dates.setdefault(member_id, set()).add(day)
    members = list(Member.objects.filter(pk__in=dates))
    for member in members:
        member.moved_dates = sorted(dates[member.pk])
    context = {
        "event": event,
        "depot": closure.depot.name,
        "replacement": closure.replacement,
        "starts_on": closure.starts_on,
        "ends_on": closure.ends_on,
        "reason": closure.reason,
        "site_url": settings.WAGTAILADMIN_BASE_URL,
    }
    return _send(members, context)


def send_reopening(member_ids: list[int], context: dict) -> int:
    context = {
        **context,
        "event": CANCELLED,
        "starts_on": dt.date.fromisoformat(context["starts_on"]),
        "ends_on": dt.date.fromisoformat(context["ends_on"]),
        "site_url": settings.WAGTAILADMIN_BASE_URL,
    }
    return _send(Member.objects.filter(pk__in=member_ids), context)


def closure_reminders_send() -> str:
    """Daily: remind members of closures that start within their reminder delay. Each closure once."""
    today = timezone.localdate()
    sent = 0
    for closure in Closure.objects.filter(reminded_on__isnull=True, starts_on__gte=today, replacement__isnull=False):
        if closure.starts_on - dt.timedelta(days=closure.remind_days_before) > today:
            continue
        # Claim it first: two workers running the schedule at once send one reminder.
        if Closure.objects.filter(pk=closure.pk, reminded_on__isnull=True).update(reminded_on=today):
            sent += send_closure(closure.pk, REMINDER)
    return f"{sent} reminder(s) sent"
