"""Catalogue endpoints: parse the query, ask the selectors, serialise. No rule is decided here."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import viewsets

from offers.selectors import offer_list_visible, with_price_incl_tax
from pivot_site.api_errors import error_responses

from .filters import OfferFilter
from .serializers import OfferSerializer


@extend_schema_view(
    list=extend_schema(
        summary="List offers",
        responses={200: OfferSerializer, **error_responses(400)},
    ),
    retrieve=extend_schema(summary="Show an offer", responses={200: OfferSerializer, **error_responses(404)}),
)
class OfferViewSet(viewsets.ReadOnlyModelViewSet):
    """Offers on sale. Visitors see published offers; staff also see their organisation's drafts."""

    serializer_class = OfferSerializer
    filterset_class = OfferFilter

    def get_queryset(self):
        queryset = offer_list_visible(user=self.request.user)
        return with_price_incl_tax(queryset).order_by("-created_at", "-pk")
