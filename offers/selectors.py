"""Reads of the catalogue that carry rules: what is on sale, to whom, and for how much."""

from django.db.models import DecimalField, ExpressionWrapper, F, Q, Value
from django.utils import timezone

from .choices import OfferStatus
from .models import Offer, ProductCategory


def offer_base_queryset():
    return Offer.objects.select_related("organisation", "shop", "product", "product__category", "product__producer")


def offer_list_public():
    """Published offers of active organisations, from active shops (or without a shop)."""
    return (
        offer_base_queryset()
        .filter(status=OfferStatus.PUBLISHED, organisation__active=True)
        .filter(Q(shop__isnull=True) | Q(shop__active=True))
    )


def available_now_condition(now=None):
    now = now or timezone.now()
    return (
        (Q(available_from__isnull=True) | Q(available_from__lte=now))
        & (Q(available_until__isnull=True) | Q(available_until__gt=now))
        & (Q(unlimited_stock=True) | Q(stock_on_hand__gt=F("stock_allocated")))
    )


def with_price_incl_tax(queryset):
    """Annotate the price including tax (unrounded) so that it can be filtered and sorted in SQL."""
    return queryset.annotate(
        price_incl_tax_sql=ExpressionWrapper(
            F("price_excl_tax") * (Value(100) + F("vat_rate")) / Value(100),
            output_field=DecimalField(max_digits=14, decimal_places=4),
        )
    )


def category_subtree(category: ProductCategory):
    return ProductCategory.objects.filter(path__startswith=category.path)
