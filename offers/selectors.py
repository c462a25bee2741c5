"""Reads of the catalogue that carry rules: what is on sale, to whom, and for how much."""

import dataclasses
from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Exists, F, Max, OuterRef, Prefetch, Q, Value
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shops.permissions import scope_queryset

from .models import Offer, Product, ProductCategory
from .search import SEARCH_MAX_WORDS, fold, offer_search


def offer_base_queryset():
    return Offer.objects.select_related("organisation", "shop", "product", "product__category", "product__producer")


def offer_list_public():
    """Published offers of active organisations, from active shops (or without a shop): Offer.listed."""
    return offer_base_queryset().filter(listed=True)


def offer_list_visible(*, user):
    """What ``user`` may list: public offers, plus every offer (drafts included) of the organisations they work for."""
    public = offer_list_public()
    if not (user and user.is_authenticated):
        return public
    # One query with an OR of both conditions; the scoping itself stays in shops.permissions.
    return public | scope_queryset(user, offer_base_queryset())


def sale_period_condition(now=None):
    """Offers whose sale period (if any) includes ``now``."""
    now = now or timezone.now()
    return (Q(available_from__isnull=True) | Q(available_from__lte=now)) & (
        Q(available_until__isnull=True) | Q(available_until__gt=now)
    )


def available_now_condition(now=None):
    return sale_period_condition(now) & (Q(unlimited_stock=True) | Q(stock_on_hand__gt=F("stock_allocated")))


def offers_of_products(queryset, **lookups):
    """Offers whose product matches ``lookups``, through a subquery of product ids: the database looks the
    few matching products' offers up by index instead of joining every offer to its product."""
    return queryset.filter(product__in=Product.objects.filter(**lookups).values("pk"))


def category_subtree(category: ProductCategory):
    return ProductCategory.objects.filter(path__startswith=category.path)


def offers_in_category_id(queryset, *, category_id: int):
    """Offers whose product is in the category or one of its subcategories; none for an unknown category.

    ``path`` lists ancestor ids ("3/7/"), so a subtree is one indexed prefix match.
    """
    path = ProductCategory.objects.filter(pk=category_id).values_list("path", flat=True).first()
    return offers_in_category_path(queryset, path=path)


def offers_in_category_path(queryset, *, path: str | None):
    """Offers in the category whose ``path`` is given, subcategories included; none without a path."""
    if not path:
        return queryset.none()
    return queryset.filter(category__path__startswith=path)


# Accent-insensitive matching of names (autocomplete suggestions; offers/search.py searches the full text)
# that runs the same on SQLite and PostgreSQL without an extension: each letter of a word becomes a character class of its accented forms, matched with iregex
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


def accent_insensitive_pattern(word: str) -> str:
    """A regular expression, valid in Python and PostgreSQL, matching ``word`` whatever its accents."""
    folded = fold(word)
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


# --- catalogue page -------------------------------------------------------------------------------

OFFER_SORTS = {
    "newest": _("Newest first"),
    "price": _("Price: low to high"),
    "-price": _("Price: high to low"),
    "distance": _("Distance (with a place)"),
}


def offers_within(queryset, *, latitude: float, longitude: float, radius_km):
    """Offers of the shops within ``radius_km`` of a point."""
    from shops.selectors import shops_within

    nearby = shops_within(latitude=latitude, longitude=longitude, radius_km=radius_km)
    return queryset.filter(shop__in=nearby.values("pk"))


def with_distance(queryset, *, latitude: float, longitude: float):
    """Annotate ``distance_km``: from the point to the offer's shop (None without a shop or coordinates)."""
    from shops.selectors import distance_km_expression

    return queryset.annotate(
        distance_km=distance_km_expression(latitude=latitude, longitude=longitude, prefix="shop__")
    )


