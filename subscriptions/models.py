from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from shops.choices import Weekday

from .choices import ChangeKind, DeliveryStatus, Frequency


class Season(ClusterableModel):
    """The weeks a CSA garden delivers; its breaks are the days without delivery."""

    organisation = models.ForeignKey(
        "shops.Organisation", on_delete=models.PROTECT, related_name="seasons", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))

    organisation_path = "organisation"

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("season")
        verbose_name_plural = _("seasons")
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="season_period_order"),
        ]

    def __str__(self):
        return self.name


class DeliveryBreak(models.Model):
    season = ParentalKey(Season, on_delete=models.CASCADE, related_name="breaks")
    starts_on = models.DateField(_("first day without delivery"))
    ends_on = models.DateField(_("last day without delivery"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("day without delivery")
        verbose_name_plural = _("days without delivery")
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=F("ends_on")), name="delivery_break_period_order"),
        ]

    def __str__(self):
        return f"{self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y}"


class Funder(models.Model):
    """Who pays the discount of solidarity baskets (the network, MSA, a social service...)."""

    organisation = models.ForeignKey(
        "shops.Organisation", on_delete=models.PROTECT, related_name="funders", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150)

    organisation_path = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("funder")
        verbose_name_plural = _("funders")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_funder_name")]

    def __str__(self):
        return self.name


class Plan(ClusterableModel):
    """A subscription offer's delivery rhythm and flexibility policy, enforced by subscriptions.services."""

    offer = models.OneToOneField(
        "offers.Offer", on_delete=models.PROTECT, related_name="plan", verbose_name=_("subscription offer")
    )
    # A copy of the offer's organisation, so that scoping and the sheets need no join.
    organisation = models.ForeignKey(
        "shops.Organisation", on_delete=models.PROTECT, related_name="plans", editable=False
    )
    frequency = models.CharField(_("frequency"), max_length=12, choices=Frequency.choices, default=Frequency.WEEKLY)
    postponement_allowed = models.BooleanField(_("postponement allowed"), default=True)
    cancellation_allowed = models.BooleanField(_("cancellation allowed"), default=True)
    max_cancellations = models.PositiveIntegerField(
        _("cancellations per subscription"), null=True, blank=True, help_text=_("Empty: no limit.")
    )
    quota_window_starts_on = models.DateField(_("limited period: from"), null=True, blank=True)
    quota_window_ends_on = models.DateField(_("limited period: until"), null=True, blank=True)
    quota_window_max = models.PositiveIntegerField(
        _("cancellations and postponements in the limited period"),
        null=True,
        blank=True,
        help_text=_("E.g. 3 between 1 July and 31 August. Empty: no limit."),
    )
    notice_hours = models.PositiveIntegerField(
        _("notice (hours)"), default=48, help_text=_("How long before a delivery a member may still change it.")
    )
    doubling_product = models.ForeignKey(
        "offers.Product",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("doubled basket"),
        help_text=_("Two baskets the same week are prepared as this product (e.g. a family basket)."),
    )
    cancellation_needs_doubling = models.BooleanField(
        _("cancellations must be made up"),
        default=False,
        help_text=_("Each cancelled basket must be made up by doubling another delivery before the end."),
    )
    doubling_cap = models.PositiveIntegerField(
        _("doubled baskets per delivery date"), null=True, blank=True, help_text=_("Empty: no limit.")
    )

    organisation_path = "organisation"

    class Meta:
        ordering = ["offer__product__name"]
        verbose_name = _("subscription plan")
        verbose_name_plural = _("subscription plans")
        constraints = [
            models.CheckConstraint(
                condition=Q(quota_window_starts_on__isnull=True)
                | Q(quota_window_ends_on__isnull=True)
                | Q(quota_window_starts_on__lte=F("quota_window_ends_on")),
                name="plan_quota_window_order",
            ),
        ]

    def __str__(self):
        return str(self.offer.product)


