from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSetGroup

from . import services
from .forms import CustomerCategoryForm, DepotForm, MemberForm, OrganisationForm, ShopForm, StaffMembershipForm
from .models import CustomerCategory, Depot, Member, Organisation, Shop, StaffMembership
from .resources import CustomerCategoryResource, DepotResource, MemberResource, ShopResource
from .viewsets import OrganisationScopedViewSet, ServiceDeleteView

ADDRESS_PANELS = [
    FieldPanel("address"),
    FieldRowPanel([FieldPanel("postcode"), FieldPanel("city")]),
    FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
]


class OrganisationViewSet(OrganisationScopedViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    list_display = ["name", "kind", "city", "siret", "active"]
    list_filter = ["kind", "active"]
    search_fields = ["name", "legal_name", "city", "siret"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("kind")]),
            FieldPanel("slug"),
            MultiFieldPanel(
                [FieldPanel("legal_name"), FieldRowPanel([FieldPanel("siret"), FieldPanel("vat_number")])],
                heading=_("Legal identity"),
            ),
            MultiFieldPanel(
                [FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]), FieldPanel("website"), *ADDRESS_PANELS[:2]],
                heading=_("Contact"),
            ),
            # The platform's deadlines are the OrderDeadlines setting (baskets), for platform admins only.
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("hours_to_accept"), FieldPanel("hours_to_prepare"), FieldPanel("hours_to_collect")]
                    )
                ],
                heading=_("Order deadlines"),
                help_text=_("In hours. Leave empty to follow the platform's deadlines."),
            ),
            FieldPanel("active"),
        ],
        base_form_class=OrganisationForm,
    )


class ShopViewSet(OrganisationScopedViewSet):
    model = Shop
    resource_class = ShopResource
    icon = "home"
    menu_label = _("Shops")
    list_display = ["name", "organisation", "postcode", "city", "active"]
    list_filter = ["organisation", "active"]
    search_fields = ["name", "city", "postcode"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("organisation")]),
            FieldPanel("slug"),
            MultiFieldPanel(ADDRESS_PANELS, heading=_("Address")),
            FieldRowPanel([FieldPanel("phone"), FieldPanel("email")]),
            InlinePanel("opening_hours", heading=_("Opening hours"), label=_("Opening period")),
            FieldPanel("active"),
        ],
        base_form_class=ShopForm,
    )


class DepotViewSet(OrganisationScopedViewSet):
    model = Depot
    resource_class = DepotResource
    icon = "site"
    menu_label = _("Depots")
    list_display = ["name", "organisation", "city", "delivery_fee", "restricted", "active"]
    list_filter = ["organisation", "restricted", "active"]
    search_fields = ["name", "city", "postcode"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("organisation")]),
            FieldPanel("shop"),
            MultiFieldPanel(ADDRESS_PANELS, heading=_("Address")),
            InlinePanel("pickup_slots", heading=_("Delivery and pickup days"), label=_("Pickup slot")),
            FieldRowPanel([FieldPanel("delivery_fee"), FieldPanel("capacity")]),
            MultiFieldPanel(
                [FieldPanel("restricted"), FieldPanel("access_code"), FieldPanel("public_note")],
                heading=_("Restricted access"),
            ),
            FieldPanel("active"),
        ],
        base_form_class=DepotForm,
    )


class CustomerCategoryViewSet(OrganisationScopedViewSet):
    model = CustomerCategory
    resource_class = CustomerCategoryResource
    icon = "tag"
    menu_label = _("Customer categories")
    list_display = ["name", "organisation", "is_professional"]
    list_filter = ["organisation", "is_professional"]
    search_fields = ["name"]
    ordering = ["name"]
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("organisation"), FieldPanel("is_professional"), FieldPanel("description")],
        base_form_class=CustomerCategoryForm,
    )


class MemberViewSet(OrganisationScopedViewSet):
    model = Member
    resource_class = MemberResource
    icon = "user"
    menu_label = _("Members")
    list_display = ["last_name", "first_name", "email", "city", "volunteer", "organisation"]
    list_filter = ["organisation", "categories", "volunteer", "volunteer_domains", "is_employee"]
    search_fields = ["last_name", "first_name", "email", "city"]
    ordering = ["last_name", "first_name"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("first_name"), FieldPanel("last_name")]),
            FieldPanel("organisation"),
            FieldRowPanel([FieldPanel("email"), FieldPanel("phone")]),
            MultiFieldPanel(ADDRESS_PANELS[:2], heading=_("Address")),
            FieldPanel("categories"),
            MultiFieldPanel(
                [FieldPanel("volunteer"), FieldPanel("volunteer_domains"), FieldPanel("is_employee")],
                heading=_("Volunteering"),
            ),
            FieldRowPanel([FieldPanel("contact_by_email"), FieldPanel("contact_by_sms")]),
            FieldPanel("comments"),
        ],
        base_form_class=MemberForm,
    )


class StaffMembershipViewSet(OrganisationScopedViewSet):
    """Who works for which organisation; managers and the platform admin keep it."""

    model = StaffMembership
    icon = "user"
    menu_label = _("Teams")
    delete_view_class = ServiceDeleteView
    list_display = ["user", "organisation", "role"]
    list_filter = ["organisation", "role"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "user__email"]
    ordering = ["organisation__name", "user__username"]
    edit_handler = ObjectList(
        [FieldPanel("user"), FieldPanel("organisation"), FieldPanel("role")], base_form_class=StaffMembershipForm
    )

    def get_delete_view_kwargs(self, **kwargs):
        return super().get_delete_view_kwargs(
            delete_service=lambda membership, actor: services.staff_membership_remove(
                membership=membership, actor=actor
            ),
            **kwargs,
        )


class OrganisationGroup(ModelViewSetGroup):
    menu_label = _("Organisation")
    menu_icon = "group"
    menu_order = 200
    items = [
        OrganisationViewSet,
        ShopViewSet,
        DepotViewSet,
        MemberViewSet,
        CustomerCategoryViewSet,
        StaffMembershipViewSet,
    ]


@hooks.register("register_admin_viewset")
def register_organisation_viewsets():
    return OrganisationGroup()
