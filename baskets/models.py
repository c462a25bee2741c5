from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .choices import Fulfilment, ReservationStatus


class Reservation(models.Model):
    """A customer's order: lines reserved in shops, collected there or delivered."""

    # Emptied when the customer deletes the account: the order stays, anonymised, for the shops' books.
    customer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="reservations",
        verbose_name=_("customer"),
    )
    fulfilment = models.CharField(_("fulfilment"), max_length=10, choices=Fulfilment.choices)
    pickup_shop = models.ForeignKey(
        "shops.Shop",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pickup_reservations",
        verbose_name=_("pickup shop"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ReservationStatus.choices, default=ReservationStatus.PLACED
    )
    # A retried request with the same key returns the first order instead of placing a second one.
    idempotency_key = models.CharField(max_length=100, blank=True, editable=False)
    placed_at = models.DateTimeField(_("placed on"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-placed_at", "-pk"]
        verbose_name = _("reservation")
        verbose_name_plural = _("reservations")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="reservation_idempotency_key_unique",
            ),
            models.CheckConstraint(
                condition=~Q(fulfilment=Fulfilment.PICKUP) | Q(pickup_shop__isnull=False),
                name="reservation_pickup_has_a_shop",
            ),
        ]

    def __str__(self):
        return _("Reservation %(number)s") % {"number": self.pk}


class ReservationLine(models.Model):
    """Units of one offer reserved in one shop, at the price of the day."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="lines")
    offer = models.ForeignKey("offers.Offer", on_delete=models.PROTECT, related_name="+", verbose_name=_("offer"))
    # Copied from the offer: staff see their organisation's lines, shops the lines they hand over.
    organisation = models.ForeignKey(
        "shops.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("shop")
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_excl_tax = models.DecimalField(_("unit price excl. tax"), max_digits=12, decimal_places=4)
    vat_rate = models.DecimalField(_("VAT rate (%)"), max_digits=4, decimal_places=2)
    unit_price_incl_tax = models.DecimalField(_("unit price incl. tax"), max_digits=12, decimal_places=2)
    # Whether the line still holds its units in the shop's stock (placed, accepted, ready, shipped).
    holds_stock = models.BooleanField(default=True, editable=False)
    # Copied from the product, for the database to refuse a second active reservation of a unique item.
    unique_item = models.BooleanField(default=False, editable=False)
    cancelled_reason = models.CharField(_("reason for cancelling"), max_length=300, blank=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["pk"]
        verbose_name = _("reservation line")
        verbose_name_plural = _("reservation lines")
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="reservation_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(unique_item=False) | Q(quantity=1), name="reservation_line_unique_item_single"
            ),
            models.UniqueConstraint(
                fields=["offer"],
                condition=Q(unique_item=True, holds_stock=True),
                name="one_active_reservation_per_unique_item",
            ),
            models.CheckConstraint(
                condition=Q(unit_price_incl_tax__gte=0) & Q(unit_price_excl_tax__gte=0),
                name="reservation_line_price_not_negative",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.offer_id}"

    @property
    def total_incl_tax(self):
        return self.unit_price_incl_tax * self.quantity


class StatusChange(models.Model):
    """One row per status change of a reservation (or cancelled line): who, when, from, to, why."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="history")
    line = models.ForeignKey(ReservationLine, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    from_status = models.CharField(max_length=10, choices=ReservationStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=ReservationStatus.choices)
    reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")
        constraints = [
            models.CheckConstraint(condition=~Q(from_status=F("to_status")), name="status_change_changes"),
        ]

    def __str__(self):
        return f"{self.from_status or '∅'} → {self.to_status}"
