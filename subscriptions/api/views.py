"""Subscription, delivery and absence endpoints: parse the body, call the services, serialise. No rule is decided
here; a refusal (``ChangeRefused``) is answered 409 and bad input for the rules (``InvalidSubscription``) 400 by the
project's exception handler."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pivot_site.api_errors import error_responses
from subscriptions.models import Delivery, Subscription
from subscriptions.selectors import counters_of, deliveries_visible, subscriptions_visible
from subscriptions.services import (
    absence_declare,
    delivery_cancel,
    delivery_double,
    delivery_postpone,
    subscription_change_day,
    subscription_change_depot,
)

from .serializers import (
    AbsenceSerializer,
    ChangeDaySerializer,
    ChangeDepotSerializer,
    DeliveriesSerializer,
    DeliveryQuerySerializer,
    DeliverySerializer,
    OverrideSerializer,
    PostponedSerializer,
    PostponeSerializer,
    RefusalSerializer,
    SubscriptionChangeSerializer,
    SubscriptionSerializer,
)

COUNTERS_EXAMPLE = {
    "cancelled": 3,
    "max_cancellations": 3,
    "postponed": 1,
    "doubled": 0,
    "window_starts_on": "2027-07-01",
    "window_ends_on": "2027-08-31",
    "window_used": 3,
    "window_max": 3,
    "to_make_up": 0,
    "make_up_before": None,
}
NOTICE_TOO_SHORT = OpenApiExample(
    "notice_too_short",
    summary="Too late to change this delivery",
    value={
        "code": "notice_too_short",
        "detail": "La livraison du 16 mars 2027 ne peut plus être modifiée : les changements ferment 48 heures avant.",
        "date": "2027-03-16",
        "deadline": "2027-03-14T17:00:00+01:00",
        "counters": COUNTERS_EXAMPLE,
    },
    response_only=True,
    status_codes=["409"],
)
QUOTA_EXCEEDED = OpenApiExample(
    "quota_exceeded",
    summary="No cancellation or postponement left",
    value={
        "code": "quota_exceeded",
        "detail": "Cet abonnement permet 3 annulations, toutes déjà utilisées.",
        "counters": COUNTERS_EXAMPLE,
    },
    response_only=True,
    status_codes=["409"],
)
DOUBLING_CAP_REACHED = OpenApiExample(
    "doubling_cap_reached",
    summary="No more doubled baskets that day",
    value={
        "code": "doubling_cap_reached",
        "detail": "Plus aucun panier ne peut être doublé le 16 mars 2027.",
        "date": "2027-03-16",
        "dates_with_room": ["2027-03-23", "2027-03-30", "2027-04-06"],
        "counters": {**COUNTERS_EXAMPLE, "cancelled": 1, "window_used": 0},
    },
    response_only=True,
    status_codes=["409"],
)
OUTSIDE_PERIOD = OpenApiExample(
    "outside_period",
    summary="Postponed past the subscription",
    value={
        "code": "outside_period",
        "detail": "Le 4 janvier 2028 est en dehors de votre abonnement (2 mars 2027 – 21 décembre 2027).",
        "field": "to_date",
    },
    response_only=True,
    status_codes=["409"],
)
WRONG_ACCESS_CODE = OpenApiExample(
    "wrong_access_code",
    summary="A restricted depot's code is wrong",
    value={"code": "wrong_access_code", "detail": "Le code d'accès de ce dépôt est faux.", "field": "access_code"},
    response_only=True,
    status_codes=["409"],
)
MALFORMED_DATE = OpenApiExample(
    "Malformed date",
    value={"to_date": ["La date n'a pas le bon format. Utilisez un des formats suivants : YYYY-MM-DD."]},
    response_only=True,
    status_codes=["400"],
)
REASON_REQUIRED = OpenApiExample(
    "reason_required",
    summary="A staff override without its reason",
    value={"code": "reason_required", "detail": "Indiquez la raison du passage outre les règles.", "field": "reason"},
    response_only=True,
    status_codes=["400"],
)
OVERRIDE_NOT_ALLOWED = OpenApiExample(
    "override_not_allowed",
    summary="A member asked for an override",
    value={"code": "override_not_allowed", "detail": "Seule l'équipe du jardin peut passer outre les règles."},
    response_only=True,
    status_codes=["400"],
)

REFUSED = OpenApiResponse(
    RefusalSerializer,
    description=_(
        "A rule of the plan refused the change; nothing was changed. `code` says which (`notice_too_short`, "
        "`quota_exceeded`, `doubling_cap_reached`, `outside_period`, `date_in_past`, `no_delivery_that_day`, "
        "`depot_closed`, `outside_season`, `not_planned`, `already_doubled`, `delivery_doubled`, `same_week`, "
        "`date_taken`, `cancellation_not_allowed`, `postponement_not_allowed`, `wrong_access_code`); `counters` "
        "come with the refusals that count."
    ),
)
INVALID = OpenApiResponse(
    {
        "type": "object",
        "description": "Either each field with its messages, or a rule's `code`, `detail` and `field`.",
        "additionalProperties": True,
    },
    description=_("Malformed body (each field with its messages), or input the rules reject (code, detail, field)."),
)
CHANGE_RESPONSES = {400: INVALID, 409: REFUSED, **error_responses(401, 404)}
CHANGE_ERROR_EXAMPLES = [MALFORMED_DATE, REASON_REQUIRED, OVERRIDE_NOT_ALLOWED, NOTICE_TOO_SHORT]


def _body(serializer_class, request) -> dict:
    body = serializer_class(data=request.data, context={"request": request})
    body.is_valid(raise_exception=True)
    return body.validated_data


def _override(data: dict) -> dict:
    return {"override": data["override"], "reason": data["reason"]}


@extend_schema_view(
    list=extend_schema(
        summary="List subscriptions",
        description="A member's own subscriptions, in every organisation; staff: their organisations'.",
        responses={200: SubscriptionSerializer, **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="Show a subscription", responses={200: SubscriptionSerializer, **error_responses(401, 404)}
    ),
)
class SubscriptionViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Subscription.objects.none()  # for the schema; get_queryset scopes the rows
    serializer_class = SubscriptionSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return subscriptions_visible(user=self.request.user).order_by("starts_on", "pk")

    def list(self, request, *args, **kwargs):
        """The page's counters in two queries, whatever its size."""
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "counters": counters_of(subscriptions=page)}
        return self.get_paginated_response(self.get_serializer_class()(page, many=True, context=context).data)

    def _changed(self, subscription, depot, moved):
        subscription = self.get_queryset().get(pk=subscription.pk)
        result = {"subscription": subscription, "depot": depot or subscription.depot, "moved": len(moved)}
        return Response(SubscriptionChangeSerializer(result).data)

    @extend_schema(
        summary="Change the depot",
        description="Deliver to another depot of the garden from `from_date` on: until `until_date` included, or "
        "(null) for the rest of the subscription. A restricted depot asks its `access_code`; the answer "
        "gives the depot's note for members and how many deliveries moved.",
        request=ChangeDepotSerializer,
        examples=[
            OpenApiExample(
                "For two weeks",
                value={"depot": 4, "from_date": "2027-05-04", "until_date": "2027-05-11"},
                request_only=True,
            ),
            OpenApiExample(
                "For good, to a restricted depot",
                value={"depot": 5, "from_date": "2027-05-04", "until_date": None, "access_code": "1234"},
                request_only=True,
            ),
            *CHANGE_ERROR_EXAMPLES,
            WRONG_ACCESS_CODE,
        ],
        responses={200: SubscriptionChangeSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="change-depot")
    def change_depot(self, request, pk=None):
        subscription = self.get_object()
        data = _body(ChangeDepotSerializer, request)
        moved = subscription_change_depot(
            subscription=subscription,
            depot=data["depot"],
            from_date=data["from_date"],
            until_date=data["until_date"],
            access_code=data["access_code"],
            actor=request.user,
            **_override(data),
        )
        return self._changed(subscription, data["depot"], moved)

    @extend_schema(
        summary="Change the delivery day",
        description="From `from_date` on, each planned delivery moves to `weekday` of its week, at `depot` if "
        "given; a week without delivery that day is cancelled without counting against the quotas.",
        request=ChangeDaySerializer,
        examples=[
            OpenApiExample(
                "To Fridays at another depot",
                value={"weekday": 4, "from_date": "2027-05-04", "depot": 5},
                request_only=True,
            ),
            *CHANGE_ERROR_EXAMPLES,
            WRONG_ACCESS_CODE,
        ],
        responses={200: SubscriptionChangeSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"], url_path="change-day")
    def change_day(self, request, pk=None):
        subscription = self.get_object()
        data = _body(ChangeDaySerializer, request)
        moved = subscription_change_day(
            subscription=subscription,
            weekday=data["weekday"],
            from_date=data["from_date"],
            depot=data.get("depot"),
            access_code=data["access_code"],
            actor=request.user,
            **_override(data),
        )
        return self._changed(subscription, None, moved)


@extend_schema_view(
    list=extend_schema(
        summary="List deliveries",
        description="The deliveries of the member's subscriptions (staff: of their organisations'), by date.",
        parameters=[DeliveryQuerySerializer],
        responses={
            200: DeliverySerializer,
            400: OpenApiResponse(
                INVALID.response,
                description=_("A malformed date or page, with a message for each parameter."),
                examples=[
                    OpenApiExample(
                        "Malformed date",
                        value={
                            "from": ["La date n'a pas le bon format. Utilisez un des formats suivants : YYYY-MM-DD."]
                        },
                    )
                ],
            ),
            **error_responses(401),
        },
    ),
    retrieve=extend_schema(summary="Show a delivery", responses={200: DeliverySerializer, **error_responses(401, 404)}),
)
class DeliveryViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Delivery.objects.none()  # for the schema; get_queryset scopes the rows
    serializer_class = DeliverySerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return deliveries_visible(user=self.request.user).order_by("date", "pk")

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action != "list":
            return queryset
        query = DeliveryQuerySerializer(data=self.request.query_params)
        query.is_valid(raise_exception=True)
        params = query.validated_data
        if "from" in params:
            queryset = queryset.filter(date__gte=params["from"])
        if "to" in params:
            queryset = queryset.filter(date__lte=params["to"])
        if "subscription" in params:
            queryset = queryset.filter(subscription_id=params["subscription"])
        return queryset

    def _answer(self, delivery):
        return DeliverySerializer(self.get_queryset().get(pk=delivery.pk)).data

    @extend_schema(
        summary="Postpone a delivery",
        description="Move the basket to a delivery of another week, which is then doubled (or, for a count-based "
        "subscription, a new date). Answers with both deliveries: `delivery` (now `postponed`) and `to`.",
        request=PostponeSerializer,
        examples=[
            OpenApiExample("To a later week", value={"to_date": "2027-03-23"}, request_only=True),
            OpenApiExample(
                "Staff override",
                value={"to_date": "2027-03-23", "override": True, "reason": "Accord du jardin"},
                request_only=True,
            ),
            *CHANGE_ERROR_EXAMPLES,
            QUOTA_EXCEEDED,
            DOUBLING_CAP_REACHED,
            OUTSIDE_PERIOD,
        ],
        responses={200: PostponedSerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def postpone(self, request, pk=None):
        delivery = self.get_object()
        data = _body(PostponeSerializer, request)
        target = delivery_postpone(delivery=delivery, to_date=data["to_date"], actor=request.user, **_override(data))
        return Response({"delivery": self._answer(delivery), "to": self._answer(target)})

    @extend_schema(
        summary="Cancel a delivery",
        description="The delivery is no longer billed; a count-based subscription gets one more at its end.",
        request=OverrideSerializer,
        examples=[
            OpenApiExample("Member", value={}, request_only=True),
            OpenApiExample("Staff override", value={"override": True, "reason": "Hospitalisation"}, request_only=True),
            *CHANGE_ERROR_EXAMPLES,
            QUOTA_EXCEEDED,
        ],
        responses={200: DeliverySerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        delivery = self.get_object()
        data = _body(OverrideSerializer, request)
        delivery_cancel(delivery=delivery, actor=request.user, **_override(data))
        return Response(self._answer(delivery))

    @extend_schema(
        summary="Double a delivery",
        description="Receive two baskets on this date, within the plan's cap of doubled baskets for the date; "
        "when it is reached, the refusal lists the dates that still have room.",
        request=OverrideSerializer,
        examples=[OpenApiExample("Member", value={}, request_only=True), *CHANGE_ERROR_EXAMPLES, DOUBLING_CAP_REACHED],
        responses={200: DeliverySerializer, **CHANGE_RESPONSES},
    )
    @action(detail=True, methods=["post"])
    def double(self, request, pk=None):
        delivery = self.get_object()
        data = _body(OverrideSerializer, request)
        delivery_double(delivery=delivery, actor=request.user, **_override(data))
        return Response(self._answer(delivery))


class AbsenceViewSet(mixins.CreateModelMixin, viewsets.GenericViewSet):
    serializer_class = AbsenceSerializer
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        summary="Declare an absence",
        description="Cancel the deliveries between `from_date` and `until_date` of every subscription of the member "
        "(basket, eggs, cheese...): `all` of them, or the chosen ids. All or nothing: a refused delivery refuses "
        "the absence, and the 409 names it (`delivery`, `subscription`). Staff say which `member`.",
        request=AbsenceSerializer,
        examples=[
            OpenApiExample(
                "Every delivery of two weeks",
                value={"from_date": "2027-07-12", "until_date": "2027-07-25", "deliveries": "all"},
                request_only=True,
            ),
            OpenApiExample(
                "Chosen deliveries, by staff",
                value={
                    "from_date": "2027-07-12",
                    "until_date": "2027-07-25",
                    "deliveries": [812, 815],
                    "member": 31,
                },
                request_only=True,
            ),
            *CHANGE_ERROR_EXAMPLES,
            QUOTA_EXCEEDED,
        ],
        responses={200: DeliveriesSerializer, 400: INVALID, 409: REFUSED, **error_responses(401)},
    )
    def create(self, request, *args, **kwargs):
        data = _body(AbsenceSerializer, request)
        cancelled = absence_declare(
            members=data["members"],
            from_date=data["from_date"],
            until_date=data["until_date"],
            delivery_ids=data["deliveries"],
            actor=request.user,
            **_override(data),
        )
        deliveries = deliveries_visible(user=request.user).filter(pk__in=[delivery.pk for delivery in cancelled])
        return Response(DeliveriesSerializer({"deliveries": deliveries.order_by("date", "pk")}).data)
