"""The /api/v1/ router: each app registers its viewsets here, with token auth, the schema and its docs."""

from django.urls import include, path
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import parsers, serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.routers import DefaultRouter

from accounts.api.views import RegisterView
from baskets.api.views import ReservationViewSet
from imports.api import StockFeedViewSet
from offers.api.views import OfferViewSet
from shops.api.views import DepotViewSet, MemberViewSet, ShopViewSet
from subscriptions.api.views import AbsenceViewSet, DeliveryViewSet, SubscriptionViewSet

from .api_errors import VALIDATION_ERROR, JSONParser

API_PREFIX = "/api/v1/"

router = DefaultRouter()
router.register("offers", OfferViewSet, basename="offer")
router.register("shops", ShopViewSet, basename="shop")
router.register("depots", DepotViewSet, basename="depot")
router.register("members", MemberViewSet, basename="member")
router.register("reservations", ReservationViewSet, basename="reservation")
router.register("stock-feeds", StockFeedViewSet, basename="stock-feed")
router.register("subscriptions", SubscriptionViewSet, basename="subscription")
router.register("deliveries", DeliveryViewSet, basename="delivery")
router.register("absences", AbsenceViewSet, basename="absence")


class EmailLoginTokenSerializer(AuthTokenSerializer):
    """A customer's login is their e-mail address, stored in lower case: accept it in any case."""

    def validate(self, attrs):
        username = attrs.get("username") or ""
        if "@" in username:
            attrs["username"] = username.strip().lower()
        return super().validate(attrs)


class TokenView(ObtainAuthToken):
    """DRF's token view, described in the schema (DRF itself documents neither its body nor its errors)."""

    parser_classes = (parsers.FormParser, parsers.MultiPartParser, JSONParser)
    serializer_class = EmailLoginTokenSerializer

    @extend_schema(
        tags=["auth"],
        summary="Get an API token",
        description=(
            "Exchange a username and password for a token; send it as `Authorization: Token <token>`. "
            "The same token is returned until it is revoked."
        ),
        request=EmailLoginTokenSerializer,
        responses={
            200: inline_serializer("AuthToken", fields={"token": serializers.CharField()}),
            400: OpenApiResponse(
                VALIDATION_ERROR,
                description="Missing fields, or a wrong username or password.",
                examples=[
                    OpenApiExample(
                        "Wrong password",
                        value={"non_field_errors": ["Unable to log in with provided credentials."]},
                    )
                ],
            ),
        },
        auth=[],
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


def only_api_endpoints(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: describe /api/v1/ only, not Wagtail's internal admin API."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(API_PREFIX)]


urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="api-token"),
    path("auth/register/", RegisterView.as_view(), name="api-register"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
