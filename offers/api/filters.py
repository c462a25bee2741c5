import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from offers.choices import Condition
from offers.models import Offer, ProductCategory
from offers.selectors import available_now_condition


class OfferFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__slug", label=_("organisation (slug)"))
    shop = django_filters.NumberFilter(field_name="shop_id", label=_("shop id"))
    category = django_filters.ModelChoiceFilter(
        queryset=ProductCategory.objects.all(),
        method="filter_category",
        label=_("category id, subcategories included"),
    )
    condition = django_filters.ChoiceFilter(field_name="product__condition", choices=Condition.choices)
    min_price = django_filters.NumberFilter(
        field_name="price_incl_tax_sql", lookup_expr="gte", label=_("minimum price incl. tax")
    )
    max_price = django_filters.NumberFilter(
        field_name="price_incl_tax_sql", lookup_expr="lte", label=_("maximum price incl. tax")
    )
    size = django_filters.CharFilter(field_name="product__size", lookup_expr="iexact")
    colour = django_filters.CharFilter(field_name="product__colour", lookup_expr="iexact")
    available_now = django_filters.BooleanFilter(method="filter_available_now")
    q = django_filters.CharFilter(method="filter_text", label=_("text search"))

    class Meta:
        model = Offer
        fields = []

    def filter_category(self, queryset, name, category):
        return queryset.filter(product__category__path__startswith=category.path)

    def filter_available_now(self, queryset, name, value):
        condition = available_now_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_text(self, queryset, name, value):
        condition = Q()
        for word in value.split()[:10]:
            condition &= (
                Q(product__name__icontains=word)
                | Q(product__description__icontains=word)
                | Q(product__brand__icontains=word)
                | Q(product__category__name__icontains=word)
            )
        return queryset.filter(condition)
