"""``/api/v1/stock-feeds/``: a shop pushes its stock (its own key, or a staff user's token), then reads the report.

The view only parses the body and calls ``imports.stock_kind.stock_feed_submit``; the feed runs in the
background (django-q2) like any bulk import, and its job is the feed's record and report.
"""

from __future__ import annotations

import django_filters
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import authentication, mixins, permissions, serializers, status, throttling, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from pivot_site.api_errors import error_responses
from pivot_site.exceptions import DomainError
from shops.api.filters import IdFilter
from shops.models import Shop

from .authentication import ShopKey, StockFeedKeyAuthentication
from .choices import FeedMode, ImportStatus
from .jobs import may_bulk_import
from .models import ImportJob
from .selectors import stock_feed_jobs_visible
from .stock_kind import MAX_JSON_LINES, feed_mode, lines_to_csv, stock_feed_submit

SHOWN_ERRORS = 100
MAX_CODE_CHARS = 200  # longer is no code (the feed's rules refuse more than 100 characters, line by line)


# Request bodies


@extend_schema_field({"oneOf": [{"type": "integer"}, {"type": "string", "maxLength": 50}]})
class QuantityField(serializers.Field):
    """A number or its text: whether it is a whole number within the ceiling is checked line by line, and a
    bad one is reported with its line rather than refusing the whole feed."""

    default_error_messages = {"invalid": _("Give a number.")}

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, int | float | str):
            self.fail("invalid")
        if isinstance(data, str) and (len(data) > 50 or any(ord(char) < 32 for char in data)):
            self.fail("invalid")
        return data

    def to_representation(self, value):
        return value


class StockLineSerializer(serializers.Serializer):
    code = serializers.CharField(
        max_length=MAX_CODE_CHARS, help_text="The product's EAN/GTIN, supplier reference or model code."
    )
    quantity = QuantityField(
        help_text="Units on the shelf (snapshot) or units added, negative when removed (delta).", allow_null=True
    )


class StockFeedPushSerializer(serializers.Serializer):
    shop = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**63 - 1,
        help_text="The shop (staff tokens only; a shop key always feeds its own shop).",
    )
    mode = serializers.ChoiceField(
        choices=FeedMode.choices, help_text="snapshot: the full stock (absent codes go to 0); delta: changes."
    )
    lines = StockLineSerializer(many=True, allow_empty=False, max_length=MAX_JSON_LINES)


class StockFeedUploadSerializer(serializers.Serializer):
    shop = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1, help_text="As for JSON.")
    mode = serializers.ChoiceField(choices=FeedMode.choices)
    file = serializers.FileField(
        help_text="csv (any delimiter), xlsx, xls or ods: a heading line, then one line per product with its code "
        "(EAN, reference) and its quantity."
    )


# Responses


class StockFeedAcceptedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ImportStatus.choices)
    url = serializers.URLField(help_text="Where to read the feed's status and report.")


class FeedErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField(allow_null=True, help_text="Line of the file (the heading line is 1).")
    column = serializers.CharField(allow_blank=True)
    message = serializers.CharField()


class StockFeedSerializer(serializers.ModelSerializer):
    mode = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display")
    file_name = serializers.CharField(source="original_name")
    counts = serializers.SerializerMethodField()
    errors = serializers.SerializerMethodField()
    notes = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "shop",
            "mode",
            "status",
            "status_label",
            "file_name",
            "rows_done",
            "counts",
            "message",
            "errors",
            "notes",
            "created_at",
            "started_at",
            "finished_at",
            "url",
        ]

    @extend_schema_field(serializers.ChoiceField(choices=FeedMode.choices))
    def get_mode(self, job) -> str:
        return feed_mode(job).value

    @extend_schema_field(
        {
            "type": "object",
            "additionalProperties": {"type": "integer"},
            "description": "updated, unchanged, rejected (refused lines), unknown (codes of no offer of the shop, "
            "ignored), clamped (stock kept at the units allocated to orders), zeroed (offers a snapshot left out).",
        }
    )
    def get_counts(self, job) -> dict:
        return {key: value for key, value in job.totals.items() if key not in ("created", "archived")}

    @extend_schema_field(FeedErrorSerializer(many=True))
    def get_errors(self, job) -> list:
        return [_entry(e) for e in job.errors if not e.get("note")][:SHOWN_ERRORS]

    @extend_schema_field(FeedErrorSerializer(many=True))
    def get_notes(self, job) -> list:
        return [_entry(e) for e in job.errors if e.get("note")][:SHOWN_ERRORS]

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, job) -> str:
        return _job_url(self.context.get("request"), job)


def _entry(error: dict) -> dict:
    return {"line": error.get("line"), "column": error.get("column", ""), "message": error.get("message", "")}


