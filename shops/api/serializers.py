"""Read-only representations of shops, depots and members."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from shops.models import CustomerCategory, Depot, Member, OpeningPeriod, PickupSlot, Shop


class OpeningPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = OpeningPeriod
        fields = ["weekday", "opens", "closes"]


class ShopSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    opening_hours = OpeningPeriodSerializer(many=True, read_only=True)
    distance_km = serializers.SerializerMethodField()

    class Meta:
        model = Shop
        fields = [
            "id",
            "name",
            "slug",
            "organisation",
            "organisation_kind",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "phone",
            "email",
            "opening_hours",
            "distance_km",
        ]

    @extend_schema_field(serializers.FloatField(allow_null=True, help_text="only with ?near=lat,lon"))
    def get_distance_km(self, shop):
        distance = getattr(shop, "distance_km", None)
        return None if distance is None else round(distance, 2)


class PickupSlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = PickupSlot
        fields = ["weekday", "starts", "ends"]


class DepotSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    shop = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    pickup_slots = PickupSlotSerializer(many=True, read_only=True)

    class Meta:
        model = Depot
        fields = [
            "id",
            "name",
            "organisation",
            "shop",
            "address",
            "postcode",
            "city",
            "latitude",
            "longitude",
            "pickup_slots",
            "delivery_fee",
            "restricted",
            "public_note",
            "capacity",
        ]


class CustomerCategorySummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = CustomerCategory
        fields = ["id", "name"]


class MemberSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    # Ids as well as names: the ``category`` filter takes an id.
    categories = CustomerCategorySummarySerializer(many=True, read_only=True)
    volunteer_domains = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Member
        fields = [
            "id",
            "organisation",
            "first_name",
            "last_name",
            "email",
            "phone",
            "address",
            "postcode",
            "city",
            "categories",
            "volunteer",
            "volunteer_domains",
            "is_employee",
            "contact_by_email",
            "contact_by_sms",
        ]
