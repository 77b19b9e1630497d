"""One exception handler: every API error becomes RFC 9457 problem+json in the request's language."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from core.errors import DomainError, InvalidInput
from core.problems import PROBLEM_CONTENT_TYPE, TITLES, problem


def problem_response(status_code: int, detail: str, **kwargs: Any) -> Response:
    headers = kwargs.pop("headers", None)
    return Response(
        problem(status_code, detail, **kwargs), status=status_code, content_type=PROBLEM_CONTENT_TYPE, headers=headers
    )


def _flatten(detail: Any) -> Any:
    """DRF ErrorDetail trees → plain strings, lists and dicts."""
    if isinstance(detail, dict):
        return {str(k): _flatten(v) for k, v in detail.items()}
    if isinstance(detail, list):
        return [_flatten(v) for v in detail]
    return str(detail)


def problem_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, InvalidInput):
        errors = {field: [str(m) for m in messages] for field, messages in exc.errors.items()}
        return problem_response(400, str(exc.detail), code=exc.code, errors=errors)
    if isinstance(exc, DomainError):
        return problem_response(exc.status, str(exc.detail), code=exc.code, title=str(exc.title))
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, (OperationalError, InterfaceError)):
        return problem_response(503, TITLES[503](), code="unavailable", headers={"Retry-After": "5"})

    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        if not isinstance(errors, dict):
            errors = {"non_field_errors": errors if isinstance(errors, list) else [errors]}
        messages = [m for v in errors.values() for m in (v if isinstance(v, list) else [v]) if isinstance(m, str)]
        detail = messages[0] if len(messages) == 1 else _("Please correct the errors below.")
        return problem_response(400, detail, code="invalid", errors=errors)

    response = exception_handler(exc, context)
    if response is None:
        if isinstance(exc, DatabaseError):
            return problem_response(503, TITLES[503](), code="unavailable", headers={"Retry-After": "5"})
        return None
    code = getattr(exc, "default_code", "") if isinstance(exc, exceptions.APIException) else ""
    raw_detail = response.data.get("detail") if isinstance(response.data, dict) else None
    body = problem(response.status_code, str(raw_detail or TITLES.get(response.status_code, lambda: "")()), code=code)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response
