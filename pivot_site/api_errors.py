"""Translate domain and model validation errors into API responses: 400 for bad input, 409 for refusals.

Also describes the error bodies in the OpenAPI schema, so that clients (and fuzzers) know every answer.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import parsers, serializers, status
from rest_framework.exceptions import ParseError
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import DomainError

CONFLICT_CODES = {"insufficient_stock"}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        conflict = getattr(exc, "conflict", False) or exc.code in CONFLICT_CODES
        code = status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST
        return Response(exc.as_dict(), status=code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"code": "invalid", "detail": errors}, status=status.HTTP_400_BAD_REQUEST)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and set(response.data) == {"detail"}:
        # Refusals say what happened in a code a client can test (not_authenticated, authentication_failed,
        # permission_denied, not_found, throttled...), besides the message in the user's language.
        codes = exc.get_codes() if hasattr(exc, "get_codes") else None
        if isinstance(codes, str):
            response.data["code"] = codes
    return response


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser, except that a body nested thousands of levels deep is a 400, not a RecursionError (500)."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - the body is nested too deeply."))


# What DRF answers for refused or missing things: {"detail": "...", "code": "..."}.
DETAIL_ERROR = inline_serializer(
    "ErrorDetail", fields={"detail": serializers.CharField(), "code": serializers.CharField(required=False)}
)

# What DRF answers for invalid input: each parameter or field with its messages.
VALIDATION_ERROR = {
    "type": "object",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"near": ["Give a position as latitude,longitude, e.g. 48.8566,2.3522."]},
}

_ERROR_RESPONSES = {
    400: OpenApiResponse(VALIDATION_ERROR, description=_("Invalid parameters, with a message for each.")),
    401: OpenApiResponse(DETAIL_ERROR, description=_("Authentication is required.")),
    403: OpenApiResponse(DETAIL_ERROR, description=_("Not allowed for this user.")),
    404: OpenApiResponse(DETAIL_ERROR, description=_("Not found, or not visible to this user.")),
}


def error_responses(*codes: int) -> dict:
    """OpenAPI responses for the given error status codes, to merge into ``extend_schema(responses=...)``."""
    return {code: _ERROR_RESPONSES[code] for code in codes}
