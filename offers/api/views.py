"""Catalogue endpoints: parse the query, ask the selectors, serialise. No rule is decided here."""

from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from offers.selectors import (
    AUTOCOMPLETE_MAX_LENGTH,
    offer_autocomplete,
    offer_list_visible,
)
from pivot_site.api_errors import error_responses

from .filters import OfferFilter
from .serializers import OfferSerializer

Suggestion = inline_serializer(
    "OfferSuggestion",
    fields={
        "label": serializers.CharField(),
        "kind": serializers.ChoiceField(choices=["product", "category"]),
        "url": serializers.CharField(),
    },
    many=True,
)


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
        return offer_list_visible(user=self.request.user).order_by("-created_at", "-pk")

    @extend_schema(
        summary="Suggest product names and categories",
        description=(
            "At most 10 suggestions for what a visitor is typing, case and accents ignored: categories first, "
            "then product names (with the newest matching offer's page). Fewer than 2 characters give an empty list."
        ),
        parameters=[
            OpenApiParameter("q", str, required=False, description=f"at most {AUTOCOMPLETE_MAX_LENGTH} characters")
        ],
        responses={200: Suggestion, **error_responses(400)},
    )
    @action(detail=False, methods=["get"], filterset_class=None, pagination_class=None)
    def autocomplete(self, request):
        text = request.query_params.get("q", "")
        if len(text) > AUTOCOMPLETE_MAX_LENGTH or "\x00" in text:
            raise ValidationError({"q": [f"Give at most {AUTOCOMPLETE_MAX_LENGTH} characters, without NUL."]})
        from cms.models import CatalogPage

        catalogue = CatalogPage.main_url(request) or reverse("offer-list")
        suggestions = []
        for item in offer_autocomplete(self.get_queryset(), text=text):
            if item["kind"] == "category":
                url = f"{catalogue}?category={item['pk']}"
            else:
                url = reverse("offer_detail", args=[item["pk"]])
            suggestions.append({"label": item["label"], "kind": item["kind"], "url": url})
        return Response(suggestions)
