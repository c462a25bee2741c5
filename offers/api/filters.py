"""Query-string filters of the catalogue: they validate input and hand it to the selectors."""

import django_filters
from django.utils.translation import gettext_lazy as _

from offers.choices import Condition
from offers.models import Offer
from offers.selectors import available_now_condition, offer_search, offers_in_category_id
from shops.api.filters import IdFilter, SchemaTypedFilterMixin, SlugFilter, TextFilter

SEARCH_MAX_LENGTH = 200


class PriceFilter(SchemaTypedFilterMixin, django_filters.NumberFilter):
    """An amount in euros with at most 2 decimals; absurd amounts are refused rather than sent to SQL."""

    openapi_schema = {"type": "number", "minimum": 0, "maximum": 9999999999.99, "example": 25}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(*args, **kwargs)


class OfferFilter(django_filters.FilterSet):
    organisation = SlugFilter(field_name="organisation__slug", label=_("organisation (slug)"))
    shop = IdFilter(field_name="shop", label=_("shop id"))
    category = IdFilter(method="filter_category", label=_("category id, subcategories included"))
    condition = django_filters.ChoiceFilter(
        field_name="product__condition", choices=Condition.choices, label=_("condition")
    )
    min_price = PriceFilter(field_name="price_incl_tax_sql", lookup_expr="gte", label=_("minimum price incl. tax"))
    max_price = PriceFilter(field_name="price_incl_tax_sql", lookup_expr="lte", label=_("maximum price incl. tax"))
    size = TextFilter(field_name="product__size", lookup_expr="iexact", max_length=50, label=_("size"))
    colour = TextFilter(field_name="product__colour", lookup_expr="iexact", max_length=50, label=_("colour"))
    available_now = django_filters.BooleanFilter(
        method="filter_available_now", label=_("on sale now and in stock (true) or not (false)")
    )
    q = TextFilter(
        method="filter_text",
        max_length=SEARCH_MAX_LENGTH,
        label=_("words to find in the name, description, brand or category (case and accents ignored)"),
    )

    class Meta:
        model = Offer
        fields = []

    def filter_category(self, queryset, name, category_id):
        return offers_in_category_id(queryset, category_id=category_id)

    def filter_available_now(self, queryset, name, value):
        condition = available_now_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_text(self, queryset, name, value):
        return offer_search(queryset, text=value)
