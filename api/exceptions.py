"""One exception handler: every API error becomes RFC 9457 problem+json in the request's language."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from marketplace.errors import DomainError, InvalidInput

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_BASE = "https://kredslob.dk/problems/"

_TITLES = {
    400: lambda: _("Invalid input."),
    401: lambda: _("Authentication required."),
    403: lambda: _("You are not allowed to do that."),
    404: lambda: _("Not found."),
    405: lambda: _("Method not allowed."),
    406: lambda: _("Not acceptable."),
    409: lambda: _("The request conflicts with the current state."),
    413: lambda: _("The upload is too large."),
    415: lambda: _("Unsupported media type."),
    429: lambda: _("Too many requests."),
    503: lambda: _("The service is temporarily unavailable. Please try again shortly."),
}


def problem(status_code: int, detail: str, *, code: str = "", errors: Any = None, title: str = "") -> dict[str, Any]:
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + code if code else "about:blank",
        "title": title or _TITLES.get(status_code, lambda: _("Error."))(),
        "status": status_code,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = errors
    return body


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
        return problem_response(503, _TITLES[503](), code="unavailable", headers={"Retry-After": "5"})

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
            return problem_response(503, _TITLES[503](), code="unavailable", headers={"Retry-After": "5"})
        return None
    code = getattr(exc, "default_code", "") if isinstance(exc, exceptions.APIException) else ""
    raw_detail = response.data.get("detail") if isinstance(response.data, dict) else None
    body = problem(response.status_code, str(raw_detail or _TITLES.get(response.status_code, lambda: "")()), code=code)
    response.data = body
    response.content_type = PROBLEM_CONTENT_TYPE
    response["Content-Type"] = PROBLEM_CONTENT_TYPE
    return response


def _json_problem(status_code: int, detail: str, code: str) -> JsonResponse:
    return JsonResponse(problem(status_code, detail, code=code), status=status_code, content_type=PROBLEM_CONTENT_TYPE)


def api_not_found(request: HttpRequest, exception: Exception | None = None) -> JsonResponse:
    return _json_problem(status.HTTP_404_NOT_FOUND, _("Not found."), "not_found")


def api_server_error(request: HttpRequest) -> JsonResponse:
    return _json_problem(500, _("Something went wrong on our side. Please try again."), "server_error")
