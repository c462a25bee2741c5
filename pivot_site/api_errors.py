"""Translate domain and model validation errors into API responses: 400 for bad input, 409 for refusals."""

from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import DomainError

CONFLICT_CODES = {"insufficient_stock"}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        code = status.HTTP_409_CONFLICT if exc.code in CONFLICT_CODES else status.HTTP_400_BAD_REQUEST
        return Response(exc.as_dict(), status=code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"code": "invalid", "detail": errors}, status=status.HTTP_400_BAD_REQUEST)
    return drf_exception_handler(exc, context)