def offer_sort(queryset, *, sort: str, has_place: bool = False):
    """Order by ``sort`` (a key of OFFER_SORTS); distance needs ``with_distance`` first, else newest."""
    if sort == "price":
        return queryset.order_by("listed_price", "pk")
    if sort == "-price":
        return queryset.order_by("-listed_price", "-pk")
    if sort == "distance" and has_place:
        return queryset.order_by(F("distance_km").asc(nulls_last=True), "-pk")
    return queryset.order_by("-created_at", "-pk")


class OfferIdsPaginator(Paginator):
    """Pages of sorted offers whose sort runs on the offers' ids alone: only the page's rows are then read,
    by ``rows(ids)``, with their product, shop and photos. Sorting 12,000 offers by distance no longer
    joins 12,000 products first; one query per page, as before."""

    def __init__(self, object_list, per_page, *, rows):
        super().__init__(object_list, per_page)
        self.rows = rows

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = self.object_list.select_related(None).values("pk")[bottom:top]
        return self._get_page(self.rows(ids), number, self)


@dataclass
class CategoryCount:
    category: ProductCategory
    count: int
    children: list = dataclasses.field(default_factory=list)


def category_tree(per_path, *, categories):
    """A tree of CategoryCount from (category path, offers) pairs and the ``categories`` they lie in.

    Ancestors get the sum of their subtree since a path lists every ancestor id.
    """
    totals: dict[int, int] = {}
    for path, n in per_path:
        for ancestor in (path or "").strip("/").split("/")[:2]:
            if ancestor:
                totals[int(ancestor)] = totals.get(int(ancestor), 0) + n
    by_id = {category.pk: category for category in categories if category.pk in totals}
    roots = {}
    for category in sorted(by_id.values(), key=lambda c: c.name.casefold()):
        if category.depth == 0:
            roots[category.pk] = CategoryCount(category, totals[category.pk])
    for category in sorted(by_id.values(), key=lambda c: c.name.casefold()):
        if category.depth == 1 and category.parent_id in roots:
            roots[category.parent_id].children.append(CategoryCount(category, totals[category.pk]))
    return list(roots.values())


def categories_with_ancestors(category_ids):
    """The categories of ``category_ids`` and all their ancestors, in one query."""
    return ProductCategory.objects.filter(
        Exists(ProductCategory.objects.filter(pk__in=category_ids, path__startswith=OuterRef("path")))
    )


@dataclass
class CatalogueFacets:
    total: int  # offers matching every filter
    category_tree: list  # CategoryCount, as if no category were chosen
    shops: list  # (shop id, name, city, offers) as if no shop were chosen, most offers first


def catalogue_facets(queryset, *, category_path=None, shop_id=None, shop_limit: int = 50) -> CatalogueFacets:
    """The result count and both facets' counts from ONE grouped pass over ``queryset``, the results
    without their category and shop filters, plus the categories and the shops' names (two small queries).

    Offers are counted per (category, shop), both read from the offers' own index: the selected category
    is a path prefix and the selected shop an id, so each count is a sum over those rows. On 100,000
    offers this replaces three scans (result count, category facet, shop facet) by one.
    """
    rows = list(queryset.order_by().values_list("category_id", "shop_id").annotate(n=Count("*")))
    categories = list(categories_with_ancestors({category_id for category_id, _shop, _n in rows}))
    paths = {category.pk: category.path for category in categories}

    def in_category(path):
        return category_path is None or path.startswith(category_path)

    total = 0
    per_path: dict[str, int] = {}
    per_shop: dict[int, int] = {}
    for category_id, row_shop_id, n in rows:
        path = paths.get(category_id, "")
        if shop_id is None or row_shop_id == shop_id:
            per_path[path] = per_path.get(path, 0) + n
            if in_category(path):
                total += n
        if row_shop_id is not None and in_category(path):
            per_shop[row_shop_id] = per_shop.get(row_shop_id, 0) + n
    top = sorted(per_shop.items(), key=lambda item: (-item[1], item[0]))[:shop_limit]
    names = {}
    if top:
        from shops.models import Shop

        names = {
            pk: (name, city)
            for pk, name, city in Shop.objects.filter(pk__in=[pk for pk, _n in top]).values_list("pk", "name", "city")
        }
    shops = sorted(((pk, *names[pk], n) for pk, n in top if pk in names), key=lambda row: (-row[3], row[1].casefold()))
    return CatalogueFacets(
        total=total, category_tree=category_tree(per_path.items(), categories=categories), shops=shops
    )


