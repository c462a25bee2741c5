"""Public pages of the shops app; they parse input and call selectors and services."""

from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET
from wagtail.models import Page

from pivot_site.exceptions import DomainError

from .choices import OrganisationKind
from .geocoding import locate
from .selectors import map_points, places_near_page

PER_PAGE = 20


def shops_near(request):
    """Shops and depots nearest a town, a postcode or the visitor's position (?ou=, ?lat=&lon=)."""
    query = request.GET.get("ou", "")
    context = {"query": query[:200]}
    try:
        place = locate(query=query, latitude=request.GET.get("lat"), longitude=request.GET.get("lon"))
    except DomainError as error:
        context["error"] = error.message
        return render(request, "shops/shops_near.html", context)
    if place is not None:
        context["place"] = place
        context["map_kinds"] = OrganisationKind.choices
        context["page_obj"] = places_near_page(
            latitude=place.latitude, longitude=place.longitude, page_number=request.GET.get("page"), per_page=PER_PAGE
        )
    return render(request, "shops/shops_near.html", context)


MAP_POINTS_MAX_AGE = 300


@require_GET
@cache_control(public=True, max_age=MAP_POINTS_MAX_AGE)
def map_points_json(request):
    """The map's shops and depots as GeoJSON, fetched by static/js/map.js rather than inlined in pages.

    A plain public view, not an API action: no session, no pagination, the same bytes for every visitor
    of a language, so that browsers and proxies may keep it for a few minutes.
    """
    kinds = dict(OrganisationKind.choices)
    features = []
    for place_type, name, latitude, longitude, city, kind, page_id, page_path in map_points():
        # Without the request, Wagtail answers from its cached site root paths: no query per row, nor per request.
        url = Page(id=page_id, url_path=page_path).get_url() if page_path else None
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(float(longitude), 5), round(float(latitude), 5)]},
                "properties": {
                    "name": name,
                    "type": place_type,
                    "kind": kind,
                    "kind_label": str(kinds.get(kind, "")),
                    "town": city,
                    "url": url,
                },
            }
        )
    return JsonResponse({"type": "FeatureCollection", "features": features})
