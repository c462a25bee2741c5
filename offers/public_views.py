"""Public pages of the catalogue (the admin's views are in offers/views.py); they parse input and call selectors."""

from django.http import Http404
from django.template.response import TemplateResponse

from pivot_site.exceptions import DomainError
from shops.geocoding import MAX_QUERY_LENGTH, locate

from .selectors import offer_page


def offer_detail(request, pk):
    """An offer's public page; ``?ou=`` (a town, a postcode) orders the network's shops from there."""
    query = request.GET.get("ou", "")[:MAX_QUERY_LENGTH].strip()
    place, place_error = None, None
    if query:
        try:
            place = locate(query=query)
        except DomainError as error:
            place_error = error.message
    page = offer_page(
        pk=pk,
        user=request.user,
        latitude=place.latitude if place else None,
        longitude=place.longitude if place else None,
    )
    if page is None:
        raise Http404("offer not found")
    context = {
        "page_data": page,
        "offer": page.offer,
        "product": page.product,
        "query": query,
        "place": place,
        "place_error": place_error,
    }
    return TemplateResponse(request, "offers/offer_detail.html", context)
