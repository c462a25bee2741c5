"""The /api/v1/ router: each app registers its viewsets here."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from offers.api.views import OfferViewSet
from shops.api.views import DepotViewSet, MemberViewSet, ShopViewSet

router = DefaultRouter()
router.register("offers", OfferViewSet, basename="offer")
router.register("shops", ShopViewSet, basename="shop")
router.register("depots", DepotViewSet, basename="depot")
router.register("members", MemberViewSet, basename="member")

urlpatterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include(router.urls)),
]
