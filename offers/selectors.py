"""Reads of the catalogue that carry rules: what is on sale, to whom, and for how much."""

import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, ExpressionWrapper, F, Prefetch, Q, Value
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


# --- The public offer page ------------------------------------------------------------------------

# Renditions templates/offers/offer_detail.html asks for; keep both in step.
OFFER_PAGE_PHOTO_FILTERS = ("width-480", "width-800", "width-1200")
OFFER_PAGE_THUMBNAIL_FILTER = "fill-160x120"
# A network product is held by many shops: show the nearest ones only.
OFFER_PAGE_NETWORK_ROWS = 200
OFFER_PAGE_NETWORK_SHOPS = 10


def customer_is_professional(*, user, organisation_id: int) -> bool:
    """Whether ``user`` is a member of the organisation in a professional customer category (prices excl. tax)."""
    from shops.models import CustomerCategory

    if not (user and user.is_authenticated):
        return False
    return CustomerCategory.objects.filter(
        organisation_id=organisation_id,
        is_professional=True,
        members__user=user,
        members__organisation_id=organisation_id,
    ).exists()


def _size_key(size: str):
    """Sizes in their natural order: numbers first by value ("38", "38.5", "41"), then the others."""
    try:
        return (0, float(size.replace(",", ".")), size)
    except ValueError:
        return (1, 0.0, size)


def offer_network_availability(*, offer, latitude=None, longitude=None) -> list[dict]:
    """For a product of a shared catalogue: the shops holding the same model (brand and model code) in
    stock, each with its sizes, nearest first (from the given point, else from the offer's shop).

    One query whatever the number of shops and sizes. Each shop is a dict with ``shop_id``, ``name``,
    ``postcode``, ``city``, ``distance_km`` (None without coordinates) and ``sizes`` (dicts with
    ``offer_id``, ``size``, ``stock`` — None for unlimited — and ``current``).
    """
    from shops.selectors import order_by_distance

    product = offer.product
    if product.organisation_id is not None or not product.model_code:
        return []
    if latitude is None or longitude is None:
        shop = offer.shop
        if shop is not None and shop.latitude is not None and shop.longitude is not None:
            latitude, longitude = shop.latitude, shop.longitude
    queryset = (
        offer_list_public()
        .filter(
            available_now_condition(),
            shop__isnull=False,
            product__organisation__isnull=True,
            product__model_code=product.model_code,
            product__brand=product.brand,
        )
        .exclude(pk=offer.pk)
    )
    if latitude is not None and longitude is not None:
        queryset = order_by_distance(queryset, latitude=latitude, longitude=longitude, prefix="shop__")
    else:
        queryset = queryset.annotate(distance_km=Value(None, output_field=DecimalField())).order_by("shop__name", "pk")
    rows = queryset.values_list(
        "pk",
        "product__size",
        "unlimited_stock",
        "stock_on_hand",
        "stock_allocated",
        "shop_id",
        "shop__name",
        "shop__postcode",
        "shop__city",
        "distance_km",
    )[:OFFER_PAGE_NETWORK_ROWS]
    shops: dict[int, dict] = {}
    for pk, size, unlimited, on_hand, allocated, shop_id, name, postcode, city, distance in rows:
        if shop_id not in shops:
            if len(shops) >= OFFER_PAGE_NETWORK_SHOPS:
                continue
            shops[shop_id] = {
                "shop_id": shop_id,
                "name": name,
                "postcode": postcode,
                "city": city,
                "distance_km": distance,
                "sizes": [],
            }
        shops[shop_id]["sizes"].append(
            {"offer_id": pk, "size": size, "stock": None if unlimited else on_hand - allocated}
        )
    for shop in shops.values():
        shop["sizes"].sort(key=lambda row: _size_key(row["size"]))
    return list(shops.values())


@dataclass
class OfferPage:
    offer: Offer
    photos: list
    impact: object  # offers.impact.Impact | None
    prices_excl_tax: bool
    is_network_product: bool
    network_shops: list  # offer_network_availability(): shops with their sizes, nearest first

    @property
    def product(self):
        return self.offer.product


def offer_page(*, pk: int, user=None, latitude=None, longitude=None) -> OfferPage | None:
    """What the public page of an offer shows, or None when it is not public (unknown, draft, archived,
    inactive organisation or shop).

    A constant number of queries whatever the number of photos and of shops holding a network product:
    the offer with its product, category, producer, shop and shop page; photos; their renditions; the
    category chain when the impact factor is inherited; the network's shops; the professional check.
    """
    from wagtail.images import get_image_model

    from .impact import product_impact
    from .models import ProductImage

    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=[*OFFER_PAGE_PHOTO_FILTERS, OFFER_PAGE_THUMBNAIL_FILTER])
    )
    offer = (
        offer_list_public()
        .select_related("shop__page")
        .prefetch_related(
            Prefetch("product__images", queryset=ProductImage.objects.select_related("image")),
            Prefetch("product__images__image__renditions", queryset=renditions),
        )
        .filter(pk=pk)
        .first()
    )
    if offer is None:
        return None
    product = offer.product
    is_network_product = product.organisation_id is None and bool(product.model_code)
    return OfferPage(
        offer=offer,
        photos=list(product.images.all()),
        impact=product_impact(product=product),
        prices_excl_tax=customer_is_professional(user=user, organisation_id=offer.organisation_id),
        is_network_product=is_network_product,
        network_shops=offer_network_availability(offer=offer, latitude=latitude, longitude=longitude)
        if is_network_product
        else [],
    )
