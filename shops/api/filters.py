import django_filters
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import ValidationError

from shops.choices import OrganisationKind, VolunteerAnswer, VolunteerDomainCode
from shops.models import Member, Shop
from shops.selectors import order_by_distance


def parse_point(value):
    try:
        latitude, longitude = (float(part) for part in value.split(","))
    except (ValueError, TypeError):
        raise ValidationError({"near": _("Give a position as latitude,longitude, e.g. 48.8566,2.3522.")})
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValidationError({"near": _("Latitude must be between -90 and 90, longitude between -180 and 180.")})
    return latitude, longitude


class ShopFilter(django_filters.FilterSet):
    organisation = django_filters.CharFilter(field_name="organisation__slug", label=_("organisation (slug)"))
    kind = django_filters.ChoiceFilter(field_name="organisation__kind", choices=OrganisationKind.choices)
    near = django_filters.CharFilter(
        method="filter_near", label=_("latitude,longitude: nearest first, with distance_km")
    )

    class Meta:
        model = Shop
        fields = []

    def filter_near(self, queryset, name, value):
        latitude, longitude = parse_point(value)
        return order_by_distance(queryset, latitude=latitude, longitude=longitude)


class MemberFilter(django_filters.FilterSet):
    category = django_filters.NumberFilter(field_name="categories")
    volunteer = django_filters.ChoiceFilter(choices=VolunteerAnswer.choices)
    volunteer_domain = django_filters.ChoiceFilter(
        field_name="volunteer_domains__code", choices=VolunteerDomainCode.choices
    )

    class Meta:
        model = Member
        fields = []
