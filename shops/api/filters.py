"""Query-string filters: they only parse and validate input, the selectors decide what matches."""

import math

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

from shops.choices import OrganisationKind, VolunteerAnswer, VolunteerDomainCode
from shops.models import Depot, Member, Shop
from shops.selectors import order_by_distance

# Database integers are 64-bit: bigger ids cannot exist, and refusing them keeps overflows out of SQL.
MAX_ID = 2**63 - 1


class SchemaTypedFilterMixin:
    """Tells drf-spectacular the parameter's exact type, keeping the label as its description.

    (A class-level ``extend_schema_field`` would drop every filter's own description.)
    """

    openapi_schema: dict = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        schema = dict(self.openapi_schema)
        if self.label:
            schema["description"] = self.label
        extend_schema_field(schema)(self)


class IdFilter(SchemaTypedFilterMixin, django_filters.NumberFilter):
    """A database id: a positive integer (``1.5`` or ``1e9999`` are refused with a 400)."""

    field_class = forms.IntegerField
    openapi_schema = {"type": "integer", "minimum": 1, "maximum": MAX_ID}

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(*args, **kwargs)


class TextFilter(SchemaTypedFilterMixin, django_filters.CharFilter):
    """Text with a maximum length: over-long values are refused with a 400 rather than sent to the database."""

    def __init__(self, *args, max_length: int = 100, **kwargs):
        self.openapi_schema = {"type": "string", "maxLength": max_length}
        super().__init__(*args, max_length=max_length, **kwargs)


class SlugFilter(TextFilter):
    """An organisation's or shop's slug."""


class PointField(forms.CharField):
    """``latitude,longitude`` in decimal degrees, e.g. ``48.8566,2.3522``."""

    default_error_messages = {
        "invalid": _("Give a position as latitude,longitude, e.g. 48.8566,2.3522."),
        "range": _("Latitude must be between -90 and 90, longitude between -180 and 180."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            latitude, longitude = (float(part) for part in value.split(","))
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            raise forms.ValidationError(self.error_messages["range"], code="range")
        return latitude, longitude


class PointFilter(SchemaTypedFilterMixin, django_filters.Filter):
    field_class = PointField
    openapi_schema = {"type": "string", "example": "48.8566,2.3522"}


class ShopFilter(django_filters.FilterSet):
    organisation = SlugFilter(field_name="organisation__slug", label=_("organisation (slug)"))
    kind = django_filters.ChoiceFilter(
        field_name="organisation__kind", choices=OrganisationKind.choices, label=_("kind of organisation")
    )
    near = PointFilter(
        method="filter_near", label=_("latitude,longitude: nearest first, with distance_km in each result")
    )

    class Meta:
        model = Shop
        fields = []

    def filter_near(self, queryset, name, point):
        latitude, longitude = point
        return order_by_distance(queryset, latitude=latitude, longitude=longitude)


class DepotFilter(django_filters.FilterSet):
    organisation = SlugFilter(field_name="organisation__slug", label=_("organisation (slug)"))

    class Meta:
        model = Depot
        fields = []


class MemberFilter(django_filters.FilterSet):
    category = IdFilter(field_name="categories", label=_("customer category id"))
    volunteer = django_filters.ChoiceFilter(choices=VolunteerAnswer.choices, label=_("volunteer"))
    volunteer_domain = django_filters.ChoiceFilter(
        field_name="volunteer_domains__code", choices=VolunteerDomainCode.choices, label=_("volunteering domain")
    )

    class Meta:
        model = Member
        fields = []
