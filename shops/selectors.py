"""Reads that carry rules: what the public sees, what staff see, and distances."""

import math
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Count, F, FloatField, Q, Value, When
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin

from .choices import OrganisationKind
from .models import Depot, Member, Shop
from .permissions import scope_queryset

EARTH_RADIUS_KM = 6371.0


def shop_list_public():
    return Shop.objects.filter(active=True, organisation__active=True).select_related("organisation", "page")


def depot_list_public():
    return Depot.objects.filter(active=True, organisation__active=True).select_related("organisation")


def shop_list_featured(*, shop_ids, default_count: int = 6):
    """The public shops of ``shop_ids`` in that order; without any, those with a live page and the most
    published offers. One query either way."""
    from offers.choices import OfferStatus

    shops = shop_list_public()
    if shop_ids:
        found = {shop.pk: shop for shop in shops.filter(pk__in=shop_ids)}
        return [found[pk] for pk in dict.fromkeys(shop_ids) if pk in found]
    published = Count("offers", filter=Q(offers__status=OfferStatus.PUBLISHED))
    return list(
        shops.filter(page__live=True)
        .annotate(published_offers=published)
        .order_by("-published_offers", "name")[:default_count]
    )


def member_list_visible(*, user):
    """Members of the organisations ``user`` works for (everyone's for platform admins and animators)."""
    return scope_queryset(user, Member.objects.select_related("organisation"))


def distance_km_expression(*, latitude: float, longitude: float, prefix: str = ""):
    """Great-circle distance in km from a point, as SQL (works on SQLite and PostgreSQL).

    NULL for places without both coordinates.
    """
    latitude_field, longitude_field = f"{prefix}latitude", f"{prefix}longitude"
    lat = Radians(F(latitude_field))
    lon = Radians(F(longitude_field))
    origin_lat = Radians(Value(float(latitude)))
    origin_lon = Radians(Value(float(longitude)))
    cosine = Sin(origin_lat) * Sin(lat) + Cos(origin_lat) * Cos(lat) * Cos(lon - origin_lon)
    # Rounding can push the cosine a hair beyond ±1 (same point, antipodes), where ACOS is undefined.
    clamped = Greatest(Least(cosine, Value(1.0)), Value(-1.0))
    # PostgreSQL's LEAST/GREATEST skip NULLs (they would turn a missing coordinate into a distance of 0),
    # so places without coordinates are kept out explicitly.
    has_coordinates = Q(**{f"{latitude_field}__isnull": False, f"{longitude_field}__isnull": False})
    return Case(
        When(has_coordinates, then=ACos(clamped) * Value(EARTH_RADIUS_KM)),
        default=Value(None),
        output_field=FloatField(),
    )


def shops_within(*, latitude: float, longitude: float, radius_km: float):
    """Shops within ``radius_km`` of a point.

    A bounding box on the coordinates comes first, so that the great-circle distance is only computed
    for the shops inside it; offers filtered on these shops' ids then use their shop index.
    """
    latitude, longitude, radius_km = float(latitude), float(longitude), float(radius_km)
    # 111 km per degree is a little short of a degree of latitude, so the box is a little larger than needed.
    lat_delta = radius_km / 111.0
    lon_delta = radius_km / (111.0 * max(math.cos(math.radians(min(abs(latitude) + lat_delta, 89.9))), 0.001))
    shops = Shop.objects.filter(latitude__range=_degrees_range(latitude, lat_delta))
    if lon_delta < 180:
        shops = shops.filter(longitude__range=_degrees_range(longitude, lon_delta))
    return shops.annotate(distance_km=distance_km_expression(latitude=latitude, longitude=longitude)).filter(
        distance_km__lte=radius_km
    )


def _degrees_range(centre: float, delta: float) -> tuple[Decimal, Decimal]:
    return Decimal(f"{centre - delta:.6f}"), Decimal(f"{centre + delta:.6f}")


