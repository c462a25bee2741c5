"""Reads that carry rules: what the public sees, what staff see, and distances."""

from decimal import Decimal

from django.db.models import Case, F, FloatField, Q, Value, When
from django.db.models.functions import ACos, Cos, Greatest, Least, Radians, Sin

from .models import Depot, Member, Shop
from .permissions import scope_queryset

EARTH_RADIUS_KM = 6371.0


def shop_list_public():
    return Shop.objects.filter(active=True, organisation__active=True).select_related("organisation", "page")


def depot_list_public():
    return Depot.objects.filter(active=True, organisation__active=True).select_related("organisation")


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


def order_by_distance(queryset, *, latitude: Decimal | float, longitude: Decimal | float, prefix: str = ""):
    """Annotate ``distance_km`` and order nearest first; places without coordinates come last."""
    return queryset.annotate(
        distance_km=distance_km_expression(latitude=latitude, longitude=longitude, prefix=prefix)
    ).order_by(F("distance_km").asc(nulls_last=True), "pk")
