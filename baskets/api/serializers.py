from rest_framework import serializers

from baskets.choices import Fulfilment
from baskets.models import Reservation, ReservationLine
from baskets.services import MAX_LINES, MAX_QUANTITY


class ReservationLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReservationLine
        fields = ["offer", "quantity", "shop", "unit_price_incl_tax", "holds_stock"]


class ReservationSerializer(serializers.ModelSerializer):
    lines = ReservationLineSerializer(many=True, read_only=True)

    class Meta:
        model = Reservation
        fields = ["id", "status", "fulfilment", "pickup_shop", "placed_at", "lines"]


class LineRequestSerializer(serializers.Serializer):
    offer = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)


class ReservationRequestSerializer(serializers.Serializer):
    """What a customer sends to place an order; the rules are checked by ``reservation_create``."""

    lines = LineRequestSerializer(many=True, min_length=1, max_length=MAX_LINES)
    fulfilment = serializers.ChoiceField(choices=Fulfilment.choices)
    pickup_shop = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)


class CancelRequestSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=300, required=False, allow_blank=True)
