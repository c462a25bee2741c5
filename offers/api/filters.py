"""Query-string filters of the API: the catalogue's shared filterset (offers/filters.py)."""

from offers.filters import SEARCH_MAX_LENGTH, OfferFilter, PriceFilter

__all__ = ["SEARCH_MAX_LENGTH", "OfferFilter", "PriceFilter"]
