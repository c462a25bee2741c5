"""Query-string filters of the catalogue, shared by the REST API and the catalogue page.

They only parse and validate input; the selectors of ``offers.selectors`` decide what matches.
"""

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from offers.choices import Condition
from offers.models import Offer, ProductCategory
from offers.selectors import (
    OFFER_SORTS,
    available_now_condition,
    offer_search,
    offer_sort,
    offers_in_category_id,
    offers_in_category_path,
    offers_of_products,
    offers_within,
    with_distance,
)
from pivot_site.exceptions import DomainError
from shops.api.filters import IdFilter, SchemaTypedFilterMixin, SlugFilter, TextFilter
from shops.choices import OrganisationKind
from shops.geocoding import locate

SEARCH_MAX_LENGTH = 200
MAX_RADIUS_KM = 1000


class PriceFilter(SchemaTypedFilterMixin, django_filters.NumberFilter):
    """An amount in euros with at most 2 decimals; absurd amounts are refused rather than sent to SQL."""

    openapi_schema = {"type": "number", "minimum": 0, "maximum": 9999999999.99, "example": 25}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(*args, **kwargs)


class ProductFilterMixin:
    """Filters on a field of the offer's product (``field_name`` names the Product's field)."""

    def filter(self, queryset, value):
        if value in django_filters.constants.EMPTY_VALUES:
            return queryset
        return offers_of_products(queryset, **{f"{self.field_name}__{self.lookup_expr}": value})


class ProductChoiceFilter(ProductFilterMixin, django_filters.ChoiceFilter):
    pass


class ProductTextFilter(ProductFilterMixin, TextFilter):
    pass


class OfferFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            # Dropping both keeps the rest of the query working; the message says why.
            self.add_error("max_price", _("The maximum price is lower than the minimum price."))
            cleaned.pop("min_price", None)
        return cleaned


class OfferFilter(django_filters.FilterSet):
    organisation = SlugFilter(field_name="organisation__slug", label=_("organisation (slug)"))
    organisation_kind = django_filters.ChoiceFilter(
        field_name="organisation__kind", choices=OrganisationKind.choices, label=_("kind of organisation")
    )
    shop = IdFilter(field_name="shop", label=_("shop id"))
    category = IdFilter(method="filter_category", label=_("category id, subcategories included"))
    condition = ProductChoiceFilter(field_name="condition", choices=Condition.choices, label=_("condition"))
    min_price = PriceFilter(field_name="listed_price", lookup_expr="gte", label=_("minimum price incl. tax"))
    max_price = PriceFilter(field_name="listed_price", lookup_expr="lte", label=_("maximum price incl. tax"))
    size = ProductTextFilter(field_name="size", lookup_expr="iexact", max_length=50, label=_("size"))
    colour = ProductTextFilter(field_name="colour", lookup_expr="iexact", max_length=50, label=_("colour"))
    material = ProductTextFilter(field_name="material", lookup_expr="iexact", max_length=100, label=_("material"))
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
        form = OfferFilterForm

    def filter_category(self, queryset, name, category_id):
        return offers_in_category_id(queryset, category_id=category_id)

    def filter_available_now(self, queryset, name, value):
        condition = available_now_condition()
        return queryset.filter(condition) if value else queryset.exclude(condition)

    def filter_text(self, queryset, name, value):
        return offer_search(queryset, text=value)


class CatalogFilterForm(OfferFilterForm):
    category_path = None

    def clean_category(self):
        category = self.cleaned_data.get("category")
        if category is None:
            return None
        self.category_path = ProductCategory.objects.filter(pk=category).values_list("path", flat=True).first()
        if not self.category_path:
            raise forms.ValidationError(_("This category does not exist (any more)."), code="unknown_category")
        return category

    def clean_ou(self):
        query = self.cleaned_data.get("ou") or ""
        if not query.strip():
            return None
        try:
            return locate(query=query)
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code)


class CatalogFilter(OfferFilter):
    """The catalogue page's facets: the API's, plus a place with a radius and a sort order.

    Invalid parameters are dropped one by one (their message is shown); the others still apply.
    """

    available_now = django_filters.BooleanFilter(
        method="filter_available_now", widget=forms.CheckboxInput(attrs={"value": "true"}), label=_("available now")
    )
    condition = ProductChoiceFilter(
        field_name="condition", choices=Condition.choices, label=_("condition"), empty_label=_("Any condition")
    )
    organisation_kind = django_filters.ChoiceFilter(
        field_name="organisation__kind",
        choices=OrganisationKind.choices,
        label=_("kind of organisation"),
        empty_label=_("All kinds"),
    )
    ou = TextFilter(method="filter_nothing", max_length=200, label=_("town or postcode"))
    radius = django_filters.NumberFilter(
        method="filter_nothing", min_value=1, max_value=MAX_RADIUS_KM, max_digits=6, decimal_places=1,
        label=_("within (km)"),
    )  # fmt: skip
    sort = django_filters.ChoiceFilter(
        method="filter_nothing", choices=list(OFFER_SORTS.items()), label=_("sort by"), empty_label=None
    )

    class Meta(OfferFilter.Meta):
        form = CatalogFilterForm

    def filter_category(self, queryset, name, category_id):
        # The form looked the category up while validating it: no second query.
        return offers_in_category_path(queryset, path=self.form.category_path)

    def filter_available_now(self, queryset, name, value):
        # A checkbox: unticked means "whatever", not "not available".
        return queryset.filter(available_now_condition()) if value else queryset

    def filter_nothing(self, queryset, name, value):
        return queryset  # applied together in filter_queryset

    @property
    def place(self):
        self.errors  # noqa: B018 - validates the form
        return self.form.cleaned_data.get("ou")

    def filter_queryset(self, queryset, *, skip=(), order=True):
        for name, value in self.form.cleaned_data.items():
            if name not in skip:
                queryset = self.filters[name].filter(queryset, value)
        data = self.form.cleaned_data
        place = data.get("ou")
        if place is not None and data.get("radius") is not None:
            queryset = offers_within(
                queryset, latitude=place.latitude, longitude=place.longitude, radius_km=data["radius"]
            )
        return self.ordered(queryset) if order else queryset

    def ordered(self, queryset):
        """``queryset`` in the chosen order, with the distance from the chosen place if any; not filtered."""
        data = self.form.cleaned_data
        place = data.get("ou")
        if place is not None:
            queryset = with_distance(queryset, latitude=place.latitude, longitude=place.longitude)
        return offer_sort(queryset, sort=data.get("sort") or "", has_place=place is not None)

    def qs_without(self, *names):
        """The results as if ``names`` were not given, unordered: facet counts show what choosing another value
        would give."""
        self.errors  # noqa: B018 - validates the form
        return self.filter_queryset(self.queryset.all(), skip=names, order=False)
