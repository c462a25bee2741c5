"""Payment seam. Today customers pay at pickup, recorded by staff; an online provider (authorise at checkout,
capture at collection) plugs in by implementing ``PaymentProvider`` and naming it in ``PIVOT_PAYMENT_PROVIDER``."""

from typing import Protocol

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from .choices import PaymentMethod, PaymentStatus
from .exceptions import InvalidTransition


class PaymentProvider(Protocol):
    def authorise(self, *, reservation) -> None:
        """At checkout: reserve the amount (or nothing to do)."""

    def capture(self, *, reservation, method: str, actor) -> None:
        """At collection or delivery: take the money and record it on ``reservation`` (not saved)."""


class PayAtPickup:
    def authorise(self, *, reservation) -> None:
        reservation.payment_status = PaymentStatus.AT_PICKUP

    def capture(self, *, reservation, method: str, actor) -> None:
        if method not in PaymentMethod.values:
            raise InvalidTransition(_("Say how the customer paid."), field="payment_method")
        reservation.payment_status = PaymentStatus.PAID
        reservation.payment_method = method
        reservation.amount_paid = reservation.total_incl_tax
        reservation.paid_at = timezone.now()


def payment_provider() -> PaymentProvider:
    return import_string(getattr(settings, "PIVOT_PAYMENT_PROVIDER", "baskets.payments.PayAtPickup"))()


def payment_authorise(*, reservation) -> None:
    payment_provider().authorise(reservation=reservation)


def payment_capture(*, reservation, method: str, actor=None) -> None:
    payment_provider().capture(reservation=reservation, method=method, actor=actor)