def _job_url(request, job) -> str:
    path = reverse("stock-feed-detail", args=[job.pk])
    return request.build_absolute_uri(path) if request is not None else path


# Filters, throttle


class StockFeedFilter(django_filters.FilterSet):
    shop = IdFilter(field_name="shop_id", label=_("Shop"))
    status = django_filters.ChoiceFilter(choices=ImportStatus.choices, label=_("Status"))

    class Meta:
        model = ImportJob
        fields = ["shop", "status"]


class StockFeedThrottle(throttling.SimpleRateThrottle):
    """Pushes per shop key (or per staff user): ``DEFAULT_THROTTLE_RATES["stock_feed"]``."""

    scope = "stock_feed"

    def get_cache_key(self, request, view):
        if isinstance(request.user, ShopKey):
            ident = f"key-{request.user.token.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


# Documentation


DOMAIN_ERROR = {
    "type": "object",
    "properties": {
        "code": {"type": "string"},
        "detail": {"type": "string"},
        "field": {"type": "string"},
        "line": {"type": "integer", "description": "The first bad line of `lines` (the first is 1)."},
    },
    "required": ["code", "detail"],
}
BAD_BODY = OpenApiResponse(
    DOMAIN_ERROR,
    description=_("A bad body: mode, no lines, too many lines, no file, an unreadable file (code, detail, field)."),
    examples=[
        OpenApiExample(
            "Unknown mode",
            value={"code": "invalid", "detail": "« full » n’est pas un choix valide.", "field": "mode"},
        ),
        OpenApiExample(
            "Too many lines",
            value={
                "code": "too_many_lines",
                "detail": "Au plus 50 000 lignes par envoi : découpez le stock en plusieurs envois « delta ».",
                "field": "lines",
            },
        ),
    ],
)
FEED_EXAMPLE = {
    "id": 812,
    "shop": 3,
    "mode": "snapshot",
    "status": "done",
    "status_label": "Importé",
    "file_name": "stock-20261121-180000.csv",
    "rows_done": 4,
    "counts": {"updated": 2, "unchanged": 1, "rejected": 1, "unknown": 1, "clamped": 1, "zeroed": 37},
    "message": "",
    "errors": [{"line": 5, "column": "quantity", "message": "« 2,5 » n’est pas un nombre entier d’unités."}],
    "notes": [
        {
            "line": 3,
            "column": "",
            "message": "Aucune offre de cette boutique n’a l’EAN ou la référence « 3760000000017 » : ligne ignorée.",
        },
        {
            "line": 4,
            "column": "",
            "message": "« Derby cuir 42 » (3760123456789) : 2 unités sont réservées par des commandes, son stock "
            "est donc mis à 2 et non à 0.",
        },
    ],
    "created_at": "2026-11-21T18:00:00+01:00",
    "started_at": "2026-11-21T18:00:01+01:00",
    "finished_at": "2026-11-21T18:00:02+01:00",
    "url": "https://pivot.example.org/api/v1/stock-feeds/812/",
}


