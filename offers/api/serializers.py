"""Read-only representations of the catalogue; prices come from the model, rounded half-up to the cent."""

from decimal import ROUND_HALF_UP

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from offers.models import Offer, Product, ProductCategory
from shops.models import Shop


class OfferShopSerializer(serializers.ModelSerializer):
    """Where the stock is, with coordinates for maps and distances."""

    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)

    class Meta:
        model = Shop
        fields = ["id", "name", "slug", "address", "postcode", "city", "latitude", "longitude"]


class CategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = ProductCategory
        fields = ["id", "name", "path"]


class ProductSerializer(serializers.ModelSerializer):
    category = CategorySerializer()
    producer = serializers.StringRelatedField(allow_null=True)

    class Meta:
        model = Product
        fields = [
            "id",
            "name",
            "description",
            "category",
            "producer",
            "unit",
            "brand",
            "model_code",
            "size",
            "colour",
            "material",
            "gtin",
            "supplier_reference",
            "is_unique_item",
            "condition",
            "width_cm",
            "height_cm",
            "depth_cm",
            "weight_kg",
            "provenance",
        ]


class OfferSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    organisation_kind = serializers.CharField(source="organisation.kind", read_only=True)
    product = ProductSerializer(read_only=True)
    shop = OfferShopSerializer(read_only=True, allow_null=True)
    # Stored with 4 decimals; shown to the cent with the same half-up rounding as offers.pricing.
    price_excl_tax = serializers.DecimalField(max_digits=12, decimal_places=2, rounding=ROUND_HALF_UP, read_only=True)
    vat_rate = serializers.DecimalField(max_digits=4, decimal_places=2, read_only=True)
    price_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2, rounding=ROUND_HALF_UP, read_only=True)
    stock_available = serializers.SerializerMethodField()

    class Meta:
        model = Offer
        fields = [
            "id",
            "organisation",
            "organisation_kind",
            "shop",
            "product",
            "price_excl_tax",
            "vat_rate",
            "price_incl_tax",
            "unlimited_stock",
            "stock_available",
            "available_from",
            "available_until",
            "case_size",
            "minimum_cases",
            "sale_mode",
            "status",
        ]

    @extend_schema_field(serializers.IntegerField(allow_null=True, help_text="null when the stock is unlimited"))
    def get_stock_available(self, offer):
        return offer.stock_available
