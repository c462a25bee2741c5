"""Global role groups and their model permissions, kept in sync after every migrate."""

from django.contrib.auth.models import Group, Permission
from django.db.models import Q

from .choices import ANIMATORS_GROUP, ORGANISATION_STAFF_GROUP

MANAGERS_GROUP = "Responsables des organisations"

ORGANISATION_TABLES = [
    "shops.shop",
    "shops.depot",
    "shops.closure",
    "shops.member",
    "shops.customercategory",
    "offers.producer",
    "offers.productcategory",
    "offers.product",
    "offers.offer",
    "imports.importsource",
]
ALL_ACTIONS = ["add", "change", "delete", "view"]
# The CSA: staff keep the seasons, plans and funders and subscribe members; deliveries change through the
# subscriptions' pages (subscriptions.services). Nothing is deleted by hand: deliveries and their log hang on them.
CSA_HANDLING = [
    f"subscriptions.{action}_{model}"
    for model in ("season", "plan", "funder", "subscription")
    for action in ("add", "change", "view")
]
# Orders are seen and moved through their statuses (the admin's actions call baskets.services); nobody adds or
# deletes them by hand. The platform's order deadlines (baskets.change_orderdeadlines) stay with superusers.
ORDER_HANDLING = ["baskets.view_reservation", "baskets.change_reservation"]

ROLE_PERMISSIONS = {
    ORGANISATION_STAFF_GROUP: [
        "wagtailadmin.access_admin",
        "shops.view_organisation",
        "wagtailimages.add_image",
        "wagtailimages.change_image",
        "wagtailimages.choose_image",
        "imports.add_importjob",
        "imports.view_importjob",
        *ORDER_HANDLING,
        *CSA_HANDLING,
        *[
            f"{table.split('.')[0]}.{action}_{table.split('.')[1]}"
            for table in ORGANISATION_TABLES
            for action in ALL_ACTIONS
        ],
    ],
    # Assigning accounts stays with the platform admin: a user picker would list every account.
    MANAGERS_GROUP: ["shops.change_organisation", "shops.view_staffmembership"],
    ANIMATORS_GROUP: [
        "wagtailadmin.access_admin",
        "shops.view_organisation",
        *[f"{table.split('.')[0]}.view_{table.split('.')[1]}" for table in ORGANISATION_TABLES],
        "shops.change_shop",
        "shops.change_depot",
        "offers.change_offer",
        "offers.change_product",
        "offers.add_product",
        "offers.add_productcategory",
        "offers.change_productcategory",
        "wagtailimages.add_image",
        "wagtailimages.choose_image",
        "imports.add_importjob",
        "imports.view_importjob",
        *ORDER_HANDLING,
    ],
}


def permissions_for(codes):
    condition = Q(pk__in=[])
    for code in codes:
        app_label, codename = code.split(".")
        condition |= Q(content_type__app_label=app_label, codename=codename)
    return Permission.objects.filter(condition)


def sync_role_groups(**kwargs):
    for name, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions_for(codes))
