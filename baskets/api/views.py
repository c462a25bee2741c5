"""Reservation endpoints: parse the body, call the services, serialise. No rule is decided here."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from baskets.choices import ReservationStatus
from baskets.models import Reservation
from baskets.selectors import may_handle, may_reassign, reservation_list_visible
from baskets.services import (
    DeliveryAddress,
    LineRequest,
    line_return_record,
    reservation_cancel_by_customer,
    reservation_create,
    reservation_line_cancel,
    reservation_reassign,
    reservation_transition,
)
from pivot_site.api_errors import error_responses

from .serializers import (
    CollectSerializer,
    LineCancelSerializer,
    ReasonSerializer,
    ReassignSerializer,
    ReservationRequestSerializer,
    ReservationSerializer,
    ReturnSerializer,
    ShipSerializer,
)

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
STAFF_RESPONSES = {200: ReservationSerializer, 400: REFUSED, **error_responses(401, 403, 404)}
PLACED_EXAMPLE = {
    "id": 12,
    "checkout": "3f6c1c1e-8d0a-4c53-9a55-2a3f2c9f6b10",
    "parts": [12],
    "status": "placed",
    "fulfilment": "pickup",
    "organisation": 2,
    "shop": 3,
    "pickup_shop": 3,
    "pickup_on": None,
    "pickup_deadline": "2026-11-30T18:00:00+01:00",
    "due_at": "2026-11-22T18:00:00+01:00",
    "address": None,
    "carrier": "",
    "tracking_number": "",
    "payment_status": "at_pickup",
    "payment_method": "",
    "total_incl_tax": "45.00",
    "placed_at": "2026-11-21T18:00:00+01:00",
    "lines": [
        {
            "id": 31,
            "offer": 42,
            "quantity": 1,
            "shop": 3,
            "unit_price_incl_tax": "45.00",
            "holds_stock": True,
            "cancelled_at": None,
            "cancelled_reason": "",
            "returned_quantity": 0,
        }
    ],
}
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
    """Orders: customers see and cancel their own; staff see and handle their organisation's; animators all."""

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
            ),
            OpenApiExample(
                "Home delivery",
                value={
                    "lines": [{"offer": 42, "quantity": 1}, {"offer": 57, "quantity": 2}],
                    "fulfilment": "delivery",
                    "address": {
                        "name": "Camille Martin",
                        "address": "3 rue des Lilas",
                        "postcode": "69003",
                        "city": "Lyon",
                    },
                },
                request_only=True,
            ),
            OpenApiExample("Placed", value=PLACED_EXAMPLE, response_only=True, status_codes=["201"]),
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
        address = data.get("address")
        reservation = reservation_create(
            customer=request.user,
            lines=[LineRequest(line["offer"], line["quantity"]) for line in data["lines"]],
            fulfilment=data["fulfilment"],
            pickup_shop_id=data.get("pickup_shop"),
            pickup_shop_ids=data.get("pickup_shops", ()),
            pickup_on=data.get("pickup_on"),
            address=DeliveryAddress(**address) if address else None,
            idempotency_key=key,
            actor=request.user,
        )
        # Its customer sees it: no need for the visibility rules' queries.
        reservation = Reservation.objects.prefetch_related("lines").get(pk=reservation.pk)
        return Response(ReservationSerializer(reservation).data, status=status.HTTP_201_CREATED)

    def _handled(self, request):
        reservation = self.get_object()
        if not may_handle(user=request.user, reservation=reservation):
            raise PermissionDenied(_("Only the staff of the organisation can do this."))
        return reservation

    def _answer(self, reservation):
        return Response(ReservationSerializer(self.get_queryset().get(pk=reservation.pk)).data)

    def _move(self, request, reservation, to_status, **options):
        reservation_transition(reservation=reservation, to_status=to_status, actor=request.user, **options)
        return self._answer(reservation)

    @extend_schema(
        summary="Cancel an order",
        description="The customer may cancel until the order is ready; the organisation's staff at any time before "
        "it is handed over (give a reason).",
        request=ReasonSerializer,
        responses={200: ReservationSerializer, 400: REFUSED, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        reservation = self.get_object()
        if reservation.customer_id == request.user.pk:
            reason = _body(ReasonSerializer, request).get("reason", "")
            reservation_cancel_by_customer(reservation=reservation, customer=request.user, reason=reason)
            return self._answer(reservation)
        reservation = self._handled(request)
        return self._move(
            request, reservation, ReservationStatus.CANCELLED, reason=_body(ReasonSerializer, request).get("reason", "")
        )

    @extend_schema(summary="Accept an order (staff)", request=None, responses=STAFF_RESPONSES)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._move(request, self._handled(request), ReservationStatus.ACCEPTED)

    @extend_schema(summary="Refuse an order (staff)", request=ReasonSerializer, responses=STAFF_RESPONSES)
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        reservation = self._handled(request)
        reason = _body(ReasonSerializer, request).get("reason", "")
        return self._move(request, reservation, ReservationStatus.REFUSED, reason=reason)

    @extend_schema(summary="Mark an order ready for pickup (staff)", request=None, responses=STAFF_RESPONSES)
    @action(detail=True, methods=["post"])
    def ready(self, request, pk=None):
        return self._move(request, self._handled(request), ReservationStatus.READY)

    @extend_schema(
        summary="Record the collection and the payment (staff)", request=CollectSerializer, responses=STAFF_RESPONSES
    )
    @action(detail=True, methods=["post"])
    def collect(self, request, pk=None):
        reservation = self._handled(request)
        data = _body(CollectSerializer, request)
        return self._move(request, reservation, ReservationStatus.COLLECTED, payment_method=data["payment_method"])

    @extend_schema(summary="Ship an order (staff)", request=ShipSerializer, responses=STAFF_RESPONSES)
    @action(detail=True, methods=["post"])
    def ship(self, request, pk=None):
        reservation = self._handled(request)
        return self._move(request, reservation, ReservationStatus.SHIPPED, **_body(ShipSerializer, request))

    @extend_schema(summary="Record the delivery of a shipped order (staff)", request=None, responses=STAFF_RESPONSES)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        return self._move(request, self._handled(request), ReservationStatus.DELIVERED)

    @extend_schema(
        summary="Cancel one line of an order (staff)", request=LineCancelSerializer, responses=STAFF_RESPONSES
    )
    @action(detail=True, methods=["post"], url_path="cancel-line")
    def cancel_line(self, request, pk=None):
        reservation = self._handled(request)
        data = _body(LineCancelSerializer, request)
        line = _line_of(reservation, data["line"])
        reservation_line_cancel(line=line, actor=request.user, reason=data["reason"])
        return self._answer(reservation)

    @extend_schema(
        summary="Record a return (staff)",
        description="Units brought back after collection or delivery; `restock` puts them back on sale.",
        request=ReturnSerializer,
        responses=STAFF_RESPONSES,
    )
    @action(detail=True, methods=["post"], url_path="return")
    def record_return(self, request, pk=None):
        reservation = self._handled(request)
        data = _body(ReturnSerializer, request)
        line_return_record(
            line=_line_of(reservation, data["line"]),
            quantity=data["quantity"],
            restock=data["restock"],
            reason=data.get("reason", ""),
            actor=request.user,
        )
        return self._answer(reservation)

    @extend_schema(
        summary="Reassign an order or some lines to another shop (animators)",
        description="Without `shop`, the nearest shop of the organisation holding the stock that has not had the "
        "order yet. Moved lines (`lines`) become a new order of the same checkout, returned here.",
        request=ReassignSerializer,
        examples=[OpenApiExample("To a shop", value={"shop": 7, "reason": "Boutique fermée pour travaux"})],
        responses={**STAFF_RESPONSES, 409: INSUFFICIENT_STOCK},
    )
    @action(detail=True, methods=["post"])
    def reassign(self, request, pk=None):
        reservation = self.get_object()
        if not may_reassign(user=request.user):
            raise PermissionDenied(_("Only animators can move an order to another shop."))
        data = _body(ReassignSerializer, request)
        moved = reservation_reassign(
            reservation=reservation,
            shop_id=data.get("shop"),
            line_ids=data.get("lines"),
            actor=request.user,
            reason=data.get("reason", ""),
        )
        if moved is None:
            raise ValidationError({"shop": [_("No other shop of the organisation holds these items.")]})
        return self._answer(moved)


def _body(serializer_class, request) -> dict:
    body = serializer_class(data=request.data)
    body.is_valid(raise_exception=True)
    return body.validated_data


def _line_of(reservation, line_id):
    line = reservation.lines.filter(pk=line_id).first()
    if line is None:
        raise ValidationError({"line": [_("This line is not part of the order.")]})
    return line
