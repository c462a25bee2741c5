"""Spreadsheet columns of the shops app's tables; every row is saved by ``shops.services``."""

from django.utils.translation import gettext_lazy as _

from imports.registry import register_resource
from imports.resources import ExtraField, OrganisationWidget, ServiceResource, column
from imports.widgets import (
    BooleanWidget,
    DecimalWidget,
    EmailWidget,
    IntegerWidget,
    ManyChoicesWidget,
    ManyRelatedWidget,
    PhoneWidget,
    PostcodeWidget,
    RelatedWidget,
    TextWidget,
    WeeklyHoursWidget,
    YesNoMaybeWidget,
)

from . import services
from .choices import VolunteerAnswer, VolunteerDomainCode
from .models import CustomerCategory, Depot, Member, OpeningPeriod, PickupSlot, Shop, VolunteerDomain


def organisation_column():
    return column("organisation", _("Organisation"), OrganisationWidget())


@register_resource("shops")
class ShopResource(ServiceResource):
    natural_keys = (("slug",),)
    organisation = organisation_column()
    name = column("name", _("Name"))
    slug = column("slug", _("Slug"), aliases=("identifiant web",))
    address = column("address", _("Address"))
    postcode = column("postcode", _("Postcode"), PostcodeWidget())
    city = column("city", _("City"))
    latitude = column("latitude", _("Latitude"), DecimalWidget())
    longitude = column("longitude", _("Longitude"), DecimalWidget())
    phone = column("phone", _("Phone"), PhoneWidget())
    email = column("email", _("E-mail"))
    active = column("active", _("Active"), BooleanWidget())
    opening_hours = ExtraField("opening_hours", _("Opening hours"), WeeklyHoursWidget("opens", "closes"))

    class Meta:
        model = Shop
        fields = (
            "id",
            "organisation",
            "name",
            "slug",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "phone",
            "email",
            "active",
            "opening_hours",
        )

    def export_queryset(self, queryset):
        return queryset.select_related("organisation").prefetch_related("opening_hours")

    def save_with_service(self, instance, extras, row):
        hours = extras.get("opening_hours")
        periods = None if hours is None else [OpeningPeriod(weekday=d, opens=s, closes=e) for d, s, e in hours]
        services.shop_save(shop=instance, opening_hours=periods, actor=self.user)


def access_code_unchanged(original, code):
    """The code is never exported; an empty cell keeps it, the same code changes nothing."""
    return not code or (original.pk is not None and services.depot_check_access_code(depot=original, access_code=code))


@register_resource("depots")
class DepotResource(ServiceResource):
    natural_keys = (("organisation", "name"),)
    organisation = organisation_column()
    name = column("name", _("Name"))
    shop = column("shop", _("Shop"), RelatedWidget(Shop, key="slug", same_organisation=False))
    address = column("address", _("Address"))
    postcode = column("postcode", _("Postcode"), PostcodeWidget())
    city = column("city", _("City"))
    latitude = column("latitude", _("Latitude"), DecimalWidget())
    longitude = column("longitude", _("Longitude"), DecimalWidget())
    delivery_fee = column("delivery_fee", _("Delivery fee"), DecimalWidget(places=2))
    restricted = column("restricted", _("Restricted"), BooleanWidget())
    access_code = ExtraField("access_code", _("Access code"), TextWidget(), same=access_code_unchanged)
    public_note = column("public_note", _("Public note"))
    capacity = column("capacity", _("Capacity"), IntegerWidget())
    active = column("active", _("Active"), BooleanWidget())
    pickup_slots = ExtraField("pickup_slots", _("Pickup slots"), WeeklyHoursWidget("starts", "ends"))

    class Meta:
        model = Depot
        fields = (
            "id",
            "organisation",
            "name",
            "shop",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "delivery_fee",
            "restricted",
            "access_code",
            "public_note",
            "capacity",
            "active",
            "pickup_slots",
        )

    def export_queryset(self, queryset):
        return queryset.select_related("organisation", "shop").prefetch_related("pickup_slots")

    def save_with_service(self, instance, extras, row):
        slots = extras.get("pickup_slots")
        if slots is not None:
            # Pickup slots are child rows saved with the depot, as the admin form does.
            instance.pickup_slots = [PickupSlot(weekday=d, starts=s, ends=e) for d, s, e in slots]
        services.depot_save(depot=instance, access_code=extras.get("access_code") or "", actor=self.user)


@register_resource("customer-categories")
class CustomerCategoryResource(ServiceResource):
    natural_keys = (("organisation", "name"),)
    organisation = organisation_column()
    name = column("name", _("Name"))
    is_professional = column("is_professional", _("Professional"), BooleanWidget())
    description = column("description", _("Description"))

    class Meta:
        model = CustomerCategory
        fields = ("id", "organisation", "name", "is_professional", "description")

    def export_queryset(self, queryset):
        return queryset.select_related("organisation")

    def save_with_service(self, instance, extras, row):
        services.customer_category_save(category=instance, actor=self.user)


@register_resource("members")
class MemberResource(ServiceResource):
    natural_keys = (("organisation", "email"),)
    label_fields = ("last_name", "email")
    organisation = organisation_column()
    last_name = column("last_name", _("Last name"))
    first_name = column("first_name", _("First name"))
    email = column("email", _("E-mail"), EmailWidget())
    phone = column("phone", _("Phone"), PhoneWidget())
    address = column("address", _("Address"))
    postcode = column("postcode", _("Postcode"), PostcodeWidget())
    city = column("city", _("City"))
    categories = ExtraField("categories", _("Categories"), ManyRelatedWidget(CustomerCategory))
    volunteer = column("volunteer", _("Volunteer"), YesNoMaybeWidget(VolunteerAnswer.choices))
    volunteer_domains = ExtraField(
        "volunteer_domains", _("Volunteering domains"), ManyChoicesWidget(VolunteerDomain, VolunteerDomainCode.choices)
    )
    is_employee = column("is_employee", _("Employee"), BooleanWidget())
    contact_by_email = column("contact_by_email", _("Contact by e-mail"), BooleanWidget())
    contact_by_sms = column("contact_by_sms", _("Contact by SMS"), BooleanWidget())
    comments = column("comments", _("Comments"))

    class Meta:
        model = Member
        fields = (
            "id",
            "organisation",
            "last_name",
            "first_name",
            "email",
            "phone",
            "address",
            "postcode",
            "city",
            "categories",
            "volunteer",
            "volunteer_domains",
            "is_employee",
            "contact_by_email",
            "contact_by_sms",
            "comments",
        )

    def export_queryset(self, queryset):
        return queryset.select_related("organisation").prefetch_related("categories", "volunteer_domains")

    def save_with_service(self, instance, extras, row):
        services.member_save(
            member=instance,
            categories=extras.get("categories"),
            volunteer_domains=extras.get("volunteer_domains"),
            actor=self.user,
        )
