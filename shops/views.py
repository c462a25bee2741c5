"""Public pages of the shops app; they parse input and call selectors and services."""

from django.shortcuts import render

from pivot_site.exceptions import DomainError

from .geocoding import locate
from .selectors import places_near_page

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
        context["page_obj"] = places_near_page(
            latitude=place.latitude, longitude=place.longitude, page_number=request.GET.get("page"), per_page=PER_PAGE
        )
    return render(request, "shops/shops_near.html", context)
