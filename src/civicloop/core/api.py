"""API plumbing shared by every app: errors as JSON with field-level messages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError


def exception_handler(exc, context):
    """DRF's handler, plus domain errors and Django validation errors.

    Shape: ``{"detail": "...", "code": "...", "errors": {"field": ["..."]}}``.
    """
    if isinstance(exc, DomainError):
        body = {"detail": str(exc.message), "code": exc.code}
        if exc.field:
            body["errors"] = {exc.field: [str(exc.message)]}
        return Response(body, status=exc.status_code)
    if isinstance(exc, DjangoValidationError):
        errors = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response({"detail": "; ".join(str(m) for ms in errors.values() for m in ms),
                         "code": "invalid", "errors": errors}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        first = next(iter(errors.values()), [""])
        message = first[0] if isinstance(first, list) and first else str(first)
        response.data = {"detail": str(message), "code": "invalid", "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        response.data = {"detail": str(data["detail"]),
                         "code": getattr(data["detail"], "code", "error")}
    return response
