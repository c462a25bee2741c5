from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Fulfilment(models.TextChoices):
    PICKUP = "pickup", _("Pickup")
    DELIVERY = "delivery", _("Home delivery")


class ReservationStatus(models.TextChoices):
    PLACED = "placed", pgettext_lazy("order status", "Placed")
    ACCEPTED = "accepted", pgettext_lazy("order status", "Accepted")
    READY = "ready", pgettext_lazy("order status", "Ready for pickup")
    SHIPPED = "shipped", pgettext_lazy("order status", "Shipped")
    COLLECTED = "collected", pgettext_lazy("order status", "Collected")
    DELIVERED = "delivered", pgettext_lazy("order status", "Delivered")
    REFUSED = "refused", pgettext_lazy("order status", "Refused")
    CANCELLED = "cancelled", pgettext_lazy("order status", "Cancelled")


S = ReservationStatus

# The status pipeline as data: what each status may become. Anything else is refused.
TRANSITIONS: dict[str, frozenset[str]] = {
    S.PLACED: frozenset({S.ACCEPTED, S.REFUSED, S.CANCELLED}),
    S.ACCEPTED: frozenset({S.READY, S.SHIPPED, S.CANCELLED}),
    S.READY: frozenset({S.COLLECTED, S.CANCELLED}),
    S.SHIPPED: frozenset({S.DELIVERED}),
    S.COLLECTED: frozenset(),
    S.DELIVERED: frozenset(),
    S.REFUSED: frozenset(),
    S.CANCELLED: frozenset(),
}

# Statuses whose lines hold stock (allocated to the order, still in the shop).
HOLDS_STOCK = frozenset({S.PLACED, S.ACCEPTED, S.READY, S.SHIPPED})
# Reaching these hands the units over: they leave the stock on hand.
HANDS_OVER = frozenset({S.COLLECTED, S.DELIVERED})
# Reaching these gives the units back to the shop's available stock.
RELEASES = frozenset({S.REFUSED, S.CANCELLED})


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("Cash")
    CARD = "card", _("Bank card")
    CHEQUE = "cheque", _("Cheque")
    TRANSFER = "transfer", _("Bank transfer")
    VOUCHER = "voucher", _("Voucher or local currency")


class PaymentStatus(models.TextChoices):
    AT_PICKUP = "at_pickup", _("To pay at pickup")
    PAID = "paid", _("Paid")
