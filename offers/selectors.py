"""Reads of the catalogue that carry rules: what is on sale, to whom, and for how much."""

import unicodedata
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Value
from django.db.models.functions import Round
from django.utils import timezone

from shops.permissions import scope_queryset

from .choices import OfferStatus
from .models import Offer, ProductCategory

SEARCH_MAX_WORDS = 10
SEARCH_FIELDS = ("product__name", "product__description", "product__brand", "product__category__name")


def offer_base_queryset():
    return Offer.objects.select_related("organisation", "shop", "product", "product__category", "product__producer")


def offer_list_public():
    """Published offers of active organisations, from active shops (or without a shop)."""
    return (
        offer_base_queryset()
        .filter(status=OfferStatus.PUBLISHED, organisation__active=True)
        .filter(Q(shop__isnull=True) | Q(shop__active=True))
    )


def offer_list_visible(*, user):
    """What ``user`` may list: public offers, plus every offer (drafts included) of the organisations they work for."""
    public = offer_list_public()
    if not (user and user.is_authenticated):
        return public
    # One query with an OR of both conditions; the scoping itself stays in shops.permissions.
    return public | scope_queryset(user, offer_base_queryset())


def available_now_condition(now=None):
    now = now or timezone.now()
    return (
        (Q(available_from__isnull=True) | Q(available_from__lte=now))
        & (Q(available_until__isnull=True) | Q(available_until__gt=now))
        & (Q(unlimited_stock=True) | Q(stock_on_hand__gt=F("stock_allocated")))
    )


# Prices are non-negative and have at most 8 decimals before rounding, so this nudge turns SQL ROUND
# (half away from zero on PostgreSQL, binary floats on SQLite) into the half-up rounding of offers.pricing
# without ever changing a result that is not a tie.
_HALF_UP_NUDGE = Decimal("0.000000001")


def with_price_incl_tax(queryset):
    """Annotate ``price_incl_tax_sql``: the price including tax rounded to the cent, exactly as it is shown.

    Filtering on the unrounded value would hide an offer shown at 9.99 from ``max_price=9.99``
    when its exact price is 9.990006.
    """
    exact = F("price_excl_tax") * (Value(100) + F("vat_rate")) / Value(100) + Value(_HALF_UP_NUDGE)
    return queryset.annotate(
        price_incl_tax_sql=ExpressionWrapper(
            Round(exact, 2), output_field=DecimalField(max_digits=14, decimal_places=2)
        )
    )


def category_subtree(category: ProductCategory):
    return ProductCategory.objects.filter(path__startswith=category.path)


def offers_in_category_id(queryset, *, category_id: int):
    """Offers whose product is in the category or one of its subcategories; none for an unknown category.

    ``path`` lists ancestor ids ("3/7/"), so a subtree is one indexed prefix match.
    """
    path = ProductCategory.objects.filter(pk=category_id).values_list("path", flat=True).first()
    if not path:
        return queryset.none()
    return queryset.filter(product__category__path__startswith=path)


# Accent-insensitive search that runs the same on SQLite and PostgreSQL without an extension:
# each letter of a word becomes a character class of its accented forms, matched with iregex
# (Python's re on SQLite, ~* on PostgreSQL). Both cases are listed so that it does not depend on
# the database's locale for case-folding non-ASCII letters.
_ACCENTED = {
    "a": "aàáâãäå",
    "c": "cç",
    "e": "eèéêë",
    "i": "iìíîï",
    "n": "nñ",
    "o": "oòóôõö",
    "u": "uùúûü",
    "y": "yýÿ",
}
_LIGATURES = {"oe": "œ", "ae": "æ"}
_REGEX_SPECIAL = set(r"\^$.|?*+()[]{}")


def _letter_pattern(char: str) -> str:
    variants = _ACCENTED.get(char)
    if variants:
        return "[" + variants + variants.upper() + "]"
    if char in _REGEX_SPECIAL:
        return "\\" + char
    return char


def _fold(word: str) -> str:
    """Lower-case ``word`` and strip its accents; ligatures are spelt out (œ → oe)."""
    word = word.casefold().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(char for char in decomposed if not unicodedata.combining(char) and char.isprintable())


def accent_insensitive_pattern(word: str) -> str:
    """A regular expression, valid in Python and PostgreSQL, matching ``word`` whatever its accents."""
    folded = _fold(word)
    parts, index = [], 0
    while index < len(folded):
        pair = folded[index : index + 2]
        if pair in _LIGATURES:
            ligature = _LIGATURES[pair]
            parts.append(f"(?:{_letter_pattern(pair[0])}{_letter_pattern(pair[1])}|[{ligature}{ligature.upper()}])")
            index += 2
        else:
            parts.append(_letter_pattern(folded[index]))
            index += 1
    return "".join(parts)


def offer_search(queryset, *, text: str):
    """Offers matching every word of ``text`` in the product's name, description, brand or category.

    Case- and accent-insensitive substring search; a search engine can replace it later. On PostgreSQL a
    regular expression costs about what ``icontains`` does (and pg_trgm indexes serve both); on SQLite it
    runs in Python, about 0.1 s per 10,000 offers.
    """
    condition = Q()
    for word in text.split()[:SEARCH_MAX_WORDS]:
        pattern = accent_insensitive_pattern(word)
        if not pattern:
            continue
        word_condition = Q()
        for field in SEARCH_FIELDS:
            word_condition |= Q(**{f"{field}__iregex": pattern})
        condition &= word_condition
    return queryset.filter(condition)
