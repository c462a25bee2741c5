from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from offers import impact_views
from offers import public_views as offer_views
from shops import views as shops_views

urlpatterns = [
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("api/v1/", include("pivot_site.api")),
    # Without a CSRF token in the language form of every page, pages can be cached for anonymous visitors
    # (pivot_site/page_cache.py); a forged request could only switch someone's language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("boutiques-pres-de-chez-moi/", shops_views.shops_near, name="shops_near"),
    path("carte/points.json", shops_views.map_points_json, name="map_points"),
    path("offres/<int:pk>/", offer_views.offer_detail, name="offer_detail"),
    path("", include("baskets.urls")),  # panier/, mes-reservations/
    path("", include("subscriptions.urls")),  # mes-livraisons/
    path("impact/", impact_views.platform_impact, name="impact"),
    path("impact/organisations/<slug:slug>/", impact_views.organisation_impact, name="impact_organisation"),
    path("impact/boutiques/<slug:slug>/", impact_views.shop_impact, name="impact_shop"),
    path("compte/", include("accounts.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
