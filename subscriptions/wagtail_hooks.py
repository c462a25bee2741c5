"""The CSA's admin menu "Subscriptions": subscriptions and their deliveries, plans, seasons, depot closures, funders.

Tables are scoped to the user's organisations (shops.viewsets); their forms save through subscriptions.services.
"""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel, ObjectList
from wagtail.admin.viewsets.model import ModelViewSetGroup

from shops.models import Closure
from shops.viewsets import OrganisationScopedViewSet

from . import admin_views as views
from . import report_views  # noqa: F401  (the delivery sheets and reports register their own hooks)
from .admin_forms import FunderForm, PlanForm, ScopedChildForm, SeasonForm
from .models import Funder, Plan, Season, Subscription


class ScopedInlinePanel(InlinePanel):
    """An inline panel whose rows get the user, so that their choices are the user's organisations' only."""

    def get_form_options(self):
        options = super().get_form_options()
        options["formsets"][self.relation_name].update({"form": ScopedChildForm, "inherit_kwargs": ["for_user"]})
        return options


class SeasonViewSet(OrganisationScopedViewSet):
    model = Season
    name = "seasons"
    icon = "date"
    menu_label = _("Seasons")
    add_view_class = views.ServiceCreateView
    edit_view_class = views.ServiceEditView
    list_display = ["name", "starts_on", "ends_on", "organisation"]
    list_filter = ["organisation"]
    ordering = ["-starts_on"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("name"), FieldPanel("organisation")]),
            FieldRowPanel([FieldPanel("starts_on"), FieldPanel("ends_on")]),
            InlinePanel(
                "breaks",
                heading=_("Days without delivery"),
                label=_("Days without delivery"),
                help_text=_("Holidays of the garden: no delivery from the first to the last day, both included."),
            ),
        ],
        base_form_class=SeasonForm,
    )


class PlanViewSet(OrganisationScopedViewSet):
    model = Plan
    name = "plans"
    icon = "calendar-check"
    menu_label = _("Plans")
    add_view_class = views.ServiceCreateView
    edit_view_class = views.PlanEditView
    list_display = ["__str__", "frequency", "notice_hours", "max_cancellations", "doubling_cap"]
    list_filter = ["frequency", "postponement_allowed", "cancellation_allowed"]
    edit_handler = ObjectList(
        [
            FieldRowPanel([FieldPanel("offer"), FieldPanel("frequency")]),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("postponement_allowed"), FieldPanel("cancellation_allowed")]),
                    FieldRowPanel([FieldPanel("notice_hours"), FieldPanel("max_cancellations")]),
                ],
                heading=_("Changes members may make"),
                help_text=_(
                    "What members may change themselves, on their page or through the app. "
                    "Staff may go beyond it with a reason, which is logged."
                ),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("quota_window_starts_on"), FieldPanel("quota_window_ends_on")]),
                    FieldPanel("quota_window_max"),
                ],
                heading=_("Limited period"),
                help_text=_(
                    "A period with fewer changes allowed, e.g. at most 3 cancellations or postponements "
                    "between 1 July and 31 August. Leave empty for none."
                ),
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("doubling_product"), FieldPanel("doubling_cap")]),
                    FieldPanel("cancellation_needs_doubling"),
                ],
                heading=_("Doubled baskets"),
                help_text=_(
                    "A postponed basket is delivered with another one: that delivery is doubled. "
                    "The cap limits the doubled baskets of one delivery date; staff may raise it for a date."
                ),
            ),
            ScopedInlinePanel(
                "prices",
                heading=_("Prices by customer category"),
                label=_("Price"),
                help_text=_(
                    "E.g. the solidarity price. A member of several categories pays the lowest; "
                    "a member of none, the offer's price."
                ),
            ),
        ],
        base_form_class=PlanForm,
    )

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(doubling_url_name=self.get_url_name("doubling"), **kwargs)

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("doubling/<int:pk>/", self.construct_view(views.DoublingCapsView), name="doubling"),
        ]