class PlanPrice(models.Model):
    """The price per delivery for members of a customer category (e.g. the solidarity price)."""

    plan = ParentalKey(Plan, on_delete=models.CASCADE, related_name="prices")
    category = models.ForeignKey(
        "shops.CustomerCategory", on_delete=models.CASCADE, related_name="+", verbose_name=_("customer category")
    )
    price = models.DecimalField(
        _("price per delivery incl. tax"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("price by category")
        verbose_name_plural = _("prices by category")
        constraints = [
            models.UniqueConstraint(fields=["plan", "category"], name="unique_plan_price"),
            models.CheckConstraint(condition=Q(price__gte=0), name="plan_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.category} : {self.price} €"


class Subscription(models.Model):
    """A member's subscription to a plan: period-based (start to end) or count-based (N baskets)."""

    organisation = models.ForeignKey(
        "shops.Organisation", on_delete=models.PROTECT, related_name="subscriptions", editable=False
    )
    member = models.ForeignKey(
        "shops.Member", on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("member")
    )
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("plan"))
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])
    depot = models.ForeignKey(
        "shops.Depot", on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("depot")
    )
    weekday = models.PositiveSmallIntegerField(_("delivery day"), choices=Weekday.choices)
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"), null=True, blank=True, help_text=_("Empty for a number of deliveries."))
    delivery_count = models.PositiveIntegerField(
        _("number of baskets"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Instead of an end: the subscription ends when this many baskets are delivered."),
    )
    price_per_delivery = models.DecimalField(
        _("price per delivery incl. tax"), max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )
    discount_percent = models.DecimalField(
        _("solidarity discount (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text=_("Share of the public price paid by the funder."),
    )
    funder = models.ForeignKey(
        Funder,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="subscriptions",
        verbose_name=_("funder"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["member__last_name", "member__first_name", "pk"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=(Q(ends_on__isnull=False) & Q(delivery_count__isnull=True))
                | (Q(ends_on__isnull=True) & Q(delivery_count__isnull=False)),
                name="subscription_period_or_count",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__lte=F("ends_on")), name="subscription_period_order"
            ),
            models.CheckConstraint(
                condition=Q(discount_percent__gte=0) & Q(discount_percent__lte=100),
                name="subscription_discount_range",
            ),
            models.CheckConstraint(condition=Q(price_per_delivery__gte=0), name="subscription_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.member} — {self.plan}"

    @property
    def is_count_based(self) -> bool:
        return self.delivery_count is not None


class Delivery(models.Model):
    """One date of a subscription: ``baskets`` is 1, or 2 when doubled; cancelled and postponed ones bring none."""

    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("subscription")
    )
    organisation = models.ForeignKey("shops.Organisation", on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("date"))
    depot = models.ForeignKey(
        "shops.Depot", on_delete=models.PROTECT, related_name="deliveries", verbose_name=_("depot")
    )
    status = models.CharField(
        _("status"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PLANNED
    )
    baskets = models.PositiveSmallIntegerField(_("baskets"), default=1)
    fee = models.DecimalField(_("delivery fee"), max_digits=8, decimal_places=2, default=Decimal("0"))
    # Set while a closure keeps this delivery at its replacement depot, so that cancelling the closure moves it back.
    closure = models.ForeignKey(
        "shops.Closure", on_delete=models.SET_NULL, null=True, blank=True, related_name="deliveries"
    )
    postponed_to = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="postponed_from"
    )

    organisation_path = "organisation"

    class Meta:
        ordering = ["date", "pk"]
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "date"], name="unique_delivery_per_date"),
            models.CheckConstraint(condition=Q(baskets__lte=2), name="delivery_baskets_at_most_two"),
            models.CheckConstraint(condition=Q(fee__gte=0), name="delivery_fee_not_negative"),
        ]
        indexes = [
            models.Index(fields=["organisation", "date", "depot"], name="delivery_sheet_idx"),
            models.Index(fields=["depot", "date"], name="delivery_depot_date_idx"),
        ]

    def __str__(self):
        return f"{self.subscription} — {self.date:%d/%m/%Y}"

    @property
    def is_doubled(self) -> bool:
        return self.status == DeliveryStatus.PLANNED and self.baskets > 1


class DeliveryChange(models.Model):
    """The log of every change to a delivery: who, when, what, and an override's reason. Quotas count these rows."""

    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="changes")
    delivery = models.ForeignKey(Delivery, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("change"), max_length=10, choices=ChangeKind.choices)
    # The delivery's date when it changed: quota windows count by this date.
    date = models.DateField(_("delivery date"))
    to_date = models.DateField(_("new date"), null=True, blank=True)
    from_depot = models.ForeignKey("shops.Depot", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    to_depot = models.ForeignKey("shops.Depot", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    override = models.BooleanField(_("override"), default=False)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    organisation_path = "subscription__organisation"

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("delivery change")
        verbose_name_plural = _("delivery changes")
        indexes = [models.Index(fields=["subscription", "kind", "date"], name="delivery_change_quota_idx")]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.date:%d/%m/%Y}"


class DoublingCount(models.Model):
    """How many doubled baskets of a plan a date holds, against its cap: a counter incremented by a conditional
    UPDATE, so that members doubling at the same moment can never exceed it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="doubling_counts")
    date = models.DateField(_("date"))
    doubled = models.PositiveIntegerField(_("doubled baskets"), default=0)
    cap = models.PositiveIntegerField(
        _("cap for this date"), null=True, blank=True, help_text=_("Empty: the plan's cap.")
    )

    organisation_path = "plan__organisation"

    class Meta:
        ordering = ["date"]
        verbose_name = _("doubled baskets on a date")
        verbose_name_plural = _("doubled baskets by date")
        constraints = [models.UniqueConstraint(fields=["plan", "date"], name="unique_doubling_count")]

    def __str__(self):
        return f"{self.plan} — {self.date:%d/%m/%Y}"
