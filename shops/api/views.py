from rest_framework import permissions, viewsets

from shops.models import Member
from shops.permissions import scope_queryset
from shops.selectors import depot_list_public, shop_list_public

from .filters import MemberFilter, ShopFilter
from .serializers import DepotSerializer, MemberSerializer, ShopSerializer


class ShopViewSet(viewsets.ReadOnlyModelViewSet):
    """Active shops; ``near=lat,lon`` orders them by distance and gives ``distance_km``."""

    serializer_class = ShopSerializer
    filterset_class = ShopFilter

    def get_queryset(self):
        return shop_list_public().prefetch_related("opening_hours").order_by("name", "pk")


class DepotViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = DepotSerializer

    def get_queryset(self):
        return depot_list_public().prefetch_related("pickup_slots").order_by("name", "pk")


class MemberViewSet(viewsets.ReadOnlyModelViewSet):
    """Members of the organisations the user works for (staff only)."""

    serializer_class = MemberSerializer
    filterset_class = MemberFilter
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        queryset = Member.objects.select_related("organisation").prefetch_related("categories", "volunteer_domains")
        return scope_queryset(self.request.user, queryset).distinct().order_by("last_name", "first_name", "pk")