def as_cards(queryset):
    """Only what a result card shows (product and shop): fewer joins to plan and run on each page of results."""
    return queryset.select_related(None).select_related("product", "shop")


def with_photos(queryset, *, rendition_filter: str):
    """Prefetch each offer's photos and their ``rendition_filter`` renditions: two queries for any number."""
    from wagtail.images import get_image_model

    from .models import ProductImage

    renditions = get_image_model().get_rendition_model().objects.filter(filter_spec=rendition_filter)
    return queryset.prefetch_related(
        Prefetch("product__images", queryset=ProductImage.objects.select_related("image")),
        Prefetch("product__images__image__renditions", queryset=renditions),
    )


AUTOCOMPLETE_MIN_LENGTH = 2
AUTOCOMPLETE_MAX_LENGTH = 100
AUTOCOMPLETE_LIMIT = 10
AUTOCOMPLETE_CATEGORIES = 4
AUTOCOMPLETE_SCAN = 500


def _name_condition(field_name: str, text: str):
    condition = Q()
    for word in text.split()[:SEARCH_MAX_WORDS]:
        pattern = accent_insensitive_pattern(word)
        if pattern:
            condition &= Q(**{f"{field_name}__iregex": pattern})
    return condition


def offer_autocomplete(queryset, *, text: str, limit: int = AUTOCOMPLETE_LIMIT):
    """Up to ``limit`` suggestions for ``text``: categories first (at most 4), then product names.

    Returns dicts ``{"label", "kind", "pk"}``; pk is a category's id or the newest offer of that name.
    Two queries. Short text gives nothing.
    """
    text = " ".join(text.split())
    if len(text) < AUTOCOMPLETE_MIN_LENGTH:
        return []
    categories = list(
        ProductCategory.objects.filter(_name_condition("name", text))
        .filter(Q(organisation__isnull=True) | Q(organisation__active=True))
        .order_by("path")
        .values_list("pk", "name")[:AUTOCOMPLETE_CATEGORIES]
    )
    # The search index narrows the offers first, so the name's regular expression only runs on matches;
    # names come from the newest matches only, so that a short prefix matching most of the catalogue
    # ("cha" for shoes) costs no more than a precise one.
    newest_matches = (
        offer_search(queryset, text=text)
        .filter(_name_condition("product__name", text))
        .order_by("-pk")
        .values("pk")[:AUTOCOMPLETE_SCAN]
    )
    products = list(
        Offer.objects.filter(pk__in=newest_matches)
        .order_by()
        .values_list("product__name")
        .annotate(newest=Max("pk"))
        .order_by("product__name")[: limit - len(categories)]
    )
    return [{"label": name, "kind": "category", "pk": pk} for pk, name in categories] + [
        {"label": name, "kind": "product", "pk": pk} for name, pk in products
    ]


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


def customer_may_buy(*, offer, user) -> bool:
    """Whether ``user`` may buy ``offer``: anyone when it is reserved to no customer category, else the
    organisation's members in one of those categories (``reserved_categories`` may be prefetched)."""
    from shops.models import Member

    reserved = [category.pk for category in offer.reserved_categories.all()]
    if not reserved:
        return True
    if not (user and user.is_authenticated):
        return False
    return Member.objects.filter(organisation_id=offer.organisation_id, user=user, categories__in=reserved).exists()


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
