from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from pivot_site.validators import (
    validate_phone,
    validate_postcode,
    validate_siret,
    validate_vat_number,
)

from .choices import OrganisationKind, StaffRole, VolunteerAnswer, VolunteerDomainCode, Weekday


class ListsOffersWhenActive:
    """An organisation or shop whose ``active`` flag decides whether its offers are public: when it changes,
    its offers' ``listed`` copy (Offer.listed) follows, whatever door saved it."""

    offers_of = ""  # the Offer field pointing here

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._stored_active = self.__dict__.get("active")  # never load a deferred field

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        if "active" in self.__dict__ and self.active != self._stored_active:
            from offers.models import Offer

            Offer.objects.filter(**{self.offers_of: self}).relist()
            self._stored_active = self.active


class Organisation(ListsOffersWhenActive, models.Model):
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_("Web address; made from the name when left empty."),
    )
    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[validate_siret])
    vat_number = models.CharField(_("VAT number"), max_length=20, blank=True, validators=[validate_vat_number])
    email = models.EmailField(_("contact e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[validate_postcode])
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    staff_group = models.OneToOneField(
        "auth.Group", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    # Empty: the platform's deadlines for orders (OrderDeadlines setting) apply.
    hours_to_accept = models.PositiveIntegerField(
        _("hours to accept an order"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the platform's rule."),
    )
    hours_to_prepare = models.PositiveIntegerField(
        _("hours to prepare or ship an order"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the platform's rule."),
    )
    hours_to_collect = models.PositiveIntegerField(
        _("hours the customer has to collect"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Empty: the platform's rule."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "pk"
    offers_of = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name


class StaffMembership(models.Model):
    """Links a user to an organisation; the same user may work for several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="staff_memberships")
    role = models.CharField(_("role"), max_length=10, choices=StaffRole.choices, default=StaffRole.STAFF)

    organisation_path = "organisation"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="unique_staff_membership")]
        verbose_name = _("staff membership")
        verbose_name_plural = _("staff memberships")

    def __str__(self):
        return f"{self.user} — {self.organisation} ({self.get_role_display()})"


class Place(ClusterableModel):
    """Address and coordinates shared by shops and depots."""

    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, validators=[validate_postcode])
    city = models.CharField(_("city"), max_length=100)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)

    class Meta:
        abstract = True


def coordinates_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
            name=f"{prefix}_latitude_range",
        ),
        models.CheckConstraint(
            condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
            name=f"{prefix}_longitude_range",
        ),
    ]


class Shop(ListsOffersWhenActive, Place):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="shops", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(
        _("slug"),
        max_length=80,
        unique=True,
        blank=True,
        help_text=_("Web address; made from the name when left empty."),
    )
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    email = models.EmailField(_("e-mail"), blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "organisation"
    offers_of = "shop"

    class Meta:
        ordering = ["name"]
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        constraints = coordinates_constraints("shop")

    def __str__(self):
        return self.name


class OpeningPeriod(models.Model):
    """One opening span of a weekday; a day may have several (morning, afternoon)."""

    shop = ParentalKey(Shop, on_delete=models.CASCADE, related_name="opening_hours")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    opens = models.TimeField(_("opens at"))
    closes = models.TimeField(_("closes at"))

    class Meta:
        ordering = ["weekday", "opens"]
        verbose_name = _("opening period")
        verbose_name_plural = _("opening hours")
        constraints = [models.CheckConstraint(condition=Q(opens__lt=models.F("closes")), name="opening_period_order")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Depot(Place):
    """A collection point where customers pick up orders and baskets."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="depots", verbose_name=_("organisation")
    )
    shop = models.ForeignKey(
        Shop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="depots",
        verbose_name=_("shop"),
        help_text=_("Leave empty unless the depot is one of your shops."),
    )
    name = models.CharField(_("name"), max_length=150)
    delivery_fee = models.DecimalField(_("delivery fee"), max_digits=8, decimal_places=2, default=0)
    restricted = models.BooleanField(
        _("restricted"), default=False, help_text=_("Members need an access code to choose it.")
    )
    access_code_hash = models.CharField(max_length=128, blank=True, editable=False)
    public_note = models.TextField(_("public note"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Maximum deliveries per day; empty for no limit.")
    )
    active = models.BooleanField(_("active"), default=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("depot")
        verbose_name_plural = _("depots")
        constraints = [
            *coordinates_constraints("depot"),
            models.CheckConstraint(condition=Q(delivery_fee__gte=0), name="depot_fee_not_negative"),
            models.UniqueConstraint(fields=["organisation", "name"], name="unique_depot_name"),
        ]

    def __str__(self):
        return self.name


class PickupSlot(models.Model):
    depot = ParentalKey(Depot, on_delete=models.CASCADE, related_name="pickup_slots")
    weekday = models.PositiveSmallIntegerField(_("day"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("until"))

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name = _("pickup slot")
        verbose_name_plural = _("pickup slots")
        constraints = [models.CheckConstraint(condition=Q(starts__lt=models.F("ends")), name="pickup_slot_order")]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"


class Closure(models.Model):
    depot = ParentalKey(Depot, on_delete=models.CASCADE, related_name="closures")
    starts_on = models.DateField(_("first closed day"))
    ends_on = models.DateField(_("last closed day"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    replacement = models.ForeignKey(
        Depot,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacing_closures",
        verbose_name=_("replacement depot"),
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("reminder (days before)"),
        default=3,
        help_text=_("Members whose deliveries move are e-mailed at once, and again this many days before."),
    )
    reminded_on = models.DateField(null=True, blank=True, editable=False)

    organisation_path = "depot__organisation"

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        constraints = [
            models.CheckConstraint(condition=Q(starts_on__lte=models.F("ends_on")), name="closure_period_order"),
        ]

    def __str__(self):
        return f"{self.depot} : {self.starts_on:%d/%m/%Y} – {self.ends_on:%d/%m/%Y}"


class CustomerCategory(models.Model):
    """A per-organisation tag on members that changes prices and availability."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="customer_categories", verbose_name=_("organisation")
    )
    name = models.CharField(_("name"), max_length=100)
    is_professional = models.BooleanField(
        _("professional"), default=False, help_text=_("Prices are shown excluding tax to these customers.")
    )
    description = models.TextField(_("description"), blank=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer category")
        verbose_name_plural = _("customer categories")
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_customer_category")]

    def __str__(self):
        return self.name


class VolunteerDomain(models.Model):
    code = models.CharField(max_length=20, choices=VolunteerDomainCode.choices, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("volunteering domain")
        verbose_name_plural = _("volunteering domains")

    def __str__(self):
        return str(self.get_code_display())


class Member(models.Model):
    """A customer or member known to one organisation."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="members", verbose_name=_("organisation")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name=_("user account"),
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True, validators=[validate_phone])
    address = models.CharField(_("address"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=5, blank=True, validators=[validate_postcode])
    city = models.CharField(_("city"), max_length=100, blank=True)
    categories = models.ManyToManyField(
        CustomerCategory, blank=True, related_name="members", verbose_name=_("customer categories")
    )
    volunteer = models.CharField(
        _("volunteer"), max_length=5, choices=VolunteerAnswer.choices, default=VolunteerAnswer.NO
    )
    volunteer_domains = models.ManyToManyField(
        VolunteerDomain, blank=True, related_name="members", verbose_name=_("volunteering domains")
    )
    is_employee = models.BooleanField(_("employee"), default=False)
    contact_by_email = models.BooleanField(_("contact by e-mail"), default=True)
    contact_by_sms = models.BooleanField(_("contact by SMS"), default=False)
    comments = models.TextField(_("comments"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    organisation_path = "organisation"

    class Meta:
        ordering = ["last_name", "first_name"]
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], condition=~Q(email=""), name="unique_member_email"
            )
        ]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"
