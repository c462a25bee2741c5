"""Reads that carry rules: what the public sees, and distances."""

from decimal import Decimal

from django.db.models import ExpressionWrapper, F, FloatField, Value
from django.db.models.functions import ACos, Cos, Least, Radians, Sin

from .models import Depot, Shop

EARTH_RADIUS_KM = 6371.0


def shop_list_public():
    return Shop.objects.filter(active=True, organisation__active=True).select_related("organisation", "page")


def depot_list_public():
    return Depot.objects.filter(active=True, organisation__active=True).select_related("organisation")


def distance_km_expression(*, latitude: float, longitude: float, prefix: str = ""):
    """Great-circle distance in km from a point, as SQL (works on SQLite and PostgreSQL)."""
    lat = Radians(F(f"{prefix}latitude"))
    lon = Radians(F(f"{prefix}longitude"))
    origin_lat = Radians(Value(float(latitude)))
    origin_lon = Radians(Value(float(longitude)))
    cosine = Sin(origin_lat) * Sin(lat) + Cos(origin_lat) * Cos(lat) * Cos(lon - origin_lon)
    # Rounding can push the cosine a hair above 1 for the same point, where ACOS is undefined.
    return ExpressionWrapper(ACos(Least(cosine, Value(1.0))) * Value(EARTH_RADIUS_KM), output_field=FloatField())


def order_by_distance(queryset, *, latitude: Decimal | float, longitude: Decimal | float, prefix: str = ""):
    """Annotate ``distance_km`` and order nearest first; places without coordinates come last."""
    return (
        queryset.exclude(**{f"{prefix}latitude__isnull": True})
        .annotate(distance_km=distance_km_expression(latitude=latitude, longitude=longitude, prefix=prefix))
        .order_by("distance_km", "pk")
    )