def order_by_distance(queryset, *, latitude: Decimal | float, longitude: Decimal | float, prefix: str = ""):
    """Annotate ``distance_km`` and order nearest first; places without coordinates come last."""
    return queryset.annotate(
        distance_km=distance_km_expression(latitude=latitude, longitude=longitude, prefix=prefix)
    ).order_by(F("distance_km").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class KnownPostcode:
    city: str
    latitude: float
    longitude: float


def postcode_location(*, postcode: str) -> KnownPostcode | None:
    """Where the active shops and depots with this postcode are (their average), with their city."""
    rows = [
        *shop_list_public().filter(postcode=postcode).values_list("city", "latitude", "longitude"),
        *depot_list_public().filter(postcode=postcode).values_list("city", "latitude", "longitude"),
    ]
    rows = [row for row in rows if row[1] is not None and row[2] is not None]
    if not rows:
        return None
    city = Counter(row[0] for row in rows).most_common(1)[0][0]
    return KnownPostcode(
        city=city,
        latitude=sum(float(row[1]) for row in rows) / len(rows),
        longitude=sum(float(row[2]) for row in rows) / len(rows),
    )


@dataclass(frozen=True)
class NearbyPlace:
    type: str  # "shop" or "depot"
    pk: int
    name: str
    address: str
    postcode: str
    city: str
    latitude: float
    longitude: float
    organisation_name: str
    organisation_kind: str
    distance_km: float

    @property
    def organisation_kind_label(self):
        return OrganisationKind(self.organisation_kind).label if self.organisation_kind in OrganisationKind else ""

    @property
    def is_shop(self):
        return self.type == "shop"


NEARBY_FIELDS = (
    "place_type",
    "pk",
    "name",
    "address",
    "postcode",
    "city",
    "latitude",
    "longitude",
    "organisation__name",
    "organisation__kind",
    "distance_km",
)


def located_public_places(model):
    """Active shops or depots (``model``) of active organisations that have coordinates: what a map or a
    distance can show."""
    return model.objects.filter(active=True, organisation__active=True, latitude__isnull=False, longitude__isnull=False)


def places_near(*, latitude: float, longitude: float):
    """Active shops and depots with coordinates, nearest first, as one SQL UNION of value rows.

    Lazy: count it and slice it (``places_near_page``) so that a page costs two queries.
    """

    def rows(queryset, place_type):
        return (
            queryset.annotate(
                place_type=Value(place_type, output_field=CharField()),
                distance_km=distance_km_expression(latitude=latitude, longitude=longitude),
            )
            .order_by()
            .values_list(*NEARBY_FIELDS)
        )

    shops = rows(located_public_places(Shop), "shop")
    depots = rows(located_public_places(Depot), "depot")
    return shops.union(depots, all=True).order_by("distance_km", "place_type", "pk")


def places_near_page(*, latitude: float, longitude: float, page_number=1, per_page: int = 20):
    """One page of ``places_near`` (out-of-range or bad page numbers give the nearest page):
    two queries, a COUNT and the page, whatever the number of shops and depots."""
    paginator = Paginator(places_near(latitude=latitude, longitude=longitude), per_page)
    page = paginator.get_page(page_number)
    page.object_list = [
        NearbyPlace(
            type=row[0],
            pk=row[1],
            name=row[2],
            address=row[3],
            postcode=row[4],
            city=row[5],
            latitude=float(row[6]),
            longitude=float(row[7]),
            organisation_name=row[8],
            organisation_kind=row[9],
            distance_km=row[10],
        )
        for row in page.object_list
    ]
    return page


MAP_POINT_FIELDS = ("place_type", "name", "latitude", "longitude", "city", "organisation__kind", "page_id", "page_path")


def map_points():
    """Every active shop and depot with coordinates, as ``MAP_POINT_FIELDS`` rows: one SQL UNION.

    ``page_id``/``page_path`` are the live ShopPage's (a depot's: its shop's), else None.
    """

    def rows(queryset, place_type, page, live):
        return (
            queryset.annotate(
                place_type=Value(place_type, output_field=CharField()),
                page_id=Case(When(live, then=F(f"{page}__id")), default=None),
                page_path=Case(When(live, then=F(f"{page}__url_path")), default=None),
            )
            .order_by()
            .values_list(*MAP_POINT_FIELDS)
        )

    shops = rows(located_public_places(Shop), "shop", "page", Q(page__live=True))
    depots = rows(located_public_places(Depot), "depot", "shop__page", Q(shop__page__live=True, shop__active=True))
    return shops.union(depots, all=True).order_by("place_type", "name")