@extend_schema_view(
    list=extend_schema(
        summary="List stock feeds",
        description="Newest first. A shop key sees its own shop's feeds; staff their organisations'; animators all.",
        responses={200: StockFeedSerializer, **error_responses(400, 401)},
    ),
    retrieve=extend_schema(
        summary="Show a stock feed and its report",
        description="`status` is `queued` or `running` until the feed is applied (`done`), refused (`rejected`: an "
        "unreadable file, or no column for the quantity) or `failed`. `errors` are the lines refused (first 100), "
        "`notes` the lines applied or ignored with a remark (first 100); `counts` has every total.",
        responses={200: StockFeedSerializer, **error_responses(401, 404)},
        examples=[OpenApiExample("Applied", value=FEED_EXAMPLE, response_only=True)],
    ),
)
class StockFeedViewSet(mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """A shop's stock pushed from its till, as a full snapshot or as changes, and the report of each push."""

    authentication_classes = [
        StockFeedKeyAuthentication,
        authentication.TokenAuthentication,
        authentication.SessionAuthentication,
    ]
    permission_classes = [permissions.IsAuthenticated]
    serializer_class = StockFeedSerializer
    filterset_class = StockFeedFilter
    lookup_value_regex = "[0-9]{1,18}"
    throttle_classes = [StockFeedThrottle]

    def get_queryset(self):
        return stock_feed_jobs_visible(user=self.request.user).order_by("-created_at", "-pk")

    def get_throttles(self):
        return super().get_throttles() if self.action == "create" else []

    @extend_schema(
        summary="Push a shop's stock",
        description=(
            "Send `code ; quantity` lines as JSON (`lines`) or as a file (multipart `file`), with a `mode`: "
            "`snapshot` is the shop's full stock (offers whose code is absent go to 0), `delta` adds quantities "
            "(negative ones are removed). Codes are matched against the shop's offers by EAN/GTIN, then supplier "
            "reference, then model code. Unknown codes are ignored and reported; negative (snapshot), non-whole "
            "or too large quantities are refused and reported; the other lines apply together. The stock never "
            "goes below the units allocated to orders (reported). The feed runs in the background: follow `url`.\n\n"
            "Authenticate with the shop's own key (`Authorization: Bearer pvs_…`, created by its staff in the "
            "admin) or with a staff user's token, then giving the `shop`."
        ),
        request={"application/json": StockFeedPushSerializer, "multipart/form-data": StockFeedUploadSerializer},
        examples=[
            OpenApiExample(
                "Full stock",
                value={
                    "mode": "snapshot",
                    "lines": [{"code": "3760123456789", "quantity": 4}, {"code": "DERBY-42-NOIR", "quantity": 0}],
                },
                request_only=True,
                media_type="application/json",
            ),
            OpenApiExample(
                "Sales since the last push",
                value={"mode": "delta", "lines": [{"code": "3760123456789", "quantity": -1}]},
                request_only=True,
                media_type="application/json",
            ),
            OpenApiExample(
                "Queued",
                value={"id": 812, "status": "queued", "url": "https://pivot.example.org/api/v1/stock-feeds/812/"},
                response_only=True,
                status_codes=["202"],
            ),
        ],
        responses={
            202: StockFeedAcceptedSerializer,
            400: BAD_BODY,
            **error_responses(401, 403, 404),
            429: OpenApiResponse(description="Too many pushes for this key: wait and send again."),
        },
    )
    def create(self, request, *args, **kwargs):
        upload = request.FILES.get("file")
        body = (StockFeedUploadSerializer if upload is not None else StockFeedPushSerializer)(data=request.data)
        if not body.is_valid():
            raise _bad_body(body.errors)
        data = body.validated_data
        shop = self._shop(request, data.get("shop"))
        if upload is not None:
            content, name = upload.read(), upload.name
        else:
            content, name = lines_to_csv(data["lines"]), ""
        actor = None if isinstance(request.user, ShopKey) else request.user
        token = request.user.token if isinstance(request.user, ShopKey) else None
        job = stock_feed_submit(shop=shop, mode=data["mode"], data=content, name=name, actor=actor, token=token)
        url = _job_url(request, job)
        return Response(
            {"id": job.pk, "status": job.status, "url": url}, status=status.HTTP_202_ACCEPTED, headers={"Location": url}
        )

    def _shop(self, request, shop_id):
        """The shop fed: a key's own; for staff, the ``shop`` given, which must be one of their organisations'."""
        if isinstance(request.user, ShopKey):
            if shop_id is not None and shop_id != request.user.shop.pk:
                raise PermissionDenied(_("This key feeds another shop."))
            return request.user.shop
        if shop_id is None:
            raise DomainError(_("Give the shop whose stock this is."), code="shop_required", field="shop")
        shop = get_object_or_404(Shop.objects.select_related("organisation"), pk=shop_id)
        if not may_bulk_import(request.user, organisation=shop.organisation):
            raise PermissionDenied(_("Only the staff of the shop's organisation can send its stock."))
        return shop


def _bad_body(errors) -> DomainError:
    """The body's first problem as ``{"code", "detail", "field"}``, with ``line`` (from 1) for a bad JSON line."""
    field, value = next(iter(errors.items()))
    path, message = _first_error(value)
    details = {}
    if field == "lines" and path and isinstance(path[0], int):
        details["line"] = path[0] + 1
        text = f"{path[1]}: {message}" if len(path) > 1 else str(message)
        message_text = _("Line %(number)s of “lines”: %(error)s") % {"number": path[0] + 1, "error": text}
    else:
        message_text = str(message)
    code = "invalid"
    if field == "lines" and getattr(message, "code", "") == "max_length":
        code = "too_many_lines"
        message_text = _("At most %(max)s lines per push: split the stock into several “delta” pushes.") % {
            "max": f"{MAX_JSON_LINES:,}".replace(",", "\u202f")
        }
    return DomainError(message_text, code=code, field=field, **details)


def _first_error(value, path=()):
    """(path of keys, first error) in DRF's nested errors: lists of messages, dicts by field or line index."""
    if isinstance(value, dict):
        for key, inner in value.items():
            return _first_error(inner, path if key == "non_field_errors" else (*path, key))
    if isinstance(value, list):
        for inner in value:
            if inner:
                return _first_error(inner, path)
    return list(path), value
