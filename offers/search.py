"""Full-text search of offers through Wagtail's search backend.

The database backend uses SQLite's FTS5 or PostgreSQL's full-text search, whichever the project runs
on. Each offer is indexed with one autocomplete field holding its product's name, brand, model code,
category and description, lower-cased with the accents stripped; queries are folded the same way, so
"etagere" finds "Étagère" on both databases without PostgreSQL's unaccent extension. Autocomplete
matching makes the last word a prefix, so results follow the visitor's typing.

The index is kept up to date by the backend's save and delete signals; ``offers_reindex`` refreshes
the offers of a changed product or category and the rows written in bulk.
"""

import re
import unicodedata

from django.db.models import QuerySet
from wagtail.search.backends import get_search_backend

SEARCH_MAX_WORDS = 10
SEARCH_MAX_WORD_LENGTH = 50
DESCRIPTION_INDEXED_CHARS = 2000
REINDEX_BATCH = 500
_WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower-case ``text`` and strip its accents; ligatures are spelt out (œ → oe)."""
    text = text.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char) and char.isprintable())


def search_words(text: str) -> list[str]:
    """The folded words of ``text`` that a search uses: letters and digits only, at most 10 words."""
    return [word[:SEARCH_MAX_WORD_LENGTH] for word in _WORD.findall(fold(text or ""))][:SEARCH_MAX_WORDS]


def offer_search_text(offer) -> str:
    """What an offer is found by, folded like the queries."""
    product = offer.product
    parts = [product.name, product.brand, product.model_code, product.category.name if product.category_id else ""]
    parts.append(product.description[:DESCRIPTION_INDEXED_CHARS])
    return " ".join(_WORD.findall(fold(" ".join(part for part in parts if part))))


def matching_offer_ids(*, text: str) -> QuerySet | None:
    """A subquery of the ids of offers matching every word of ``text`` (the last as a prefix), or None
    when ``text`` has no word to look for.

    The backend's results are turned back into a queryset so that the catalogue can facet, count, sort
    and paginate them in SQL along with its other filters.
    """
    from .models import Offer

    words = search_words(text)
    if not words:
        return None
    results = get_search_backend().autocomplete(
        " ".join(words), Offer.objects.all(), operator="and", order_by_relevance=False
    )
    return results.get_queryset().order_by().values("pk")


def offer_search(queryset, *, text: str):
    """Offers of ``queryset`` matching ``text``; ``queryset`` unchanged when there is no word to look for."""
    ids = matching_offer_ids(text=text)
    return queryset if ids is None else queryset.filter(pk__in=ids)


def offers_reindex(offers) -> int:
    """Refresh the search index of ``offers`` (a queryset) in batches; returns how many were indexed."""
    backend = get_search_backend()
    offers = offers.select_related("product", "product__category").order_by("pk")
    count, last_pk = 0, 0
    while batch := list(offers.filter(pk__gt=last_pk)[:REINDEX_BATCH]):
        backend.add_bulk(type(batch[0]), batch)
        count += len(batch)
        last_pk = batch[-1].pk
    return count
