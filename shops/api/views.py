"""Shop, depot and member endpoints: parse the query, ask the selectors and the scoping policy, serialise."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from pivot_site.api_errors import error_responses
from shops.permissions import organisation_ids, sees_everything
from shops.selectors import depot_list_public, member_list_visible, shop_list_public

from .filters import DepotFilter, MemberFilter, ShopFilter
from .serializers import DepotSerializer, MemberSerializer, ShopSerializer


class IsOrganisationStaff(permissions.IsAuthenticated):
    """Signed-in people who work for an organisation (or see everything); customers are refused."""

    message = _("Only the staff of an organisation can see its members.")

    def has_permission(self, request, view):
        user = request.user
        return super().has_permission(request, view) and (sees_everything(user) or bool(organisation_ids(user)))


@extend_schema_view(
    list=extend_schema(summary="List shops", responses={200: ShopSerializer, **error_responses(400)}),
    retrieve=extend_schema(summary="Show a shop", responses={200: ShopSerializer, **error_responses(404)}),
)
class ShopViewSet(viewsets.ReadOnlyModelViewSet):
    """Active shops of active organisations; ``near=lat,lon`` orders them by distance and gives ``distance_km``."""

    serializer_class = ShopSerializer
    filterset_class = ShopFilter

    def get_queryset(self):
        # The storefront page joined by the selector is not serialised here; ShopFilter.near replaces the ordering.
        queryset = shop_list_public().select_related(None).select_related("organisation")
        return queryset.prefetch_related("opening_hours").order_by("name", "pk")


@extend_schema_view(
    list=extend_schema(summary="List depots", responses={200: DepotSerializer, **error_responses(400)}),
    retrieve=extend_schema(summary="Show a depot", responses={200: DepotSerializer, **error_responses(404)}),
)
class DepotViewSet(viewsets.ReadOnlyModelViewSet):
    """Active collection points of active organisations."""

    serializer_class = DepotSerializer
    filterset_class = DepotFilter

    def get_queryset(self):
        return depot_list_public().prefetch_related("pickup_slots").order_by("name", "pk")


@extend_schema_view(
    list=extend_schema(summary="List members", responses={200: MemberSerializer, **error_responses(400, 401, 403)}),
    retrieve=extend_schema(
        summary="Show a member", responses={200: MemberSerializer, **error_responses(401, 403, 404)}
    ),
)
class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Members of the organisations the user works for (organisation staff only)."""

    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    permission_classes = [IsOrganisationStaff]

    def get_queryset(self):
        queryset = member_list_visible(user=self.request.user)
        return queryset.prefetch_related("categories", "volunteer_domains").order_by("last_name", "first_name", "pk")
