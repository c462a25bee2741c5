from django.contrib.auth.models import Permission
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.admin_url_finder import ModelAdminURLFinder
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views as views
from .models import Reservation


class ReservationViewSet(ModelViewSet):
    """The orders: a list, one page per order and its actions. No generic add, edit or delete form: orders
    change through baskets.services only."""

    model = Reservation
    name = "orders"
    icon = "clipboard-list"
    menu_label = _("Orders")
    menu_order = 150
    add_to_admin_menu = True
    add_to_reference_index = False
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = views.ReservationIndexView
    filterset_class = views.ReservationFilterSet
    # Turns the search box on; the view searches numbers, names and e-mail addresses itself.
    search_fields = ["customer__email"]
    search_backend_name = None
    list_per_page = 50

    def get_common_view_kwargs(self, **kwargs):
        names = {
            f"{name}_url_name": self.get_url_name(name)
            for name in ("detail", "transition", "line_cancel", "reassign", "line_reassign", "line_return")
        }
        return super().get_common_view_kwargs(**names, **kwargs)

    def get_urlpatterns(self):
        return [
            path("", self.index_view, name="index"),
            path("results/", self.index_results_view, name="index_results"),
            path("<int:pk>/", self.construct_view(views.ReservationDetailView), name="detail"),
            path(
                "<int:pk>/status/<slug:to_status>/",
                self.construct_view(views.ReservationTransitionView),
                name="transition",
            ),
            path(
                "<int:pk>/lines/<int:line_pk>/cancel/",
                self.construct_view(views.LineCancelView),
                name="line_cancel",
            ),
            path("<int:pk>/reassign/", self.construct_view(views.ReassignView), name="reassign"),
            path(
                "<int:pk>/lines/<int:line_pk>/reassign/",
                self.construct_view(views.LineReassignView),
                name="line_reassign",
            ),
            path("<int:pk>/return/", self.construct_view(views.LineReturnView), name="line_return"),
        ]

    @property
    def url_finder_class(self):
        return type("ReservationURLFinder", (ModelAdminURLFinder,), {"edit_url_name": self.get_url_name("detail")})

    def get_permissions_to_register(self):
        return Permission.objects.filter(
            content_type__app_label="baskets", codename__in=["view_reservation", "change_reservation"]
        )


reservation_viewset = ReservationViewSet()


@hooks.register("register_admin_viewset")
def register_reservation_viewset():
    return reservation_viewset


@hooks.register("construct_homepage_panels")
def add_orders_to_handle_panel(request, panels):
    if views.may_view_orders(request.user):
        panels.append(
            views.OrdersToHandlePanel(
                request=request,
                index_url_name=reservation_viewset.get_url_name("index"),
                detail_url_name=reservation_viewset.get_url_name("detail"),
            )
        )
