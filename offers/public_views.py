"""Public pages of the catalogue (the admin's views are in offers/views.py)."""

from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse

from .selectors import offer_list_public


def offer_detail(request, pk):
    offer = get_object_or_404(offer_list_public(), pk=pk)
    return TemplateResponse(request, "offers/offer_detail.html", {"offer": offer, "product": offer.product})