class FunderViewSet(OrganisationScopedViewSet):
    model = Funder
    name = "funders"
    icon = "group"
    menu_label = _("Funders")
    add_view_class = views.ServiceCreateView
    edit_view_class = views.ServiceEditView
    list_display = ["name", "organisation"]
    list_filter = ["organisation"]
    ordering = ["name"]
    edit_handler = ObjectList([FieldPanel("name"), FieldPanel("organisation")], base_form_class=FunderForm)


class SubscriptionViewSet(OrganisationScopedViewSet):
    """A list, a subscription form, and one page per subscription with its deliveries and their changes. No
    generic edit or delete: a subscription changes through subscriptions.services only."""

    model = Subscription
    name = "subscriptions"
    icon = "calendar-alt"
    menu_label = _("Subscriptions")
    add_to_reference_index = False
    index_view_class = views.SubscriptionIndexView
    filterset_class = views.SubscriptionFilterSet
    # Turns the search box on; the view searches the members' names and e-mail addresses itself.
    search_fields = ["member__last_name"]
    search_backend_name = None

    def get_common_view_kwargs(self, **kwargs):
        names = {
            f"{name}_url_name": self.get_url_name(name)
            for name in ("detail", "delivery", "delivery_action", "change_depot", "change_day", "absence")
        }
        return super().get_common_view_kwargs(**names, doubling_url_name=f"{PlanViewSet.name}:doubling", **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.construct_view(views.SubscriptionCreateView), name="add"),
            path("<int:pk>/", self.construct_view(views.SubscriptionDetailView), name="detail"),
            path("<int:pk>/terms/", self.construct_view(views.SubscriptionTermsView), name="edit"),
            path("<int:pk>/depot/", self.construct_view(views.ChangeDepotView), name="change_depot"),
            path("<int:pk>/day/", self.construct_view(views.ChangeDayView), name="change_day"),
            path("<int:pk>/absence/", self.construct_view(views.AbsenceView), name="absence"),
            path("<int:pk>/deliveries/<int:delivery_pk>/", self.construct_view(views.DeliveryView), name="delivery"),
            path(
                "<int:pk>/deliveries/<int:delivery_pk>/<slug:action>/",
                self.construct_view(views.DeliveryView),
                name="delivery_action",
            ),
        ]

    @property
    def url_finder_class(self):
        return type("SubscriptionURLFinder", (ModelAdminURLFinder,), {"edit_url_name": self.get_url_name("detail")})


class ClosureURLFinder(ModelAdminURLFinder):
    """A closure has no page of its own: the list of closures shows it."""

    index_url_name = None

    def construct_edit_url(self, instance):
        return reverse(self.index_url_name)


class ClosureViewSet(OrganisationScopedViewSet):
    """Depot closures move deliveries: they are declared and cancelled through subscriptions.services only."""

    model = Closure
    name = "closures"
    icon = "site"
    menu_label = _("Depot closures")
    add_to_reference_index = False
    index_view_class = views.ClosureIndexView
    list_filter = ["depot"]

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(cancel_url_name=self.get_url_name("cancel"), **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("new/", self.construct_view(views.ClosureDeclareView), name="add"),
            path("<int:pk>/cancel/", self.construct_view(views.ClosureCancelView), name="cancel"),
        ]

    @property
    def url_finder_class(self):
        return type("ClosureURLFinder", (ClosureURLFinder,), {"index_url_name": self.get_url_name("index")})


class SubscriptionsGroup(ModelViewSetGroup):
    menu_label = _("Subscriptions")
    menu_icon = "calendar-alt"
    menu_order = 205
    items = [SubscriptionViewSet, PlanViewSet, SeasonViewSet, ClosureViewSet, FunderViewSet]


@hooks.register("register_admin_viewset")
def register_subscriptions_viewsets():
    return SubscriptionsGroup()
