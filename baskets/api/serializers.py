from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from baskets.choices import Fulfilment, PaymentMethod
from baskets.models import Reservation, ReservationLine
from baskets.services import MAX_LINES, MAX_QUANTITY

ID = {"min_value": 1, "max_value": 2**31 - 1}


class ReservationLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReservationLine
        fields = [
            "id",
            "offer",
            "quantity",
            "shop",
            "unit_price_incl_tax",
            "holds_stock",
            "cancelled_at",
            "cancelled_reason",
            "returned_quantity",
        ]


class DeliveryAddressSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=150)
    address = serializers.CharField(max_length=255)
    postcode = serializers.CharField(max_length=5)
    city = serializers.CharField(max_length=100)


class ReservationListSerializer(serializers.ListSerializer):
    def to_representation(self, data):
        """The parts of every order of the page in one query, not one per order."""
        reservations = list(data.all() if hasattr(data, "all") else data)
        parts: dict = {}
        for checkout, pk in Reservation.objects.filter(
            checkout__in={reservation.checkout for reservation in reservations}
        ).values_list("checkout", "pk"):
            parts.setdefault(checkout, []).append(pk)
        self.child.context["parts"] = parts
        return super().to_representation(reservations)


class ReservationSerializer(serializers.ModelSerializer):
    lines = ReservationLineSerializer(many=True, read_only=True)
    address = serializers.SerializerMethodField()
    parts = serializers.SerializerMethodField(help_text="Ids of the orders placed in the same checkout (one per shop).")
    total_incl_tax = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)

    class Meta:
        model = Reservation
        fields = [
            "id",
            "checkout",
            "parts",
            "status",
            "fulfilment",
            "organisation",
            "shop",
            "pickup_shop",
            "pickup_on",
            "pickup_deadline",
            "due_at",
            "address",
            "carrier",
            "tracking_number",
            "payment_status",
            "payment_method",
            "total_incl_tax",
            "placed_at",
            "lines",
        ]
        list_serializer_class = ReservationListSerializer

    @extend_schema_field(DeliveryAddressSerializer(allow_null=True))
    def get_address(self, reservation):
        if reservation.fulfilment != Fulfilment.DELIVERY:
            return None
        return {
            "name": reservation.delivery_name,
            "address": reservation.delivery_address,
            "postcode": reservation.delivery_postcode,
            "city": reservation.delivery_city,
        }

    def get_parts(self, reservation) -> list[int]:
        if "parts" in self.context:
            return sorted(self.context["parts"].get(reservation.checkout, []))
        return sorted(Reservation.objects.filter(checkout=reservation.checkout).values_list("pk", flat=True))


class LineRequestSerializer(serializers.Serializer):
    offer = serializers.IntegerField(**ID)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class ReservationRequestSerializer(serializers.Serializer):
    """What a customer sends to place an order; the rules are checked by ``reservation_create``."""

    lines = LineRequestSerializer(many=True, min_length=1, max_length=MAX_LINES)
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)
    pickup_shop = serializers.IntegerField(**ID, required=False)
    pickup_shops = serializers.ListField(
        child=serializers.IntegerField(**ID),
        required=False,
        max_length=MAX_LINES,
        help_text="For a basket from several organisations: the pickup shop chosen in each.",
    )
    pickup_on = serializers.DateField(required=False, help_text="The day the customer plans to come (optional).")
    address = DeliveryAddressSerializer(required=False, help_text="For home delivery.")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class CollectSerializer(serializers.Serializer):
    payment_method = serializers.ChoiceField(
        choices=PaymentMethod.choices, help_text="How the customer paid at pickup."
    )


class ShipSerializer(serializers.Serializer):
    carrier = serializers.CharField(max_length=100)
    tracking_number = serializers.CharField(max_length=100)


class LineCancelSerializer(serializers.Serializer):
    line = serializers.IntegerField(**ID)
    reason = serializers.CharField(max_length=300)


class ReassignSerializer(serializers.Serializer):
    shop = serializers.IntegerField(**ID, required=False, help_text="Empty: the nearest shop holding the stock.")
    lines = serializers.ListField(child=serializers.IntegerField(**ID), required=False, max_length=MAX_LINES)
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class ReturnSerializer(serializers.Serializer):
    line = serializers.IntegerField(**ID)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    restock = serializers.BooleanField()
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
