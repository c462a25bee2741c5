import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from pivot_site.validators import validate_postcode

from .choices import Fulfilment, PaymentMethod, PaymentStatus, ReservationStatus


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
    # The parts of one checkout (one per shop when no single shop holds every line) share this reference.
    checkout = models.UUIDField(_("checkout reference"), default=uuid.uuid4, db_index=True, editable=False)
    organisation = models.ForeignKey(
        "shops.Organisation", on_delete=models.PROTECT, related_name="reservations", verbose_name=_("organisation")
    )
    # The shop that holds the units and hands them over or ships them; changes when the order is reassigned.
    shop = models.ForeignKey(
        "shops.Shop", on_delete=models.PROTECT, related_name="reservations", verbose_name=_("shop")
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
    delivery_name = models.CharField(_("recipient"), max_length=150, blank=True)
    delivery_address = models.CharField(_("delivery address"), max_length=255, blank=True)
    delivery_postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[validate_postcode])
    delivery_city = models.CharField(_("city"), max_length=100, blank=True)
    # Where the customer is, for routing to the nearest shop (from the delivery postcode and city).
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, editable=False)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, editable=False)
    # The deadline of the current step: accept (placed), prepare or ship (accepted), collect (ready).
    due_at = models.DateTimeField(_("due by"), null=True, blank=True, db_index=True)
    pickup_deadline = models.DateTimeField(_("collect by"), null=True, blank=True)
    # The day the customer plans to come, when they said so: the shop must be open that day.
    pickup_on = models.DateField(_("pickup day"), null=True, blank=True)
    carrier = models.CharField(_("carrier"), max_length=100, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=100, blank=True)
    payment_status = models.CharField(
        _("payment"), max_length=10, choices=PaymentStatus.choices, default=PaymentStatus.AT_PICKUP
    )
    payment_method = models.CharField(_("payment method"), max_length=10, choices=PaymentMethod.choices, blank=True)
    amount_paid = models.DecimalField(_("amount paid"), max_digits=12, decimal_places=2, null=True, blank=True)
    paid_at = models.DateTimeField(_("paid on"), null=True, blank=True)
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

    @property
    def total_incl_tax(self):
        return sum((line.total_incl_tax for line in self.lines.all() if line.cancelled_at is None), start=0)


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
    cancelled_at = models.DateTimeField(_("cancelled on"), null=True, blank=True)
    # When the units reached the customer (collected or delivered): the sale the impact totals count.
    handed_over_at = models.DateTimeField(_("handed over on"), null=True, blank=True, db_index=True)
    returned_quantity = models.PositiveIntegerField(_("units returned"), default=0)

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
            models.CheckConstraint(
                condition=Q(returned_quantity__lte=F("quantity")), name="reservation_line_returns_within_quantity"
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


class Reassignment(models.Model):
    """An order (or some of its lines) moved to another shop, by an animator or by the deadline sweep."""

    reservation = models.ForeignKey(Reservation, on_delete=models.CASCADE, related_name="reassignments")
    from_shop = models.ForeignKey("shops.Shop", on_delete=models.PROTECT, related_name="+", verbose_name=_("from"))
    to_shop = models.ForeignKey(
        "shops.Shop", on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("to")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("reassignment")
        verbose_name_plural = _("reassignments")

    def __str__(self):
        return f"{self.from_shop_id} → {self.to_shop_id}"


class LineReturn(models.Model):
    """Units a customer brought back after collection or delivery; restocked or not."""

    line = models.ForeignKey(ReservationLine, on_delete=models.CASCADE, related_name="returns")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    restocked = models.BooleanField(_("back in stock"))
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("return")
        verbose_name_plural = _("returns")
        constraints = [models.CheckConstraint(condition=Q(quantity__gte=1), name="line_return_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} × {self.line_id}"


@register_setting(icon="time")
class OrderDeadlines(BaseGenericSetting):
    """The platform's deadlines for orders; an organisation may set its own (Organisation.hours_to_*)."""

    hours_to_accept = models.PositiveIntegerField(
        _("hours to accept an order"),
        default=24,
        validators=[MinValueValidator(1)],
        help_text=_("After this, an order nobody accepted goes to the next nearest shop holding the stock."),
    )
    hours_to_prepare = models.PositiveIntegerField(
        _("hours to prepare or ship an order"), default=48, validators=[MinValueValidator(1)]
    )
    hours_to_collect = models.PositiveIntegerField(
        _("hours the customer has to collect"),
        default=168,
        validators=[MinValueValidator(1)],
        help_text=_("After this, an uncollected order is cancelled and its items go back on sale."),
    )

    class Meta:
        verbose_name = _("order deadlines")
