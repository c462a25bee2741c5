from django.db.models import Q
from rest_framework import viewsets

from offers.selectors import offer_base_queryset, offer_list_public, with_price_incl_tax
from shops.permissions import scope_queryset

from .filters import OfferFilter
from .serializers import OfferSerializer


class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """Offers on sale. Visitors see published offers; staff also see their organisation's drafts."""

    serializer_class = OfferSerializer
    filterset_class = OfferFilter

    def get_queryset(self):
        public = offer_list_public()
        user = self.request.user
        if user.is_authenticated:
            own = scope_queryset(user, offer_base_queryset())
            queryset = offer_base_queryset().filter(Q(pk__in=public.values("pk")) | Q(pk__in=own.values("pk")))
        else:
            queryset = public
        return with_price_incl_tax(queryset).order_by("-created_at", "-pk")
