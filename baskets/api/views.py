"""Reservation endpoints: parse the body, call the services, serialise. No rule is decided here."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from baskets.selectors import reservation_list_visible
from baskets.services import LineRequest, reservation_cancel_by_customer, reservation_create
from pivot_site.api_errors import error_responses

from .serializers import CancelRequestSerializer, ReservationRequestSerializer, ReservationSerializer

DOMAIN_ERROR = {
    "type": "object",
    "properties": {"code": {"type": "string"}, "detail": {"type": "string"}, "field": {"type": "string"}},
    "required": ["code", "detail"],
}
INSUFFICIENT_STOCK = OpenApiResponse(
    DOMAIN_ERROR,
    description=_("Not enough stock for some lines; none was reserved."),
    examples=[
        OpenApiExample(
            "Short line",
            value={
                "code": "insufficient_stock",
                "detail": "Pas assez de stock pour certaines lignes de la commande.",
                "lines": [{"offer": 42, "requested": 2, "available": 1}],
            },
        )
    ],
)
REFUSED = OpenApiResponse(DOMAIN_ERROR, description=_("Invalid body, or a rule refused it (code, detail, field)."))
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    str,
    OpenApiParameter.HEADER,
    required=False,
    description="A retried POST with the same key returns the first order instead of placing a second one.",
)


@extend_schema_view(
    list=extend_schema(summary="List my orders", responses={200: ReservationSerializer, **error_responses(400, 401)}),
    retrieve=extend_schema(
        summary="Show an order", responses={200: ReservationSerializer, **error_responses(401, 404)}
    ),
)
class ReservationViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Orders: customers see and cancel their own, staff see those with a line of their organisation."""

    serializer_class = ReservationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return reservation_list_visible(user=self.request.user).order_by("-placed_at", "-pk")

    @extend_schema(
        summary="Place an order",
        parameters=[IDEMPOTENCY_KEY],
        request=ReservationRequestSerializer,
        examples=[
            OpenApiExample(
                "Pickup",
                value={"lines": [{"offer": 42, "quantity": 1}], "fulfilment": "pickup", "pickup_shop": 3},
                request_only=True,
            )
        ],
        responses={201: ReservationSerializer, 400: REFUSED, 409: INSUFFICIENT_STOCK, **error_responses(401)},
    )
    def create(self, request, *args, **kwargs):
        body = ReservationRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        key = request.headers.get("Idempotency-Key", "").strip()
        if len(key) > 100:
            raise ValidationError({"Idempotency-Key": [_("At most 100 characters.")]})
        reservation = reservation_create(
            customer=request.user,
            lines=[LineRequest(line["offer"], line["quantity"]) for line in data["lines"]],
            fulfilment=data["fulfilment"],
            pickup_shop_id=data.get("pickup_shop"),
            idempotency_key=key,
            actor=request.user,
        )
        reservation = self.get_queryset().get(pk=reservation.pk)
        return Response(ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Cancel my order",
        request=CancelRequestSerializer,
        responses={200: ReservationSerializer, 400: REFUSED, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reservation = self.get_object()
        body = CancelRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        reservation_cancel_by_customer(
            reservation=reservation, customer=request.user, reason=body.validated_data.get("reason", "")
        )
        return Response(ReservationSerializer(self.get_queryset().get(pk=reservation.pk)).data)
